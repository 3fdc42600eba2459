//! Coach sign-off over REST: the team's coaches and the event's organizers approve or reject
//! a pass on a challenge with `sign_off = "coach"`, and list the passes of the teams they
//! oversee.

use actix_web::{
    HttpResponse, get, post,
    web::{self, Query},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::sign_offs::{self, SignOffView},
    auth::AuthUser,
    error::{Error, ErrorBody, Result},
    models::sign_off::SignOffState,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sign_off).service(list_sign_offs);
}

/// `POST /submissions/{id}/sign-off`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffRequest {
    /// Approve (the pass becomes a solve now) or reject it.
    pub approve: bool,
    /// For the team: trimmed, at most 2000 characters; required when rejecting.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::optional_text::<2000>)]
    pub comment: String,
}

/// Query of the sign-off list.
#[derive(Debug, Deserialize)]
pub struct SignOffQuery {
    /// `awaiting`, `approved` or `rejected`; all when absent.
    pub state: Option<String>,
}

/// Approves or rejects a validator pass awaiting a coach's sign-off (the team's coaches, the
/// event's organizers). An approval is a solve at this moment: on the board, in first solves
/// and in the ladder's unlocking. A rejection's comment goes back to the team.
#[utoipa::path(
    tag = "submissions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "submission id")),
    request_body = SignOffRequest,
    responses(
        (status = 200, body = SignOffView),
        (status = 400, description = "`comment_required`, `comment_too_long`, `invalid_comment`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member of the team", body = ErrorBody),
        (status = 404, description = "no such submission, or not one of a team the caller may see", body = ErrorBody),
        (status = 409, description = "`sign_off_not_awaiting` (decided already, or not a pass awaiting one), `not_running` (the event has ended)", body = ErrorBody),
    )
)]
#[post("/submissions/{id}/sign-off")]
pub async fn sign_off(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<SignOffRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let view = sign_offs::decide(
        &state,
        &caller.user,
        &id.into_inner(),
        body.approve,
        &body.comment,
    )
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The event's sign-offs, oldest first: every team's for organizers, their teams' for
/// coaches.
#[utoipa::path(
    tag = "submissions",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("state" = Option<SignOffState>, Query, description = "only sign-offs in this state")),
    responses(
        (status = 200, body = Vec<SignOffView>),
        (status = 400, description = "`invalid_state`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor coach", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/sign-offs")]
pub async fn list_sign_offs(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: Query<SignOffQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let wanted = match query.state.as_deref() {
        None => None,
        Some(s) => Some(SignOffState::parse(s).ok_or_else(|| {
            Error::bad_request(
                "invalid_state",
                "state is one of `awaiting`, `approved`, `rejected`",
            )
        })?),
    };
    let slug = slug.into_inner();
    let views = state
        .db
        .run(move |conn| sign_offs::list(conn, &caller.user, &slug, wanted))
        .await?;
    Ok(HttpResponse::Ok().json(views))
}
