//! Brackets: moving a team to another bracket of its event (the event's organizers). An
//! event's list of brackets is one of its settings (`brackets` in `POST /events` and
//! `PATCH /events/{slug}`), a team's bracket is chosen when it is created, and the board
//! shows one bracket with `GET /events/{slug}/leaderboard?bracket=NAME`.

use actix_web::{HttpResponse, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::brackets,
    api::teams::TeamView,
    auth::AuthUser,
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(move_team);
}

/// `PUT /teams/{id}/bracket`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamBracketRequest {
    /// One of the event's brackets (matched regardless of case).
    #[schema(schema_with = crate::api::schema::line::<40>)]
    pub bracket: String,
}

/// Moves the team to another bracket of its event (the event's organizers). The board, the
/// bracket boards and every big screen follow at once.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = TeamBracketRequest,
    responses(
        (status = 200, description = "the team, in its new bracket", body = TeamView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member or coach of the team, not an organizer",
            body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`unknown_bracket`: not one of the event's brackets \
            (or the event has none)", body = ErrorBody),
    )
)]
#[put("/teams/{id}/bracket")]
pub async fn move_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<TeamBracketRequest>,
) -> Result<HttpResponse> {
    let details = brackets::move_team(
        &state,
        &caller.user,
        &id.into_inner(),
        &body.into_inner().bracket,
    )
    .await?;
    Ok(HttpResponse::Ok().json(TeamView::from(details)))
}
