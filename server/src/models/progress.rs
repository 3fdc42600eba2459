//! Who is stuck: where each team of an event stands on the ladder right now, and the nudges
//! its coaches got when it passed a challenge's expected time.
//!
//! The rule is written once, here, as a pure function of facts read in a few queries
//! ([`ProgressFacts::load`]), so the API, the live page and the nudge task agree:
//!
//! - the **current challenge** is the first unsolved challenge the team can open, in ladder
//!   order (none: `done`). A pass on a `sign_off = "coach"` challenge is a solve only once
//!   approved, at the approval's time;
//! - the **clock** on it starts when a member first opened it (`challenge_opens`), else at the
//!   event's start or the team's latest solve, whichever is later; it stops at the event's end;
//! - the **status**, first that applies: `done` (nothing left to solve), `not_started` (the
//!   event has not started, or the team has not yet opened, submitted or solved anything),
//!   `over_time` (past the challenge's `expected_minutes`), `failing` (the last
//!   [`FAILING_STREAK`] or more judged submissions on it all failed), `working`;
//! - the **order**, most in need first: a raised hand (oldest first), then `over_time` (the
//!   furthest over first), `failing` (longest streak, then longest time), `working` (longest
//!   time first), `not_started`, `done`; ties by open questions, then by name;
//! - a challenge a coach or an organizer **opened** for the team ([`crate::models::opening`])
//!   is open like a solved predecessor's; the challenge the team was on when it was opened
//!   (the one it skipped) is passed over when choosing the current challenge while any other
//!   is left, and the clock on an opened challenge starts no earlier than its opening.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection,
        schema::{
            challenge_opens, challenges, hint_unlocks, nudges, questions, sign_offs,
            staff_openings, submissions, users, verdicts,
        },
    },
    error::Result,
    models::{
        challenge::{self, Challenge, SIGN_OFF_COACH},
        event::{Event, Phase},
        help_call::HelpCall,
        opening::Opening,
        submission::SubmissionStatus,
        team::{Person, Team},
    },
};

/// Judged failures in a row, most recent last, that make a team `failing`.
pub const FAILING_STREAK: i64 = 3;

/// The longest `last_failure` message shown, in characters.
const FAILURE_CHARS: usize = 300;

/// A nudge: the team passed the challenge's expected time and its coaches were told, once
/// (the primary key `(team_id, challenge_id)` makes it once, across instances).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = nudges)]
pub struct Nudge {
    /// The team.
    pub team_id: String,
    /// The challenge it is over time on.
    pub challenge_id: String,
    /// The challenge's expected minutes when the nudge was made.
    pub expected_minutes: i32,
    /// When.
    pub created_at: NaiveDateTime,
}

impl Nudge {
    /// Records the nudge; `false` when the team was already nudged on that challenge (by this
    /// instance or another), so that only the one whose row went in announces it.
    pub fn record(conn: &mut DbConnection, nudge: &Nudge) -> Result<bool> {
        let inserted = diesel::insert_into(nudges::table)
            .values(nudge)
            .execute(conn);
        match inserted {
            Ok(_) => Ok(true),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The nudge of `team_id` on `challenge_id`.
    pub fn find(conn: &mut DbConnection, team_id: &str, challenge_id: &str) -> Result<Nudge> {
        nudges::table
            .find((team_id, challenge_id))
            .select(Nudge::as_select())
            .first(conn)
            .optional()?
            .ok_or(crate::error::Error::NotFound("nudge"))
    }

    /// The nudges of an event's teams, oldest first.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Nudge>> {
        Ok(nudges::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event_id))
            .order(nudges::created_at.asc())
            .select(Nudge::as_select())
            .load(conn)?)
    }
}

/// Where a team stands (see the module's documentation for the rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// The event has not started, or the team has not opened, submitted or solved anything.
    NotStarted,
    /// On its current challenge, within the expected time.
    Working,
    /// Its last judged submissions on the current challenge all failed (three or more).
    Failing,
    /// Past the current challenge's expected minutes.
    OverTime,
    /// Nothing left to solve.
    Done,
}

impl ProgressStatus {
    /// The stored and sent name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Working => "working",
            Self::Failing => "failing",
            Self::OverTime => "over_time",
            Self::Done => "done",
        }
    }

    /// The words a page shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "not started",
            Self::Working => "working",
            Self::Failing => "failing repeatedly",
            Self::OverTime => "over the expected time",
            Self::Done => "done",
        }
    }

    /// Place in the order, most in need first (a raised hand comes before all of them).
    fn rank(self) -> u8 {
        match self {
            Self::OverTime => 1,
            Self::Failing => 2,
            Self::Working => 3,
            Self::NotStarted => 4,
            Self::Done => 5,
        }
    }
}

/// The challenge a team is on.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressChallenge {
    /// Its id.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its place on the ladder, 1 first.
    pub position: i32,
    /// Minutes a team is expected to need (null: no expectation).
    pub expected_minutes: Option<i32>,
}

/// One team's progress.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressTeam {
    /// The team's id.
    pub team_id: String,
    /// The team's name.
    pub team_name: String,
    /// The first unsolved challenge it can open, in ladder order (null when done).
    pub challenge: Option<ProgressChallenge>,
    /// When the clock on the current challenge started (UTC; null when done).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<DateTime<Utc>>,
    /// Whole minutes on the current challenge (stops at the event's end).
    pub minutes: i64,
    /// `not_started`, `working`, `failing`, `over_time` or `done`.
    pub status: ProgressStatus,
    /// Minutes past the expected time (null unless over it).
    pub over_by_minutes: Option<i64>,
    /// Judged failed submissions in a row on the current challenge, most recent last.
    pub failed_in_a_row: i64,
    /// The latest failed verdict's first failing check (`name: message`), or its feedback.
    pub last_failure: Option<String>,
    /// Challenges solved.
    pub solved: i64,
    /// Help calls not yet resolved.
    pub open_help_calls: i64,
    /// When the oldest unresolved help call was raised (UTC).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub hand_raised_at: Option<DateTime<Utc>>,
    /// Questions not yet answered.
    pub open_questions: i64,
    /// Hints unlocked on the current challenge.
    pub hints_unlocked: i64,
    /// When its coaches were nudged about the current challenge (UTC; null: not nudged).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub nudged_at: Option<DateTime<Utc>>,
    /// The challenges a coach or an organizer opened for the team, oldest first.
    pub openings: Vec<ProgressOpening>,
}

/// A challenge a coach or an organizer opened for a team without the solve before it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressOpening {
    /// The challenge opened (slug).
    pub challenge: String,
    /// The challenge the team was on and skipped (slug; null: it was on none).
    pub skipped: Option<String>,
    /// Who opened it.
    pub opened_by: Person,
    /// Why.
    pub reason: String,
    /// Whole minutes the team had been on the skipped challenge.
    pub stuck_minutes: i64,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: DateTime<Utc>,
}

/// The progress of an event's teams, most in need first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressReport {
    /// The event's slug.
    pub event: String,
    /// The event's name.
    pub event_name: String,
    /// `upcoming`, `running`, `frozen` or `ended`.
    pub phase: String,
    /// When this was computed (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub generated_at: DateTime<Utc>,
    /// The teams, most in need first.
    pub teams: Vec<ProgressTeam>,
}

/// One current judged verdict of a team on a challenge.
struct Attempt {
    team_id: String,
    challenge_id: String,
    at: NaiveDateTime,
    passed: bool,
    feedback: String,
    checks: String,
}

type Pair = (String, String);

/// What an event's progress is computed from, read in a fixed number of queries.
pub struct ProgressFacts {
    event: Event,
    ladder: Vec<Challenge>,
    teams: Vec<Team>,
    /// Oldest first.
    attempts: Vec<Attempt>,
    opens: HashMap<Pair, NaiveDateTime>,
    approvals: HashMap<Pair, NaiveDateTime>,
    calls: HashMap<String, Vec<HelpCall>>,
    questions: HashMap<String, i64>,
    hints: HashMap<Pair, i64>,
    nudges: HashMap<Pair, NaiveDateTime>,
    /// By team, oldest first.
    openings: HashMap<String, Vec<Opening>>,
    /// The names of the people who opened challenges.
    openers: HashMap<String, String>,
}

impl ProgressFacts {
    /// Reads the facts of `event` for the teams `only` (all of them when `None`).
    pub fn load(conn: &mut DbConnection, event: &Event, only: Option<&[String]>) -> Result<Self> {
        let mut teams = Team::of_event(conn, &event.id)?;
        if let Some(only) = only {
            teams.retain(|t| only.contains(&t.id));
        }
        let ladder = Challenge::ladder(conn, &event.id)?;
        let event_challenges = challenges::table
            .filter(challenges::event_id.eq(event.id.clone()))
            .select(challenges::id);
        let rows: Vec<(String, String, NaiveDateTime, bool, String, String)> = submissions::table
            .inner_join(verdicts::table)
            .filter(submissions::challenge_id.eq_any(event_challenges))
            .filter(submissions::status.eq(SubmissionStatus::Judged.as_str()))
            .filter(verdicts::is_current.eq(true))
            .filter(verdicts::error_kind.is_null())
            .order((submissions::created_at.asc(), submissions::id.asc()))
            .select((
                submissions::team_id,
                submissions::challenge_id,
                submissions::created_at,
                verdicts::passed,
                verdicts::feedback,
                verdicts::checks,
            ))
            .load(conn)?;
        let attempts = rows
            .into_iter()
            .map(
                |(team_id, challenge_id, at, passed, feedback, checks)| Attempt {
                    team_id,
                    challenge_id,
                    at,
                    passed,
                    feedback,
                    checks,
                },
            )
            .collect();
        let opens = challenge_opens::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event.id.clone()))
            .select((
                challenge_opens::team_id,
                challenge_opens::challenge_id,
                challenge_opens::opened_at,
            ))
            .load::<(String, String, NaiveDateTime)>(conn)?
            .into_iter()
            .map(|(t, c, at)| ((t, c), at))
            .collect();
        let mut approvals: HashMap<Pair, NaiveDateTime> = HashMap::new();
        let decided: Vec<(String, String, Option<NaiveDateTime>)> = sign_offs::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event.id.clone()))
            .filter(sign_offs::state.eq("approved"))
            .select((
                sign_offs::team_id,
                sign_offs::challenge_id,
                sign_offs::decided_at,
            ))
            .load(conn)?;
        for (team, challenge, at) in decided {
            let Some(at) = at else { continue };
            let entry = approvals.entry((team, challenge)).or_insert(at);
            *entry = (*entry).min(at);
        }
        let mut calls: HashMap<String, Vec<HelpCall>> = HashMap::new();
        for call in HelpCall::of_event(conn, &event.id, true, only)? {
            calls.entry(call.team_id.clone()).or_default().push(call);
        }
        let questions = questions::table
            .filter(questions::event_id.eq(event.id.clone()))
            .filter(questions::state.eq("open"))
            .group_by(questions::team_id)
            .select((questions::team_id, diesel::dsl::count_star()))
            .load::<(String, i64)>(conn)?
            .into_iter()
            .collect();
        let hints = hint_unlocks::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event.id.clone()))
            .select((hint_unlocks::team_id, hint_unlocks::challenge_id))
            .load::<Pair>(conn)?
            .into_iter()
            .fold(HashMap::new(), |mut counts, pair| {
                *counts.entry(pair).or_insert(0) += 1;
                counts
            });
        let nudges = Nudge::of_event(conn, &event.id)?
            .into_iter()
            .map(|n| ((n.team_id, n.challenge_id), n.created_at))
            .collect();
        let openings = Opening::by_team(conn, &event.id)?;
        let openers = staff_openings::table
            .inner_join(users::table.on(users::id.eq(staff_openings::opened_by)))
            .filter(staff_openings::event_id.eq(event.id.clone()))
            .select((users::id, users::display_name))
            .distinct()
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        Ok(ProgressFacts {
            event: event.clone(),
            ladder,
            teams,
            attempts,
            opens,
            approvals,
            calls,
            questions,
            hints,
            nudges,
            openings,
            openers,
        })
    }

    /// The event these facts are of.
    pub fn event(&self) -> &Event {
        &self.event
    }

    /// Every team's progress at `now`, most in need first.
    pub fn report(&self, now: NaiveDateTime) -> ProgressReport {
        let mut teams: Vec<ProgressTeam> =
            self.teams.iter().map(|t| self.of_team(t, now)).collect();
        sort_by_need(&mut teams);
        ProgressReport {
            event: self.event.slug.clone(),
            event_name: self.event.name.clone(),
            phase: phase_name(self.event.phase_at(now)).to_owned(),
            generated_at: now.and_utc(),
            teams,
        }
    }

    /// When `team_id` solved each challenge it solved.
    fn solves(&self, team_id: &str) -> HashMap<String, NaiveDateTime> {
        let coach_signed: HashSet<&str> = self
            .ladder
            .iter()
            .filter(|c| c.sign_off == SIGN_OFF_COACH)
            .map(|c| c.id.as_str())
            .collect();
        let mut solves: HashMap<String, NaiveDateTime> = HashMap::new();
        for attempt in self
            .attempts
            .iter()
            .filter(|a| a.team_id == team_id && a.passed)
        {
            let at = if coach_signed.contains(attempt.challenge_id.as_str()) {
                match self
                    .approvals
                    .get(&(team_id.to_owned(), attempt.challenge_id.clone()))
                {
                    Some(at) => *at,
                    None => continue,
                }
            } else {
                attempt.at
            };
            let entry = solves.entry(attempt.challenge_id.clone()).or_insert(at);
            *entry = (*entry).min(at);
        }
        solves
    }

    fn of_team(&self, team: &Team, now: NaiveDateTime) -> ProgressTeam {
        let solves = self.solves(&team.id);
        let solved: HashSet<String> = solves.keys().cloned().collect();
        let openings = self
            .openings
            .get(&team.id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let opened: HashSet<String> = openings.iter().map(|o| o.challenge_id.clone()).collect();
        let skipped: HashSet<&str> = openings
            .iter()
            .filter_map(|o| o.skipped_challenge_id.as_deref())
            .collect();
        let open = challenge::open_to_team(&self.ladder, &solved, &opened);
        let candidates = || {
            self.ladder
                .iter()
                .filter(|c| open.contains(&c.id) && !solved.contains(&c.id))
        };
        let current = candidates()
            .find(|c| !skipped.contains(c.id.as_str()))
            .or_else(|| candidates().next());
        let calls = self.calls.get(&team.id).map(Vec::as_slice).unwrap_or(&[]);
        let mut row = ProgressTeam {
            team_id: team.id.clone(),
            team_name: team.name.clone(),
            challenge: None,
            since: None,
            minutes: 0,
            status: ProgressStatus::Done,
            over_by_minutes: None,
            failed_in_a_row: 0,
            last_failure: None,
            solved: i64::try_from(solved.len()).unwrap_or(i64::MAX),
            open_help_calls: i64::try_from(calls.len()).unwrap_or(i64::MAX),
            hand_raised_at: calls.iter().map(|c| c.raised_at).min().map(|t| t.and_utc()),
            open_questions: self.questions.get(&team.id).copied().unwrap_or(0),
            hints_unlocked: 0,
            nudged_at: None,
            openings: openings.iter().map(|o| self.opening_view(o)).collect(),
        };
        let Some(current) = current else {
            if self.ladder.is_empty() {
                row.status = ProgressStatus::NotStarted;
            }
            return row;
        };
        let pair = (team.id.clone(), current.id.clone());
        let started = now >= self.event.starts_at;
        let latest_solve = solves.values().max().copied();
        let opened_at = openings
            .iter()
            .find(|o| o.challenge_id == current.id)
            .map(|o| o.created_at);
        let since = self.opens.get(&pair).copied().unwrap_or_else(|| {
            let after = latest_solve.map_or(self.event.starts_at, |s| s.max(self.event.starts_at));
            opened_at.map_or(after, |o| o.max(after))
        });
        let since = opened_at.map_or(since, |o| since.max(o));
        let since = since.max(self.event.starts_at);
        let until = now.min(self.event.ends_at);
        let seconds = (until - since).num_seconds().max(0);
        row.minutes = seconds / 60;
        row.since = Some(since.and_utc());
        let on_it: Vec<&Attempt> = self
            .attempts
            .iter()
            .filter(|a| a.team_id == team.id && a.challenge_id == current.id)
            .collect();
        row.failed_in_a_row =
            i64::try_from(on_it.iter().rev().take_while(|a| !a.passed).count()).unwrap_or(i64::MAX);
        row.last_failure = on_it
            .iter()
            .rev()
            .find(|a| !a.passed)
            .map(|a| failure_message(&a.checks, &a.feedback));
        row.hints_unlocked = self.hints.get(&pair).copied().unwrap_or(0);
        row.nudged_at = self.nudges.get(&pair).map(|t| t.and_utc());
        let over_by = current
            .expected_minutes
            .filter(|&m| m >= 0 && started && seconds > i64::from(m) * 60)
            // Over by part of a minute shows as one.
            .map(|m| (seconds - i64::from(m) * 60 + 59) / 60);
        let shows_work = self.opens.keys().any(|(t, _)| *t == team.id)
            || self.attempts.iter().any(|a| a.team_id == team.id)
            || !solved.is_empty();
        row.status = if !started || !shows_work {
            ProgressStatus::NotStarted
        } else if let Some(over_by) = over_by {
            row.over_by_minutes = Some(over_by);
            ProgressStatus::OverTime
        } else if row.failed_in_a_row >= FAILING_STREAK {
            ProgressStatus::Failing
        } else {
            ProgressStatus::Working
        };
        row.challenge = Some(ProgressChallenge {
            id: current.id.clone(),
            slug: current.slug.clone(),
            title: current.title.clone(),
            position: current.position,
            expected_minutes: current.expected_minutes,
        });
        row
    }
}

impl ProgressFacts {
    fn opening_view(&self, opening: &Opening) -> ProgressOpening {
        let slug = |id: &str| {
            self.ladder
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.slug.clone())
                .unwrap_or_default()
        };
        ProgressOpening {
            challenge: slug(&opening.challenge_id),
            skipped: opening.skipped_challenge_id.as_deref().map(slug),
            opened_by: Person {
                user_id: opening.opened_by.clone(),
                display_name: self
                    .openers
                    .get(&opening.opened_by)
                    .cloned()
                    .unwrap_or_default(),
            },
            reason: opening.reason.clone(),
            stuck_minutes: opening.stuck_seconds / 60,
            opened_at: opening.created_at.and_utc(),
        }
    }
}

/// The name of a phase as the API sends it.
fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "frozen",
        Phase::Ended => "ended",
    }
}

/// The first failing check of a verdict's `checks` (`name: message`), else its feedback;
/// bounded to [`FAILURE_CHARS`].
fn failure_message(checks: &str, feedback: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Check {
        #[serde(default)]
        name: String,
        #[serde(default)]
        passed: bool,
        #[serde(default)]
        message: String,
    }
    let checks: Vec<Check> = serde_json::from_str(checks).unwrap_or_default();
    let text = match checks.into_iter().find(|c| !c.passed) {
        Some(c) if c.message.trim().is_empty() => c.name,
        Some(c) if c.name.trim().is_empty() => c.message,
        Some(c) => format!("{}: {}", c.name, c.message),
        None => feedback.to_owned(),
    };
    let text = text.trim();
    match text.char_indices().nth(FAILURE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Sorts rows most in need first (see the module's documentation).
pub fn sort_by_need(rows: &mut [ProgressTeam]) {
    rows.sort_by(|a, b| {
        let hand = |r: &ProgressTeam| r.hand_raised_at.is_none();
        hand(a)
            .cmp(&hand(b))
            .then(a.hand_raised_at.cmp(&b.hand_raised_at))
            .then(a.status.rank().cmp(&b.status.rank()))
            .then(b.over_by_minutes.cmp(&a.over_by_minutes))
            .then(b.failed_in_a_row.cmp(&a.failed_in_a_row))
            .then(b.minutes.cmp(&a.minutes))
            .then(b.open_questions.cmp(&a.open_questions))
            .then(a.team_name.cmp(&b.team_name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, status: ProgressStatus) -> ProgressTeam {
        ProgressTeam {
            team_id: name.into(),
            team_name: name.into(),
            challenge: None,
            since: None,
            minutes: 0,
            status,
            over_by_minutes: None,
            failed_in_a_row: 0,
            last_failure: None,
            solved: 0,
            open_help_calls: 0,
            hand_raised_at: None,
            open_questions: 0,
            hints_unlocked: 0,
            nudged_at: None,
            openings: Vec::new(),
        }
    }

    #[test]
    fn the_team_that_needs_help_most_comes_first() {
        let mut over_a_little = row("a", ProgressStatus::OverTime);
        over_a_little.over_by_minutes = Some(2);
        let mut over_a_lot = row("b", ProgressStatus::OverTime);
        over_a_lot.over_by_minutes = Some(40);
        let mut hand = row("c", ProgressStatus::Done);
        hand.hand_raised_at = Some(Utc::now());
        let mut long = row("d", ProgressStatus::Working);
        long.minutes = 50;
        let mut rows = vec![
            row("z", ProgressStatus::Done),
            row("y", ProgressStatus::NotStarted),
            row("x", ProgressStatus::Working),
            long,
            row("w", ProgressStatus::Failing),
            over_a_little,
            hand,
            over_a_lot,
        ];
        sort_by_need(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.team_name.as_str()).collect();
        assert_eq!(order, ["c", "b", "a", "w", "d", "x", "y", "z"]);
    }

    #[test]
    fn the_failure_is_the_first_failing_check() {
        let checks = r#"[{"name":"rows","passed":true,"message":""},
            {"name":"dates","passed":false,"message":"2 dates unparsed"}]"#;
        assert_eq!(failure_message(checks, "no"), "dates: 2 dates unparsed");
        assert_eq!(failure_message("[]", " try again "), "try again");
        assert_eq!(failure_message("garbage", "x").len(), 1);
        let long = "é".repeat(FAILURE_CHARS + 10);
        assert_eq!(
            failure_message("[]", &long).chars().count(),
            FAILURE_CHARS + 1
        );
    }
}
