//! The worker every instance runs: claim due deliveries, hand each to its channel's
//! deliverer (several at once, each in a task of its own so a slow receiver holds up no
//! other), record the outcome.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Semaphore;

use super::{DeliveryError, Outbox, store::OutboxRow};

/// Deliveries in flight at once on one instance.
const CONCURRENCY: usize = 16;

/// How often the gauges (queued, failed, oldest) are refreshed from the database.
const CENSUS_EVERY: Duration = Duration::from_secs(5);

/// Runs forever: claims whatever is due whenever woken or every `poll`.
pub(super) async fn run(outbox: Outbox) {
    let channels: Vec<&'static str> = outbox
        .inner
        .deliverers
        .keys()
        .map(|channel| channel.as_str())
        .collect();
    let slots = Arc::new(Semaphore::new(CONCURRENCY));
    let mut census_at: Option<Instant> = None;
    loop {
        if census_at.is_none_or(|at| at.elapsed() >= CENSUS_EVERY) {
            census(&outbox).await;
            census_at = Some(Instant::now());
        }
        // Claim only what can start now: a claimed row waits for no free slot (its lease runs).
        let free = match Arc::clone(&slots).acquire_many_owned(1).await {
            Ok(permit) => {
                drop(permit);
                slots.available_permits()
            }
            Err(_) => return,
        };
        let claimed = if channels.is_empty() {
            Ok(Vec::new())
        } else {
            let channels = channels.clone();
            let limit = i64::try_from(free).unwrap_or(1);
            let lease = outbox.inner.pacing.lease;
            outbox
                .inner
                .db
                .write(move |conn| OutboxRow::claim(conn, &channels, limit, lease))
                .await
        };
        let rows = match claimed {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(error = %e, "outbox: cannot claim deliveries; trying again");
                Vec::new()
            }
        };
        let full = rows.len() >= free;
        for row in rows {
            let Ok(permit) = Arc::clone(&slots).acquire_owned().await else {
                return;
            };
            let outbox = outbox.clone();
            tokio::spawn(async move {
                deliver(&outbox, row).await;
                drop(permit);
            });
        }
        if full {
            // More may be due right now.
            continue;
        }
        tokio::select! {
            () = outbox.inner.wake.notified() => {}
            () = tokio::time::sleep(outbox.inner.pacing.poll) => {}
        }
    }
}

/// Sends one claimed delivery and records what became of it.
async fn deliver(outbox: &Outbox, row: OutboxRow) {
    let inner = &outbox.inner;
    let outcome = match row.delivery() {
        Ok(item) => match inner.deliverers.get(&item.channel) {
            Some(deliverer) => deliverer.deliver(&item).await,
            None => Err(DeliveryError::Retry(format!(
                "no deliverer for {} here",
                item.channel
            ))),
        },
        Err(e) => Err(DeliveryError::GiveUp(format!("unreadable delivery: {e}"))),
    };
    let channel = row.channel.clone();
    let id = row.id.clone();
    let base = inner.pacing.retry_base;
    let recorded = inner
        .db
        .write(move |conn| match &outcome {
            Ok(()) => OutboxRow::mark_sent(conn, &row.id).map(|()| Outcome::Sent),
            Err(DeliveryError::Retry(reason)) => OutboxRow::mark_retry(conn, &row, base, reason)
                .map(|given_up| {
                    if given_up {
                        Outcome::GivenUp(reason.clone())
                    } else {
                        Outcome::Retry(reason.clone())
                    }
                }),
            Err(DeliveryError::GiveUp(reason)) => OutboxRow::mark_failed(conn, &row.id, reason)
                .map(|()| Outcome::GivenUp(reason.clone())),
            Err(DeliveryError::Defer { until, .. }) => {
                OutboxRow::defer(conn, &row.id, *until).map(|()| Outcome::Deferred)
            }
        })
        .await;
    let label = [channel.as_str()];
    match recorded {
        Ok(Outcome::Sent) => {
            inner.metrics.sent_total.with_label_values(&label).inc();
            tracing::debug!(delivery = %id, channel = %channel, "outbox: sent");
        }
        Ok(Outcome::Retry(reason)) => {
            inner.metrics.retries_total.with_label_values(&label).inc();
            tracing::info!(delivery = %id, channel = %channel, reason = %reason, "outbox: will retry");
        }
        Ok(Outcome::GivenUp(reason)) => {
            inner.metrics.given_up_total.with_label_values(&label).inc();
            tracing::warn!(delivery = %id, channel = %channel, reason = %reason, "outbox: delivery failed");
        }
        Ok(Outcome::Deferred) => {}
        // The lease runs out and the delivery is attempted again: sent twice, never lost.
        Err(e) => {
            tracing::warn!(delivery = %id, channel = %channel, error = %e, "outbox: cannot record the outcome");
        }
    }
}

enum Outcome {
    Sent,
    Retry(String),
    GivenUp(String),
    Deferred,
}

/// Refreshes the gauges from the database.
async fn census(outbox: &Outbox) {
    let inner = &outbox.inner;
    let Ok((counts, oldest)) = inner.db.run(OutboxRow::census).await else {
        return;
    };
    for channel in super::Channel::ALL {
        let label = [channel.as_str()];
        let count = |state: &str| {
            counts
                .iter()
                .find(|(c, s, _)| c == channel.as_str() && s == state)
                .map_or(0, |(_, _, n)| *n)
        };
        inner
            .metrics
            .queued
            .with_label_values(&label)
            .set(count(super::store::STATE_QUEUED));
        inner
            .metrics
            .failed
            .with_label_values(&label)
            .set(count(super::store::STATE_FAILED));
    }
    let age = oldest.map_or(0, |at| (crate::db::now() - at).num_seconds().max(0));
    inner.metrics.oldest_age.set(age);
}
