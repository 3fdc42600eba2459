//! The live layer of one instance: its connections, open documents, board pushes, and the
//! ordered queue through which the rest of cohack publishes [`LiveEvent`]s.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use tokio::sync::mpsc;

use super::{
    LiveEvent,
    board::BoardChannel,
    bus::{self, Notice},
    docs::Rooms,
    lock,
    registry::Registry,
};
use crate::{
    db::{Backend, Database, new_id},
    scoring::LeaderboardCache,
    state::AppState,
};

/// The live layer of one instance (`state.live`).
pub struct LiveHub {
    instance_id: String,
    backend: Backend,
    pub(super) db: Database,
    /// This instance's connections.
    pub registry: Arc<Registry>,
    /// Open documents.
    pub rooms: Rooms,
    /// Board and clock pushes to event channels.
    pub board: Arc<BoardChannel>,
    events_tx: mpsc::UnboundedSender<LiveEvent>,
    pub(super) events_rx: Mutex<Option<mpsc::UnboundedReceiver<LiveEvent>>>,
    pub(super) presence: Mutex<HashMap<String, String>>,
    cursors: Mutex<HashMap<String, String>>,
    pub(super) lost_at: Mutex<Option<String>>,
}

impl LiveHub {
    /// A hub for a new instance over `db`, pushing boards from `leaderboard`.
    pub fn new(db: Database, leaderboard: Arc<LeaderboardCache>) -> Self {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let registry = Arc::new(Registry::default());
        LiveHub {
            instance_id: new_id(),
            backend: db.backend(),
            board: Arc::new(BoardChannel::new(
                db.clone(),
                Arc::clone(&registry),
                leaderboard,
            )),
            db,
            registry,
            rooms: Rooms::default(),
            events_tx,
            events_rx: Mutex::new(Some(events_rx)),
            presence: Mutex::default(),
            cursors: Mutex::default(),
            lost_at: Mutex::default(),
        }
    }

    /// This instance's id (unique per process start).
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Publishes an event: stored, pushed here and announced to other instances, in order,
    /// in the background. Never blocks and never fails (failures are logged).
    pub fn publish(&self, event: LiveEvent) {
        if self.events_tx.send(event).is_err() {
            tracing::debug!("live layer not started: event dropped");
        }
    }

    pub(super) fn advance(&self, key: String, id: &str) {
        let mut cursors = lock(&self.cursors);
        let entry = cursors.entry(key).or_default();
        if entry.as_str() < id {
            *entry = id.to_owned();
        }
    }

    pub(super) fn cursor(&self, key: &str) -> Option<String> {
        lock(&self.cursors)
            .get(key)
            .cloned()
            .or_else(|| lock(&self.lost_at).clone())
    }

    /// Notes what a client was sent at join, so that catching up starts after it.
    pub fn seen(&self, kind: &str, key: &str, id: &str) {
        self.advance(format!("{kind}:{key}"), id);
    }

    /// Announces a notice to other instances (outside any transaction).
    pub async fn notify(&self, _state: &AppState, notice: Notice) {
        if self.backend != Backend::Postgres {
            return;
        }
        if let Err(e) = self.db.run(move |conn| bus::notify(conn, &notice)).await {
            tracing::warn!(error = %e, "live notice not sent");
        }
    }

    /// Pushes the event's public board to its channel here (see [`BoardChannel::push`]).
    pub fn deliver_board(&self, event_id: &str) {
        self.board.push(event_id);
    }

    /// Keeps the event's clock ticking while anyone watches it here.
    pub fn ensure_clock(&self, event_id: &str) {
        self.board.keep_clock(event_id);
    }
}
