//! Mail an event sends: invitations by e-mail (the event's organizers invite, list, resend,
//! revoke; whoever holds a link accepts it), the stakeholders who get the report at the end,
//! and a person's reminders (on or off).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::{
        invitations::{self, InvitationState, Invite},
        mailings,
    },
    api::events::utc,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::role::EventRole,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_invitations)
        .service(list_invitations)
        .service(resend_invitation)
        .service(revoke_invitation)
        .service(accept_invitation)
        .service(get_stakeholders)
        .service(set_stakeholders)
        .service(get_reminders)
        .service(set_reminders);
}

/// `POST /events/{slug}/invitations`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationsRequest {
    /// The addresses to invite, 1 to 200 (duplicates are invited once).
    #[schema(schema_with = invite_emails)]
    pub emails: Vec<String>,
    /// A team of the event the invited join.
    #[serde(default)]
    pub team_id: Option<String>,
    /// A role the invited get (`author`, `engineer`; `organizer` needs a portal organizer);
    /// not with `team_id`.
    #[serde(default)]
    pub role: Option<EventRole>,
}

/// 1 to 200 addresses, each as the sign-up's e-mail rule says.
fn invite_emails() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(crate::api::schema::email())
        .min_items(Some(1))
        .max_items(Some(invitations::MAX_PER_REQUEST))
}

/// At most 50 addresses, each as the sign-up's e-mail rule says.
fn stakeholder_emails() -> utoipa::openapi::schema::ArrayBuilder {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(crate::api::schema::email())
        .max_items(Some(crate::models::mailing::MAX_STAKEHOLDERS))
}

/// What became of an invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    /// Identifier.
    pub id: String,
    /// The address invited.
    pub email: String,
    /// The team it joins, if any.
    pub team_id: Option<String>,
    /// The role it grants, if any.
    pub role: Option<String>,
    /// `queued`, `sent`, `failed` (see `error`), `accepted`, `revoked`, or `not_mailed`
    /// (mail is off: pass the link on yourself).
    #[schema(pattern = "^(queued|sent|failed|accepted|revoked|not_mailed)$")]
    pub state: String,
    /// Why its mail failed (or why the last attempt of a queued one did).
    pub error: Option<String>,
    /// The link's path and query, only in the answer that made it (it is not stored).
    pub path: Option<String>,
    /// The whole link, on `public_url` or the address this request was sent to; only in the
    /// answer that made it.
    pub url: Option<String>,
    /// The link stops working then (UTC).
    pub expires_at: DateTime<Utc>,
    /// When it was made (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was accepted (UTC).
    pub accepted_at: Option<DateTime<Utc>>,
}

/// The invitations of an event.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    /// Newest first.
    pub invitations: Vec<InvitationView>,
}

fn view(req: &HttpRequest, state: &AppState, made: InvitationState) -> InvitationView {
    let url = made.path.as_ref().map(|path| match &state.mail {
        Some(links) => links.link(path),
        None => {
            let info = req.connection_info();
            format!("{}://{}{path}", info.scheme(), info.host())
        }
    });
    let row = made.invitation;
    InvitationView {
        id: row.id,
        email: row.email,
        team_id: row.team_id,
        role: row.role,
        state: made.standing.as_str().to_owned(),
        error: made.mail_error,
        path: made.path,
        url,
        expires_at: utc(row.expires_at),
        created_at: utc(row.created_at),
        accepted_at: row.accepted_at.map(utc),
    }
}

/// Invites addresses to the event (its organizers): one invitation and one mail each, made
/// together (with mail off, the links come back to copy). Each link signs its holder up or
/// in, into the event, and into the team or the role.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = CreateInvitationsRequest,
    responses(
        (status = 201, body = InvitationList),
        (status = 400, description = "`invalid_email`, `no_addresses`, `too_many_addresses`, \
            `team_with_role`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event (or `organizer` asked by \
            an event organizer)", body = ErrorBody),
        (status = 404, description = "no such event, or a team not of it", body = ErrorBody),
        (status = 409, description = "`event_ended`", body = ErrorBody),
    )
)]
#[post("/events/{slug}/invitations")]
pub async fn create_invitations(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<CreateInvitationsRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let invite = Invite {
        emails: body.emails,
        team_id: body.team_id,
        role: body.role,
    };
    let made = invitations::invite(&state, &caller.user, &slug, invite).await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(InvitationList {
            invitations: made.into_iter().map(|m| view(&req, &state, m)).collect(),
        }))
}

/// The event's invitations with what became of each (its organizers).
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = InvitationList),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/invitations")]
pub async fn list_invitations(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let rows = state
        .db
        .run(move |conn| invitations::list(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(InvitationList {
        invitations: rows.into_iter().map(|m| view(&req, &state, m)).collect(),
    }))
}

/// Mails an invitation again with a new link (the old link stops working).
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "invitation id"),
    ),
    responses(
        (status = 200, body = InvitationView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invitation_closed` (accepted or revoked), `event_ended`",
            body = ErrorBody),
    )
)]
#[post("/events/{slug}/invitations/{id}/resend")]
pub async fn resend_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    let made = invitations::resend(&state, &caller.user, &slug, &id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(view(&req, &state, made)))
}

/// Withdraws an invitation: its link stops working.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "invitation id"),
    ),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`invitation_closed`: it was accepted", body = ErrorBody),
    )
)]
#[delete("/events/{slug}/invitations/{id}")]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    invitations::revoke(&state, &caller.user, &slug, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /invitations/accept`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationRequest {
    /// The `token` of the invitation's link.
    pub token: String,
}

/// What accepting an invitation did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedInvitation {
    /// The event's slug.
    pub event: String,
    /// The team joined, if the invitation named one.
    pub team_id: Option<String>,
    /// The role granted, if it named one.
    pub role: Option<EventRole>,
}

/// Accepts an invitation as the caller: registers them for the event and joins the team (or
/// grants the role) in one step. A link that does not work is throttled like a wrong invite
/// code.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    request_body = AcceptInvitationRequest,
    responses(
        (status = 200, body = AcceptedInvitation),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, description = "no such invitation link", body = ErrorBody),
        (status = 409, description = "`invitation_used`, `invitation_revoked`, \
            `invitation_expired`, `event_ended`, `already_in_team`, `team_full`",
            body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: crate::http::Json<AcceptInvitationRequest>,
) -> Result<HttpResponse> {
    let accepted = invitations::accept(&state, &caller.user, &body.token).await?;
    Ok(HttpResponse::Ok().json(AcceptedInvitation {
        event: accepted.event.slug,
        team_id: accepted.team.map(|t| t.team.id),
        role: accepted.role,
    }))
}

/// Who besides the organizers gets the cliffs report by mail at the event's end.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholders {
    /// Addresses, at most 50.
    #[schema(schema_with = stakeholder_emails)]
    pub emails: Vec<String>,
}

/// The event's stakeholder addresses (its organizers).
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = Stakeholders),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/stakeholders")]
pub async fn get_stakeholders(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let emails = state
        .db
        .run(move |conn| mailings::stakeholders(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(Stakeholders { emails }))
}

/// Replaces the event's stakeholder addresses (its organizers); answers the list as stored.
#[utoipa::path(
    tag = "invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = Stakeholders,
    responses(
        (status = 200, body = Stakeholders),
        (status = 400, description = "`invalid_email`, `too_many_stakeholders`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[put("/events/{slug}/stakeholders")]
pub async fn set_stakeholders(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<Stakeholders>,
) -> Result<HttpResponse> {
    let emails =
        mailings::set_stakeholders(&state, &caller.user, &slug, body.into_inner().emails).await?;
    Ok(HttpResponse::Ok().json(Stakeholders { emails }))
}

/// Whether the caller gets reminders before the events they registered for.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderSetting {
    /// `true`: a mail a day and an hour before each start.
    pub reminders: bool,
}

/// The caller's reminder setting.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReminderSetting),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/me/reminders")]
pub async fn get_reminders(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    let reminders = state
        .db
        .run(move |conn| mailings::reminders_on(conn, &caller.user))
        .await?;
    Ok(HttpResponse::Ok().json(ReminderSetting { reminders }))
}

/// Turns the caller's reminders on or off.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ReminderSetting,
    responses(
        (status = 200, body = ReminderSetting),
        (status = 401, body = ErrorBody),
    )
)]
#[put("/me/reminders")]
pub async fn set_reminders(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: crate::http::Json<ReminderSetting>,
) -> Result<HttpResponse> {
    let on = body.reminders;
    mailings::set_reminders(&state, &caller.user, on).await?;
    Ok(HttpResponse::Ok().json(ReminderSetting { reminders: on }))
}
