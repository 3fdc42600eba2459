//! The cliffs report: where customers lost time, ranked.
//!
//! A **cliff** is a challenge and one of its checks (`check: null` stands for failures the
//! validator gave without any failing check). For each team that attempted the challenge
//! (within the filters), "stuck" is measured from submission times:
//! - on a check: from the team's first attempt where that check failed to its first later
//!   attempt where the check passed (or the challenge passed) — or, if that never happened,
//!   to the event's end (now, while the event runs);
//! - on `check: null`: from the first failed attempt with no failing check to the first later
//!   attempt that was not such a failure, or to the event's end.
//!
//! Validator errors are not attempts; they are counted apart. A team is **affected** by a
//! cliff when it was stuck there at all. The score (also in the README):
//!
//! ```text
//! lost_seconds = Σ over affected teams of stuck_seconds
//! ```
//!
//! i.e. time stuck × teams affected; cliffs rank by `lost_seconds` (more first), then
//! `failed_attempts` (more first), then `help_calls` (more first), then ladder position and
//! check name. Evidence is attached as follows: per affected team, the check's message from
//! its first failing attempt; each help call to the cliff whose stuck window of that team
//! contains the call (the team's longest if several); each coach note and feedback to the cliff
//! of that challenge where that team lost the most time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::insights::{
    InsightScope,
    data::{Attempt, EventData},
};

/// Filters of the report.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct CliffFilter {
    /// Only teams of this organization (name, case-insensitive, or id).
    pub organization: Option<String>,
    /// Only this challenge (slug).
    pub challenge: Option<String>,
    /// Only cliffs with a coach note carrying this tag.
    pub tag: Option<String>,
}

/// The report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CliffsReport {
    /// When it was computed (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// The event's slug.
    pub event: String,
    /// Ranked, worst first.
    pub cliffs: Vec<Cliff>,
}

/// One cliff.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Cliff {
    /// 1 for the worst.
    pub rank: u32,
    /// Challenge slug.
    pub challenge: String,
    /// The failing check; `null` for failures without a failing check.
    pub check: Option<String>,
    /// The score: Σ stuck seconds over affected teams.
    pub lost_seconds: i64,
    /// Teams stuck here.
    pub teams_affected: u32,
    /// Teams (within the filters) that attempted the challenge.
    pub teams_total: u32,
    /// Median stuck time of the affected teams.
    pub median_stuck_seconds: i64,
    /// Attempts where this check failed (or, for `null`, failures without a failing check).
    pub failed_attempts: u32,
    /// Help calls raised while a team was stuck here.
    pub help_calls: u32,
    /// Validator errors on the challenge (on the `null` cliff and on every check cliff alike).
    pub validator_errors: u32,
    /// Distinct organizations of the affected teams.
    pub organizations_affected: u32,
    /// What shows the cliff, oldest first.
    pub evidence: Vec<Evidence>,
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// `failing_check`, `coach_note`, `feedback` or `help_call`.
    pub kind: String,
    /// The check's message, the note, the feedback line (with its difficulty) or the help
    /// call's context.
    pub text: String,
    /// Team name.
    pub team: String,
    /// The team's organization.
    pub organization: String,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One team's stuck window on one cliff.
#[derive(Debug, Clone)]
struct Window {
    start: NaiveDateTime,
    end: NaiveDateTime,
    failed_attempts: u32,
    first_message: String,
}

impl Window {
    fn seconds(&self) -> i64 {
        (self.end - self.start).num_seconds().max(0)
    }
}

type Key = (usize, Option<String>);

/// The windows of one team on one challenge, from its attempts in time order.
fn windows(attempts: &[&Attempt], end: NaiveDateTime) -> BTreeMap<Option<String>, Window> {
    let mut done: BTreeMap<Option<String>, Window> = BTreeMap::new();
    let mut open: BTreeMap<Option<String>, Window> = BTreeMap::new();
    for attempt in attempts {
        let failing: Vec<_> = attempt.checks.iter().filter(|c| !c.passed).collect();
        let mut failed_keys: Vec<(Option<String>, &str)> = failing
            .iter()
            .map(|c| (Some(c.name.clone()), c.message.as_str()))
            .collect();
        if !attempt.passed && failing.is_empty() {
            failed_keys.push((None, attempt.feedback.as_str()));
        }
        // Close open windows this attempt resolves.
        let resolved: Vec<Option<String>> = open
            .keys()
            .filter(|key| {
                attempt.passed
                    || match key {
                        Some(name) => attempt.checks.iter().any(|c| &c.name == name && c.passed),
                        None => !failing.is_empty(),
                    }
            })
            .cloned()
            .collect();
        for key in resolved {
            if let Some(mut window) = open.remove(&key) {
                window.end = attempt.at;
                done.insert(key, window);
            }
        }
        if attempt.passed {
            break;
        }
        for (key, message) in failed_keys {
            if let Some(window) = open.get_mut(&key) {
                window.failed_attempts += 1;
            } else if let Some(window) = done.get_mut(&key) {
                // Failing again after it once passed: counted, not re-timed (first → first).
                window.failed_attempts += 1;
            } else {
                open.insert(
                    key,
                    Window {
                        start: attempt.at,
                        end: attempt.at,
                        failed_attempts: 1,
                        first_message: message.to_owned(),
                    },
                );
            }
        }
    }
    for (key, mut window) in open {
        window.end = end.max(window.start);
        done.insert(key, window);
    }
    done
}

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

    // Attempts per (challenge, team), and validator errors per challenge.
    let mut groups: BTreeMap<(usize, &str), Vec<&Attempt>> = BTreeMap::new();
    let mut validator_errors: HashMap<usize, u32> = HashMap::new();
    for attempt in &data.attempts {
        let Some(&ci) = challenge_index.get(attempt.challenge_id.as_str()) else {
            continue;
        };
        if !teams.contains_key(attempt.team_id.as_str()) {
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
    };
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
            evidence.entry(key.clone()).or_default().push(item(
                "coach_note",
                text,
                team,
                note.created_at,
            ));
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
            evidence.entry(key.clone()).or_default().push(item(
                "feedback",
                format!("difficulty {}/5: {}", feedback.difficulty, feedback.text),
                team,
                feedback.created_at,
            ));
        }
    }

    let mut cliffs: Vec<Cliff> = per_cliff
        .into_iter()
        .filter(|(key, _)| tag.is_none() || tagged.contains(key))
        .map(|(key, entries)| {
            let mut stuck: Vec<i64> = entries.iter().map(|(_, w)| w.seconds()).collect();
            let lost_seconds = stuck.iter().sum();
            let organizations: HashSet<&str> = entries
                .iter()
                .filter_map(|(t, _)| team_of(t).map(|t| t.1))
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
                lost_seconds,
                teams_affected: count(entries.len()),
                teams_total: teams_total.get(&ci).copied().unwrap_or(0),
                median_stuck_seconds: median(&mut stuck),
                failed_attempts: entries.iter().map(|(_, w)| w.failed_attempts).sum(),
                help_calls: help_counts.get(&key).copied().unwrap_or(0),
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
        b.lost_seconds
            .cmp(&a.lost_seconds)
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
    CliffsReport {
        generated_at: now.and_utc(),
        event: data.event.slug.clone(),
        cliffs,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDateTime, TimeDelta};

    use super::*;
    use crate::insights::data::CheckResult;

    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDateTime::default() + TimeDelta::minutes(minutes)
    }

    fn attempt(minute: i64, checks: &[(&str, bool)], passed: bool) -> Attempt {
        Attempt {
            team_id: "t".into(),
            challenge_id: "c".into(),
            at: at(minute),
            passed,
            feedback: "nope".into(),
            checks: checks
                .iter()
                .map(|(name, ok)| CheckResult {
                    name: (*name).into(),
                    passed: *ok,
                    message: format!("{name} says {ok}"),
                })
                .collect(),
            error_kind: None,
        }
    }

    #[test]
    fn a_check_is_stuck_from_its_first_failure_to_its_first_pass() {
        let list = [
            attempt(0, &[("a", false), ("b", true)], false),
            attempt(10, &[("a", false), ("b", false)], false),
            attempt(30, &[("a", true), ("b", false)], false),
            attempt(50, &[("a", false), ("b", false)], false),
            attempt(70, &[("a", true), ("b", true)], true),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        let windows = windows(&refs, at(1000));
        let a = &windows[&Some("a".to_owned())];
        assert_eq!((a.start, a.end, a.failed_attempts), (at(0), at(30), 3));
        assert_eq!(a.first_message, "a says false");
        let b = &windows[&Some("b".to_owned())];
        assert_eq!((b.start, b.end, b.failed_attempts), (at(10), at(70), 3));
        assert!(!windows.contains_key(&None));
    }

    #[test]
    fn unresolved_cliffs_run_to_the_end_and_unexplained_failures_count_apart() {
        let list = [
            attempt(0, &[], false),
            attempt(5, &[("a", false)], false),
            attempt(9, &[("a", false)], false),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        let windows = windows(&refs, at(100));
        let none = &windows[&None];
        assert_eq!((none.start, none.end, none.seconds()), (at(0), at(5), 300));
        assert_eq!(none.first_message, "nope");
        let a = &windows[&Some("a".to_owned())];
        assert_eq!((a.start, a.end, a.failed_attempts), (at(5), at(100), 2));
    }

    #[test]
    fn attempts_after_the_pass_change_nothing() {
        let list = [
            attempt(0, &[("a", true)], true),
            attempt(5, &[("a", false)], false),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        assert!(windows(&refs, at(100)).is_empty());
    }

    #[test]
    fn medians_of_even_and_odd_counts() {
        assert_eq!(median(&mut []), 0);
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
    }
}
