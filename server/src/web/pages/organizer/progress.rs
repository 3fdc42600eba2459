//! `GET /events/{slug}/manage/progress`: the JSON the organizer's live view re-renders from
//! (the full, never frozen, board and every attempt).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::{
    access,
    error::Result,
    scoring::{BoardView, cache::LeaderboardBody},
    web::{PageContext, pages::board},
};

/// The organizer's live grid: the full (never frozen) board and every attempt.
#[derive(Debug, Serialize)]
struct Progress<'a> {
    board: &'a LeaderboardBody,
    attempted: board::Attempted,
}

/// `GET /events/{slug}/manage/progress`: what the live view re-renders from (organizers).
#[get("/events/{slug}/manage/progress")]
pub(super) async fn progress(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let owned = slug.clone();
    ctx.state()
        .db
        .run(move |conn| access::event_access(conn, &user, &owned)?.require_organizer())
        .await?;
    let board = ctx
        .state()
        .leaderboard
        .get_board(&slug, BoardView::Full)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Progress {
            board: &board.body,
            attempted: board.attempted(),
        }))
}
