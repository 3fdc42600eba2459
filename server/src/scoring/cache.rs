//! The leaderboard cache: boards are computed once per change and served as ready-made JSON.
//!
//! Reads are the hot path (a big screen per room, every participant's browser), so a read
//! costs a hash lookup and a clone of the cached bytes. A change (a verdict that may move the
//! board, a rejudge) calls [`LeaderboardCache::invalidate`], which bumps the event's generation;
//! the next read recomputes — once, however many readers arrive meanwhile (single flight):
//! the reader that recomputes sees the new state, and readers arriving during the computation
//! get the previous board instead of waiting (stale by at most one computation). A cached board also expires at
//! the next schedule boundary (freeze, end: the public view changes then) and after a short
//! time-to-live, which bounds staleness when another instance made the change.

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use actix_web::web::Bytes;
use chrono::NaiveDateTime;
use serde::Serialize;

use super::{Standing, standings};
use crate::{
    db::{Database, now},
    error::{Error, Result},
    models::event::{Event, Phase},
};

/// Which board a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardView {
    /// What the public sees: frozen between `freeze_at` and `ends_at`.
    Public,
    /// Everything, live (organizers).
    Full,
}

/// The leaderboard as served (`GET /api/v1/events/{slug}/leaderboard`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LeaderboardBody {
    /// Event slug.
    pub event: String,
    /// This board shows the state at `freeze_at`, not the live one.
    pub frozen: bool,
    /// When the public board freezes (or froze).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub freeze_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When this board was computed.
    #[schema(value_type = String, format = DateTime)]
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// Ranked teams.
    pub rows: Vec<Standing>,
}

struct Boards {
    generation: u64,
    valid_until: Instant,
    public: Bytes,
    full: Bytes,
}

impl Boards {
    fn pick(&self, view: BoardView) -> Bytes {
        match view {
            BoardView::Public => self.public.clone(),
            BoardView::Full => self.full.clone(),
        }
    }
}

#[derive(Default)]
struct Slot {
    generation: AtomicU64,
    compute: tokio::sync::Mutex<()>,
    boards: RwLock<Option<Arc<Boards>>>,
}

impl Slot {
    fn last(&self) -> Option<Arc<Boards>> {
        self.boards.read().ok()?.clone()
    }

    fn fresh(&self) -> Option<Arc<Boards>> {
        let boards = self.boards.read().ok()?.clone()?;
        let current = self.generation.load(Ordering::Acquire);
        (boards.generation == current && Instant::now() < boards.valid_until).then_some(boards)
    }
}

/// Per-event cached boards.
pub struct LeaderboardCache {
    db: Database,
    ttl: Duration,
    slugs: RwLock<HashMap<String, String>>,
    slots: RwLock<HashMap<String, Arc<Slot>>>,
}

impl LeaderboardCache {
    /// A cache over `db`; boards live at most `ttl` without an invalidation.
    pub fn new(db: Database, ttl: Duration) -> Self {
        Self {
            db,
            ttl,
            slugs: RwLock::default(),
            slots: RwLock::default(),
        }
    }

    /// Marks the event's boards stale: the next read recomputes.
    pub fn invalidate(&self, event_id: &str) {
        if let Some(slot) = self
            .slots
            .read()
            .ok()
            .and_then(|s| s.get(event_id).cloned())
        {
            slot.generation.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The event id behind a slug (cached: slugs never change).
    pub async fn event_id(&self, slug: &str) -> Result<String> {
        if let Some(id) = self.slugs.read().ok().and_then(|m| m.get(slug).cloned()) {
            return Ok(id);
        }
        let owned = slug.to_owned();
        let event = self
            .db
            .run(move |conn| Event::find_by_slug(conn, &owned))
            .await?;
        if let Ok(mut slugs) = self.slugs.write() {
            slugs.insert(slug.to_owned(), event.id.clone());
        }
        Ok(event.id)
    }

    fn slot(&self, event_id: &str) -> Arc<Slot> {
        if let Some(slot) = self
            .slots
            .read()
            .ok()
            .and_then(|s| s.get(event_id).cloned())
        {
            return slot;
        }
        let mut slots = match self.slots.write() {
            Ok(slots) => slots,
            Err(poisoned) => poisoned.into_inner(),
        };
        slots.entry(event_id.to_owned()).or_default().clone()
    }

    /// The board of the event `slug` as JSON bytes; during a recomputation another request
    /// started, the board it replaces (readers never queue).
    pub async fn get(&self, slug: &str, view: BoardView) -> Result<Bytes> {
        self.board(slug, view, false).await
    }

    /// The board as of the latest invalidation, waiting for a recomputation in progress:
    /// for pushes, which must not send the board being replaced.
    pub async fn get_current(&self, slug: &str, view: BoardView) -> Result<Bytes> {
        self.board(slug, view, true).await
    }

    async fn board(&self, slug: &str, view: BoardView, current: bool) -> Result<Bytes> {
        let event_id = self.event_id(slug).await?;
        let slot = self.slot(&event_id);
        let boards = match slot.fresh() {
            Some(boards) => boards,
            None => {
                // While another request recomputes, serve the board it replaces rather than
                // queue behind it: readers are at most one computation behind, and a flood of
                // changes costs one computation at a time, not one per reader.
                let _single_flight = match slot.compute.try_lock() {
                    Ok(guard) => guard,
                    Err(_) => match slot.last() {
                        Some(stale) if !current => return Ok(stale.pick(view)),
                        _ => slot.compute.lock().await,
                    },
                };
                match slot.fresh() {
                    Some(boards) => boards,
                    None => {
                        let generation = slot.generation.load(Ordering::Acquire);
                        let boards = Arc::new(self.compute(&event_id, generation).await?);
                        if let Ok(mut cached) = slot.boards.write() {
                            *cached = Some(boards.clone());
                        }
                        boards
                    }
                }
            }
        };
        Ok(boards.pick(view))
    }

    async fn compute(&self, event_id: &str, generation: u64) -> Result<Boards> {
        let id = event_id.to_owned();
        let (event, full, frozen) = self
            .db
            .run(move |conn| {
                let event = Event::find(conn, &id)?;
                let full = standings(conn, &event, None)?;
                let frozen = match (event.phase(), event.freeze_at) {
                    (Phase::Frozen, Some(freeze_at)) => {
                        Some(standings(conn, &event, Some(freeze_at))?)
                    }
                    _ => None,
                };
                Ok::<_, Error>((event, full, frozen))
            })
            .await?;
        let generated_at = now();
        let body = |rows: Vec<Standing>, frozen: bool| -> Result<Bytes> {
            serde_json::to_vec(&LeaderboardBody {
                event: event.slug.clone(),
                frozen,
                freeze_at: event.freeze_at.map(|f| f.and_utc()),
                generated_at: generated_at.and_utc(),
                rows,
            })
            .map(Bytes::from)
            .map_err(Error::internal)
        };
        let full_bytes = body(full, false)?;
        let public = match frozen {
            Some(rows) => body(rows, true)?,
            None => full_bytes.clone(),
        };
        Ok(Boards {
            generation,
            valid_until: Instant::now() + self.ttl.min(until_next_boundary(&event, generated_at)),
            public,
            full: full_bytes,
        })
    }
}

/// Time until the public view can change by the clock alone (freeze or end).
fn until_next_boundary(event: &Event, at: NaiveDateTime) -> Duration {
    [event.freeze_at, Some(event.ends_at), Some(event.starts_at)]
        .into_iter()
        .flatten()
        .filter(|boundary| *boundary > at)
        .map(|boundary| (boundary - at).to_std().unwrap_or_default())
        .min()
        .unwrap_or(Duration::MAX)
}
