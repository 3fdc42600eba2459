//! The score race: how each team's score and solved count grew over the event, by the same
//! ranking rule as the board (the outcomes [`super::standings`] reads, approved sign-offs at
//! their approval, hint costs at their moment), so that a line's last point is the team's
//! row on the board computed with the same cutoff.
//!
//! A hint's cost is taken at its unlock with `hint_cost = "always"`; with `on_solve`, at the
//! later of the unlock and the team's first pass of that challenge (before the solve the
//! board takes nothing). Either way a challenge's score never goes below 0.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Standing, TeamRef, hints};
use crate::{
    db::DbConnection,
    error::Result,
    models::event::{Event, HINT_COST_ALWAYS},
};

/// A moment a team's standing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RacePoint {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// The team's score from then on.
    pub score: i64,
    /// Challenges solved from then on.
    pub solved: u32,
}

/// One team's line in the race.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RaceLine {
    /// The team, named as the board it comes from names it (an alias on an aliased board).
    pub team: TeamRef,
    /// Its rank on that board.
    pub rank: u32,
    /// Every change of its standing, oldest first (none: it never scored).
    pub points: Vec<RacePoint>,
}

/// Per challenge, what a team holds at one moment.
#[derive(Default)]
struct Held {
    best: i64,
    solved: bool,
    cost: i64,
}

/// The race of the teams of `rows` (the board's rows, in its order) in `event`, from what
/// happened before `cutoff` (all if `None`): the cutoff of the board `rows` come from.
pub fn race(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
    rows: &[Standing],
) -> Result<Vec<RaceLine>> {
    let outcomes = super::outcomes(conn, event, cutoff)?;
    let unlocks = hints::unlocks(conn, event, cutoff)?;
    Ok(lines(
        rows,
        &outcomes,
        &unlocks,
        event.hint_cost == HINT_COST_ALWAYS,
    ))
}

/// What can move a team's standing, at one moment.
enum Step<'a> {
    Outcome(&'a super::Attempt),
    Hint(&'a str, i64),
}

fn lines(
    rows: &[Standing],
    outcomes: &[super::Attempt],
    unlocks: &[hints::Unlock],
    always: bool,
) -> Vec<RaceLine> {
    let mut steps: HashMap<&str, Vec<(NaiveDateTime, Step<'_>)>> = rows
        .iter()
        .map(|row| (row.team.id.as_str(), Vec::new()))
        .collect();
    for outcome in outcomes {
        if let Some(list) = steps.get_mut(outcome.team_id.as_str()) {
            list.push((outcome.submitted_at, Step::Outcome(outcome)));
        }
    }
    for (team, challenge, cost, at) in unlocks {
        if let Some(list) = steps.get_mut(team.as_str()) {
            list.push((*at, Step::Hint(challenge.as_str(), *cost)));
        }
    }
    rows.iter()
        .map(|row| {
            let mut list = steps.remove(row.team.id.as_str()).unwrap_or_default();
            list.sort_by_key(|(at, _)| *at);
            RaceLine {
                team: row.team.clone(),
                rank: row.rank,
                points: points(&list, always),
            }
        })
        .collect()
}

/// Replays one team's steps: a point whenever its score or solved count changed.
fn points(steps: &[(NaiveDateTime, Step<'_>)], always: bool) -> Vec<RacePoint> {
    let mut held: HashMap<&str, Held> = HashMap::new();
    let mut points: Vec<RacePoint> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let at = steps[i].0;
        // Everything at the same moment is one step of the line.
        while i < steps.len() && steps[i].0 == at {
            match &steps[i].1 {
                Step::Outcome(o) => {
                    let h = held.entry(o.challenge_id.as_str()).or_default();
                    h.best = h.best.max(i64::from(o.score));
                    h.solved |= o.passed;
                }
                Step::Hint(challenge, cost) => held.entry(*challenge).or_default().cost += *cost,
            }
            i += 1;
        }
        let score = held
            .values()
            .map(|h| {
                if always || h.solved {
                    (h.best - h.cost).max(0)
                } else {
                    h.best
                }
            })
            .sum();
        let solved = u32::try_from(held.values().filter(|h| h.solved).count()).unwrap_or(u32::MAX);
        // A line starts at 0 without a point; it gets one for every change after that.
        let previous = points.last().map_or((0, 0), |p| (p.score, p.solved));
        if previous != (score, solved) {
            points.push(RacePoint {
                at: at.and_utc(),
                score,
                solved,
            });
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::Attempt;

    fn at(minute: i64) -> NaiveDateTime {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0)
            .expect("valid time")
            .naive_utc()
    }

    fn outcome(challenge: &str, minute: i64, passed: bool, score: i32) -> Attempt {
        Attempt {
            team_id: "a".into(),
            challenge_id: challenge.into(),
            submitted_at: at(minute),
            passed,
            score,
        }
    }

    fn shape(points: &[RacePoint]) -> Vec<(i64, i64, u32)> {
        points
            .iter()
            .map(|p| ((p.at.naive_utc() - at(0)).num_minutes(), p.score, p.solved))
            .collect()
    }

    fn replay(outcomes: &[Attempt], unlocks: &[hints::Unlock], always: bool) -> Vec<RacePoint> {
        let mut list: Vec<(NaiveDateTime, Step<'_>)> = outcomes
            .iter()
            .map(|o| (o.submitted_at, Step::Outcome(o)))
            .chain(
                unlocks
                    .iter()
                    .map(|(_, c, cost, at)| (*at, Step::Hint(c.as_str(), *cost))),
            )
            .collect();
        list.sort_by_key(|(at, _)| *at);
        points(&list, always)
    }

    #[test]
    fn partial_credit_then_a_pass_then_another_challenge() {
        let outcomes = [
            outcome("c1", 1, false, 0),
            outcome("c1", 2, false, 40),
            outcome("c1", 5, true, 100),
            outcome("c2", 9, true, 50),
        ];
        assert_eq!(
            shape(&replay(&outcomes, &[], false)),
            [(2, 40, 0), (5, 100, 1), (9, 150, 2)],
            "a failure at 0 points is no step"
        );
    }

    #[test]
    fn hint_costs_follow_the_events_rule() {
        let outcomes = [outcome("c1", 5, true, 100)];
        let unlocks = [("a".to_owned(), "c1".to_owned(), 30, at(2))];
        assert_eq!(
            shape(&replay(&outcomes, &unlocks, false)),
            [(5, 70, 1)],
            "on_solve: taken at the solve"
        );
        let late = [("a".to_owned(), "c1".to_owned(), 30, at(7))];
        assert_eq!(
            shape(&replay(&outcomes, &late, false)),
            [(5, 100, 1), (7, 70, 1)],
            "on_solve: a hint after the solve costs at its unlock"
        );
        assert_eq!(
            shape(&replay(&[outcome("c1", 5, false, 20)], &unlocks, true)),
            Vec::<(i64, i64, u32)>::new(),
            "always: 20 - 30 stays at 0, so the line never leaves 0"
        );
    }
}
