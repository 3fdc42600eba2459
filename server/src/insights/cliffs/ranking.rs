//! Ranking the cliffs: attempts grouped per challenge and team, their stuck windows summed
//! into cliffs, evidence attached, then sorted by the score the module `cliffs` documents.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;

use crate::insights::{
    InsightScope,
    data::{Attempt, EventData},
    survey, trust,
};

use super::{
    Cliff, CliffFilter, CliffsReport, Evidence,
    playbook::SignalKind,
    windows::{Window, windows},
};

type Key = (usize, Option<String>);

fn median(values: &mut [i64]) -> i64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Judged attempts per (challenge index, team) in time order, and validator errors per
/// challenge.
struct Groups<'a> {
    groups: BTreeMap<(usize, &'a str), Vec<&'a Attempt>>,
    validator_errors: HashMap<usize, u32>,
}

/// Groups the attempts on the challenges of `challenge_index` by the teams `keep` takes.
fn group<'a>(
    data: &'a EventData,
    challenge_index: &HashMap<&str, usize>,
    keep: impl Fn(&str) -> bool,
) -> Groups<'a> {
    let mut groups: BTreeMap<(usize, &str), Vec<&Attempt>> = BTreeMap::new();
    let mut validator_errors: HashMap<usize, u32> = HashMap::new();
    for attempt in &data.attempts {
        let Some(&ci) = challenge_index.get(attempt.challenge_id.as_str()) else {
            continue;
        };
        if !keep(attempt.team_id.as_str()) {
            continue;
        }
        if attempt.error_kind.is_some() {
            *validator_errors.entry(ci).or_default() += 1;
        } else {
            groups
                .entry((ci, attempt.team_id.as_str()))
                .or_default()
                .push(attempt);
        }
    }
    Groups {
        groups,
        validator_errors,
    }
}

/// The seconds each team lost on each challenge in `scope` (keyed by challenge slug and team
/// id): the sum of its stuck windows there, so that summing it over an organization's teams
/// gives what the report filtered to that organization (and to no tag) sums over the
/// challenge's cliffs, without ranking the cliffs once per organization.
pub fn lost_by_team<'a>(
    data: &'a EventData,
    scope: &InsightScope,
    now: NaiveDateTime,
) -> HashMap<(&'a str, &'a str), i64> {
    let end = data.event.ends_at.min(now);
    let challenge_index: HashMap<&str, usize> = data
        .challenges
        .iter()
        .enumerate()
        .filter(|(_, c)| scope.includes(&c.id))
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let known: HashSet<&str> = data.teams.iter().map(|t| t.id.as_str()).collect();
    group(data, &challenge_index, |team| known.contains(team))
        .groups
        .into_iter()
        .map(|((ci, team), attempts)| {
            let lost = windows(&attempts, end).values().map(Window::seconds).sum();
            ((data.challenges[ci].slug.as_str(), team), lost)
        })
        .collect()
}

/// Computes the report over `data` at time `now`.
pub fn report(
    data: &EventData,
    scope: &InsightScope,
    filter: &CliffFilter,
    now: NaiveDateTime,
) -> CliffsReport {
    let end = data.event.ends_at.min(now);
    let organization = filter.organization.as_deref().map(str::to_lowercase);
    let teams: HashMap<&str, (&str, &str)> = data
        .teams
        .iter()
        .filter(|t| {
            organization
                .as_deref()
                .is_none_or(|o| t.organization.to_lowercase() == o || t.organization_id == o)
        })
        .map(|t| (t.id.as_str(), (t.name.as_str(), t.organization.as_str())))
        .collect();
    let challenge_index: HashMap<&str, usize> = data
        .challenges
        .iter()
        .enumerate()
        .filter(|(_, c)| scope.includes(&c.id))
        .filter(|(_, c)| filter.challenge.as_deref().is_none_or(|s| c.slug == s))
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();

    let Groups {
        groups,
        validator_errors,
    } = group(data, &challenge_index, |team| teams.contains_key(team));
    let mut teams_total: HashMap<usize, u32> = HashMap::new();
    let mut per_cliff: BTreeMap<Key, Vec<(&str, Window)>> = BTreeMap::new();
    for ((ci, team), attempts) in &groups {
        *teams_total.entry(*ci).or_default() += 1;
        for (check, window) in windows(attempts, end) {
            per_cliff
                .entry((*ci, check))
                .or_default()
                .push((team, window));
        }
    }
    // Where each team lost the most on each challenge: notes and feedback go there.
    let mut worst: HashMap<(usize, &str), (i64, Key)> = HashMap::new();
    for (key, entries) in &per_cliff {
        for (team, window) in entries {
            let seconds = window.seconds();
            let slot = worst.entry((key.0, team)).or_insert((-1, key.clone()));
            if seconds > slot.0 {
                *slot = (seconds, key.clone());
            }
        }
    }
    let mut evidence: HashMap<Key, Vec<Evidence>> = HashMap::new();
    let mut help_counts: HashMap<Key, u32> = HashMap::new();
    let mut tagged: HashSet<Key> = HashSet::new();
    let team_of = |id: &str| teams.get(id).copied();
    let item = |kind: &str, text: String, team: (&str, &str), at: NaiveDateTime| Evidence {
        kind: kind.to_owned(),
        text,
        team: team.0.to_owned(),
        organization: team.1.to_owned(),
        at: at.and_utc(),
        author: None,
    };
    // The name of an author who let the report print it; nobody else's.
    let named = |user_id: &str| data.named.get(user_id).cloned();
    for call in &data.help_calls {
        let Some(team) = team_of(&call.team_id) else {
            continue;
        };
        let containing = per_cliff
            .iter()
            .filter_map(|(key, entries)| {
                entries
                    .iter()
                    .find(|(t, w)| {
                        *t == call.team_id && w.start <= call.raised_at && call.raised_at < w.end
                    })
                    .map(|(_, w)| (w.seconds(), key))
            })
            .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
        if let Some((_, key)) = containing {
            *help_counts.entry(key.clone()).or_default() += 1;
            evidence.entry(key.clone()).or_default().push(item(
                "help_call",
                call.context.clone(),
                team,
                call.raised_at,
            ));
        }
    }
    let tag = filter.tag.as_deref().map(str::to_lowercase);
    for note in &data.notes {
        let (Some(team), Some(&ci)) = (
            team_of(&note.team_id),
            challenge_index.get(note.challenge_id.as_str()),
        ) else {
            continue;
        };
        if let Some((_, key)) = worst.get(&(ci, note.team_id.as_str())) {
            if tag
                .as_deref()
                .is_some_and(|t| note.tag_list().iter().any(|n| n == t))
            {
                tagged.insert(key.clone());
            }
            let tags = note.tag_list();
            let text = if tags.is_empty() {
                note.text.clone()
            } else {
                format!("{} [{}]", note.text, tags.join(", "))
            };
            evidence.entry(key.clone()).or_default().push(Evidence {
                author: named(&note.author_id),
                ..item("coach_note", text, team, note.created_at)
            });
        }
    }
    for feedback in &data.feedback {
        let (Some(team), Some(&ci)) = (
            team_of(&feedback.team_id),
            challenge_index.get(feedback.challenge_id.as_str()),
        ) else {
            continue;
        };
        if let Some((_, key)) = worst.get(&(ci, feedback.team_id.as_str())) {
            evidence.entry(key.clone()).or_default().push(Evidence {
                author: named(&feedback.user_id),
                ..item(
                    "feedback",
                    format!("difficulty {}/5: {}", feedback.difficulty, feedback.text),
                    team,
                    feedback.created_at,
                )
            });
        }
    }

    // The playbook's signals, each to the cliff where its team lost the most on its challenge.
    let mut signals: HashMap<Key, Vec<SignalKind>> = HashMap::new();
    // Teams skipped past a challenge they never failed an attempt on, by the cliff their skip
    // went to.
    let mut skipped_only: HashMap<Key, HashSet<&str>> = HashMap::new();
    for signal in &data.playbook {
        let (Some(team), Some(&ci)) = (
            team_of(&signal.team_id),
            challenge_index.get(signal.challenge_id.as_str()),
        ) else {
            continue;
        };
        let key = match worst.get(&(ci, signal.team_id.as_str())) {
            Some((_, key)) => key.clone(),
            // A team opened past a challenge it never failed an attempt on (it read, tried
            // locally, asked a coach): no window measured it, yet a coach saw it stuck there.
            // The skip goes to the challenge's `check: null` cliff, made for it if needed.
            None if signal.kind == SignalKind::Skip => {
                let key: Key = (ci, None);
                per_cliff.entry(key.clone()).or_default();
                skipped_only
                    .entry(key.clone())
                    .or_default()
                    .insert(signal.team_id.as_str());
                key
            }
            None => continue,
        };
        signals.entry(key.clone()).or_default().push(signal.kind);
        evidence.entry(key).or_default().push(item(
            signal.kind.name(),
            signal.text.clone(),
            team,
            signal.at,
        ));
    }

    let mut cliffs: Vec<Cliff> = per_cliff
        .into_iter()
        .filter(|(key, _)| tag.is_none() || tagged.contains(key))
        .map(|(key, entries)| {
            let mut stuck: Vec<i64> = entries.iter().map(|(_, w)| w.seconds()).collect();
            let lost_seconds: i64 = stuck.iter().sum();
            let seen = signals.remove(&key).unwrap_or_default();
            let of =
                |wanted: fn(&SignalKind) -> bool| count(seen.iter().filter(|k| wanted(k)).count());
            let score = lost_seconds + seen.iter().map(|k| k.weight()).sum::<i64>();
            let skipped = skipped_only.remove(&key).unwrap_or_default();
            let organizations: HashSet<&str> = entries
                .iter()
                .map(|(t, _)| *t)
                .chain(skipped.iter().copied())
                .filter_map(|t| team_of(t).map(|t| t.1))
                .collect();
            let mut items: Vec<Evidence> = entries
                .iter()
                .filter_map(|(t, w)| {
                    team_of(t)
                        .map(|team| item("failing_check", w.first_message.clone(), team, w.start))
                })
                .collect();
            items.extend(evidence.remove(&key).unwrap_or_default());
            items.sort_by(|a, b| {
                (a.at, &a.kind, &a.team, &a.text).cmp(&(b.at, &b.kind, &b.team, &b.text))
            });
            let ci = key.0;
            Cliff {
                rank: 0,
                challenge: data.challenges[ci].slug.clone(),
                score,
                lost_seconds,
                teams_affected: count(entries.len() + skipped.len()),
                teams_total: teams_total.get(&ci).copied().unwrap_or(0),
                median_stuck_seconds: median(&mut stuck),
                failed_attempts: entries.iter().map(|(_, w)| w.failed_attempts).sum(),
                help_calls: help_counts.get(&key).copied().unwrap_or(0),
                hints: of(|k| *k == SignalKind::Hint),
                questions: of(|k| matches!(k, SignalKind::Question { .. })),
                questions_to_everyone: of(|k| *k == SignalKind::Question { to_everyone: true }),
                nudges: of(|k| *k == SignalKind::Nudge),
                sign_offs_rejected: of(|k| *k == SignalKind::SignOffRejected),
                skips: of(|k| *k == SignalKind::Skip),
                validator_errors: validator_errors.get(&ci).copied().unwrap_or(0),
                organizations_affected: count(organizations.len()),
                evidence: items,
                check: key.1,
            }
        })
        .collect();
    let position: HashMap<&str, i32> = data
        .challenges
        .iter()
        .map(|c| (c.slug.as_str(), c.position))
        .collect();
    cliffs.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.lost_seconds.cmp(&a.lost_seconds))
            .then(b.failed_attempts.cmp(&a.failed_attempts))
            .then(b.help_calls.cmp(&a.help_calls))
            .then(
                position
                    .get(a.challenge.as_str())
                    .cmp(&position.get(b.challenge.as_str())),
            )
            .then(a.check.cmp(&b.check))
    });
    for (i, cliff) in cliffs.iter_mut().enumerate() {
        cliff.rank = count(i + 1);
    }
    let survey = data.survey.as_ref().and_then(|s| {
        // The organization filter as a name (it may name an organization by id).
        let organization = filter.organization.as_deref().map(|o| {
            data.teams
                .iter()
                .find(|t| t.organization_id == o)
                .map_or(o, |t| t.organization.as_str())
        });
        if organization.is_none() {
            attach_survey_evidence(&mut cliffs, data, s);
        }
        survey::summarize(s, organization)
    });
    CliffsReport {
        generated_at: now.and_utc(),
        event: data.event.slug.clone(),
        cliffs,
        organizations: trust::organizations(
            data,
            data.teams
                .iter()
                .filter(|t| teams.contains_key(t.id.as_str())),
        ),
        survey,
    }
}

/// Each survey answer naming the hardest challenge adds its "why" as `survey` evidence to
/// that challenge's worst cliff (none when nobody was stuck on it). Answers carry no team
/// and no time: the evidence names no team, and is dated when the survey opened.
fn attach_survey_evidence(cliffs: &mut [Cliff], data: &EventData, s: &survey::SurveyData) {
    for (title, why, organization) in survey::why_evidence(s) {
        let Some(challenge) = data.challenges.iter().find(|c| c.title == title) else {
            continue;
        };
        if let Some(cliff) = cliffs.iter_mut().find(|c| c.challenge == challenge.slug) {
            cliff.evidence.push(Evidence {
                kind: "survey".to_owned(),
                text: why,
                team: String::new(),
                organization,
                at: s.opens_at.and_utc(),
                author: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians_of_even_and_odd_counts() {
        assert_eq!(median(&mut []), 0);
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
    }
}
