//! `GET /events/{slug}/board/race`: the top ten's score race, the big screen's extra page
//! (`?race=1` on the board adds it to the cycle), as an HTML fragment: an SVG chart drawn by
//! [`crate::web::charts::lines`] (steps over time, start, freeze and end marked) with its
//! numbers as a table.
//!
//! It is read off the **public** board and nothing else: its ten teams are the board's first
//! ten rows, named as the board names them (aliases under `board_names = "aliases"`), and the
//! scores come from the ranking rule with the board's own cutoff (`freeze_at` while the board
//! is frozen), so nothing after the freeze shows until the end, and every line ends on its
//! team's score on the board. It is computed once per board (the cache below holds it beside
//! the board it came from, single flight) and shared by every screen; the screens ask again
//! when a `leaderboard` frame says the board changed.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::{
    HttpResponse, get,
    web::{self, Bytes},
};
use chrono::NaiveDateTime;

use crate::{
    db::now,
    error::{Error, Result},
    models::event::Event,
    scoring::{
        Board, BoardView,
        race::{RaceLine, race},
    },
    web::{
        PageContext,
        charts::{
            Figure, Unit, escape,
            lines::{Lines, Series, TimeAxis, render_lines},
        },
    },
};

/// How many teams race.
pub const RACE_TEAMS: usize = 10;

/// Events whose race is kept at once; past it the cache starts afresh rather than grow.
const MAX_EVENTS: usize = 256;

/// The race of one event as last drawn, and the board it was drawn from.
struct CachedRace {
    board: Arc<Board>,
    body: Bytes,
}

type RaceSlot = tokio::sync::Mutex<Option<CachedRace>>;

/// Per event id, the race drawn from the current public board: a room of screens costs one
/// computation per board change, not one per screen. Held in the application state, bounded.
#[derive(Default)]
pub struct BoardRaces {
    slots: Mutex<HashMap<String, Arc<RaceSlot>>>,
}

impl BoardRaces {
    fn slot(&self, event_id: &str) -> Arc<RaceSlot> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if !slots.contains_key(event_id) && slots.len() >= MAX_EVENTS {
            slots.clear();
        }
        Arc::clone(slots.entry(event_id.to_owned()).or_default())
    }
}

fn seconds(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds().max(0) as f64
}

/// The race's time axis for `event` as of `as_of`: from the start to `as_of`, with the
/// moments reached by then marked.
fn axis(event: &Event, as_of: NaiveDateTime) -> TimeAxis {
    let until = seconds(event.starts_at, as_of).max(60.0);
    let mut markers = vec![("start".to_owned(), 0.0)];
    if let Some(freeze) = event.freeze_at {
        let at = seconds(event.starts_at, freeze);
        if at <= until {
            markers.push(("freeze".to_owned(), at));
        }
    }
    let end = seconds(event.starts_at, event.ends_at);
    if end <= until {
        markers.push(("end".to_owned(), end));
    }
    TimeAxis { until, markers }
}

/// Draws the race: the chart and the panel's own data (`data-frozen`, `data-as-of`, and the
/// board's `generated_at` it was drawn from).
pub fn draw(event: &Event, board: &Board, lines: &[RaceLine], as_of: NaiveDateTime) -> String {
    let series = lines
        .iter()
        .map(|line| Series {
            name: line.team.name.clone(),
            points: std::iter::once((0.0, 0.0))
                .chain(
                    line.points
                        .iter()
                        .map(|p| (seconds(event.starts_at, p.at.naive_utc()), p.score as f64)),
                )
                .collect(),
        })
        .collect();
    let frozen = board.body.frozen;
    let description = format!(
        "The score of the top {} teams of the board over the event{}, one line per team; start{} marked.",
        lines.len(),
        if frozen {
            ", up to the freeze: what happened later shows at the end"
        } else {
            ""
        },
        if event.freeze_at.is_some() {
            ", freeze and end"
        } else {
            " and end"
        },
    );
    let chart = render_lines(
        &Figure::new("board-race", "The race: top ten", description),
        &Lines {
            unit: Unit::Count,
            steps: true,
            series,
            time: axis(event, as_of),
        },
    );
    format!(
        r#"<div class="race" data-race data-frozen="{frozen}" data-as-of="{as_of}" data-generated-at="{generated}" data-teams="{teams}">{chart}</div>"#,
        as_of = as_of.and_utc().to_rfc3339(),
        generated = escape(&board.body.generated_at.to_rfc3339()),
        teams = lines.len(),
    )
}

/// Computes the race of the public `board` of the event `slug`.
async fn compute(ctx: &PageContext, slug: String, board: Arc<Board>) -> Result<Bytes> {
    let top = board
        .body
        .rows
        .iter()
        .take(RACE_TEAMS)
        .cloned()
        .collect::<Vec<_>>();
    let frozen = board.body.frozen;
    let (event, lines) = ctx
        .state()
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            // The board's own cutoff: a frozen board is the standings before `freeze_at`.
            let cutoff = if frozen { event.freeze_at } else { None };
            let lines = race(conn, &event, cutoff, &top)?;
            Ok::<_, Error>((event, lines))
        })
        .await?;
    let as_of = match (frozen, event.freeze_at) {
        (true, Some(freeze)) => freeze,
        _ => now().min(event.ends_at),
    };
    Ok(Bytes::from(draw(&event, &board, &lines, as_of)))
}

/// `GET /events/{slug}/board/race`: the race panel of the big screen, as an HTML fragment
/// drawn from the public board (frozen and aliased like it), computed once per board.
#[get("/events/{slug}/board/race")]
pub(crate) async fn board_race(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    // Unknown events are a 404 before they take a slot.
    let board = ctx
        .state()
        .leaderboard
        .get_board(&slug, BoardView::Public)
        .await?;
    let event_id = ctx.state().leaderboard.event_id(&slug).await?;
    let slot = ctx.state().board_races.slot(&event_id);
    let mut cached = slot.lock().await;
    let body = match cached.as_ref() {
        Some(hit) if Arc::ptr_eq(&hit.board, &board) => hit.body.clone(),
        _ => {
            let body = compute(&ctx, slug, Arc::clone(&board)).await?;
            *cached = Some(CachedRace {
                board,
                body: body.clone(),
            });
            body
        }
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}
