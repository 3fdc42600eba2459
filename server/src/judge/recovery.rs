//! The pending backlog: nothing acknowledged is lost. A submission is committed as
//! `pending` before it is judged; if the process stops (or the database hiccups) before its
//! verdict is recorded, it stays pending. At start-up every pending submission is judged;
//! afterwards, every minute, those pending for more than a minute (a live judge takes at most
//! the wall-time limit, seconds) are. Recording is conditional on the submission still being
//! pending, so instances sweeping the same database never record two verdicts.

use std::time::Duration;

use actix_web::web;
use futures_util::StreamExt;

use crate::{
    db::now, error::Result, judge::run::judge_submission, models::submission::Submission,
    state::AppState,
};

/// How often the backlog is swept after start-up, and how old a pending submission must be
/// to count as orphaned then.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Judges the backlog now, then keeps sweeping it; runs until the process stops.
pub async fn keep_backlog_judged(state: web::Data<AppState>) {
    let mut grace = Duration::ZERO;
    loop {
        match sweep(&state, grace).await {
            Ok(0) => {}
            Ok(judged) => tracing::info!(judged, "judged pending submissions"),
            Err(e) => tracing::warn!(error = %e, "cannot sweep pending submissions"),
        }
        grace = SWEEP_EVERY;
        tokio::time::sleep(SWEEP_EVERY).await;
    }
}

/// Judges every submission pending for at least `grace`; returns how many got a verdict.
pub async fn sweep(state: &web::Data<AppState>, grace: Duration) -> Result<usize> {
    let before = now() - chrono::TimeDelta::from_std(grace).unwrap_or_default();
    let pending = state
        .db
        .run(move |conn| Submission::pending(conn, before))
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    tracing::info!(count = pending.len(), "judging pending submissions");
    // The runtime bounds how many run at once; this bounds how many wait for it.
    let in_flight = 16;
    let judged = futures_util::stream::iter(pending)
        .map(|id| {
            let state = state.clone();
            async move {
                match judge_submission(&state, &id).await {
                    Ok(verdict) => verdict.is_some(),
                    Err(e) => {
                        tracing::warn!(submission = %id, error = %e, "cannot judge pending submission");
                        false
                    }
                }
            }
        })
        .buffer_unordered(in_flight)
        .filter(|judged| std::future::ready(*judged))
        .count()
        .await;
    Ok(judged)
}
