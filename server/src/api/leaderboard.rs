//! The leaderboard: public (frozen between `freeze_at` and `ends_at`), live for organizers.

use actix_web::{HttpResponse, get, http::header::ContentType, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access,
    auth::MaybeUser,
    error::Result,
    scoring::{BoardView, LeaderboardCache},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(leaderboard);
}

/// Query of the leaderboard.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LeaderboardQuery {
    /// `public` to see what the audience sees; organizers get the live board by default.
    pub view: Option<String>,
}

/// The ranked teams with per-challenge progress. Anyone may read it (the big screen needs no
/// log-in); during the freeze the public gets the board as it stood at `freeze_at`, while the
/// event's organizers get the live one unless they ask for `?view=public`.
#[utoipa::path(
    tag = "leaderboard",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = crate::scoring::cache::LeaderboardBody),
        (status = 404, body = crate::error::ErrorBody),
    )
)]
#[get("/events/{slug}/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<LeaderboardQuery>,
    caller: MaybeUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = match caller.0 {
        Some(user) if query.view.as_deref() != Some("public") => {
            let s = slug.clone();
            let organizer = state
                .db
                .run(move |conn| access::event_access(conn, &user.user, &s))
                .await?
                .is_organizer();
            if organizer {
                BoardView::Full
            } else {
                BoardView::Public
            }
        }
        _ => BoardView::Public,
    };
    let body = LeaderboardCache::get(&state.leaderboard, &slug, view).await?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .insert_header(("Cache-Control", "no-cache"))
        .body(body))
}
