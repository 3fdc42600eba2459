//! The caller's data rights: their data as one zip archive (`GET /me/export`), erasing their
//! account (`DELETE /me`), and the record of erasures for portal organizers (`GET /erasures`).
//! The work is in [`crate::actions::data_rights`].

use actix_web::{HttpResponse, delete, get, http::header, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::data_rights,
    auth::{AuthUser, throttle::ClientAddress},
    error::{ErrorBody, Result},
    http::Json,
    models::erasure::Erasure,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export).service(erase).service(erasures);
}

/// `DELETE /me`
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    /// The account's password; leave it out for an account without one (made through a
    /// sign-in provider), which must have signed in within the last 10 minutes instead.
    #[serde(default)]
    pub password: Option<String>,
}

/// Everything cohack holds about the caller, as one zip archive: `data.json` (the account,
/// identities, sessions, tokens, registrations, teams, submissions with their verdicts, chat
/// lines, documents created, notes, feedback, questions, announcements and help calls; the
/// README documents its shape) and every file the caller submitted under
/// `files/{submission id}/{path}`. Other people's data is not in it: a team is named, never its
/// members, and only the caller's own chat lines are included. The archive is written while it
/// is sent, so it may be of any size.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "the archive (`attachment; filename=\"cohack-data.zip\"`)",
            content_type = "application/zip", body = Vec<u8>),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/me/export")]
pub async fn export(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    let archive = data_rights::export(&state, &caller).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"cohack-data.zip\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(archive))
}

/// Erases the caller's account: their name, e-mail, password, sign-in identities, sessions and
/// tokens go (every open socket of theirs closes, on every instance), while their team's work
/// stays, attributed to "former member"; scores and the board do not change. The erasure is
/// recorded (when, and that the person asked), without who was erased. Send the password; an
/// account without one sends `{}` and must have signed in within the last 10 minutes.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = EraseRequest,
    responses(
        (status = 204, description = "erased; the caller's tokens no longer work"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`wrong_password`; `password_required`: the account has a \
            password and none (or an empty one) was sent; `fresh_sign_in_required`: an account \
            without a password signed in more than 10 minutes ago", body = ErrorBody),
        (status = 409, description = "`last_portal_organizer`, `last_organizer` (of the event \
            named): make someone else an organizer first; `already_erased`", body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
#[delete("/me")]
pub async fn erase(
    state: web::Data<AppState>,
    caller: AuthUser,
    client: ClientAddress,
    body: Json<EraseRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    data_rights::erase_self(&state, &caller, client, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The recorded erasures, newest first: when, and by whom (`self`, `admin CLI`, or the acting
/// organizer's user id); never who was erased. Portal organizers only.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<Erasure>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
    )
)]
#[get("/erasures")]
pub async fn erasures(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    let list = state
        .db
        .run(move |conn| data_rights::erasures(conn, &caller.user))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
