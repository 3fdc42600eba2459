//! The event's report: the brief an organizer forwards to the vendor's product teams, read
//! top to bottom — the event in numbers, the ladder funnel, where the time went, the cliffs
//! with their evidence, the organizations × challenges, and the event over time.
//!
//! This is the one function the report page and the report file (`Accept: text/html` on the
//! insights API) call. It computes nothing the other reports compute differently: the cliffs
//! come from [`super::cliffs::report`] (per organization too, so the heatmap's lost time is
//! the cliffs report's own figure), the race from [`crate::scoring::race`] (the board's
//! ranking rule), and the data from [`super::data::EventData`].
//!
//! Definitions the pictures rest on:
//! - a team **reached** a challenge when it opened it, attempted it, passed the rung before
//!   it, or it is the first rung; it **attempted** it with a judged attempt (validator errors
//!   are not attempts); it got **partial** credit with an attempt scoring above 0 or a pass;
//! - the **time a team spent** on a challenge runs from the moment it reached it (its first
//!   opening, else its pass of the rung before, else the event's start — never later than its
//!   first attempt) to its first pass, or, if it never passed, to its last attempt (when it
//!   stopped);
//! - the **time window** (`from`, `until`) keeps what happened inside it: attempts, notes,
//!   feedback, help calls, the playbook's signals; stuck time is measured up to `until`.
//!
//! Who sees what, as for every insight: organizers all of it; an author the parts about the
//! challenges they published (no race: it adds up every challenge); anyone else 404.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    db::DbConnection,
    error::{Error, Result},
    insights::{
        CliffFilter, CliffsReport, InsightScope, cliffs,
        data::{Attempt, EventData, Scoped},
        scope_as,
        trust::{self, Trust},
    },
    models::{event::Event, team::Team, user::User},
    scoring::{self, race::RaceLine},
};

/// The report's filters, carried in the URL so that a filtered view can be shared.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ReportFilter {
    /// Only teams of this organization (name, case-insensitive, or id).
    pub organization: Option<String>,
    /// Only this challenge (slug).
    pub challenge: Option<String>,
    /// Only cliffs with a coach note carrying this tag.
    pub tag: Option<String>,
    /// Only what happened from this moment on (UTC; RFC 3339 or `YYYY-MM-DDTHH:MM`). A bad
    /// value is refused with 400 `invalid_time_window`.
    pub from: Option<String>,
    /// Only what happened before this moment (UTC; RFC 3339 or `YYYY-MM-DDTHH:MM`); after
    /// `from` when both are set.
    pub until: Option<String>,
}

/// A time window, parsed and checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Inclusive start.
    pub from: Option<NaiveDateTime>,
    /// Exclusive end.
    pub until: Option<NaiveDateTime>,
}

impl Window {
    /// Whether `at` is inside the window.
    pub fn contains(&self, at: NaiveDateTime) -> bool {
        self.from.is_none_or(|f| at >= f) && self.until.is_none_or(|u| at < u)
    }
}

fn parse_moment(name: &str, value: &str) -> Result<NaiveDateTime> {
    let value = value.trim();
    let parsed = chrono::DateTime::parse_from_rfc3339(value)
        .map(|t| t.naive_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M"))
        .or_else(|_| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
        });
    parsed.map_err(|_| {
        Error::bad_request(
            "invalid_time_window",
            format!("`{name}` must be a UTC time such as 2026-05-04T09:30 (RFC 3339 or YYYY-MM-DDTHH:MM)"),
        )
    })
}

/// A filter's value, unless it is missing or blank (an empty form field).
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

impl ReportFilter {
    /// The time window, or 400 `invalid_time_window`.
    pub fn window(&self) -> Result<Window> {
        let from = present(&self.from)
            .map(|v| parse_moment("from", v))
            .transpose()?;
        let until = present(&self.until)
            .map(|v| parse_moment("until", v))
            .transpose()?;
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            return Err(Error::bad_request(
                "invalid_time_window",
                "`until` must be after `from`",
            ));
        }
        Ok(Window { from, until })
    }

    /// The cliffs report's part of the filters.
    pub fn cliffs(&self) -> CliffFilter {
        let owned = |v: &Option<String>| present(v).map(str::to_owned);
        CliffFilter {
            organization: owned(&self.organization),
            challenge: owned(&self.challenge),
            tag: owned(&self.tag),
        }
    }
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The event.
    pub event: Event,
    /// When it was computed.
    pub generated_at: NaiveDateTime,
    /// The filters as given (for links and the form).
    pub filter: ReportFilter,
    /// The window as parsed.
    pub window: Window,
    /// `false` for an author: only their challenges, and no race.
    pub complete: bool,
    /// Every organization with a team in the event (for the filter), by name.
    pub organizations: Vec<String>,
    /// The challenges in scope (for the filter): `(slug, title)`, in ladder order.
    pub challenge_choices: Vec<(String, String)>,
    /// Section 1.
    pub numbers: Numbers,
    /// Section 2: per challenge in the filter, in ladder order.
    pub funnel: Vec<FunnelRow>,
    /// Section 3: per challenge in the filter, in ladder order.
    pub time: Vec<TimeRow>,
    /// Section 4: the cliffs report, with the same filters.
    pub cliffs: CliffsReport,
    /// Section 5: per organization of the filtered teams, by name.
    pub by_organization: Vec<OrganizationRow>,
    /// Section 6: the top ten's race (empty for an author).
    pub race: Vec<RaceLine>,
    /// Section 6: judged submissions per ten minutes from the event's start: `(bin start in
    /// seconds from the start, count)`, every bin from the first to the last that has any.
    pub submissions: Vec<(i64, u32)>,
}

/// The width of a bin of [`Report::submissions`].
pub const BIN_SECONDS: i64 = 600;

/// Section 1: the event in numbers.
#[derive(Debug, Clone, Default)]
pub struct Numbers {
    /// Teams (of the organization filter).
    pub teams: u32,
    /// Their members.
    pub people: u32,
    /// Their organizations.
    pub organizations: u32,
    /// Challenges in the report.
    pub challenges: u32,
    /// First passes of a team on a challenge.
    pub solves: u32,
    /// Judged submissions (validator errors left out).
    pub submissions: u32,
    /// Help calls raised.
    pub help_calls: u32,
    /// Per challenge: the median time a team spent on it (see the module's definitions).
    pub median_seconds: Vec<(String, Option<i64>)>,
}

/// Section 2: one challenge of the funnel.
#[derive(Debug, Clone)]
pub struct FunnelRow {
    /// Slug.
    pub challenge: String,
    /// Title.
    pub title: String,
    /// Teams that reached it.
    pub reached: u32,
    /// Teams that attempted it.
    pub attempted: u32,
    /// Teams with partial credit or a pass.
    pub partial: u32,
    /// Teams that passed it.
    pub solved: u32,
}

/// Section 3: the time teams spent on one challenge.
#[derive(Debug, Clone)]
pub struct TimeRow {
    /// Slug.
    pub challenge: String,
    /// Title.
    pub title: String,
    /// One entry per team that attempted it, by team name.
    pub teams: Vec<TeamTime>,
    /// Its failing checks ranked by the time they cost (the cliffs of this challenge).
    pub checks: Vec<CheckCost>,
}

/// One team's time on one challenge.
#[derive(Debug, Clone)]
pub struct TeamTime {
    /// Team name.
    pub team: String,
    /// Its organization.
    pub organization: String,
    /// Seconds spent.
    pub seconds: i64,
    /// Whether it passed (else it stopped).
    pub solved: bool,
}

/// A failing check and what it cost.
#[derive(Debug, Clone)]
pub struct CheckCost {
    /// The check (`None`: failures without a failing check).
    pub check: Option<String>,
    /// Σ stuck seconds.
    pub lost_seconds: i64,
    /// Teams stuck on it.
    pub teams: u32,
    /// Failed attempts.
    pub failed_attempts: u32,
}

/// Section 5: one organization.
#[derive(Debug, Clone)]
pub struct OrganizationRow {
    /// Name.
    pub organization: String,
    /// Its teams (of the filter).
    pub teams: u32,
    /// How many of the people on its teams hold it through a verified identity
    /// ([`crate::insights::trust`]).
    pub trust: Trust,
    /// Per challenge of the report, in ladder order.
    pub cells: Vec<OrganizationCell>,
}

/// Section 5: one organization on one challenge.
#[derive(Debug, Clone)]
pub struct OrganizationCell {
    /// Challenge slug.
    pub challenge: String,
    /// Its teams that attempted the challenge.
    pub attempted: u32,
    /// Of those, the ones that passed.
    pub solved: u32,
    /// Median time its attempting teams spent on it.
    pub median_seconds: Option<i64>,
    /// The cliffs report's lost time on this challenge for this organization (Σ over the
    /// challenge's cliffs of `lost_seconds`, filtered by the organization).
    pub lost_seconds: i64,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    })
}

/// `data` with only what happened inside `window`.
fn within(mut data: EventData, window: Window) -> EventData {
    if window == Window::default() {
        return data;
    }
    data.attempts.retain(|a| window.contains(a.at));
    data.notes.retain(|n| window.contains(n.created_at));
    data.feedback.retain(|f| window.contains(f.created_at));
    data.help_calls.retain(|h| window.contains(h.raised_at));
    // An opening before the window still tells when the team reached the challenge.
    data.opens.retain(|o| window.until.is_none_or(|u| o.2 < u));
    data.playbook.retain(|s| window.contains(s.at));
    data
}

/// The cliffs report of the event `slug` as `caller` may see it, with `filter` (the time
/// window included): what the insights API answers in JSON, CSV and Markdown, so that its
/// numbers are the report's.
pub fn cliffs_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    filter: &ReportFilter,
) -> Result<CliffsReport> {
    let window = filter.window()?;
    let scoped = scope_as(conn, caller, slug)?;
    let data = within(EventData::load(conn, scoped.event)?, window);
    let now = crate::db::now();
    let at = window.until.map_or(now, |u| u.min(now));
    Ok(cliffs::report(&data, &scoped.scope, &filter.cliffs(), at))
}

/// The report of the event `slug` as `caller` may see it, with `filter`.
pub fn report_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    filter: &ReportFilter,
) -> Result<Report> {
    filter.window()?;
    let scoped = scope_as(conn, caller, slug)?;
    report_of(conn, scoped, filter)
}

/// The report of an event within `scoped` (what its reader may see), with `filter`: also
/// what the mail at the event's end attaches, for the whole event.
pub fn report_of(conn: &mut DbConnection, scoped: Scoped, filter: &ReportFilter) -> Result<Report> {
    let window = filter.window()?;
    let complete = matches!(scoped.scope, InsightScope::All);
    let event = scoped.event;
    let members = Team::member_counts_of_event(conn, &event.id)?;
    let data = within(EventData::load(conn, event.clone())?, window);
    let now = crate::db::now();
    let cliff_filter = filter.cliffs();
    let at = window.until.map_or(now, |u| u.min(now));
    let cliffs = cliffs::report(&data, &scoped.scope, &cliff_filter, at);

    let organization = cliff_filter.organization.as_deref().map(str::to_lowercase);
    let teams: Vec<&crate::insights::data::TeamInfo> = data
        .teams
        .iter()
        .filter(|t| {
            organization
                .as_deref()
                .is_none_or(|o| t.organization.to_lowercase() == o || t.organization_id == o)
        })
        .collect();
    let team_ids: HashSet<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    let in_scope: Vec<&crate::insights::data::ChallengeInfo> = data
        .challenges
        .iter()
        .filter(|c| scoped.scope.includes(&c.id))
        .collect();
    let challenges: Vec<&crate::insights::data::ChallengeInfo> = in_scope
        .iter()
        .copied()
        .filter(|c| {
            cliff_filter
                .challenge
                .as_deref()
                .is_none_or(|s| c.slug == s)
        })
        .collect();

    let facts = Facts::of(&data, &team_ids, window);
    let funnel: Vec<FunnelRow> = challenges.iter().map(|c| facts.funnel(c, &data)).collect();
    let time: Vec<TimeRow> = challenges
        .iter()
        .map(|c| TimeRow {
            challenge: c.slug.clone(),
            title: c.title.clone(),
            teams: teams
                .iter()
                .filter_map(|t| {
                    facts
                        .spent(&data, &t.id, c)
                        .map(|(seconds, solved)| TeamTime {
                            team: t.name.clone(),
                            organization: t.organization.clone(),
                            seconds,
                            solved,
                        })
                })
                .collect(),
            checks: cliffs
                .cliffs
                .iter()
                .filter(|cliff| cliff.challenge == c.slug)
                .map(|cliff| CheckCost {
                    check: cliff.check.clone(),
                    lost_seconds: cliff.lost_seconds,
                    teams: cliff.teams_affected,
                    failed_attempts: cliff.failed_attempts,
                })
                .collect(),
        })
        .collect();

    let chosen: HashSet<&str> = challenges.iter().map(|c| c.id.as_str()).collect();
    let numbers = Numbers {
        teams: count(teams.len()),
        people: count(
            teams
                .iter()
                .map(|t| members.get(&t.id).copied().unwrap_or(0))
                .sum::<i64>()
                .try_into()
                .unwrap_or(0usize),
        ),
        organizations: count(
            teams
                .iter()
                .map(|t| t.organization_id.as_str())
                .collect::<HashSet<_>>()
                .len(),
        ),
        challenges: count(challenges.len()),
        solves: funnel.iter().map(|f| f.solved).sum(),
        submissions: count(
            data.attempts
                .iter()
                .filter(|a| {
                    a.error_kind.is_none()
                        && team_ids.contains(a.team_id.as_str())
                        && chosen.contains(a.challenge_id.as_str())
                })
                .count(),
        ),
        help_calls: count(
            data.help_calls
                .iter()
                .filter(|h| team_ids.contains(h.team_id.as_str()))
                .count(),
        ),
        median_seconds: time
            .iter()
            .map(|row| {
                let mut spent: Vec<i64> = row.teams.iter().map(|t| t.seconds).collect();
                (row.challenge.clone(), median(&mut spent))
            })
            .collect(),
    };

    let by_organization = by_organization(
        &data,
        &scoped.scope,
        &cliff_filter,
        at,
        &teams,
        &challenges,
        &facts,
    );

    let race = if complete {
        race(conn, &event, window, &team_ids)?
    } else {
        Vec::new()
    };
    let submissions = submissions_per_bin(&event, &data, &team_ids, &chosen);

    let mut organizations: Vec<String> = data
        .teams
        .iter()
        .map(|t| t.organization.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    organizations.sort_by_key(|o| o.to_lowercase());
    Ok(Report {
        event,
        generated_at: now,
        filter: filter.clone(),
        window,
        complete,
        organizations,
        challenge_choices: in_scope
            .iter()
            .map(|c| (c.slug.clone(), c.title.clone()))
            .collect(),
        numbers,
        funnel,
        time,
        cliffs,
        by_organization,
        race,
        submissions,
    })
}

/// Per team and challenge, what the funnel and the time spent read, in one pass.
struct Facts<'a> {
    /// `(team, challenge)` → attempts, oldest first (validator errors left out).
    attempts: HashMap<(&'a str, &'a str), Vec<&'a Attempt>>,
    /// `(team, challenge)` → first opening.
    opened: HashMap<(&'a str, &'a str), NaiveDateTime>,
    /// The teams of the filter.
    teams: &'a HashSet<&'a str>,
    /// The window's start (the earliest a team can have reached anything in it).
    from: Option<NaiveDateTime>,
}

impl<'a> Facts<'a> {
    fn of(data: &'a EventData, teams: &'a HashSet<&'a str>, window: Window) -> Facts<'a> {
        let mut attempts: HashMap<(&str, &str), Vec<&Attempt>> = HashMap::new();
        for a in data.attempts.iter().filter(|a| a.error_kind.is_none()) {
            if teams.contains(a.team_id.as_str()) {
                attempts
                    .entry((a.team_id.as_str(), a.challenge_id.as_str()))
                    .or_default()
                    .push(a);
            }
        }
        let mut opened: HashMap<(&str, &str), NaiveDateTime> = HashMap::new();
        for (team, challenge, at) in &data.opens {
            let slot = opened
                .entry((team.as_str(), challenge.as_str()))
                .or_insert(*at);
            *slot = (*slot).min(*at);
        }
        Facts {
            attempts,
            opened,
            teams,
            from: window.from,
        }
    }

    fn first_pass(&self, team: &str, challenge: &str) -> Option<NaiveDateTime> {
        self.attempts
            .get(&(team, challenge))
            .and_then(|list| list.iter().find(|a| a.passed).map(|a| a.at))
    }

    /// The rung before `challenge` in the ladder, if any.
    fn previous<'d>(
        data: &'d EventData,
        challenge: &crate::insights::data::ChallengeInfo,
    ) -> Option<&'d crate::insights::data::ChallengeInfo> {
        data.challenges
            .iter()
            .filter(|c| c.position < challenge.position)
            .max_by_key(|c| c.position)
    }

    /// When `team` reached `challenge`, if it did.
    fn reached(
        &self,
        data: &EventData,
        team: &str,
        challenge: &crate::insights::data::ChallengeInfo,
    ) -> Option<NaiveDateTime> {
        let first_attempt = self
            .attempts
            .get(&(team, challenge.id.as_str()))
            .and_then(|list| list.first())
            .map(|a| a.at);
        let opened = self.opened.get(&(team, challenge.id.as_str())).copied();
        let unlocked = match Self::previous(data, challenge) {
            None => Some(data.event.starts_at),
            Some(before) => self.first_pass(team, &before.id),
        };
        let reached = opened.or(unlocked).into_iter().chain(first_attempt).min()?;
        Some(self.from.map_or(reached, |f| reached.max(f)))
    }

    fn funnel(&self, c: &crate::insights::data::ChallengeInfo, data: &EventData) -> FunnelRow {
        let (mut reached, mut attempted, mut partial, mut solved) = (0, 0, 0, 0);
        for team in self.teams.iter() {
            if self.reached(data, team, c).is_some() {
                reached += 1;
            }
            let Some(list) = self.attempts.get(&(*team, c.id.as_str())) else {
                continue;
            };
            attempted += 1;
            if list.iter().any(|a| a.passed || a.score > 0) {
                partial += 1;
            }
            if list.iter().any(|a| a.passed) {
                solved += 1;
            }
        }
        FunnelRow {
            challenge: c.slug.clone(),
            title: c.title.clone(),
            reached,
            attempted,
            partial,
            solved,
        }
    }

    /// Seconds `team` spent on `challenge` and whether it passed, if it attempted it.
    fn spent(
        &self,
        data: &EventData,
        team: &str,
        challenge: &crate::insights::data::ChallengeInfo,
    ) -> Option<(i64, bool)> {
        let list = self.attempts.get(&(team, challenge.id.as_str()))?;
        let start = self.reached(data, team, challenge)?;
        let (end, solved) = match list.iter().find(|a| a.passed) {
            Some(pass) => (pass.at, true),
            None => (list.last()?.at, false),
        };
        Some(((end - start).num_seconds().max(0), solved))
    }
}

/// Section 5: per organization of `teams`, per challenge; the lost time from the cliffs
/// report filtered by that organization.
fn by_organization(
    data: &EventData,
    scope: &InsightScope,
    filter: &CliffFilter,
    at: NaiveDateTime,
    teams: &[&crate::insights::data::TeamInfo],
    challenges: &[&crate::insights::data::ChallengeInfo],
    facts: &Facts<'_>,
) -> Vec<OrganizationRow> {
    let mut orgs: BTreeMap<(String, String), Vec<&crate::insights::data::TeamInfo>> =
        BTreeMap::new();
    for &t in teams {
        orgs.entry((t.organization.to_lowercase(), t.organization_id.clone()))
            .or_default()
            .push(t);
    }
    // Without a tag every cliff counts, so an organization's lost time on a challenge is the
    // sum of its teams' windows there: one pass for all. A tag keeps only the cliffs its
    // organization's notes carry, so then the cliffs are ranked for each organization.
    let by_team = filter
        .tag
        .is_none()
        .then(|| cliffs::lost_by_team(data, scope, at));
    orgs.into_iter()
        .map(|((_, organization_id), members)| {
            let trust = trust::of_organization(data, &organization_id, &members);
            let ranked = by_team.is_none().then(|| {
                cliffs::report(
                    data,
                    scope,
                    &CliffFilter {
                        organization: Some(organization_id),
                        challenge: filter.challenge.clone(),
                        tag: filter.tag.clone(),
                    },
                    at,
                )
            });
            let cells = challenges
                .iter()
                .map(|c| {
                    let spent: Vec<(i64, bool)> = members
                        .iter()
                        .filter_map(|t| facts.spent(data, &t.id, c))
                        .collect();
                    let mut seconds: Vec<i64> = spent.iter().map(|s| s.0).collect();
                    let lost_seconds = match &by_team {
                        Some(by_team) => members
                            .iter()
                            .filter_map(|t| by_team.get(&(c.slug.as_str(), t.id.as_str())))
                            .sum(),
                        None => ranked
                            .iter()
                            .flat_map(|r| &r.cliffs)
                            .filter(|cliff| cliff.challenge == c.slug)
                            .map(|cliff| cliff.lost_seconds)
                            .sum(),
                    };
                    OrganizationCell {
                        challenge: c.slug.clone(),
                        attempted: count(spent.len()),
                        solved: count(spent.iter().filter(|s| s.1).count()),
                        median_seconds: median(&mut seconds),
                        lost_seconds,
                    }
                })
                .collect();
            OrganizationRow {
                trust,
                organization: members
                    .first()
                    .map(|t| t.organization.clone())
                    .unwrap_or_default(),
                teams: count(members.len()),
                cells,
            }
        })
        .collect()
}

/// Section 6: the race of the ten best teams of the filter, by the board's rule, up to the
/// window's end (the standings with that cutoff), from the window's start on.
fn race(
    conn: &mut DbConnection,
    event: &Event,
    window: Window,
    teams: &HashSet<&str>,
) -> Result<Vec<RaceLine>> {
    let standings = scoring::standings(conn, event, window.until)?;
    let top: Vec<scoring::Standing> = standings
        .into_iter()
        .filter(|s| teams.contains(s.team.id.as_str()))
        .take(10)
        .collect();
    scoring::race::race(conn, event, window.until, &top)
}

/// Section 6: judged submissions per ten minutes since the start.
fn submissions_per_bin(
    event: &Event,
    data: &EventData,
    teams: &HashSet<&str>,
    challenges: &HashSet<&str>,
) -> Vec<(i64, u32)> {
    let mut bins: BTreeMap<i64, u32> = BTreeMap::new();
    for a in &data.attempts {
        if a.error_kind.is_some()
            || !teams.contains(a.team_id.as_str())
            || !challenges.contains(a.challenge_id.as_str())
        {
            continue;
        }
        let offset = (a.at - event.starts_at).num_seconds();
        *bins
            .entry(offset.div_euclid(BIN_SECONDS) * BIN_SECONDS)
            .or_default() += 1;
    }
    let (Some(first), Some(last)) = (
        bins.keys().next().copied(),
        bins.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    (0..=(last - first) / BIN_SECONDS)
        .map(|i| {
            let start = first + i * BIN_SECONDS;
            (start, bins.get(&start).copied().unwrap_or(0))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_parse_both_forms_and_refuse_the_rest() {
        let filter = ReportFilter {
            from: Some("2026-05-04T09:30".into()),
            until: Some("2026-05-04T12:00:00Z".into()),
            ..ReportFilter::default()
        };
        let window = filter.window().expect("valid");
        assert_eq!(
            window.from.map(|f| f.to_string()),
            Some("2026-05-04 09:30:00".into())
        );
        let backwards = ReportFilter {
            from: Some("2026-05-04T12:00".into()),
            until: Some("2026-05-04T09:00".into()),
            ..ReportFilter::default()
        };
        assert!(backwards.window().is_err());
        let garbage = ReportFilter {
            from: Some("yesterday".into()),
            ..ReportFilter::default()
        };
        assert!(matches!(
            garbage.window(),
            Err(Error::BadRequest {
                code: "invalid_time_window",
                ..
            })
        ));
        assert_eq!(
            ReportFilter {
                from: Some(" ".into()),
                ..ReportFilter::default()
            }
            .window()
            .expect("blank is no filter"),
            Window::default()
        );
    }
}
