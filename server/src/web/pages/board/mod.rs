//! The big screen (`/events/{slug}/board`, no log-in): the public leaderboard with each
//! team's progress across the ladder (solved, partial credit, attempted, untouched; first
//! solves highlighted and listed in a strip), the podium, the event clock, the freeze banner
//! and the latest announcement.
//!
//! The page is complete as the server renders it, every team listed (without JavaScript it
//! simply scrolls); `board.js` then pages through the teams that do not fit the screen (the
//! podium and the first solves stay in view; `?page_seconds=N` sets the rhythm, 0 scrolls
//! instead) and keeps it live over the event channel (`leaderboard`, `clock`, `announcement`
//! frames) without reloading, and asks `GET /events/{slug}/board/state` ([`state`]) for what
//! the leaderboard body does not carry (the latest announcement as sanitized HTML, the
//! ladder's titles). Everything here is the public view: during the freeze, nothing submitted
//! after `freeze_at` shows.
//!
//! On an event with brackets, `?bracket=NAME` shows one bracket (its teams, ranked within it:
//! the board of `GET …/leaderboard?bracket=NAME`), and `?cycle_seconds=N` makes the screen
//! take turns between the whole board and each bracket, every N seconds. `board.js` cuts the
//! bracket it shows from the whole public board the event channel pushes, by the same rule
//! (each row's `bracket` and `bracket_rank`), so a bracket stays live and frozen alike.

pub mod grid;
pub mod race;
pub mod state;

use actix_web::{HttpResponse, get, web};
use askama::Template;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;

pub use self::grid::{
    Attempted, CellView, Column, FirstSolve, RowView, cell, columns, countdown, first_solves,
    podium, rows,
};
use crate::{
    db::now,
    error::{Error, Result},
    models::{
        announcement::Announcement,
        challenge::Challenge,
        event::{Event, Phase},
    },
    scoring::BoardView,
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::events::{phase_class, phase_label},
        time::ShownTime,
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(board_page)
        .service(state::board_state)
        .service(race::board_race);
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

impl LatestAnnouncement {
    /// When, as the page shows it.
    pub fn shown_at(&self) -> ShownTime {
        ShownTime::time(self.at.naive_utc())
    }
}

pub(super) fn latest_announcement(
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
    freeze: Option<ShownTime>,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    firsts: Vec<FirstSolve>,
    announcement: Option<LatestAnnouncement>,
    /// The event's brackets, in order (empty: none).
    brackets: Vec<String>,
    /// The bracket shown, if one is.
    bracket: Option<String>,
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

    /// The brackets as JSON, for `board.js`.
    fn brackets_json(&self) -> String {
        serde_json::to_string(&self.brackets).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The link that shows `bracket` (`None`: the whole board).
    fn bracket_href(&self, bracket: Option<&String>) -> String {
        let base = format!("/events/{}/board", self.event.slug);
        match bracket {
            Some(name) => format!(
                "{base}?bracket={}",
                url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
            ),
            None => base,
        }
    }
}

/// The big screen's query: one bracket to show.
#[derive(Debug, serde::Deserialize)]
struct BoardQuery {
    bracket: Option<String>,
}

#[get("/events/{slug}/board")]
async fn board_page(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let whole = ctx
        .state()
        .leaderboard
        .get_board(&slug, BoardView::Public)
        .await?;
    let (board, bracket) = match query.into_inner().bracket.filter(|b| !b.trim().is_empty()) {
        Some(bracket) => {
            let board = ctx
                .state()
                .leaderboard
                .get_bracket_board(&slug, BoardView::Public, &bracket)
                .await?;
            let name = board.body.bracket.clone();
            (board, name)
        }
        None => (whole.clone(), None),
    };
    let attempted = board.attempted();
    let body = match &bracket {
        // Ranked within the bracket: its rank column and podium are the bracket's.
        Some(_) => crate::scoring::brackets::ranked_in_bracket(&board.body),
        None => board.body.clone(),
    };
    let body = &body;
    let (event, ladder, announcement, brackets) = ctx
        .state()
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let ladder = Challenge::ladder(conn, &event.id)?;
            let announcement = latest_announcement(conn, &event)?;
            let brackets = crate::actions::brackets::of_event(conn, &event.id)?;
            Ok::<_, Error>((event, ladder, announcement, brackets))
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
        freeze: body.freeze_at.map(|f| ShownTime::time(f.naive_utc())),
        rows: rows(body, &columns, &attempted),
        // First solves are the event's, whichever bracket is shown.
        firsts: first_solves(&whole.body, &columns),
        brackets,
        bracket,
        columns,
        announcement,
        event,
    };
    ctx.render(&page)
}
