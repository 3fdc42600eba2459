//! Help calls over REST: a team raises one, its coaches and organizers acknowledge and
//! resolve it; the event's staff list the calls of the teams they oversee.

use actix_web::{
    HttpResponse, get, post,
    web::{self, Query},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::team_access;
use crate::{
    actions::{reads, workspace as actions},
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::help_call::HelpCallView,
    state::AppState,
};

/// `POST /teams/{id}/help-calls`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseHelp {
    /// A line of context, at most 500 characters.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::optional_text::<500>)]
    pub context: String,
}

/// Query of help-call lists.
#[derive(Debug, Deserialize)]
pub struct HelpQuery {
    /// Only calls not yet resolved.
    #[serde(default)]
    pub open: bool,
}

/// The team's help calls, oldest first.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("open" = Option<bool>, Query, description = "only calls not yet resolved")),
    responses(
        (status = 200, body = Vec<HelpCallView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/help-calls")]
pub async fn list_help_calls(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: Query<HelpQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, open) = (id.into_inner(), query.open);
    let calls = state
        .db
        .run(move |conn| reads::team_help_calls(conn, &caller.user, &id, open))
        .await?;
    let views: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Raises the team's hand (members).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = RaiseHelp,
    responses(
        (status = 201, body = HelpCallView),
        (status = 400, description = "`context_too_long`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`help_already_raised`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls")]
pub async fn raise_help(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<RaiseHelp>,
) -> Result<HttpResponse> {
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let call = actions::raise_help(&state, &caller.user, &access, &body.context).await?;
    Ok(HttpResponse::Created().json(call))
}

/// Acknowledges a help call (the team's coaches, the event's organizers).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("call" = String, Path, description = "help call id")),
    responses(
        (status = 200, body = HelpCallView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`help_resolved`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls/{call}/acknowledge")]
pub async fn acknowledge_help(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, call) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    let call = actions::answer_help(&state, &caller.user, &access, &call, false).await?;
    Ok(HttpResponse::Ok().json(call))
}

/// Resolves a help call (the team's coaches, the event's organizers).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("call" = String, Path, description = "help call id")),
    responses(
        (status = 200, body = HelpCallView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls/{call}/resolve")]
pub async fn resolve_help(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, call) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    let call = actions::answer_help(&state, &caller.user, &access, &call, true).await?;
    Ok(HttpResponse::Ok().json(call))
}

/// The event's help calls with their raised/acknowledged/resolved times: every team's for
/// organizers, their teams' for coaches.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("open" = Option<bool>, Query, description = "only calls not yet resolved")),
    responses(
        (status = 200, body = Vec<HelpCallView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor engineer", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/help-calls")]
pub async fn event_help_calls(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: Query<HelpQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, open) = (slug.into_inner(), query.open);
    let calls = state
        .db
        .run(move |conn| reads::event_help_calls(conn, &caller.user, &slug, open))
        .await?;
    let views: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}
