//! The outbox: the one delivery queue for everything cohack sends out of itself (mail,
//! webhooks), with the same guarantee as submissions — a delivery cohack has accepted is never
//! lost, even across a crash.
//!
//! # How a delivery travels
//!
//! ```text
//!  action's transaction ── enqueue(conn, NewDelivery) ──▶ outbox row (state queued)
//!        │ commit
//!        ▼
//!  state.outbox.wake()  ──▶ worker (every instance) claims due rows with a lease
//!                                 │ (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one writer)
//!                                 ▼
//!                     the channel's Deliver::deliver(&Delivery)
//!                                 │
//!              Ok ─▶ sent   Retry ─▶ queued again, backoff   GiveUp / a day gone ─▶ failed
//! ```
//!
//! 1. **Enqueue inside the transaction of the change that causes it**: call [`enqueue`] with
//!    the same `&mut DbConnection` the change is written with, before the commit. If the
//!    change commits, so does the delivery; if it rolls back, nothing is sent. Then, after the
//!    commit, call [`Outbox::wake`] (`state.outbox.wake()`) so this instance's worker sends it
//!    at once instead of at its next poll. Forgetting to wake only delays the delivery.
//! 2. **The id** [`enqueue`] returns (a UUIDv7) is stable across retries: it is the
//!    `webhook-id` header and the mail's `Message-ID`, so a receiver can de-duplicate.
//! 3. **The worker** runs on every instance (started in `startup.rs`). It claims due rows
//!    (`next_attempt_at` and `hold_until` passed, no live lease), leasing each for
//!    the lease (`outbox_lease_ms`), and hands each to the deliverer registered for its channel. A crash between
//!    sending and recording leaves the lease to run out: the row is sent again by whichever
//!    instance claims it next. So a delivery may be sent twice, never zero times.
//! 4. **The outcome**: `Ok(())` marks it sent; [`DeliveryError::Retry`] queues it again after
//!    an exponential backoff (from `outbox_retry_base_ms`, capped at an hour) until a day has
//!    passed since it was enqueued, then marks it failed with the reason in `last_error`;
//!    [`DeliveryError::GiveUp`] marks it failed at once; [`DeliveryError::Defer`] puts it back
//!    untouched until a given time (not an attempt: a hold the deliverer decided late).
//!
//! # Writing a deliverer (mail, webhooks)
//!
//! Implement [`Deliver`] for the channel and register it when the state is built
//! (`startup.rs`: `Outbox::builder(...).register(Channel::Mail, Arc::new(MyMailer))`).
//! [`Delivery::payload`] is the JSON given to [`enqueue`]: its shape is the channel's own
//! business. A deliverer must be safe to call twice for one delivery (see 3.), must not
//! block the executor (it is called from a tokio task), and should bound its own time (the
//! lease is the lease (`outbox_lease_ms`): past it another instance may send the same delivery again).
//!
//! # Metrics
//!
//! `cohack_outbox_queued{channel}`, `cohack_outbox_failed{channel}` and
//! `cohack_outbox_oldest_queued_age_seconds` (the whole database's, refreshed by the worker),
//! `cohack_outbox_sent_total{channel}`, `cohack_outbox_retries_total{channel}` and
//! `cohack_outbox_given_up_total{channel}` (this instance's).

mod metrics;
pub mod store;
mod worker;

use std::{collections::HashMap, fmt, future::Future, pin::Pin, sync::Arc, time::Duration};

use chrono::NaiveDateTime;
use tokio::sync::Notify;

pub use self::store::{NewDelivery, OutboxRow, enqueue};
use crate::db::Database;

/// How long a delivery is retried before it is marked failed.
pub const RETRY_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60 * 60);

/// How a delivery leaves cohack (the `outbox.channel` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// An e-mail; `target` is the recipient's address.
    Mail,
    /// A webhook call; `target` is the webhook's id.
    Webhook,
}

impl Channel {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mail => "mail",
            Channel::Webhook => "webhook",
        }
    }

    /// From the stored text.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "mail" => Some(Channel::Mail),
            "webhook" => Some(Channel::Webhook),
            _ => None,
        }
    }

    /// Every channel, for metrics.
    pub const ALL: [Channel; 2] = [Channel::Mail, Channel::Webhook];
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One claimed delivery, as a deliverer receives it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Stable across retries: the `webhook-id`, the mail's `Message-ID`.
    pub id: String,
    /// Its channel.
    pub channel: Channel,
    /// The event it belongs to, if any.
    pub event_id: Option<String>,
    /// The webhook's id, or the recipient's address.
    pub target: String,
    /// What [`enqueue`] was given.
    pub payload: serde_json::Value,
    /// This attempt's number, 1 first.
    pub attempt: i32,
    /// When it was enqueued.
    pub created_at: NaiveDateTime,
}

/// Why a delivery did not go out this time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// A failure that may pass (the receiver is down, a timeout, a 5xx): try again later.
    #[error("{0}")]
    Retry(String),
    /// A failure that will not pass (the webhook was deleted, the address is refused): mark
    /// the delivery failed now.
    #[error("{0}")]
    GiveUp(String),
    /// Not now, and not a failure: put it back until `until` (a hold found at delivery).
    #[error("deferred until {until}: {reason}")]
    Defer {
        /// Not before.
        until: NaiveDateTime,
        /// Why, for the log.
        reason: String,
    },
}

/// The future a deliverer returns.
pub type DeliverFuture<'a> = Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;

/// Sends one channel's deliveries. See the module documentation for the rules.
pub trait Deliver: Send + Sync + 'static {
    /// Sends `item` once; safe to call again for the same item.
    fn deliver<'a>(&'a self, item: &'a Delivery) -> DeliverFuture<'a>;
}

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Pacing {
    /// How often the worker looks for due deliveries when nothing woke it.
    pub poll: Duration,
    /// The first retry's delay; each later one doubles, up to [`MAX_BACKOFF`].
    pub retry_base: Duration,
    /// How long a claimed delivery is leased to the instance that claimed it
    /// (`outbox_lease_ms`, two minutes by default). A deliverer should finish well within
    /// it; past it, another instance may send the delivery again.
    pub lease: Duration,
}

/// The outbox's handle in the application state: the deliverers per channel, the wake-up
/// signal, and the metrics.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    deliverers: HashMap<Channel, Arc<dyn Deliver>>,
    wake: Notify,
    pacing: Pacing,
    metrics: metrics::OutboxMetrics,
}

/// Builds an [`Outbox`], one deliverer per channel.
pub struct OutboxBuilder {
    db: Database,
    pacing: Pacing,
    registry: prometheus::Registry,
    deliverers: HashMap<Channel, Arc<dyn Deliver>>,
}

impl OutboxBuilder {
    /// Registers the deliverer of `channel` (a later one replaces an earlier one).
    pub fn register(mut self, channel: Channel, deliverer: Arc<dyn Deliver>) -> Self {
        self.deliverers.insert(channel, deliverer);
        self
    }

    /// The outbox, its metrics registered in the builder's registry.
    pub fn build(self) -> Result<Outbox, prometheus::Error> {
        Ok(Outbox {
            inner: Arc::new(Inner {
                metrics: metrics::OutboxMetrics::new(&self.registry)?,
                db: self.db,
                deliverers: self.deliverers,
                wake: Notify::new(),
                pacing: self.pacing,
            }),
        })
    }
}

impl Outbox {
    /// Starts building the outbox over `db`, its metrics in `registry`.
    pub fn builder(db: Database, pacing: Pacing, registry: prometheus::Registry) -> OutboxBuilder {
        OutboxBuilder {
            db,
            pacing,
            registry,
            deliverers: HashMap::new(),
        }
    }

    /// Wakes this instance's worker: call it after committing a transaction that enqueued.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Starts the worker on the current tokio runtime; it runs for the life of the process.
    pub fn start(&self) {
        tokio::spawn(worker::run(self.clone()));
    }

    /// Whether a deliverer is registered for `channel`.
    pub fn handles(&self, channel: Channel) -> bool {
        self.inner.deliverers.contains_key(&channel)
    }
}
