//! Registering for an event (`POST /events/{slug}/registrations`): the caller becomes a
//! participant, with the event's invite code when it is by invitation; repeating it is
//! harmless.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    actions::events,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::role::EventRole,
    state::AppState,
};

/// `POST /events/{slug}/registrations`
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EventRegistrationRequest)]
pub struct RegisterRequest {
    /// The event's invite code; required when its registration is by invite.
    pub invite_code: Option<String>,
}

/// The outcome of a registration.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    /// The event's slug.
    pub event: String,
    /// The registered user.
    pub user_id: String,
    /// The user's roles in the event, `participant` among them.
    pub roles: Vec<EventRole>,
    /// The user's team in the event, if any.
    pub team_id: Option<String>,
}

/// Registers the caller as a participant. Idempotent: 201 the first time, 200 (same body)
/// when already registered. The body may be empty for open events.
#[utoipa::path(
    tag = "events",
    operation_id = "register_for_event",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = Option<RegisterRequest>,
    responses(
        (status = 201, description = "registered", body = RegistrationView),
        (status = 200, description = "already registered", body = RegistrationView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`invite_code_required`, `invalid_invite_code`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`event_ended`", body = ErrorBody),
        (status = 429, description = "too many wrong invite codes", body = ErrorBody),
    )
)]
#[post("/events/{slug}/registrations")]
pub async fn register(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let code = parse_registration(&body)?.invite_code;
    let slug = slug.into_inner();
    let user_id = caller.user.id.clone();
    let (standing, new) = events::register(&state, &caller.user, &slug, code.as_deref()).await?;
    let view = RegistrationView {
        event: standing.access.event.slug,
        user_id,
        roles: standing.access.roles,
        team_id: standing.team_id,
    };
    Ok(if new {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// The registration body: JSON, or nothing at all (or `null`) for an open event.
fn parse_registration(body: &[u8]) -> Result<RegisterRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RegisterRequest::default());
    }
    crate::http::json::from_slice::<Option<RegisterRequest>>(body).map(Option::unwrap_or_default)
}
