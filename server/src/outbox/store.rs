//! The outbox's rows and the queries on them: enqueue (inside a caller's transaction), claim
//! with a lease, record the outcome, and the counts behind the metrics and the organizer's
//! view.
//!
//! The one backend-specific query is the claim: PostgreSQL locks the due rows it picks with
//! `FOR UPDATE SKIP LOCKED`, so two instances claiming at once pick different rows; SQLite
//! has one writer at a time (the database's writer queue), which gives the same.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Channel, Delivery, MAX_BACKOFF, RETRY_WINDOW};
use crate::{
    db::{DbConnection, new_id, now, schema::outbox},
    error::{Error, Result},
};

/// Queued: waiting for its first or next attempt.
pub const STATE_QUEUED: &str = "queued";
/// Sent: the receiver accepted it.
pub const STATE_SENT: &str = "sent";
/// Failed: given up (`last_error` says why).
pub const STATE_FAILED: &str = "failed";

/// Longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 500;

/// A delivery to store.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// How it leaves.
    pub channel: Channel,
    /// The event it belongs to (the rows go when the event is deleted), if any.
    pub event_id: Option<String>,
    /// The webhook's id, or the recipient's address.
    pub target: String,
    /// What the channel's deliverer reads.
    pub payload: serde_json::Value,
    /// Not sent before this time (something the frozen public board must not reveal).
    pub hold_until: Option<NaiveDateTime>,
}

/// A row of `outbox`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    /// Stable id (UUIDv7).
    pub id: String,
    /// `mail` or `webhook`.
    pub channel: String,
    /// The event, if any.
    pub event_id: Option<String>,
    /// The webhook's id, or the recipient's address.
    pub target: String,
    /// JSON.
    pub payload: String,
    /// `queued`, `sent` or `failed`.
    pub state: String,
    /// Attempts made (claims, counting one a crash interrupted).
    pub attempts: i32,
    /// Not attempted before this time.
    pub next_attempt_at: NaiveDateTime,
    /// Not sent before this time, if set.
    pub hold_until: Option<NaiveDateTime>,
    /// Leased to a worker until this time.
    pub claimed_until: Option<NaiveDateTime>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was enqueued.
    pub created_at: NaiveDateTime,
    /// When the receiver accepted it.
    pub sent_at: Option<NaiveDateTime>,
}

/// Stores `delivery`, to be sent after the surrounding transaction commits; returns its id.
/// Call it with the connection of the transaction that makes the change the delivery tells
/// of (see the module documentation of [`crate::outbox`]).
pub fn enqueue(conn: &mut DbConnection, delivery: NewDelivery) -> Result<String> {
    let at = now();
    let row = OutboxRow {
        id: new_id(),
        channel: delivery.channel.as_str().to_owned(),
        event_id: delivery.event_id,
        target: delivery.target,
        payload: delivery.payload.to_string(),
        state: STATE_QUEUED.to_owned(),
        attempts: 0,
        next_attempt_at: delivery.hold_until.map_or(at, |hold| hold.max(at)),
        hold_until: delivery.hold_until,
        claimed_until: None,
        last_error: None,
        created_at: at,
        sent_at: None,
    };
    diesel::insert_into(outbox::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.id)
}

/// The backoff before attempt `attempts + 1`: `base`, doubled per attempt made, capped.
pub fn backoff(base: std::time::Duration, attempts: i32) -> std::time::Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    base.saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_BACKOFF)
}

impl OutboxRow {
    /// Claims up to `limit` due deliveries for this worker: each is leased for `lease`
    /// and counts an attempt. Rows whose channel has no deliverer here
    /// (`channels`) are left for an instance that has one.
    pub fn claim(
        conn: &mut DbConnection,
        channels: &[&'static str],
        limit: i64,
        lease: std::time::Duration,
    ) -> Result<Vec<OutboxRow>> {
        let at = now();
        let lease = at + chrono::TimeDelta::from_std(lease).unwrap_or_default();
        conn.transaction(|conn| {
            let due = outbox::table
                .filter(outbox::state.eq(STATE_QUEUED))
                .filter(outbox::next_attempt_at.le(at))
                .filter(outbox::channel.eq_any(channels))
                .filter(outbox::hold_until.is_null().or(outbox::hold_until.le(at)))
                .filter(
                    outbox::claimed_until
                        .is_null()
                        .or(outbox::claimed_until.lt(at)),
                )
                .order(outbox::next_attempt_at.asc())
                .select(outbox::id)
                .limit(limit);
            let ids: Vec<String> = match conn {
                // Two instances claiming at once skip each other's locked rows.
                DbConnection::Postgres(pg) => due.for_update().skip_locked().load(pg)?,
                // One writer at a time: the database's writer queue serializes claims.
                DbConnection::Sqlite(_) => due.load(conn)?,
            };
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            // The claim's conditions again: on SQLite another process may have claimed a row
            // between the read and this write; only rows this write leased are returned.
            diesel::update(
                outbox::table
                    .filter(outbox::id.eq_any(&ids))
                    .filter(outbox::state.eq(STATE_QUEUED))
                    .filter(
                        outbox::claimed_until
                            .is_null()
                            .or(outbox::claimed_until.lt(at)),
                    ),
            )
            .set((
                outbox::claimed_until.eq(lease),
                outbox::attempts.eq(outbox::attempts + 1),
            ))
            .execute(conn)?;
            Ok(outbox::table
                .filter(outbox::id.eq_any(&ids))
                .filter(outbox::claimed_until.eq(lease))
                .order(outbox::next_attempt_at.asc())
                .select(OutboxRow::as_select())
                .load(conn)?)
        })
    }

    /// The row as its deliverer receives it; `None` for a channel this build does not know.
    pub fn delivery(&self) -> Result<Delivery> {
        let channel = Channel::parse(&self.channel).ok_or_else(|| {
            Error::internal(anyhow::anyhow!("unknown outbox channel {}", self.channel))
        })?;
        let payload = serde_json::from_str(&self.payload).map_err(Error::internal)?;
        Ok(Delivery {
            id: self.id.clone(),
            channel,
            event_id: self.event_id.clone(),
            target: self.target.clone(),
            payload,
            attempt: self.attempts,
            created_at: self.created_at,
        })
    }

    /// Records that the receiver accepted it.
    pub fn mark_sent(conn: &mut DbConnection, id: &str) -> Result<()> {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(STATE_SENT),
                outbox::sent_at.eq(Some(now())),
                outbox::claimed_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?;
        // A sent mail's body is needed no more, and it may hold a one-time link (a password
        // reset, an invitation) whose secret is otherwise stored only as its hash.
        diesel::update(outbox::table.find(id).filter(outbox::channel.eq("mail")))
            .set(outbox::payload.eq("{}"))
            .execute(conn)?;
        Ok(())
    }

    /// Records a failed attempt: queued again after the backoff, or failed when the retry
    /// window is over. Returns whether it was given up.
    pub fn mark_retry(
        conn: &mut DbConnection,
        row: &OutboxRow,
        base: std::time::Duration,
        reason: &str,
    ) -> Result<bool> {
        let at = now();
        let next =
            at + chrono::TimeDelta::from_std(backoff(base, row.attempts)).unwrap_or_default();
        let window_end =
            row.created_at + chrono::TimeDelta::from_std(RETRY_WINDOW).unwrap_or_default();
        if next > window_end {
            Self::mark_failed(conn, &row.id, &format!("gave up after a day: {reason}"))?;
            return Ok(true);
        }
        diesel::update(
            outbox::table
                .find(&row.id)
                .filter(outbox::state.eq(STATE_QUEUED)),
        )
        .set((
            outbox::next_attempt_at.eq(next),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(cut(reason))),
        ))
        .execute(conn)?;
        Ok(false)
    }

    /// Records that it will not be sent.
    pub fn mark_failed(conn: &mut DbConnection, id: &str, reason: &str) -> Result<()> {
        diesel::update(
            outbox::table
                .find(id)
                .filter(outbox::state.eq(STATE_QUEUED)),
        )
        .set((
            outbox::state.eq(STATE_FAILED),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(Some(cut(reason))),
        ))
        .execute(conn)?;
        Ok(())
    }

    /// Puts it back untouched (the attempt not counted) until `until`.
    pub fn defer(conn: &mut DbConnection, id: &str, until: NaiveDateTime) -> Result<()> {
        diesel::update(
            outbox::table
                .find(id)
                .filter(outbox::state.eq(STATE_QUEUED)),
        )
        .set((
            outbox::next_attempt_at.eq(until),
            outbox::hold_until.eq(Some(until)),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::attempts.eq(outbox::attempts - 1),
        ))
        .execute(conn)?;
        Ok(())
    }

    /// Releases what was held for the end of events that have ended (an end moved earlier
    /// than the hold it was queued with); returns how many rows.
    pub fn release_ended(conn: &mut DbConnection) -> Result<usize> {
        let at = now();
        let ended = crate::db::schema::events::table
            .filter(crate::db::schema::events::ends_at.le(at))
            .select(crate::db::schema::events::id.nullable());
        Ok(diesel::update(
            outbox::table
                .filter(outbox::state.eq(STATE_QUEUED))
                .filter(outbox::hold_until.gt(at))
                .filter(outbox::event_id.eq_any(ended)),
        )
        .set((
            outbox::hold_until.eq(Some(at)),
            outbox::next_attempt_at.eq(at),
        ))
        .execute(conn)?)
    }

    /// The latest `limit` deliveries to `target`, newest first.
    pub fn latest_of_target(
        conn: &mut DbConnection,
        target: &str,
        limit: i64,
    ) -> Result<Vec<OutboxRow>> {
        Ok(outbox::table
            .filter(outbox::target.eq(target))
            .order((outbox::created_at.desc(), outbox::id.desc()))
            .limit(limit)
            .select(OutboxRow::as_select())
            .load(conn)?)
    }

    /// Queued and failed rows per channel and state (sent ones are counted as they go, not
    /// here: they pile up), and the creation time of the oldest queued row.
    pub fn census(conn: &mut DbConnection) -> Result<(Vec<StateCount>, Option<NaiveDateTime>)> {
        let counts = outbox::table
            .filter(outbox::state.eq_any([STATE_QUEUED, STATE_FAILED]))
            .group_by((outbox::channel, outbox::state))
            .select((outbox::channel, outbox::state, diesel::dsl::count_star()))
            .load::<(String, String, i64)>(conn)?;
        let oldest = outbox::table
            .filter(outbox::state.eq(STATE_QUEUED))
            .select(diesel::dsl::min(outbox::created_at))
            .first::<Option<NaiveDateTime>>(conn)?;
        Ok((counts, oldest))
    }
}

/// How many rows of a channel (first) are in a state (second).
pub type StateCount = (String, String, i64);

fn cut(reason: &str) -> String {
    reason.chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_an_hour() {
        let base = Duration::from_secs(5);
        assert_eq!(backoff(base, 1), Duration::from_secs(5));
        assert_eq!(backoff(base, 2), Duration::from_secs(10));
        assert_eq!(backoff(base, 5), Duration::from_secs(80));
        assert_eq!(backoff(base, 30), MAX_BACKOFF);
        assert_eq!(backoff(base, i32::MAX), MAX_BACKOFF);
    }
}
