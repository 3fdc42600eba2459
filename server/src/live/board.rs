//! The event channel's board and clock: the public leaderboard pushed to every big screen
//! here once per change, and the clock pushed at every schedule boundary and at least every
//! minute while anyone watches. At a boundary the rewards pages here are told to read their
//! list again too (the end releases the rewards an event held since the freeze).
//!
//! Built with what it needs (the database, this instance's connections, the leaderboard
//! cache), so that the tasks it spawns own their references and nothing points back into the
//! application state.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::json;
use tokio::sync::Notify;

use super::{
    board_delta::BoardFrames,
    lock,
    registry::{Frame, Registry, Topic},
};
use crate::{
    db::{Database, now},
    error::Result,
    models::event::Event,
    scoring::{BoardView, LeaderboardCache},
};

/// The longest the event clock goes without a push.
const CLOCK_EVERY: Duration = Duration::from_secs(60);

/// A margin past a schedule boundary, so that the phase computed on waking is the new one.
const PAST_BOUNDARY: Duration = Duration::from_millis(20);

#[derive(Default)]
struct PushState {
    running: bool,
    dirty: bool,
}

/// Board and clock pushes for this instance's event channels.
pub struct BoardChannel {
    db: Database,
    registry: Arc<Registry>,
    leaderboard: Arc<LeaderboardCache>,
    pushes: Mutex<HashMap<String, PushState>>,
    frames: Mutex<HashMap<String, Arc<BoardFrames>>>,
    /// The events whose clock task runs here, each with the bell that wakes it when the
    /// schedule moves.
    clocks: Mutex<HashMap<String, Arc<Notify>>>,
    slugs: Mutex<HashMap<String, String>>,
    pushed: std::sync::atomic::AtomicU64,
}

impl BoardChannel {
    /// Pushes over `registry`, reading boards from `leaderboard` and events from `db`.
    pub fn new(db: Database, registry: Arc<Registry>, leaderboard: Arc<LeaderboardCache>) -> Self {
        BoardChannel {
            db,
            registry,
            leaderboard,
            pushes: Mutex::default(),
            frames: Mutex::default(),
            clocks: Mutex::default(),
            slugs: Mutex::default(),
            pushed: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many board frames this instance has pushed to event channels (metrics, tests).
    pub fn pushes(&self) -> u64 {
        self.pushed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The board changed on another instance (or while this one was not listening): the
    /// cached board is stale here too, and the new one is pushed.
    pub fn changed_elsewhere(self: &Arc<Self>, event_id: &str) {
        self.leaderboard.invalidate(event_id);
        self.push(event_id);
    }

    /// Pushes the event's public board to its channel here. Concurrent calls coalesce: while
    /// one push runs, further changes cause exactly one more.
    pub fn push(self: &Arc<Self>, event_id: &str) {
        if !self.registry.has(&Topic::Event(event_id.to_owned())) {
            return;
        }
        {
            let mut pushes = lock(&self.pushes);
            let push = pushes.entry(event_id.to_owned()).or_default();
            if push.running {
                push.dirty = true;
                return;
            }
            push.running = true;
            push.dirty = false;
        }
        let (channel, event_id) = (Arc::clone(self), event_id.to_owned());
        tokio::spawn(async move {
            let mut pushed: Option<Arc<BoardFrames>> = None;
            loop {
                match channel.frames(&event_id).await {
                    Ok(frames) => {
                        if !pushed.as_ref().is_some_and(|p| Arc::ptr_eq(p, &frames)) {
                            // Each frame was encoded once; every screen gets a clone of one.
                            channel.registry.send_board(
                                &Topic::Event(event_id.clone()),
                                &frames.full,
                                frames.for_delta_clients(),
                            );
                            channel
                                .pushed
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            pushed = Some(frames);
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, event = %event_id, "board not pushed"),
                }
                let mut pushes = lock(&channel.pushes);
                let push = pushes.entry(event_id.clone()).or_default();
                if push.dirty {
                    push.dirty = false;
                    continue;
                }
                push.running = false;
                break;
            }
        });
    }

    /// The slug of an event (cached; slugs never change).
    pub async fn slug_of(&self, event_id: &str) -> Result<String> {
        if let Some(slug) = lock(&self.slugs).get(event_id) {
            return Ok(slug.clone());
        }
        let owned = event_id.to_owned();
        let event = self.db.run(move |conn| Event::find(conn, &owned)).await?;
        lock(&self.slugs).insert(event_id.to_owned(), event.slug.clone());
        Ok(event.slug)
    }

    /// The `leaderboard` frame of an event: the public board, as the HTTP endpoint serves it,
    /// with its tag (`etag`). Built once per board and shared by every connection.
    pub async fn frame(&self, event_id: &str) -> Result<Frame> {
        Ok(self.frames(event_id).await?.full.clone())
    }

    /// The event's current board frames: the full `leaderboard` frame and the
    /// `leaderboard_delta` from the board encoded before it (see [`super::board_delta`]).
    /// Encoded once per board: while the cache hands out the same board, the same frames.
    pub async fn frames(&self, event_id: &str) -> Result<Arc<BoardFrames>> {
        let slug = self.slug_of(event_id).await?;
        let board = self
            .leaderboard
            .get_current_board(&slug, BoardView::Public)
            .await?;
        let before = lock(&self.frames).get(event_id).cloned();
        if let Some(frames) = &before
            && Arc::ptr_eq(&frames.board, &board)
        {
            return Ok(Arc::clone(frames));
        }
        let frames = Arc::new(BoardFrames::encode(
            board,
            before.as_ref().map(|f| f.board.as_ref()),
        )?);
        let mut cached = lock(&self.frames);
        // Two callers (a push, a greeting) may encode the same board at once: one encoding
        // wins, so that every client gets the same frames for it. (Were an older board to
        // land last, the next delta's `base` would name it, and clients holding another
        // board would ask for the full one: never wrong, only larger.)
        if let Some(current) = cached.get(event_id)
            && Arc::ptr_eq(&current.board, &frames.board)
        {
            return Ok(Arc::clone(current));
        }
        cached.insert(event_id.to_owned(), Arc::clone(&frames));
        Ok(frames)
    }

    /// The `clock` frame of an event: the server's time and the schedule.
    pub fn clock_frame(event: &Event) -> Frame {
        let at = now();
        Frame::json(&json!({
            "type": "clock",
            "server_time": at.and_utc(),
            "starts_at": event.starts_at.and_utc(),
            "ends_at": event.ends_at.and_utc(),
            "freeze_at": event.freeze_at.map(|f| f.and_utc()),
            "phase": event.phase_at(at),
        }))
    }

    /// Pushes the clock to the event channel here, and to the event's team channels (a
    /// workspace opens and closes with the schedule), if anyone listens.
    pub async fn push_clock(&self, event_id: &str) -> Result<()> {
        let topics = [
            Topic::Event(event_id.to_owned()),
            Topic::EventTeams(event_id.to_owned()),
        ];
        if !topics.iter().any(|t| self.registry.has(t)) {
            return Ok(());
        }
        let owned = event_id.to_owned();
        let event = self.db.run(move |conn| Event::find(conn, &owned)).await?;
        let frame = Self::clock_frame(&event);
        for topic in &topics {
            self.registry.send(topic, &frame, None, None);
        }
        Ok(())
    }

    /// Keeps the event's clock ticking while anyone watches it here: a push at least every
    /// minute, and at every schedule boundary a push of the clock and of the board (which
    /// freezes and unfreezes there; the cache expires its boards at boundaries by itself).
    pub fn keep_clock(self: &Arc<Self>, event_id: &str) {
        let bell = {
            let mut clocks = lock(&self.clocks);
            if clocks.contains_key(event_id) {
                return;
            }
            let bell = Arc::new(Notify::new());
            clocks.insert(event_id.to_owned(), Arc::clone(&bell));
            bell
        };
        let (channel, event_id) = (Arc::clone(self), event_id.to_owned());
        tokio::spawn(async move {
            loop {
                let owned = event_id.clone();
                let boundary = match channel.db.run(move |conn| Event::find(conn, &owned)).await {
                    Ok(event) => event.until_next_boundary(now()),
                    Err(_) => None,
                };
                let at_boundary = boundary.is_some_and(|d| d < CLOCK_EVERY);
                let wait = match boundary {
                    Some(d) if at_boundary => d + PAST_BOUNDARY,
                    _ => CLOCK_EVERY,
                };
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    // The schedule moved: the boundary slept towards may be another now.
                    () = bell.notified() => continue,
                }
                if !channel.registry.has(&Topic::Event(event_id.clone())) {
                    lock(&channel.clocks).remove(&event_id);
                    break;
                }
                if let Err(e) = channel.push_clock(&event_id).await {
                    tracing::warn!(error = %e, "clock not pushed");
                }
                if at_boundary {
                    channel.push(&event_id);
                    // At the end the rewards held since the freeze come through, at the
                    // freeze they start being held: the rewards pages read theirs again.
                    channel.registry.send(
                        &Topic::Rewards(event_id.clone()),
                        &super::rewards::rewards_frame(),
                        None,
                        None,
                    );
                }
            }
        });
    }

    /// The event's schedule changed (here or on another instance): its clock task, if one
    /// runs here, reads the schedule again instead of sleeping towards a boundary that moved.
    pub fn schedule_moved(&self, event_id: &str) {
        if let Some(bell) = lock(&self.clocks).get(event_id) {
            bell.notify_one();
        }
    }
}
