//! The per-event roles (`/events/{slug}/roles`): grant, revoke and list who organizes,
//! authors, coaches (engineers) and takes part.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    actions::roles,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::role::{EventRole, RoleHolder},
    state::AppState,
};

/// `POST /events/{slug}/roles`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoleRequest {
    /// Who receives the role.
    pub user_id: String,
    /// `organizer`, `author`, `engineer`, `participant` or `runner`.
    #[schema(value_type = EventRole)]
    pub role: String,
}

fn parse_role(role: &str) -> Result<EventRole> {
    role.parse()
}

/// Grants a role in the event. Portal organizers grant any role; the event's organizers grant
/// `author`, `engineer` and `runner` (who sees the event's rewards and nothing else of it); nobody grants themselves anything. 201 when new, 200 when the
/// user already held it.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = GrantRoleRequest,
    responses(
        (status = 201, description = "granted", body = RoleHolder),
        (status = 200, description = "already held", body = RoleHolder),
        (status = 400, description = "`invalid_role`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not allowed to grant this role", body = ErrorBody),
        (status = 404, description = "unknown event or user", body = ErrorBody),
    )
)]
#[post("/events/{slug}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<GrantRoleRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let role = parse_role(&body.role)?;
    let slug = slug.into_inner();
    let (holder, new) = roles::grant(&state, &caller.user, &slug, &body.user_id, role).await?;
    Ok(if new {
        HttpResponse::Created().json(holder)
    } else {
        HttpResponse::Ok().json(holder)
    })
}

/// Revokes a role, under the same rules as granting. Revoking `engineer` also ends the
/// user's coaching in this event; a participant who is in a team keeps the role (409).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("user_id" = String, Path, description = "whose role"),
        ("role" = EventRole, Path, description = "which role"),
    ),
    responses(
        (status = 204, description = "revoked"),
        (status = 400, description = "`invalid_role`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not allowed to revoke this role", body = ErrorBody),
        (status = 404, description = "unknown event, or the role is not held", body = ErrorBody),
        (status = 409, description = "`member_of_team`", body = ErrorBody),
    )
)]
#[delete("/events/{slug}/roles/{user_id}/{role}")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, user_id, role) = path.into_inner();
    let role = parse_role(&role)?;
    roles::revoke(&state, &caller.user, &slug, &user_id, role).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every role held in the event, with names and organizations. The event's organizers only.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = Vec<RoleHolder>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of this event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/roles")]
pub async fn list_roles(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let holders = state
        .db
        .run(move |conn| roles::list(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(holders))
}
