//! The task that tells webhooks of an event's schedule: `event.phase` when it starts,
//! freezes and ends, and `report.ready` at the end.
//!
//! Schedule boundaries are not changes anyone makes, so no action announces them: every
//! instance looks every [`CHECK_EVERY`] at the events that have a webhook for them. Each
//! boundary is told once across instances: the instance whose `event_mailings` row
//! (`webhook:started`, `webhook:frozen`, `webhook:ended`, `webhook:report`) goes in enqueues
//! the deliveries, in the same transaction. A boundary passed while every instance was down
//! is told at the next start (late, not lost); webhooks made after a boundary are not told
//! of it.
//!
//! The same round releases what was held for the end of an event that has ended (its end
//! moved earlier than the hold it was queued with; a later end is the deliverer's check).

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, now, schema::event_mailings},
    error::Result,
    models::{event::Event, webhook::Webhook},
    outbox::OutboxRow,
    state::AppState,
    webhooks::news,
};

/// How often each instance looks for boundaries passed.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Runs forever on the current runtime.
pub async fn keep_phases_told(state: actix_web::web::Data<AppState>) {
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        let public_url = state.config.public_url.clone();
        let told = state
            .db
            .write(move |conn| {
                Ok::<_, crate::error::Error>(
                    tell_passed_boundaries(conn, &public_url)? + OutboxRow::release_ended(conn)?,
                )
            })
            .await;
        match told {
            Ok(0) => {}
            Ok(_) => state.outbox.wake(),
            Err(e) => tracing::warn!(error = %e, "webhooks: cannot check the events' phases"),
        }
    }
}

/// Enqueues the news of every boundary passed and not yet told; returns the deliveries queued.
pub fn tell_passed_boundaries(conn: &mut DbConnection, public_url: &str) -> Result<usize> {
    let at = now();
    let mut queued = 0;
    let mut event_ids = Webhook::events_subscribed_to(conn, "event.phase")?;
    event_ids.extend(Webhook::events_subscribed_to(conn, "report.ready")?);
    event_ids.sort();
    event_ids.dedup();
    for event_id in event_ids {
        let event = Event::find(conn, &event_id)?;
        let boundaries = [
            ("started", Some(event.starts_at)),
            ("frozen", event.freeze_at),
            ("ended", Some(event.ends_at)),
            ("report", Some(event.ends_at)),
        ];
        for (phase, boundary) in boundaries {
            let Some(boundary) = boundary.filter(|b| *b <= at) else {
                continue;
            };
            queued += conn.transaction(|conn| {
                if !claim(conn, &event.id, phase, at)? {
                    return Ok::<_, crate::error::Error>(0);
                }
                if phase == "report" {
                    news::report_ready(conn, &event, public_url)
                } else {
                    news::phase(conn, &event, phase, boundary)
                }
            })?;
        }
    }
    Ok(queued)
}

/// Records that `phase` of `event_id` is told; `false` when it was already (here or on
/// another instance). In a savepoint of its own: a duplicate must not abort the caller's
/// PostgreSQL transaction.
fn claim(conn: &mut DbConnection, event_id: &str, phase: &str, at: NaiveDateTime) -> Result<bool> {
    let kind = format!("webhook:{phase}");
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(event_mailings::table)
            .values((
                event_mailings::event_id.eq(event_id),
                event_mailings::kind.eq(&kind),
                event_mailings::sent_at.eq(at),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
