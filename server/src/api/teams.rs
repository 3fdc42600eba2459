//! Teams: form one, join one with its invite code, see your own, leave it or rename it, and
//! (organizers) assign coaches, move people, merge and delete teams. A team exists only for its members, its coaches and the event's organizers:
//! to anyone else every team endpoint answers 404.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::{rewards, team_admin, teams},
    api::events::utc,
    auth::AuthUser,
    db::now,
    error::{ErrorBody, Result},
    models::{
        event::Phase,
        team::{Person, TeamDetails},
    },
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_team)
        .service(list_teams)
        .service(get_team)
        .service(join_team)
        .service(assign_coach)
        .service(remove_coach)
        .service(remove_member)
        .service(rename_team)
        .service(merge_team)
        .service(delete_team);
}

/// `PATCH /teams/{id}`: a new name, a new alias, or both (neither: the team unchanged).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameTeamRequest {
    /// The new name, 1–60 characters, unique within the event.
    #[schema(schema_with = crate::api::schema::text_or_null::<60>)]
    pub name: Option<String>,
    /// The alias an aliased board shows (organizers only), 1–40 characters on one line,
    /// unique within the event regardless of case; `null` goes back to the derived one
    /// (`Team 07`).
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::schema::line_or_null::<40>)]
    pub alias: Option<Option<String>>,
    /// Where the team sits on site (its members and the event's organizers): a table or a
    /// room, at most 40 characters on one line, where runners bring its rewards; `null` or
    /// blank for a remote team.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::schema::optional_line_or_null::<40>)]
    pub location: Option<Option<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /teams/{id}/merge`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeTeamRequest {
    /// The team of the same event that takes this one's members and coaches.
    pub into: String,
}

/// `POST /events/{slug}/teams`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamRequest {
    /// Display name, 1–60 characters, unique within the event.
    #[schema(schema_with = crate::api::schema::text::<60>)]
    pub name: String,
    /// The team's bracket, one of the event's `brackets` (regardless of case): required when
    /// the event has brackets (400 `bracket_required`), refused when it has none or names
    /// another (422 `unknown_bracket`).
    #[schema(schema_with = crate::api::schema::line_or_null::<40>)]
    pub bracket: Option<String>,
}

/// `POST /teams/{id}/members`: a participant joins with the team's invite code, or an
/// organizer moves a person into the team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MembersRequest {
    /// Join with the invite code.
    Join(JoinTeamRequest),
    /// Move a person here from their current team (organizers).
    Move(MoveMemberRequest),
}

/// Joining a team.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinTeamRequest {
    /// The team's invite code, as a member passed it on.
    pub invite_code: String,
}

/// Moving a person into a team (the event's organizers).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveMemberRequest {
    /// A participant of the team's event; leaves their current team, if any.
    pub user_id: String,
}

/// `POST /teams/{id}/coaches`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignCoachRequest {
    /// A user holding the `engineer` role in the team's event.
    pub user_id: String,
}

/// A team as its members, coaches and organizers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The alias an organizer set for aliased boards; `null` when the team shows its derived
    /// one (`Team 07`).
    pub alias: Option<String>,
    /// The code others use to join.
    pub invite_code: String,
    /// Members, in joining order.
    pub members: Vec<Person>,
    /// Assigned coaches.
    pub coaches: Vec<Person>,
    /// The team's event.
    pub event: TeamEventView,
    /// Where the team sits on site (its rewards are brought there); `null`: a remote team.
    pub location: Option<String>,
    /// The team's bracket, on an event with brackets (`null`: none).
    pub bracket: Option<String>,
    /// Creation time (UTC).
    pub created_at: DateTime<Utc>,
}

/// The event a team belongs to, in brief.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamEventView {
    /// Identifier.
    pub id: String,
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Smallest team.
    pub team_size_min: i32,
    /// Largest team.
    pub team_size_max: i32,
    /// Where the event is in its schedule now.
    pub phase: Phase,
}

impl From<TeamDetails> for TeamView {
    fn from(details: TeamDetails) -> Self {
        let TeamDetails {
            team,
            event,
            members,
            coaches,
            bracket,
        } = details;
        TeamView {
            id: team.id,
            name: team.name,
            alias: team.alias,
            location: team.location,
            invite_code: team.invite_code,
            members,
            coaches,
            bracket,
            created_at: utc(team.created_at),
            event: TeamEventView {
                phase: event.phase_at(now()),
                id: event.id,
                slug: event.slug,
                name: event.name,
                team_size_min: event.team_size_min,
                team_size_max: event.team_size_max,
            },
        }
    }
}

/// Creates a team with the caller as its first member. The caller must be a registered
/// participant of the event and not yet in one of its teams. On an event with brackets the
/// team names its `bracket`.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = CreateTeamRequest,
    responses(
        (status = 201, body = TeamView),
        (status = 400, description = "`invalid_team_name`, `bracket_required`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a participant of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_in_team`, `team_name_taken`, `event_ended`",
            body = ErrorBody),
        (status = 422, description = "`unknown_bracket`: not one of the event's brackets",
            body = ErrorBody),
    )
)]
#[post("/events/{slug}/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<CreateTeamRequest>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let CreateTeamRequest { name, bracket } = body.into_inner();
    let details = teams::create(&state, &caller.user, &slug, &name, bracket.as_deref()).await?;
    Ok(HttpResponse::Created().json(TeamView::from(details)))
}

/// The event's teams with members and coaches: all of them for organizers, the ones they
/// coach for engineers.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = Vec<TeamView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor engineer", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let teams = state
        .db
        .run(move |conn| teams::list(conn, &caller.user, &slug))
        .await?;
    let views: Vec<TeamView> = teams.into_iter().map(TeamView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// A team, for its members, its coaches and the event's organizers; 404 for anyone else.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = TeamView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let details = state
        .db
        .run(move |conn| teams::view(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(TeamView::from(details)))
}

/// Joins a team with its invite code (`{"invite_code"}`; an unknown team and a wrong code are
/// the same 404), or, for the event's organizers, moves a person into it from their current
/// team (`{"user_id"}`; a team left empty without work is deleted).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = MembersRequest,
    responses(
        (status = 201, description = "joined, or moved in", body = TeamView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a participant of the team's event; moving: not an organizer", body = ErrorBody),
        (status = 404, description = "unknown team, wrong code, or unknown user", body = ErrorBody),
        (status = 409, description = "`team_full`, `already_in_team`, `event_ended`, `not_participant`",
            body = ErrorBody),
        (status = 429, description = "too many wrong invite codes", body = ErrorBody),
    )
)]
#[post("/teams/{id}/members")]
pub async fn join_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<MembersRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let details = match body.into_inner() {
        MembersRequest::Join(join) => {
            teams::join(&state, &caller.user, &id, &join.invite_code).await?
        }
        MembersRequest::Move(moved) => {
            team_admin::move_member(&state, &caller.user, &id, &moved.user_id).await?
        }
    };
    Ok(HttpResponse::Created().json(TeamView::from(details)))
}

/// Assigns a coach (the event's organizers). The user must hold the `engineer` role in the
/// event. 201 when new, 200 when already assigned.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = AssignCoachRequest,
    responses(
        (status = 201, description = "assigned", body = TeamView),
        (status = 200, description = "already assigned", body = TeamView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member or coach, not an organizer", body = ErrorBody),
        (status = 404, description = "unknown team or user", body = ErrorBody),
        (status = 409, description = "`not_an_engineer`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/coaches")]
pub async fn assign_coach(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<AssignCoachRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let coach = body.into_inner().user_id;
    let (details, new) = teams::assign_coach(&state, &caller.user, &id, &coach).await?;
    let view = TeamView::from(details);
    Ok(if new {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Ends a coach's assignment to the team (the event's organizers).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("user_id" = String, Path, description = "the coach"),
    ),
    responses(
        (status = 204, description = "removed"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member or coach, not an organizer", body = ErrorBody),
        (status = 404, description = "unknown team, or not its coach", body = ErrorBody),
    )
)]
#[delete("/teams/{id}/coaches/{user_id}")]
pub async fn remove_coach(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, coach) = path.into_inner();
    teams::remove_coach(&state, &caller.user, &id, &coach).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Takes a member out of the team: the member themselves (leaving) or an organizer of the
/// event (removing). Their access to the workspace ends at once. A team left empty without
/// work (submissions, chat, documents, help calls, notes, feedback) is deleted.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("user_id" = String, Path, description = "the member"),
    ),
    responses(
        (status = 204, description = "out of the team"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither that member nor an organizer", body = ErrorBody),
        (status = 404, description = "unknown team, or not its member", body = ErrorBody),
        (status = 409, description = "`event_ended`", body = ErrorBody),
    )
)]
#[delete("/teams/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, member) = path.into_inner();
    team_admin::remove_member(&state, &caller.user, &id, &member).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Renames the team (its members and the event's organizers), sets the alias it shows on an
/// aliased board (the event's organizers), sets where it sits on site (its members and the
/// event's organizers), or any of these.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = RenameTeamRequest,
    responses(
        (status = 200, body = TeamView),
        (status = 400, description = "`invalid_team_name`, `invalid_alias`, `invalid_location`",
            body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a coach, not a member or organizer; an alias set by \
            anyone but an organizer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`team_name_taken`, `event_ended`, `alias_taken`",
            body = ErrorBody),
    )
)]
#[patch("/teams/{id}")]
pub async fn rename_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<RenameTeamRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let request = body.into_inner();
    if let Some(location) = &request.location {
        rewards::set_location(&state, &caller.user, &id, location.as_deref()).await?;
    }
    let RenameTeamRequest { name, alias, .. } = request;
    let details = match (name, alias) {
        // Nothing to change: the team as it is (for whoever may read it).
        (None, None) => {
            state
                .db
                .run(move |conn| teams::view(conn, &caller.user, &id))
                .await?
        }
        (name, Some(alias)) => {
            let details =
                team_admin::set_alias(&state, &caller.user, &id, alias.as_deref()).await?;
            match name {
                Some(name) => team_admin::rename(&state, &caller.user, &id, &name).await?,
                None => details,
            }
        }
        (Some(name), None) => team_admin::rename(&state, &caller.user, &id, &name).await?,
    };
    Ok(HttpResponse::Ok().json(TeamView::from(details)))
}

/// Merges the team into another team of its event (the event's organizers): its members
/// and coaches join `into`, and it is deleted. Only a team without work can be merged away;
/// the merged team must fit the event's size limit.
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "the team merged away")),
    request_body = MergeTeamRequest,
    responses(
        (status = 200, description = "the merged team", body = TeamView),
        (status = 400, description = "`invalid_merge`: a team merged into itself", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member or coach, not an organizer", body = ErrorBody),
        (status = 404, description = "no such team, or `into` is no team of the same event", body = ErrorBody),
        (status = 409, description = "`team_has_work`, `team_full`, `event_ended`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/merge")]
pub async fn merge_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<MergeTeamRequest>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let details = team_admin::merge(&state, &caller.user, &id, &body.into_inner().into).await?;
    Ok(HttpResponse::Ok().json(TeamView::from(details)))
}

/// Deletes an empty team without work (the event's organizers).
#[utoipa::path(
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member or coach, not an organizer", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`team_not_empty`, `team_has_work`", body = ErrorBody),
    )
)]
#[delete("/teams/{id}")]
pub async fn delete_team(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    team_admin::delete(&state, &caller.user, &id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
