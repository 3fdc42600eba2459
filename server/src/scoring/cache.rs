//! The leaderboard cache: boards are computed once per change and served as ready-made bytes.
//!
//! Reads are the hot path (a big screen per room, every participant's browser), so a read
//! costs a hash lookup and a clone of the cached bytes: each board keeps its JSON, the same
//! JSON gzipped and a strong entity tag (a hash of the JSON), all made once when the board is
//! computed. A recomputation that finds the board unchanged keeps the previous one (same
//! bytes, same `generated_at`, same tag), so clients that revalidate keep getting `304`. A change (a verdict that may move the
//! board, a rejudge) calls [`LeaderboardCache::invalidate`], which bumps the event's generation;
//! the next read recomputes — once, however many readers arrive meanwhile (single flight):
//! the reader that recomputes sees the new state, and readers arriving during the computation
//! get the previous board instead of waiting (stale by at most one computation). A cached board also expires at
//! the next schedule boundary (freeze, end: the public view changes then) and after a short
//! time-to-live, which bounds staleness when another instance made the change.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use std::io::Write as _;

use actix_web::{http::header::HeaderValue, web::Bytes};
use flate2::{Compression, write::GzEncoder};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Standing, standings};
use crate::{
    db::{Database, now},
    error::{Error, Result},
    models::{
        bracket,
        event::{Event, Phase},
        team_alias,
    },
};

/// The rows with each team named by its alias (a team missing from `aliases`, created since,
/// by its id's place, never its name), re-sorted within each rank as the public sees them.
fn aliased(mut rows: Vec<Standing>, aliases: &HashMap<String, String>) -> Vec<Standing> {
    for row in &mut rows {
        row.team.name = aliases
            .get(&row.team.id)
            .cloned()
            .unwrap_or_else(|| "Team".to_owned());
    }
    // Teams sharing a rank are listed by name; with aliases, by alias, so that the order
    // gives no hint of the names behind them.
    rows.sort_by(|a, b| {
        a.rank
            .cmp(&b.rank)
            .then_with(|| a.team.name.cmp(&b.team.name))
    });
    rows
}

/// Which board a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardView {
    /// What the public sees: frozen between `freeze_at` and `ends_at`, and on an event with
    /// `board_names = "aliases"` naming each team by its alias only (its own bytes and tag).
    Public,
    /// Everything, live (organizers).
    Full,
}

/// The leaderboard as served (`GET /api/v1/events/{slug}/leaderboard`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
    /// The bracket this board shows (`?bracket=`; absent: every team). Its rows are the
    /// whole board's rows of that bracket, in the same order, each ranked in it by
    /// `bracket_rank`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bracket: Option<String>,
    /// Ranked teams.
    pub rows: Vec<Standing>,
}

/// One computed board: the typed rows every page reads, and the JSON every API client, big
/// screen and event channel gets — the same value, encoded once (plain and gzipped).
#[derive(Debug)]
pub struct Board {
    /// The board.
    pub body: LeaderboardBody,
    /// `body` as JSON, as `GET /events/{slug}/leaderboard` serves it.
    pub json: Bytes,
    /// `json` gzipped, for clients that accept it.
    pub gzip: Bytes,
    /// Strong entity tag of `json` (quoted): the first 128 bits of its SHA-256 in hex. A tag
    /// of the content, not of a counter, so that every instance gives the same board the same
    /// tag and any change of the bytes — rows, `frozen`, `generated_at` — changes it: the
    /// frozen public board and the organizers' live one never share a tag.
    pub etag: HeaderValue,
    /// Strong entity tag of `gzip`: `etag` with `-gz` (a content coding is another
    /// representation, RFC 9110 §8.8.3).
    pub gzip_etag: HeaderValue,
}

impl Board {
    /// Encodes a board once: JSON, its gzip encoding, their tags.
    pub fn from_body(body: LeaderboardBody) -> Result<Arc<Board>> {
        let json = serde_json::to_vec(&body).map_err(Error::internal)?;
        Self::encoded(body, json)
    }

    fn encoded(body: LeaderboardBody, json: Vec<u8>) -> Result<Arc<Board>> {
        let mut gz = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::best());
        gz.write_all(&json).map_err(Error::internal)?;
        let gzip = gz.finish().map_err(Error::internal)?;
        let digest = Sha256::digest(&json);
        let tag = hex::encode(&digest[..16]);
        let etag = HeaderValue::from_str(&format!("\"{tag}\"")).map_err(Error::internal)?;
        let gzip_etag = HeaderValue::from_str(&format!("\"{tag}-gz\"")).map_err(Error::internal)?;
        Ok(Arc::new(Board {
            body,
            json: Bytes::from(json),
            gzip: Bytes::from(gzip),
            etag,
            gzip_etag,
        }))
    }

    /// The board for `body`, or `previous` itself when `body` differs from it only by
    /// `generated_at`: an unchanged board keeps its bytes and its tag across recomputations
    /// (the time-to-live, another instance's invalidation, a change that moved nothing).
    fn unless_unchanged(
        mut body: LeaderboardBody,
        previous: Option<&Arc<Board>>,
    ) -> Result<Arc<Board>> {
        if let Some(previous) = previous {
            let generated_at = body.generated_at;
            body.generated_at = previous.body.generated_at;
            let json = serde_json::to_vec(&body).map_err(Error::internal)?;
            if json == previous.json {
                return Ok(Arc::clone(previous));
            }
            body.generated_at = generated_at;
        }
        Self::from_body(body)
    }

    /// Whether `tag` (the opaque part of an entity tag, without quotes or `W/`) names this
    /// board, in either encoding: the weak comparison `If-None-Match` calls for.
    pub fn has_tag(&self, tag: &[u8]) -> bool {
        let plain = self.etag.as_bytes();
        let plain = &plain[1..plain.len() - 1];
        let gzip = self.gzip_etag.as_bytes();
        let gzip = &gzip[1..gzip.len() - 1];
        tag == plain || tag == gzip
    }

    /// Per team id, the challenges it attempted (a judged submission, solved or not), read
    /// off the board — which respects the freeze — so that no screen costs a query of its own.
    pub fn attempted(&self) -> BTreeMap<String, BTreeSet<String>> {
        self.body
            .rows
            .iter()
            .map(|row| {
                let tried: BTreeSet<String> = row
                    .progress
                    .iter()
                    .filter(|p| p.attempted)
                    .map(|p| p.challenge.clone())
                    .collect();
                (row.team.id.clone(), tried)
            })
            .filter(|(_, tried)| !tried.is_empty())
            .collect()
    }
}

struct Boards {
    generation: u64,
    valid_until: Instant,
    public: Arc<Board>,
    full: Arc<Board>,
    /// The event's brackets, in order.
    bracket_names: Vec<String>,
    /// Per bracket of the event: its public and its full board, cut from the two above.
    brackets: HashMap<String, BracketBoards>,
}

struct BracketBoards {
    public: Arc<Board>,
    full: Arc<Board>,
}

impl Boards {
    fn pick(&self, view: BoardView) -> Arc<Board> {
        match view {
            BoardView::Public => Arc::clone(&self.public),
            BoardView::Full => Arc::clone(&self.full),
        }
    }

    /// The board of `bracket` (as the event spells it), if the event has that bracket.
    fn pick_bracket(&self, view: BoardView, bracket: &str) -> Option<Arc<Board>> {
        let boards = self.brackets.get(bracket)?;
        Some(match view {
            BoardView::Public => Arc::clone(&boards.public),
            BoardView::Full => Arc::clone(&boards.full),
        })
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
        Ok(self.board(slug, view, false).await?.json.clone())
    }

    /// The board of the event `slug`, typed and encoded (pages read the rows), with the
    /// same freshness as [`LeaderboardCache::get`].
    pub async fn get_board(&self, slug: &str, view: BoardView) -> Result<Arc<Board>> {
        self.board(slug, view, false).await
    }

    /// The board as of the latest invalidation, waiting for a recomputation in progress:
    /// for pushes, which must not send the board being replaced.
    pub async fn get_current(&self, slug: &str, view: BoardView) -> Result<Bytes> {
        Ok(self.board(slug, view, true).await?.json.clone())
    }

    /// [`LeaderboardCache::get_current`], typed and encoded: the event channel's frames are
    /// made from the board, its tag and the board pushed before it.
    pub async fn get_current_board(&self, slug: &str, view: BoardView) -> Result<Arc<Board>> {
        self.board(slug, view, true).await
    }

    /// The board of one bracket of the event `slug` (`bracket` matched regardless of case),
    /// with the same freshness as [`LeaderboardCache::get`]: cut from the same computation
    /// as the full board, so the two always agree. 404 when the event has no such bracket.
    pub async fn get_bracket_board(
        &self,
        slug: &str,
        view: BoardView,
        bracket: &str,
    ) -> Result<Arc<Board>> {
        let boards = self.boards(slug, false).await?;
        bracket::resolve(&boards.bracket_names, bracket)
            .and_then(|name| boards.pick_bracket(view, name))
            .ok_or(Error::NotFound("bracket"))
    }

    async fn board(&self, slug: &str, view: BoardView, current: bool) -> Result<Arc<Board>> {
        Ok(self.boards(slug, current).await?.pick(view))
    }

    async fn boards(&self, slug: &str, current: bool) -> Result<Arc<Boards>> {
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
                        Some(stale) if !current => return Ok(stale),
                        _ => slot.compute.lock().await,
                    },
                };
                match slot.fresh() {
                    Some(boards) => boards,
                    None => {
                        let generation = slot.generation.load(Ordering::Acquire);
                        let previous = slot.last();
                        let boards = Arc::new(
                            self.compute(&event_id, generation, previous.as_deref())
                                .await?,
                        );
                        if let Ok(mut cached) = slot.boards.write() {
                            *cached = Some(boards.clone());
                        }
                        boards
                    }
                }
            }
        };
        Ok(boards)
    }

    async fn compute(
        &self,
        event_id: &str,
        generation: u64,
        previous: Option<&Boards>,
    ) -> Result<Boards> {
        let id = event_id.to_owned();
        let (event, full, frozen, aliases, brackets) = self
            .db
            .run(move |conn| {
                let event = Event::find(conn, &id)?;
                let brackets = bracket::of_event(conn, &event.id)?;
                let full = standings(conn, &event, None)?;
                let frozen = match (event.phase(), event.freeze_at) {
                    (Phase::Frozen, Some(freeze_at)) => {
                        Some(standings(conn, &event, Some(freeze_at))?)
                    }
                    _ => None,
                };
                let aliases = if event.shows_aliases() {
                    Some(team_alias::aliases(conn, &event.id)?)
                } else {
                    None
                };
                Ok::<_, Error>((event, full, frozen, aliases, brackets))
            })
            .await?;
        let generated_at = now();
        let body = |rows: Vec<Standing>, frozen: bool, previous: Option<&Arc<Board>>| {
            Board::unless_unchanged(
                LeaderboardBody {
                    event: event.slug.clone(),
                    frozen,
                    freeze_at: event.freeze_at.map(|f| f.and_utc()),
                    generated_at: generated_at.and_utc(),
                    bracket: None,
                    rows,
                },
                previous,
            )
        };
        // An aliased public board is another board (other bytes, another tag): the public
        // rows with every team named by its alias.
        let (public_rows, is_frozen) = match (frozen, &aliases) {
            (Some(rows), _) => (Some(rows), true),
            (None, Some(_)) => (Some(full.clone()), false),
            (None, None) => (None, false),
        };
        let public_rows = match &aliases {
            Some(aliases) => public_rows.map(|rows| aliased(rows, aliases)),
            None => public_rows,
        };
        let full = body(full, false, previous.map(|p| &p.full))?;
        let public = match public_rows {
            Some(rows) => body(rows, is_frozen, previous.map(|p| &p.public))?,
            None => Arc::clone(&full),
        };
        // Each bracket's boards are cut from the two above, so they agree with them exactly
        // (frozen, aliased, ranked) and change only when they do.
        let mut bracket_boards = HashMap::with_capacity(brackets.len());
        for name in &brackets {
            let before = previous.and_then(|p| p.brackets.get(name));
            let full_cut = Board::unless_unchanged(
                super::brackets::bracket_body(&full.body, name),
                before.map(|b| &b.full),
            )?;
            let public_cut = if Arc::ptr_eq(&public, &full) {
                Arc::clone(&full_cut)
            } else {
                Board::unless_unchanged(
                    super::brackets::bracket_body(&public.body, name),
                    before.map(|b| &b.public),
                )?
            };
            bracket_boards.insert(
                name.clone(),
                BracketBoards {
                    public: public_cut,
                    full: full_cut,
                },
            );
        }
        // The public view can change by the clock alone at the next boundary (freeze, end).
        let until_boundary = event
            .until_next_boundary(generated_at)
            .unwrap_or(Duration::MAX);
        Ok(Boards {
            generation,
            valid_until: Instant::now() + self.ttl.min(until_boundary),
            public,
            full,
            brackets: bracket_boards,
            bracket_names: brackets,
        })
    }
}
