//! Team endpoints: where a team's deployed service is, for challenges whose validator calls
//! it. Members set and remove them; members, coaches and the event's organizers read them;
//! to anyone else the team does not exist (404).

use actix_web::{HttpResponse, delete, get, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::endpoints,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::team_endpoint::EndpointList,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_endpoints)
        .service(set_endpoint)
        .service(remove_endpoint);
}

/// `PUT /teams/{id}/endpoints/{name}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetEndpointRequest {
    /// Absolute `https://` URL of the service (`http://` only where the server allows it),
    /// without credentials or `#fragment`; a path is kept (`https://host/team-7/`).
    pub url: String,
}

/// The team's endpoints, by name (members, coaches, organizers).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = EndpointList),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/endpoints")]
pub async fn list_endpoints(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| endpoints::list(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Sets an endpoint (the team's members): the URL a challenge's validator calls for the name
/// its manifest uses (`api`). Replaces the URL if the name is set already. Submissions made
/// before keep calling the URL they were judged against.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("name" = String, Path, pattern = "^[a-z0-9_-]{1,32}$", description = "endpoint name: 1 to 32 of [a-z0-9_-], like `api`"),
    ),
    request_body = SetEndpointRequest,
    responses(
        (status = 204, description = "set"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a coach or organizer, not a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`too_many_endpoints` (16 per team)", body = ErrorBody),
        (status = 422, description = "`invalid_endpoint`: the name, or the URL (scheme, \
            credentials, fragment, an address the judge does not call), with the reason",
            body = ErrorBody),
    )
)]
#[put("/teams/{id}/endpoints/{name}")]
pub async fn set_endpoint(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
    body: crate::http::Json<SetEndpointRequest>,
) -> Result<HttpResponse> {
    let (id, name) = path.into_inner();
    endpoints::set(&state, &caller.user, &id, &name, &body.url).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes an endpoint (the team's members).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("name" = String, Path, description = "endpoint name"),
    ),
    responses(
        (status = 204, description = "removed"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a coach or organizer, not a member", body = ErrorBody),
        (status = 404, description = "unknown team, or no endpoint of that name", body = ErrorBody),
    )
)]
#[delete("/teams/{id}/endpoints/{name}")]
pub async fn remove_endpoint(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, name) = path.into_inner();
    endpoints::remove(&state, &caller.user, &id, &name).await?;
    Ok(HttpResponse::NoContent().finish())
}
