//! Who is stuck: `GET /events/{slug}/progress`, each overseen team's current challenge, time
//! on it, status and signals, most in need first (the rule: [`crate::models::progress`]).

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::progress,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::progress::ProgressReport,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(event_progress);
}

/// Where each team stands, most in need first: its current challenge (the first unsolved one
/// it can open, in ladder order), minutes on it, a status (`not_started`, `working`,
/// `failing`: three or more judged failures in a row, `over_time`: past the challenge's
/// `expected_minutes`, `done`), the last failing check, open help calls and questions, hints
/// unlocked on it, and whether its coaches were nudged. Organizers see every team, coaches
/// the teams they coach.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = ProgressReport),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor coach of the event", body = ErrorBody),
        (status = 404, description = "no such event", body = ErrorBody),
    )
)]
#[get("/events/{slug}/progress")]
pub async fn event_progress(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let report = state
        .db
        .run(move |conn| progress::event_progress(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(report))
}
