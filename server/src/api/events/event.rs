//! Events: create and edit them (organizers), read them (anyone), register for them
//! (participants), and grant the per-event roles.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access::EventStanding,
    actions::{events, roles},
    auth::{AuthUser, MaybeUser},
    db::now,
    error::{Error, ErrorBody, Result},
    models::{
        event::{Event, EventChanges, EventSettings, Phase},
        role::{EventRole, RoleHolder},
    },
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_event)
        .service(list_events)
        .service(get_event)
        .service(update_event)
        .service(register)
        .service(grant_role)
        .service(revoke_role)
        .service(list_roles);
}

/// `POST /events`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEventRequest {
    /// URL name, unique: 2–64 characters of `a-z`, `0-9` and inner dashes. Never changes.
    pub slug: String,
    /// Display name, 1–120 characters.
    pub name: String,
    /// Markdown description.
    #[serde(default)]
    pub description: String,
    /// Start, RFC 3339 (e.g. `2026-05-04T09:00:00+02:00`); stored in UTC.
    pub starts_at: String,
    /// End, RFC 3339, after the start.
    pub ends_at: String,
    /// When the public leaderboard freezes, RFC 3339, between start and end.
    pub freeze_at: Option<String>,
    /// `open` or `invite`.
    pub registration: String,
    /// Required (6+ characters) when `registration` is `invite`; ignored when `open`.
    pub invite_code: Option<String>,
    /// Smallest team, default 1.
    #[serde(default = "default_team_size_min")]
    pub team_size_min: i32,
    /// Largest team, at most 100.
    pub team_size_max: i32,
}

fn default_team_size_min() -> i32 {
    1
}

/// `PATCH /events/{slug}`: absent fields keep their value; `null` clears `freeze_at` and
/// `invite_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEventRequest {
    /// Accepted only if unchanged (400 `slug_immutable` otherwise).
    pub slug: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Markdown description.
    pub description: Option<String>,
    /// Start, RFC 3339.
    pub starts_at: Option<String>,
    /// End, RFC 3339.
    pub ends_at: Option<String>,
    /// Freeze, RFC 3339, or `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub freeze_at: Option<Option<String>>,
    /// `open` or `invite`.
    pub registration: Option<String>,
    /// The invite code, or `null` to clear it (only valid with open registration).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub invite_code: Option<Option<String>>,
    /// Smallest team.
    pub team_size_min: Option<i32>,
    /// Largest team.
    pub team_size_max: Option<i32>,
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /events/{slug}/registrations`
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The event's invite code; required when its registration is by invite.
    pub invite_code: Option<String>,
}

/// `POST /events/{slug}/roles`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRoleRequest {
    /// Who receives the role.
    pub user_id: String,
    /// `organizer`, `author`, `engineer` or `participant`.
    pub role: String,
}

/// An event as the public sees it, plus what the caller may know about their own place in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Identifier.
    pub id: String,
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Markdown description.
    pub description: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Public leaderboard freeze (UTC), if any.
    pub freeze_at: Option<DateTime<Utc>>,
    /// `open` or `invite`.
    pub registration: String,
    /// Smallest team.
    pub team_size_min: i32,
    /// Largest team.
    pub team_size_max: i32,
    /// Where the event is in its schedule at `server_time`.
    pub phase: Phase,
    /// The server's clock, so that clients can show a countdown that agrees with it.
    pub server_time: DateTime<Utc>,
    /// The invite code: only for the event's organizers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// The caller's place in the event: only when authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub me: Option<EventMembership>,
}

/// The caller's roles and team in one event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventMembership {
    /// Roles held in the event.
    pub roles: Vec<EventRole>,
    /// Whether the caller organizes the event (by role or as a portal organizer).
    pub is_organizer: bool,
    /// The caller's team in this event, if any.
    pub team_id: Option<String>,
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

/// A UTC timestamp as sent to clients.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

impl EventView {
    /// What anyone may see.
    fn public(event: Event) -> Self {
        let at = now();
        Self {
            phase: event.phase_at(at),
            server_time: utc(at),
            id: event.id,
            slug: event.slug,
            name: event.name,
            description: event.description,
            starts_at: utc(event.starts_at),
            ends_at: utc(event.ends_at),
            freeze_at: event.freeze_at.map(utc),
            registration: event.registration,
            team_size_min: event.team_size_min,
            team_size_max: event.team_size_max,
            invite_code: None,
            me: None,
        }
    }

    /// What the caller in `standing` may see.
    fn for_caller(standing: EventStanding) -> Self {
        let is_organizer = standing.access.is_organizer();
        let invite_code = standing
            .access
            .event
            .invite_code
            .clone()
            .filter(|_| is_organizer);
        Self {
            invite_code,
            me: Some(EventMembership {
                roles: standing.access.roles,
                is_organizer,
                team_id: standing.team_id,
            }),
            ..Self::public(standing.access.event)
        }
    }
}

/// Parses an RFC 3339 time into UTC at the database's precision (microseconds).
fn parse_time(field: &str, value: &str) -> Result<NaiveDateTime> {
    let parsed = DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        Error::bad_request(
            "invalid_time",
            format!("{field} must be an RFC 3339 time such as 2026-05-04T09:00:00Z"),
        )
    })?;
    let at = parsed.naive_utc();
    Ok(chrono::DurationRound::duration_trunc(at, chrono::TimeDelta::microseconds(1)).unwrap_or(at))
}

fn parse_optional_time(field: &str, value: Option<&str>) -> Result<Option<NaiveDateTime>> {
    value.map(|v| parse_time(field, v)).transpose()
}

impl CreateEventRequest {
    pub(crate) fn into_settings(self) -> Result<EventSettings> {
        Ok(EventSettings {
            starts_at: parse_time("starts_at", &self.starts_at)?,
            ends_at: parse_time("ends_at", &self.ends_at)?,
            freeze_at: parse_optional_time("freeze_at", self.freeze_at.as_deref())?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            registration: self.registration,
            invite_code: self.invite_code,
            team_size_min: self.team_size_min,
            team_size_max: self.team_size_max,
        })
    }
}

impl UpdateEventRequest {
    pub(crate) fn into_changes(self) -> Result<EventChanges> {
        Ok(EventChanges {
            starts_at: parse_optional_time("starts_at", self.starts_at.as_deref())?,
            ends_at: parse_optional_time("ends_at", self.ends_at.as_deref())?,
            freeze_at: self
                .freeze_at
                .map(|f| parse_optional_time("freeze_at", f.as_deref()))
                .transpose()?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            registration: self.registration,
            invite_code: self.invite_code,
            team_size_min: self.team_size_min,
            team_size_max: self.team_size_max,
        })
    }
}

/// Creates an event. Portal organizers only; the creator becomes the event's organizer.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body = CreateEventRequest,
    responses(
        (status = 201, body = EventView),
        (status = 400, description = "`invalid_slug`, `invalid_time`, `invalid_name`, \
            `invalid_description`, `invalid_schedule`, `invalid_registration`, \
            `invalid_team_size`, `invalid_json`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 409, description = "`slug_taken`", body = ErrorBody),
    )
)]
#[post("/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: web::Json<CreateEventRequest>,
) -> Result<HttpResponse> {
    let settings = body.into_inner().into_settings()?;
    let standing = events::create(&state, &caller.user, settings).await?;
    Ok(HttpResponse::Created().json(EventView::for_caller(standing)))
}

/// Every event, soonest first, upcoming ones included. Public.
#[utoipa::path(
    tag = "events",
    responses((status = 200, body = Vec<EventView>))
)]
#[get("/events")]
pub async fn list_events(state: web::Data<AppState>) -> Result<HttpResponse> {
    let events = state.db.run(Event::list).await?;
    let views: Vec<EventView> = events.into_iter().map(EventView::public).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// One event. Public; with a token, also the caller's roles and team (`me`), and the invite
/// code for its organizers.
#[utoipa::path(
    tag = "events",
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = EventView),
        (status = 401, description = "an invalid token was sent", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}")]
pub async fn get_event(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: MaybeUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = match caller.0 {
        Some(caller) => state
            .db
            .run(move |conn| crate::access::event_standing(conn, &caller.user, &slug))
            .await
            .map(EventView::for_caller)?,
        None => state
            .db
            .run(move |conn| Event::find_by_slug(conn, &slug))
            .await
            .map(EventView::public)?,
    };
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an event's settings (the event's organizers), validated as on creation. Lowering
/// `team_size_max` does not remove anyone: it only stops further joins.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = UpdateEventRequest,
    responses(
        (status = 200, body = EventView),
        (status = 400, description = "as on creation, and `slug_immutable`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of this event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[patch("/events/{slug}")]
pub async fn update_event(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: web::Json<UpdateEventRequest>,
) -> Result<HttpResponse> {
    let changes = body.into_inner().into_changes()?;
    let slug = slug.into_inner();
    let standing = events::edit(&state, &caller.user, &slug, changes).await?;
    Ok(HttpResponse::Ok().json(EventView::for_caller(standing)))
}

/// Registers the caller as a participant. Idempotent: 201 the first time, 200 (same body)
/// when already registered. The body may be empty for open events.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "registered", body = RegistrationView),
        (status = 200, description = "already registered", body = RegistrationView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "invite code missing or wrong", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`event_ended`", body = ErrorBody),
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

/// The registration body: JSON, or nothing at all for an open event.
fn parse_registration(body: &[u8]) -> Result<RegisterRequest> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RegisterRequest::default());
    }
    serde_json::from_slice(body).map_err(|e| Error::bad_request("invalid_json", e.to_string()))
}

fn parse_role(role: &str) -> Result<EventRole> {
    role.parse()
}

/// Grants a role in the event. Portal organizers grant any role; the event's organizers grant
/// `author` and `engineer`; nobody grants themselves anything. 201 when new, 200 when the
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
    body: web::Json<GrantRoleRequest>,
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
        ("role" = String, Path, description = "which role"),
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
