//! Registering for an event (`POST /events/{slug}/registrations`): the caller becomes a
//! participant, with the event's invite code when it is by invitation and the current version
//! of its terms when it has some; repeating it is harmless, and records a newer version of
//! the terms or a changed name choice.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    actions::{
        events::{self, RegistrationChoices},
        terms,
    },
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
    /// The version of the event's terms accepted: required, and equal to the current
    /// `terms_version`, when the event has terms (400 `terms_acceptance_required`, 409
    /// `stale_terms_version`, 422 `unknown_terms_version`). Sent again once registered, it
    /// records the acceptance of a newer version.
    #[serde(default, deserialize_with = "crate::api::whole::optional")]
    #[schema(minimum = 1, maximum = 2147483647)]
    pub accept_terms: Option<i32>,
    /// Whether the report may print the caller's name next to their words (default `false`:
    /// quotes name a role and an organization only). Sent again once registered, it changes
    /// the choice.
    pub name_in_report: Option<bool>,
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
    /// The current version of the event's terms (`null`: it has none).
    pub terms_version: Option<i32>,
    /// The newest version of the terms the user accepted (`null`: none).
    pub accepted_terms_version: Option<i32>,
    /// Whether the report may print the user's name next to their words.
    pub name_in_report: bool,
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
        (status = 400, description = "`terms_acceptance_required`: the event has terms and \
            `accept_terms` is missing; `invalid_accept_terms`: below 1; `invalid_json`",
            body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`invite_code_required`, `invalid_invite_code`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`event_ended`; `stale_terms_version`: `accept_terms` \
            names an older version than the current one", body = ErrorBody),
        (status = 422, description = "`unknown_terms_version`: `accept_terms` names a version \
            the event does not have", body = ErrorBody),
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
    let request = parse_registration(&body)?;
    let choices = RegistrationChoices {
        accept_terms: request.accept_terms,
        name_in_report: request.name_in_report,
    };
    let slug = slug.into_inner();
    let user_id = caller.user.id.clone();
    let (standing, new) = events::register(
        &state,
        &caller.user,
        &slug,
        request.invite_code.as_deref(),
        choices,
    )
    .await?;
    let (event_id, reader) = (standing.access.event.id.clone(), user_id.clone());
    let mine = state
        .db
        .run(move |conn| terms::mine(conn, &event_id, &reader))
        .await?;
    let view = RegistrationView {
        event: standing.access.event.slug,
        user_id,
        roles: standing.access.roles,
        team_id: standing.team_id,
        terms_version: mine.current_version,
        accepted_terms_version: mine.accepted_version,
        name_in_report: mine.name_in_report,
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
