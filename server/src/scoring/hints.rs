//! Hint costs in the ranking: applied to the standings [`super::rank`] computed, so every view
//! that ranks (board, frozen board, results, export) takes them the same way.
//!
//! Per team and challenge, the cost is the sum of the costs recorded for the hints the team
//! unlocked (before the cutoff, for the frozen view). With the event's `hint_cost` set to
//! `on_solve` it is taken only from a challenge the team solved (in that view); with `always`
//! from every challenge. A challenge's score never goes below 0; `last_solve_at` is left as it
//! is (a hint is not a solve). When a cost changed some score, the rows are ordered and ranked
//! again by the same rule.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Standing;
use crate::{
    db::{
        DbConnection,
        schema::{challenges, hint_unlocks},
    },
    error::Result,
    models::event::{Event, HINT_COST_ALWAYS},
};

/// The hint costs of every team of `event` per challenge slug (unlocks before `cutoff`).
pub fn costs(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<HashMap<(String, String), i64>> {
    let mut query = hint_unlocks::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(&event.id))
        .select((hint_unlocks::team_id, challenges::slug, hint_unlocks::cost))
        .into_boxed();
    if let Some(cutoff) = cutoff {
        query = query.filter(hint_unlocks::unlocked_at.lt(cutoff));
    }
    let rows: Vec<(String, String, i32)> = query.load(conn)?;
    let mut costs: HashMap<(String, String), i64> = HashMap::new();
    for (team, challenge, cost) in rows {
        *costs.entry((team, challenge)).or_default() += i64::from(cost.max(0));
    }
    Ok(costs)
}

/// One hint unlock as the ranking weighs it: team id, challenge id, its cost (never below
/// 0), when it was unlocked.
pub type Unlock = (String, String, i64, NaiveDateTime);

/// Every hint unlock of `event` before `cutoff` (all if `None`), oldest first: the race
/// ([`super::race`]) takes each cost at its moment.
pub fn unlocks(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<Vec<Unlock>> {
    let mut query = hint_unlocks::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(&event.id))
        .order(hint_unlocks::unlocked_at.asc())
        .select((
            hint_unlocks::team_id,
            hint_unlocks::challenge_id,
            hint_unlocks::cost,
            hint_unlocks::unlocked_at,
        ))
        .into_boxed();
    if let Some(cutoff) = cutoff {
        query = query.filter(hint_unlocks::unlocked_at.lt(cutoff));
    }
    let rows: Vec<(String, String, i32, NaiveDateTime)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(team, challenge, cost, at)| (team, challenge, i64::from(cost.max(0)), at))
        .collect())
}

/// The standings with the hint costs of `event` taken (see the module's rule).
pub fn apply(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
    rows: Vec<Standing>,
) -> Result<Vec<Standing>> {
    let costs = costs(conn, event, cutoff)?;
    Ok(take(rows, &costs, event.hint_cost == HINT_COST_ALWAYS))
}

/// Takes `costs` (per team id and challenge slug) from `rows`; `always`: also from unsolved
/// challenges.
fn take(
    mut rows: Vec<Standing>,
    costs: &HashMap<(String, String), i64>,
    always: bool,
) -> Vec<Standing> {
    if costs.is_empty() {
        return rows;
    }
    let mut changed = false;
    for row in &mut rows {
        for progress in &mut row.progress {
            let Some(cost) = costs.get(&(row.team.id.clone(), progress.challenge.clone())) else {
                continue;
            };
            if always || progress.solved {
                let score = (progress.score - cost).max(0);
                changed |= score != progress.score;
                progress.score = score;
            }
        }
        row.score = row.progress.iter().map(|p| p.score).sum();
    }
    if changed {
        super::order_and_rank(&mut rows);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{ChallengeProgress, TeamRef};

    fn row(team: &str, solved: bool, score: i64, minute: i64) -> Standing {
        let at = chrono::DateTime::from_timestamp(1_800_000_000 + minute * 60, 0);
        Standing {
            rank: 0,
            team: TeamRef {
                id: team.into(),
                name: team.into(),
            },
            solved: u32::from(solved),
            score,
            last_solve_at: (score > 0).then_some(at).flatten(),
            progress: vec![ChallengeProgress {
                challenge: "c1".into(),
                solved,
                score,
                attempted: score > 0 || solved,
                first_solve: false,
                solved_at: solved.then_some(at).flatten(),
            }],
            bracket: None,
            bracket_rank: None,
        }
    }

    fn cost(team: &str, value: i64) -> HashMap<(String, String), i64> {
        HashMap::from([((team.to_owned(), "c1".to_owned()), value)])
    }

    #[test]
    fn on_solve_takes_the_cost_only_from_a_solved_challenge() {
        let rows = vec![row("a", true, 100, 5), row("b", true, 100, 9)];
        let ranked = take(rows, &cost("a", 30), false);
        let scores: Vec<(&str, i64, u32)> = ranked
            .iter()
            .map(|r| (r.team.id.as_str(), r.score, r.rank))
            .collect();
        assert_eq!(scores, [("b", 100, 1), ("a", 70, 2)], "a falls behind b");
        assert!(ranked[1].last_solve_at.is_some(), "last_solve_at is kept");

        let unsolved = take(vec![row("a", false, 40, 5)], &cost("a", 30), false);
        assert_eq!(unsolved[0].score, 40, "not taken before the solve");
        let always = take(vec![row("a", false, 40, 5)], &cost("a", 30), true);
        assert_eq!(always[0].score, 10, "always: taken at once");
    }

    #[test]
    fn a_challenge_never_goes_below_zero() {
        let ranked = take(vec![row("a", true, 20, 5)], &cost("a", 50), false);
        assert_eq!((ranked[0].score, ranked[0].progress[0].score), (0, 0));
        assert_eq!(ranked[0].solved, 1, "still solved");
    }
}
