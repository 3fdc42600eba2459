//! The event channel's board and clock: the public leaderboard pushed to every big screen
//! here once per change, and the clock pushed at every schedule boundary and at least every
//! minute while anyone watches.
//!
//! Built with what it needs (the database, this instance's connections, the leaderboard
//! cache), so that the tasks it spawns own their references and nothing points back into the
//! application state.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::web::Bytes;
use bytestring::ByteString;
use serde_json::json;

use super::{
    lock,
    registry::{Frame, Registry, Topic},
};
use crate::{
    db::{Database, now},
    error::{Error, Result},
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
    frames: Mutex<HashMap<String, (Bytes, Frame)>>,
    clocks: Mutex<HashSet<String>>,
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
            let mut pushed: Option<ByteString> = None;
            loop {
                match channel.frame(&event_id).await {
                    Ok(frame) => {
                        let text = match &frame {
                            Frame::Text(text) => Some(text.clone()),
                            _ => None,
                        };
                        if text != pushed {
                            channel.registry.send(
                                &Topic::Event(event_id.clone()),
                                &frame,
                                None,
                                None,
                            );
                            channel
                                .pushed
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            pushed = text;
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

    /// The `leaderboard` frame of an event: the public board, as the HTTP endpoint serves it.
    /// Built once per board (the cache hands out the same buffer until it changes) and
    /// shared by every connection.
    pub async fn frame(&self, event_id: &str) -> Result<Frame> {
        let slug = self.slug_of(event_id).await?;
        let board = self
            .leaderboard
            .get_current(&slug, BoardView::Public)
            .await?;
        if let Some((source, frame)) = lock(&self.frames).get(event_id)
            && source.as_ptr() == board.as_ptr()
            && source.len() == board.len()
        {
            return Ok(frame.clone());
        }
        // `{"event":…}` becomes `{"type":"leaderboard","event":…}` without re-serializing.
        let body = std::str::from_utf8(&board).map_err(Error::internal)?;
        let rest = body.strip_prefix('{').unwrap_or(body);
        let separator = if rest.trim_start().starts_with('}') {
            ""
        } else {
            ","
        };
        let frame = Frame::Text(ByteString::from(format!(
            "{{\"type\":\"leaderboard\"{separator}{rest}"
        )));
        lock(&self.frames).insert(event_id.to_owned(), (board, frame.clone()));
        Ok(frame)
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
        if !lock(&self.clocks).insert(event_id.to_owned()) {
            return;
        }
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
                tokio::time::sleep(wait).await;
                if !channel.registry.has(&Topic::Event(event_id.clone())) {
                    lock(&channel.clocks).remove(&event_id);
                    break;
                }
                if let Err(e) = channel.push_clock(&event_id).await {
                    tracing::warn!(error = %e, "clock not pushed");
                }
                if at_boundary {
                    channel.push(&event_id);
                }
            }
        });
    }
}
