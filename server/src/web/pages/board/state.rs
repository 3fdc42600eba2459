//! `GET /events/{slug}/board/state`: what the big screen's script needs besides the
//! leaderboard frame — attempted challenges (public view), the latest announcement as
//! sanitized HTML, and the ladder's column titles — computed once per board and announcement
//! and shared by every screen.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::{
    HttpResponse, get,
    http::header::ContentType,
    web::{self, Bytes},
};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Attempted, LatestAnnouncement, columns, latest_announcement};
use crate::{
    db::now,
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::{Event, Phase},
    },
    scoring::{Board, BoardView},
    web::PageContext,
};

/// What the big screen's script asks for besides the leaderboard frame.
#[derive(Debug, Serialize)]
struct BoardState {
    /// Whether these are the frozen (public, at `freeze_at`) attempts.
    frozen: bool,
    /// Per team id, the challenges attempted.
    attempted: Attempted,
    /// The latest announcement.
    announcement: Option<LatestAnnouncement>,
    /// The ladder: slug, position and title (empty before the start).
    ladder: Vec<LadderColumn>,
}

#[derive(Debug, Serialize)]
struct LadderColumn {
    slug: String,
    position: i32,
    title: String,
}

/// `?v=`: what the screen last saw (its leaderboard's `generated_at` and the latest
/// announcement's id), the key under which the state is cached.
#[derive(Debug, Deserialize)]
pub struct StateQuery {
    v: Option<String>,
}

/// The board state of one event as last computed, for the version screens asked for.
struct CachedState {
    version: String,
    /// The board it was computed from: a newer board is a new state.
    board: Arc<Board>,
    /// The next schedule boundary: the public view may change then without a new version.
    until: NaiveDateTime,
    body: Bytes,
}

/// One event's cached state; the lock is held while it is computed (single flight).
type StateSlot = tokio::sync::Mutex<Option<CachedState>>;

/// Events whose board state is kept at once: far more than one portal runs concurrently;
/// past it the cache starts afresh rather than grow.
const MAX_EVENTS: usize = 256;

/// Per event id, the last computed big-screen state. Every screen asks after every change;
/// one of them computes (the others wait for it and share the answer), so a room full of
/// browsers costs the database one query per change, not one per browser. Held in the
/// application state, bounded to `MAX_EVENTS` events.
#[derive(Default)]
pub struct BoardStates {
    slots: Mutex<HashMap<String, Arc<StateSlot>>>,
}

impl BoardStates {
    fn slot(&self, event_id: &str) -> Arc<StateSlot> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.contains_key(event_id) && slots.len() >= MAX_EVENTS {
            slots.clear();
        }
        Arc::clone(slots.entry(event_id.to_owned()).or_default())
    }
}

/// Computes the state of the event `slug` and how long it holds without a change.
async fn compute_state(
    ctx: &PageContext,
    slug: String,
    board: &Board,
) -> Result<(Bytes, NaiveDateTime)> {
    let (frozen, attempted) = (board.body.frozen, board.attempted());
    let (state, until) = ctx
        .state()
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let at = now();
            let started = event.phase_at(at) != Phase::Upcoming;
            let ladder = columns(&Challenge::ladder(conn, &event.id)?, started)
                .into_iter()
                .map(|c| LadderColumn {
                    slug: c.slug,
                    position: c.position,
                    title: c.title,
                })
                .collect();
            let until = event.next_boundary(at).unwrap_or(NaiveDateTime::MAX);
            let state = BoardState {
                frozen,
                attempted,
                announcement: latest_announcement(conn, &event)?,
                ladder,
            };
            Ok::<_, Error>((state, until))
        })
        .await?;
    let body = serde_json::to_vec(&state).map_err(Error::internal)?;
    Ok((Bytes::from(body), until))
}

/// `GET /events/{slug}/board/state?v=…`: attempted challenges (public view), the latest
/// announcement as sanitized HTML, and the ladder's column titles, as JSON.
#[get("/events/{slug}/board/state")]
pub(crate) async fn board_state(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<StateQuery>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let version = query
        .into_inner()
        .v
        .filter(|v| !v.is_empty() && v.len() <= 200);
    // Unknown events are a 404 before they take a slot.
    let board = ctx
        .state()
        .leaderboard
        .get_board(&slug, BoardView::Public)
        .await?;
    let body = match version {
        None => compute_state(&ctx, slug, &board).await?.0,
        Some(version) => {
            let event_id = ctx.state().leaderboard.event_id(&slug).await?;
            let slot = ctx.state().board_states.slot(&event_id);
            let mut cached = slot.lock().await;
            match cached.as_ref() {
                Some(hit)
                    if hit.version == version
                        && Arc::ptr_eq(&hit.board, &board)
                        && now() < hit.until =>
                {
                    hit.body.clone()
                }
                _ => {
                    let (body, until) = compute_state(&ctx, slug, &board).await?;
                    *cached = Some(CachedState {
                        version,
                        board,
                        until,
                        body: body.clone(),
                    });
                    body
                }
            }
        }
    };
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
