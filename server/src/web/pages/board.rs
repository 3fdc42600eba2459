//! The big screen (`/events/{slug}/board`, no log-in): the public leaderboard with each
//! team's progress across the ladder (solved, attempted, untouched; first solves
//! highlighted), the event clock, the freeze banner and the latest announcement.
//!
//! The page is complete as the server renders it; `board.js` then keeps it live over the
//! event channel (`leaderboard`, `clock`, `announcement` frames) without reloading, and asks
//! `GET /events/{slug}/board/state` for what the leaderboard body does not carry (attempted
//! challenges, the latest announcement as sanitized HTML). Everything here is the public
//! view: during the freeze, nothing submitted after `freeze_at` shows.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use actix_web::{
    HttpResponse, get,
    http::header::ContentType,
    web::{self, Bytes},
};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    db::now,
    error::{Error, Result},
    models::{
        announcement::Announcement,
        challenge::Challenge,
        event::{Event, Phase},
    },
    scoring::{BoardView, attempts::Attempted},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::events::{phase_class, phase_label},
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(board_page).service(board_state);
}

/// The leaderboard body as served (`GET /api/v1/events/{slug}/leaderboard`), read back.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardBody {
    /// The board shows the state at `freeze_at`.
    pub frozen: bool,
    /// When the public board freezes (or froze).
    pub freeze_at: Option<DateTime<Utc>>,
    /// Ranked teams.
    pub rows: Vec<BoardRow>,
}

/// One ranked team.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardRow {
    /// Competition rank.
    pub rank: u32,
    /// The team.
    pub team: BoardTeam,
    /// Challenges solved.
    pub solved: u32,
    /// Total score.
    pub score: i64,
    /// Per challenge, in ladder order.
    pub progress: Vec<BoardProgress>,
}

/// A team as the board names it.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardTeam {
    /// Team id.
    pub id: String,
    /// Team name.
    pub name: String,
}

/// A team's state on one challenge.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardProgress {
    /// Challenge slug.
    pub challenge: String,
    /// Solved.
    pub solved: bool,
    /// Best score.
    pub score: i64,
    /// At least one judged submission.
    #[serde(default)]
    pub attempted: bool,
    /// The first team of the event to solve it.
    pub first_solve: bool,
}

impl BoardBody {
    /// Parses the cached leaderboard bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(Error::internal)
    }

    /// Per team id, the challenges it attempted — read off the cached board, which already
    /// respects the freeze, so that no screen costs a query of its own.
    pub fn attempted(&self) -> Attempted {
        self.rows
            .iter()
            .map(|row| {
                let tried = row
                    .progress
                    .iter()
                    .filter(|p| p.attempted)
                    .map(|p| p.challenge.clone())
                    .collect();
                (row.team.id.clone(), tried)
            })
            .filter(|(_, tried): &(String, BTreeSet<String>)| !tried.is_empty())
            .collect()
    }
}

/// A column of the progress grid: one challenge of the ladder.
#[derive(Debug, Clone)]
pub struct Column {
    /// Challenge slug.
    pub slug: String,
    /// Place on the ladder (1 first).
    pub position: i32,
    /// Title; empty before the start (nothing of the ladder is public then).
    pub title: String,
}

/// One cell of the grid as rendered.
#[derive(Debug, Clone)]
pub struct CellView {
    /// Challenge slug.
    pub slug: String,
    /// `first`, `solved`, `attempted` or `untouched`.
    pub state: &'static str,
    /// What the cell shows.
    pub symbol: &'static str,
    /// What a screen reader says.
    pub label: String,
}

/// One team's row as rendered.
#[derive(Debug, Clone)]
pub struct RowView {
    /// Team id.
    pub team_id: String,
    /// Team name.
    pub team_name: String,
    /// Rank.
    pub rank: u32,
    /// Challenges solved.
    pub solved: u32,
    /// Score.
    pub score: i64,
    /// One cell per column.
    pub cells: Vec<CellView>,
}

/// A cell's state, symbol and spoken label.
pub fn cell(progress: Option<&BoardProgress>, attempted: bool) -> (&'static str, &'static str) {
    match progress {
        Some(p) if p.solved && p.first_solve => ("first", "★"),
        Some(p) if p.solved => ("solved", "✓"),
        Some(p) if p.score > 0 => ("attempted", "•"),
        _ if attempted => ("attempted", "•"),
        _ => ("untouched", ""),
    }
}

/// The rows of `body` over `columns`, with `attempted` for the cells not solved.
pub fn rows(body: &BoardBody, columns: &[Column], attempted: &Attempted) -> Vec<RowView> {
    let none = BTreeSet::new();
    body.rows
        .iter()
        .map(|row| {
            let tried = attempted.get(&row.team.id).unwrap_or(&none);
            let cells = columns
                .iter()
                .map(|column| {
                    let progress = row.progress.iter().find(|p| p.challenge == column.slug);
                    let (state, symbol) = cell(progress, tried.contains(&column.slug));
                    let name = if column.title.is_empty() {
                        format!("challenge {}", column.position)
                    } else {
                        format!("challenge {} ({})", column.position, column.title)
                    };
                    let what = match state {
                        "first" => "solved first",
                        "solved" => "solved",
                        "attempted" => "attempted",
                        _ => "not attempted",
                    };
                    CellView {
                        slug: column.slug.clone(),
                        state,
                        symbol,
                        label: format!("{name}: {what}"),
                    }
                })
                .collect();
            RowView {
                team_id: row.team.id.clone(),
                team_name: row.team.name.clone(),
                rank: row.rank,
                solved: row.solved,
                score: row.score,
                cells,
            }
        })
        .collect()
}

/// The ladder as columns; titles only once the event has started.
pub fn columns(ladder: &[Challenge], started: bool) -> Vec<Column> {
    ladder
        .iter()
        .map(|c| Column {
            slug: c.slug.clone(),
            position: c.position,
            title: if started {
                c.title.clone()
            } else {
                String::new()
            },
        })
        .collect()
}

/// What the clock shows at `at`: a label and the time left (`H:MM:SS`), if counting down.
pub fn countdown(event: &Event, at: NaiveDateTime) -> (&'static str, Option<String>) {
    let left = |until: NaiveDateTime| {
        let seconds = (until - at).num_seconds().max(0);
        format!(
            "{}:{:02}:{:02}",
            seconds / 3600,
            (seconds / 60) % 60,
            seconds % 60
        )
    };
    match event.phase_at(at) {
        Phase::Upcoming => ("Starts in", Some(left(event.starts_at))),
        Phase::Running => match event.freeze_at {
            Some(freeze_at) if freeze_at > at => ("Board freezes in", Some(left(freeze_at))),
            _ => ("Ends in", Some(left(event.ends_at))),
        },
        Phase::Frozen => ("Ends in", Some(left(event.ends_at))),
        Phase::Ended => ("Final results", None),
    }
}

/// The latest announcement, rendered.
#[derive(Debug, Clone, Serialize)]
pub struct LatestAnnouncement {
    /// Identifier.
    pub id: String,
    /// Sanitized HTML of its Markdown.
    pub html: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
    /// `HH:MM UTC`.
    pub at_label: String,
}

fn latest_announcement(
    conn: &mut crate::db::DbConnection,
    event: &Event,
) -> Result<Option<LatestAnnouncement>> {
    Ok(Announcement::of_event(conn, &event.id, None, 1)?
        .pop()
        .map(|a| LatestAnnouncement {
            html: markdown::to_safe_html(&a.text),
            at_label: a.at.format("%H:%M UTC").to_string(),
            id: a.id,
            at: a.at,
        }))
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    chrome: Chrome,
    event: Event,
    phase: &'static str,
    phase_class: &'static str,
    server_time: String,
    clock_label: &'static str,
    clock_value: String,
    frozen: bool,
    freeze_label: String,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    announcement: Option<LatestAnnouncement>,
}

fn rfc3339(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl BoardPage {
    fn starts_at(&self) -> String {
        rfc3339(self.event.starts_at)
    }

    fn ends_at(&self) -> String {
        rfc3339(self.event.ends_at)
    }

    fn freeze_at(&self) -> String {
        self.event.freeze_at.map(rfc3339).unwrap_or_default()
    }
}

#[get("/events/{slug}/board")]
async fn board_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let bytes = ctx
        .state()
        .leaderboard
        .get(&slug, BoardView::Public)
        .await?;
    let body = BoardBody::parse(&bytes)?;
    let attempted = body.attempted();
    let (event, ladder, announcement) = ctx
        .state()
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let ladder = Challenge::ladder(conn, &event.id)?;
            let announcement = latest_announcement(conn, &event)?;
            Ok::<_, Error>((event, ladder, announcement))
        })
        .await?;
    let at = now();
    let phase = event.phase_at(at);
    let columns = columns(&ladder, phase != Phase::Upcoming);
    let (clock_label, clock_value) = countdown(&event, at);
    let page = BoardPage {
        chrome: ctx.chrome(format!("{} · leaderboard", event.name), &["board.js"]),
        phase: phase_label(phase),
        phase_class: phase_class(phase),
        server_time: rfc3339(at),
        clock_label,
        clock_value: clock_value.unwrap_or_default(),
        frozen: body.frozen,
        freeze_label: body
            .freeze_at
            .map(|f| f.format("%H:%M UTC").to_string())
            .unwrap_or_default(),
        rows: rows(&body, &columns, &attempted),
        columns,
        announcement,
        event,
    };
    ctx.render(&page)
}

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
    /// The next schedule boundary: the public view may change then without a new version.
    until: NaiveDateTime,
    body: Bytes,
}

/// Per event id, the last computed state. Every screen asks after every change; one of them
/// computes (the others wait for it and share the answer), so a room full of browsers costs
/// the database one query per change, not one per browser.
static STATE_CACHE: LazyLock<Mutex<HashMap<String, Arc<StateSlot>>>> =
    LazyLock::new(Mutex::default);

/// One event's cached state; the lock is held while it is computed (single flight).
type StateSlot = tokio::sync::Mutex<Option<CachedState>>;

/// Computes the state of the event `slug` and how long it holds without a change.
async fn compute_state(ctx: &PageContext, slug: String) -> Result<(Bytes, NaiveDateTime)> {
    let board = ctx
        .state()
        .leaderboard
        .get(&slug, BoardView::Public)
        .await?;
    let board = BoardBody::parse(&board)?;
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
            let until = [Some(event.starts_at), event.freeze_at, Some(event.ends_at)]
                .into_iter()
                .flatten()
                .filter(|boundary| *boundary > at)
                .min()
                .unwrap_or(NaiveDateTime::MAX);
            let state = BoardState {
                frozen: board.frozen,
                attempted: board.attempted(),
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
async fn board_state(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<StateQuery>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let version = query
        .into_inner()
        .v
        .filter(|v| !v.is_empty() && v.len() <= 200);
    let body = match version {
        None => compute_state(&ctx, slug).await?.0,
        Some(version) => {
            // Unknown events are a 404 before they take a slot.
            let event_id = ctx.state().leaderboard.event_id(&slug).await?;
            let slot = {
                let mut slots = STATE_CACHE.lock().unwrap_or_else(PoisonError::into_inner);
                slots.entry(event_id).or_default().clone()
            };
            let mut cached = slot.lock().await;
            match cached.as_ref() {
                Some(hit) if hit.version == version && now() < hit.until => hit.body.clone(),
                _ => {
                    let (body, until) = compute_state(&ctx, slug).await?;
                    *cached = Some(CachedState {
                        version,
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

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

    use super::{BoardBody, BoardProgress, BoardRow, BoardTeam, cell, countdown};
    use crate::models::event::Event;

    fn at(hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 5, 4)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .expect("a valid time")
    }

    fn event(freeze_at: Option<NaiveDateTime>) -> Event {
        Event {
            id: "e".into(),
            slug: "e".into(),
            name: "E".into(),
            description: String::new(),
            starts_at: at(9, 0),
            ends_at: at(17, 0),
            freeze_at,
            registration: "open".into(),
            invite_code: None,
            team_size_min: 1,
            team_size_max: 5,
            created_by: "u".into(),
            created_at: at(8, 0),
            updated_at: at(8, 0),
        }
    }

    #[test]
    fn the_clock_counts_down_to_the_next_boundary() {
        let e = event(Some(at(16, 0)));
        assert_eq!(
            countdown(&e, at(8, 30)),
            ("Starts in", Some("0:30:00".into()))
        );
        assert_eq!(
            countdown(&e, at(9, 0) + TimeDelta::seconds(1)),
            ("Board freezes in", Some("6:59:59".into()))
        );
        assert_eq!(
            countdown(&e, at(16, 15)),
            ("Ends in", Some("0:45:00".into()))
        );
        assert_eq!(
            countdown(&event(None), at(10, 0)),
            ("Ends in", Some("7:00:00".into()))
        );
        assert_eq!(countdown(&e, at(17, 0)), ("Final results", None));
    }

    fn progress(solved: bool, first_solve: bool, score: i64) -> BoardProgress {
        BoardProgress {
            challenge: "c".into(),
            solved,
            score,
            attempted: solved || score > 0,
            first_solve,
        }
    }

    #[test]
    fn cells_tell_first_solved_attempted_and_untouched_apart() {
        assert_eq!(cell(Some(&progress(true, true, 100)), true).0, "first");
        assert_eq!(cell(Some(&progress(true, false, 100)), true).0, "solved");
        assert_eq!(
            cell(Some(&progress(false, false, 40)), false).0,
            "attempted"
        );
        assert_eq!(cell(Some(&progress(false, false, 0)), true).0, "attempted");
        assert_eq!(cell(Some(&progress(false, false, 0)), false).0, "untouched");
        assert_eq!(cell(None, false).0, "untouched");
    }

    #[test]
    fn attempted_challenges_are_read_off_the_board() {
        let row = |id: &str, progress: Vec<BoardProgress>| BoardRow {
            rank: 1,
            team: BoardTeam {
                id: id.into(),
                name: id.into(),
            },
            solved: 0,
            score: 0,
            progress,
        };
        let mut tried = progress(false, false, 0);
        tried.attempted = true;
        let body = BoardBody {
            frozen: false,
            freeze_at: None,
            rows: vec![
                row("a", vec![tried]),
                row("b", vec![progress(false, false, 0)]),
            ],
        };
        let attempted = body.attempted();
        assert_eq!(
            attempted
                .get("a")
                .map(|s| s.iter().cloned().collect::<Vec<_>>()),
            Some(vec!["c".to_owned()])
        );
        assert!(!attempted.contains_key("b"), "untouched teams are absent");
    }
}
