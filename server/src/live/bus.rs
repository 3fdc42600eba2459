//! Crossing instances: small notifications naming what changed.
//!
//! With PostgreSQL, every change is written and announced in the same transaction
//! (`pg_notify` is delivered on commit, so a receiver always finds the row). Each instance
//! keeps one dedicated connection that `LISTEN`s on [`CHANNEL`], reads the rest from the
//! database and pushes to its own clients. Notifications from the instance itself are
//! ignored: it has already pushed locally. On SQLite there is one instance, and
//! [`notify`] does nothing.
//!
//! The listener is `tokio-postgres`, not diesel: diesel's `notifications_iter()` only drains
//! what libpq has already received and cannot wait for the next notification, so it would
//! have to poll, on a blocking thread. `tokio-postgres` yields notifications as they arrive
//! from an async connection and reports its loss, after which we reconnect and catch up
//! from the database ([`super::LiveHub::catch_up`]).

use std::time::Duration;

use diesel::{RunQueryDsl, sql_types::Text};
use futures_util::{StreamExt, stream};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::{db::DbConnection, error::Result};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "cohack_live";

/// Largest payload PostgreSQL accepts is 8000 bytes; awareness states above this are not
/// relayed across instances.
pub const MAX_PAYLOAD: usize = 7_500;

/// What changed. `o` is the instance that made the change.
#[expect(
    missing_docs,
    reason = "each variant's doc names its fields; one-letter keys keep notices small"
)]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
pub enum Notice {
    /// A chat line `id` in team `t`.
    Chat { o: String, t: String, id: String },
    /// An activity item `id` in team `t`.
    Activity { o: String, t: String, id: String },
    /// Presence changed in team `t`.
    Presence { o: String, t: String },
    /// Help call `id` of team `t` changed.
    Help { o: String, t: String, id: String },
    /// Team `t`'s list of documents changed (created, renamed, deleted).
    Docs { o: String, t: String },
    /// Document `d` got update `s`.
    Doc { o: String, d: String, s: i64 },
    /// Awareness update `u` (base64) in document `d`: ephemeral, so carried inline.
    Awareness { o: String, d: String, u: String },
    /// Announcement `id` in event `e`.
    Announcement { o: String, e: String, id: String },
    /// Announcement `id` in event `e` was edited.
    AnnouncementEdited { o: String, e: String, id: String },
    /// Announcement `id` in event `e` was deleted.
    AnnouncementDeleted { o: String, e: String, id: String },
    /// Event `e`'s leaderboard may have changed.
    Board { o: String, e: String },
    /// Event `e`'s schedule changed.
    Event { o: String, e: String },
    /// User `u` lost access to team `t` of event `e`: their sockets on it close.
    Revoked {
        o: String,
        t: String,
        e: String,
        u: String,
    },
    /// User `u`'s roles changed: their access to what they listen to is checked again.
    Reauthorize { o: String, u: String },
    /// Question `id` was asked or answered: its staff (and, answered to everyone, every team
    /// of its event) are told.
    Question { o: String, id: String },
    /// Team `t` of event `e` was nudged about challenge `c`: its staff are told.
    Nudge {
        o: String,
        e: String,
        t: String,
        c: String,
    },
    /// The sign-offs of team `t` of event `e` changed (awaiting or decided).
    SignOffs { o: String, e: String, t: String },
    /// The rewards of event `e` may have changed.
    Rewards { o: String, e: String },
}

impl Notice {
    /// The instance that made the change.
    pub fn origin(&self) -> &str {
        match self {
            Notice::Chat { o, .. }
            | Notice::Activity { o, .. }
            | Notice::Presence { o, .. }
            | Notice::Help { o, .. }
            | Notice::Docs { o, .. }
            | Notice::Doc { o, .. }
            | Notice::Awareness { o, .. }
            | Notice::Announcement { o, .. }
            | Notice::AnnouncementEdited { o, .. }
            | Notice::AnnouncementDeleted { o, .. }
            | Notice::Board { o, .. }
            | Notice::Event { o, .. }
            | Notice::Revoked { o, .. }
            | Notice::Question { o, .. }
            | Notice::Reauthorize { o, .. }
            | Notice::Nudge { o, .. }
            | Notice::SignOffs { o, .. }
            | Notice::Rewards { o, .. } => o,
        }
    }
}

/// Announces `notice` to the other instances; on PostgreSQL, inside the caller's transaction
/// (delivered on commit). Does nothing on SQLite.
pub fn notify(conn: &mut DbConnection, notice: &Notice) -> Result<()> {
    if let DbConnection::Postgres(pg) = conn {
        let payload = serde_json::to_string(notice).map_err(crate::error::Error::internal)?;
        if payload.len() > MAX_PAYLOAD {
            tracing::debug!(size = payload.len(), "live notice too large: not sent");
            return Ok(());
        }
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(pg)?;
    }
    Ok(())
}

/// What the listener reports to the hub.
#[derive(Debug)]
pub enum Heard {
    /// A notice from another instance.
    Notice(Notice),
    /// The listening connection was (re)established: whatever happened while it was down
    /// must be read from the database.
    Connected,
    /// The listening connection is gone: notices may be missed until it is back.
    Lost,
}

/// Listens on [`CHANNEL`] forever, reconnecting with backoff, and reports what it hears to
/// `tx`. Ends when `tx` is closed.
pub async fn listen(url: String, own_instance: String, tx: mpsc::Sender<Heard>) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match tokio_postgres::connect(&url, tokio_postgres::NoTls).await {
            Ok((client, mut connection)) => {
                // The connection must be polled for the LISTEN to complete; its messages come
                // out of this stream.
                let (heard_tx, mut heard_rx) = mpsc::unbounded_channel();
                let driver = tokio::spawn(async move {
                    let mut messages = stream::poll_fn(move |cx| connection.poll_message(cx));
                    while let Some(message) = messages.next().await {
                        match message {
                            Ok(tokio_postgres::AsyncMessage::Notification(n)) => {
                                if heard_tx.send(n.payload().to_owned()).is_err() {
                                    break;
                                }
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(error = %e, "live listener connection failed");
                                break;
                            }
                        }
                    }
                });
                if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
                    tracing::warn!(error = %e, "cannot LISTEN; retrying");
                    driver.abort();
                } else {
                    backoff = Duration::from_millis(100);
                    if tx.send(Heard::Connected).await.is_err() {
                        return;
                    }
                    while let Some(payload) = heard_rx.recv().await {
                        match serde_json::from_str::<Notice>(&payload) {
                            Ok(notice) if notice.origin() == own_instance => {}
                            Ok(notice) => {
                                if tx.send(Heard::Notice(notice)).await.is_err() {
                                    return;
                                }
                            }
                            Err(e) => tracing::warn!(error = %e, "unreadable live notice"),
                        }
                    }
                    tracing::warn!("live listener lost its connection; reconnecting");
                }
                if tx.send(Heard::Lost).await.is_err() {
                    return;
                }
                drop(client);
            }
            Err(e) => {
                tracing::warn!(error = %e, "live listener cannot connect; retrying");
                if tx.send(Heard::Lost).await.is_err() {
                    return;
                }
            }
        }
        if tx.is_closed() {
            return;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
