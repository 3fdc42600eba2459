//! Scoring and the leaderboard: one ranking rule, computed from the database, cached.
//!
//! The rule (also in the README, and applied identically by every view):
//! - per team and challenge, only judged submissions count (validator errors never do); the
//!   team's **score** on a challenge is its best score there, and the challenge is **solved**
//!   once any submission passed;
//! - a team's `solved` is the number of challenges solved, its `score` the sum of its best
//!   scores, and `last_solve_at` the time of the last submission that raised either (a first
//!   pass, or a better score) — the moment the team reached its current standing;
//! - teams rank by `solved` (more first), then `score` (more first), then `last_solve_at`
//!   (earlier first; a team that never scored comes after every team that did); teams equal on
//!   all three share a rank ("1, 2, 2, 4"), and are listed by name;
//! - submission times are when the team submitted (stored before judging), so a slow judge or
//!   a rejudge never changes who was first;
//! - on a challenge with coach sign-off (`sign_off = "coach"`), a pass counts for nothing (no
//!   solve, no score) until a coach or organizer approves it; it then counts as that pass,
//!   with its score, at the moment of approval (`decided_at`) rather than when the team
//!   submitted; a rejected pass never counts. Failing attempts count as on any challenge.
//! - hint costs: per team and challenge, the costs of the hints the team unlocked are taken
//!   from its score there — only once it solved the challenge (the event's `hint_cost` =
//!   `on_solve`, the default) or at once (`always`); a challenge's score never goes below 0,
//!   and a hint never moves `last_solve_at` (see [`hints`]).
//!
//! The frozen (public, between `freeze_at` and `ends_at`) view applies the same rule to the
//! submissions made, sign-offs approved and hints unlocked before `freeze_at`.
//!
//! On an event with brackets, every row also carries its team's bracket and its rank within
//! it ([`brackets`]): the same order, counted among that bracket's teams only, so a bracket's
//! board is the full board's rows of that bracket, frozen exactly as the full board is.

pub mod brackets;
pub mod cache;
pub mod hints;
pub mod race;

pub use cache::{Board, BoardView, LeaderboardCache};

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection,
        schema::{challenges, sign_offs, submissions, teams, verdicts},
    },
    error::Result,
    models::{bracket, event::Event, sign_off::SignOffState},
};

/// A team as the leaderboard names it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRef {
    /// Team id.
    pub id: String,
    /// Team name.
    pub name: String,
}

/// A team's state on one challenge, for the big screen's progress grid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeProgress {
    /// Challenge slug.
    pub challenge: String,
    /// Solved (any passing submission).
    pub solved: bool,
    /// Best score so far.
    pub score: i64,
    /// At least one judged submission (validator errors are not attempts): the big screen's
    /// "tried, not solved yet" cells.
    pub attempted: bool,
    /// This team was the first of the event to solve it.
    pub first_solve: bool,
    /// When it was first solved.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub solved_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One row of the leaderboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Standing {
    /// Competition rank (ties share a rank).
    pub rank: u32,
    /// The team.
    pub team: TeamRef,
    /// Challenges solved.
    pub solved: u32,
    /// Sum of the best score per challenge.
    pub score: i64,
    /// When the team last raised its standing.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_solve_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Per challenge, in ladder order.
    pub progress: Vec<ChallengeProgress>,
    /// The team's bracket, on an event with brackets (`null`: the team is in none).
    pub bracket: Option<String>,
    /// Competition rank within the team's bracket, by the same rule as `rank` (`null`
    /// without a bracket).
    pub bracket_rank: Option<u32>,
}

/// One judged submission, as the ranking sees it.
#[derive(Debug, Clone, Queryable)]
struct Attempt {
    team_id: String,
    challenge_id: String,
    submitted_at: NaiveDateTime,
    passed: bool,
    score: i32,
}

#[derive(Debug, Default, Clone)]
struct Best {
    score: i64,
    solved_at: Option<NaiveDateTime>,
}

fn utc(at: NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    at.and_utc()
}

/// Computes the standings of `event` from the submissions made before `cutoff` (all if
/// `None`).
pub fn standings(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<Vec<Standing>> {
    let ladder = ladder(conn, event)?;
    let all_teams: Vec<(String, String)> = teams::table
        .filter(teams::event_id.eq(&event.id))
        .select((teams::id, teams::name))
        .load(conn)?;
    let attempts = outcomes(conn, event, cutoff)?;
    let rows = hints::apply(conn, event, cutoff, rank(&ladder, &all_teams, &attempts))?;
    Ok(brackets::rank_within(
        rows,
        &bracket::of_teams(conn, &event.id)?,
    ))
}

/// The ladder of `event` as `(challenge id, slug)`, in order.
fn ladder(conn: &mut DbConnection, event: &Event) -> Result<Vec<(String, String)>> {
    Ok(challenges::table
        .filter(challenges::event_id.eq(&event.id))
        .order(challenges::position.asc())
        .select((challenges::id, challenges::slug))
        .load(conn)?)
}

/// Every outcome the ranking rule sees in `event` before `cutoff` (all if `None`): the
/// moments a team first reached some (passed, score) on a challenge, approved sign-offs at
/// their approval. Shared by the standings and the race ([`race`]), so both read one rule.
fn outcomes(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<Vec<Attempt>> {
    // One row per team, challenge and distinct (score, passed) outcome, with its earliest
    // time: every moment the ranking rule can see a team rise is the first time the team
    // reached some outcome, so these rows rank exactly like every attempt would — and there
    // are far fewer of them (a board stays cheap however many wrong answers pile up).
    let mut query = submissions::table
        .inner_join(verdicts::table)
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(&event.id))
        .filter(verdicts::is_current.eq(true))
        .filter(verdicts::error_kind.is_null())
        // A pass that has a sign-off counts only once approved, at its approval (below).
        .filter(verdicts::passed.eq(false).or(diesel::dsl::not(
            submissions::id.eq_any(sign_offs::table.select(sign_offs::submission_id)),
        )))
        .group_by((
            submissions::team_id,
            submissions::challenge_id,
            verdicts::passed,
            verdicts::score,
        ))
        .select((
            submissions::team_id,
            submissions::challenge_id,
            diesel::dsl::min(submissions::created_at),
            verdicts::passed,
            verdicts::score,
        ))
        .into_boxed();
    if let Some(cutoff) = cutoff {
        query = query.filter(submissions::created_at.lt(cutoff));
    }
    let mut outcomes: Vec<(String, String, Option<NaiveDateTime>, bool, i32)> = query.load(conn)?;
    outcomes.extend(approved_passes(conn, event, cutoff)?);
    let attempts: Vec<Attempt> = outcomes
        .into_iter()
        .filter_map(|(team_id, challenge_id, first_at, passed, score)| {
            Some(Attempt {
                team_id,
                challenge_id,
                submitted_at: first_at?,
                passed,
                score,
            })
        })
        .collect();
    Ok(attempts)
}

/// One distinct outcome of a team on a challenge: team id, challenge id, the first time it
/// counts, passed, score.
type Outcome = (String, String, Option<NaiveDateTime>, bool, i32);

/// The approved passes of `event`'s sign-off challenges (approved before `cutoff`), as
/// outcomes at their approval time. A pass whose current verdict no longer passes (a rejudge)
/// is left out, and counts again if a later rejudge passes it.
fn approved_passes(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<Vec<Outcome>> {
    let mut query = sign_offs::table
        .inner_join(challenges::table)
        .inner_join(submissions::table.inner_join(verdicts::table))
        .filter(challenges::event_id.eq(&event.id))
        .filter(sign_offs::state.eq(SignOffState::Approved.as_str()))
        .filter(verdicts::is_current.eq(true))
        .filter(verdicts::error_kind.is_null())
        .filter(verdicts::passed.eq(true))
        .select((
            sign_offs::team_id,
            sign_offs::challenge_id,
            sign_offs::decided_at,
            verdicts::passed,
            verdicts::score,
        ))
        .into_boxed();
    if let Some(cutoff) = cutoff {
        query = query.filter(sign_offs::decided_at.lt(cutoff));
    }
    Ok(query.load(conn)?)
}

/// The ranking rule over loaded attempts, taken in submission-time order.
fn rank(
    ladder: &[(String, String)],
    teams: &[(String, String)],
    attempts: &[Attempt],
) -> Vec<Standing> {
    let mut attempts: Vec<&Attempt> = attempts.iter().collect();
    // Usually sorted by the query already; a stable sort keeps that cheap and makes it certain.
    attempts.sort_by_key(|a| a.submitted_at);
    let mut best: HashMap<(&str, &str), Best> = HashMap::new();
    let mut raised_at: HashMap<&str, NaiveDateTime> = HashMap::new();
    let mut first_solver: HashMap<&str, (&str, NaiveDateTime)> = HashMap::new();
    for attempt in attempts {
        let entry = best
            .entry((attempt.team_id.as_str(), attempt.challenge_id.as_str()))
            .or_default();
        let mut raised = false;
        if i64::from(attempt.score) > entry.score {
            entry.score = i64::from(attempt.score);
            raised = true;
        }
        if attempt.passed && entry.solved_at.is_none() {
            entry.solved_at = Some(attempt.submitted_at);
            raised = true;
            first_solver
                .entry(attempt.challenge_id.as_str())
                .or_insert((attempt.team_id.as_str(), attempt.submitted_at));
        }
        if raised {
            raised_at.insert(attempt.team_id.as_str(), attempt.submitted_at);
        }
    }
    let mut rows: Vec<Standing> = teams
        .iter()
        .map(|(team_id, name)| {
            let progress: Vec<ChallengeProgress> = ladder
                .iter()
                .map(|(challenge_id, slug)| {
                    let found = best.get(&(team_id.as_str(), challenge_id.as_str()));
                    let b = found.cloned().unwrap_or_default();
                    ChallengeProgress {
                        challenge: slug.clone(),
                        solved: b.solved_at.is_some(),
                        score: b.score,
                        attempted: found.is_some(),
                        first_solve: first_solver
                            .get(challenge_id.as_str())
                            .is_some_and(|(first, _)| *first == team_id.as_str()),
                        solved_at: b.solved_at.map(utc),
                    }
                })
                .collect();
            Standing {
                rank: 0,
                team: TeamRef {
                    id: team_id.clone(),
                    name: name.clone(),
                },
                solved: u32::try_from(progress.iter().filter(|p| p.solved).count())
                    .unwrap_or(u32::MAX),
                score: progress.iter().map(|p| p.score).sum(),
                last_solve_at: raised_at.get(team_id.as_str()).copied().map(utc),
                progress,
                bracket: None,
                bracket_rank: None,
            }
        })
        .collect();
    order_and_rank(&mut rows);
    rows
}

/// Orders rows by the ranking rule (solved, score, earlier `last_solve_at`, then name) and
/// gives each its competition rank; teams equal on the first three share a rank.
fn order_and_rank(rows: &mut [Standing]) {
    rows.sort_by(|a, b| {
        b.solved
            .cmp(&a.solved)
            .then(b.score.cmp(&a.score))
            .then_with(|| match (a.last_solve_at, b.last_solve_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.team.name.cmp(&b.team.name))
    });
    let mut previous: Option<(u32, i64, Option<chrono::DateTime<chrono::Utc>>)> = None;
    let mut rank = 0;
    for (index, row) in rows.iter_mut().enumerate() {
        let key = (row.solved, row.score, row.last_solve_at);
        if previous != Some(key) {
            rank = u32::try_from(index + 1).unwrap_or(u32::MAX);
            previous = Some(key);
        }
        row.rank = rank;
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDateTime};

    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0)
            .expect("valid time")
            .naive_utc()
    }

    fn attempt(team: &str, challenge: &str, minute: i64, passed: bool, score: i32) -> Attempt {
        Attempt {
            team_id: team.into(),
            challenge_id: challenge.into(),
            submitted_at: at(minute),
            passed,
            score,
        }
    }

    fn ids(pairs: &[&str]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|s| ((*s).to_owned(), format!("name-{s}")))
            .collect()
    }

    #[test]
    fn solved_then_score_then_earliest() {
        let ladder = ids(&["c1", "c2"]);
        let teams = ids(&["a", "b", "c", "d"]);
        let attempts = vec![
            attempt("a", "c1", 1, false, 0),
            attempt("a", "c1", 5, true, 100),
            attempt("b", "c1", 3, true, 100),
            attempt("b", "c2", 9, false, 40),
            attempt("c", "c1", 4, true, 100),
            attempt("c", "c2", 8, false, 40),
        ];
        let rows = rank(&ladder, &teams, &attempts);
        let order: Vec<(&str, u32, u32, i64)> = rows
            .iter()
            .map(|r| (r.team.id.as_str(), r.rank, r.solved, r.score))
            .collect();
        // b and c: 1 solved, 140 points; c raised its score first (minute 8 < 9).
        assert_eq!(
            order,
            vec![
                ("c", 1, 1, 140),
                ("b", 2, 1, 140),
                ("a", 3, 1, 100),
                ("d", 4, 0, 0)
            ]
        );
        assert!(rows[1].progress[0].first_solve, "b solved c1 first");
        assert!(!rows[0].progress[0].first_solve);
        assert_eq!(rows[3].last_solve_at, None);
    }

    #[test]
    fn worse_later_attempts_change_nothing_and_ties_share_a_rank() {
        let ladder = ids(&["c1"]);
        let teams = ids(&["a", "b"]);
        let attempts = vec![
            attempt("a", "c1", 2, true, 80),
            attempt("b", "c1", 2, true, 80),
            attempt("a", "c1", 7, false, 10),
        ];
        let rows = rank(&ladder, &teams, &attempts);
        assert_eq!(rows[0].rank, 1);
        assert_eq!(rows[1].rank, 1);
        assert_eq!(rows[0].score, 80);
        assert_eq!(rows[0].last_solve_at, Some(at(2).and_utc()));
    }
}
