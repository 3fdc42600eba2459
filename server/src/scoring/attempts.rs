//! Which challenges each team has attempted: the big screen's "tried, not yet solved" cells,
//! which the leaderboard body (solved, score, first solve) does not carry.
//!
//! An attempt is what the ranking rule counts: a submission with a current, judged verdict
//! (validator errors are not attempts). The public view during the freeze sees only the
//! submissions made before `freeze_at`, as the public leaderboard does, so the big screen
//! never leaks what happened after it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, now,
        schema::{challenges, submissions, verdicts},
    },
    error::Result,
    models::event::{Event, Phase},
};

use super::cache::BoardView;

/// Per team id, the slugs of the challenges it made at least one judged attempt at.
pub type Attempted = BTreeMap<String, BTreeSet<String>>;

/// The cutoff a view of `event` applies now: `freeze_at` for the public view while the board
/// is frozen, none otherwise.
pub fn cutoff(event: &Event, view: BoardView) -> Option<NaiveDateTime> {
    match (view, event.phase_at(now()), event.freeze_at) {
        (BoardView::Public, Phase::Frozen, Some(freeze_at)) => Some(freeze_at),
        _ => None,
    }
}

/// The challenges each team of `event` attempted, counting the submissions made before
/// `cutoff` (all when `None`).
pub fn attempted(
    conn: &mut DbConnection,
    event: &Event,
    cutoff: Option<NaiveDateTime>,
) -> Result<Attempted> {
    let mut query = submissions::table
        .inner_join(verdicts::table)
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(&event.id))
        .filter(verdicts::is_current.eq(true))
        .filter(verdicts::error_kind.is_null())
        .select((submissions::team_id, challenges::slug))
        .distinct()
        .into_boxed();
    if let Some(cutoff) = cutoff {
        query = query.filter(submissions::created_at.lt(cutoff));
    }
    let pairs: Vec<(String, String)> = query.load(conn)?;
    let mut attempted = Attempted::new();
    for (team_id, slug) in pairs {
        attempted.entry(team_id).or_default().insert(slug);
    }
    Ok(attempted)
}
