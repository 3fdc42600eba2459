//! Unblocking a stuck team over REST: a coach or an organizer opens a challenge for one team
//! without the solve before it. Who may do what is written in [`crate::actions::openings`];
//! what follows (the team's `opened` activity, live) in [`crate::actions::announce`].

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::openings::{self, OpeningView},
    auth::AuthUser,
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(open_challenge);
}

/// `POST /teams/{id}/challenges/{challenge}/open`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenChallengeRequest {
    /// Why the team gets past the challenge it is on, 1–500 characters after trimming
    /// (recorded, and shown to the team).
    #[schema(schema_with = crate::api::schema::text::<500>)]
    pub reason: String,
}

/// Opens a challenge for one team without the solve before it, to unblock a team stuck on
/// its current challenge. The team's coaches open its next locked challenge only; the event's
/// organizers any locked one. The opened challenge scores only if the team solves it; the one
/// it skipped stays open. The opening is recorded (who, when, why, how long the team had been
/// on the challenge it skipped), shown on the progress views and weighed in the cliffs report
/// (`skip`); the team's workspace hears of it live (an `opened` activity). Members 403,
/// anyone else 404.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    request_body = OpenChallengeRequest,
    responses(
        (status = 201, body = OpeningView),
        (status = 400, description = "`invalid_reason`: empty or longer than 500 characters", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member of the team", body = ErrorBody),
        (status = 404, description = "no such team (or not yours), or no such challenge", body = ErrorBody),
        (status = 409, description = "`already_open`: the challenge is open to the team; `not_next`: a coach opens the next locked challenge only; `not_running`: before the start or after the end", body = ErrorBody),
    )
)]
#[post("/teams/{id}/challenges/{challenge}/open")]
pub async fn open_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
    body: crate::http::Json<OpenChallengeRequest>,
) -> Result<HttpResponse> {
    let (id, challenge) = path.into_inner();
    let view = openings::open_challenge(
        &state,
        &caller.user,
        &id,
        &challenge,
        &body.into_inner().reason,
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}
