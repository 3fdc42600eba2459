//! The portal's events (`/`), an event's public page (`/events/{slug}`) with registration and
//! team forming, joining a team through its invite link, and creating an event.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::{
    access::{self, EventStanding},
    actions::{events, teams},
    api::events::{CreateEventRequest, UpdateEventRequest},
    auth::accounts,
    error::{Error, Result},
    models::{
        event::{Event, Phase},
        role::{self, EventRole},
        team::Team,
    },
    web::{PageContext, context::Chrome, markdown, security::urlencode},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home)
        .service(new_event_form)
        .service(create_event)
        .service(event_page)
        .service(register)
        .service(create_team)
        .service(join_page)
        .service(join_team);
}

/// An event in a list.
pub struct EventCard {
    slug: String,
    name: String,
    when: String,
    phase: &'static str,
    phase_class: &'static str,
}

impl EventCard {
    fn of(event: &Event) -> Self {
        Self {
            slug: event.slug.clone(),
            name: event.name.clone(),
            when: schedule(event),
            phase: phase_label(event.phase()),
            phase_class: phase_class(event.phase()),
        }
    }
}

/// The phase as a CSS class suffix.
pub fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "frozen",
        Phase::Ended => "ended",
    }
}

/// "4 May 2026, 09:00 – 5 May 2026, 17:00 UTC".
pub fn schedule(event: &Event) -> String {
    format!(
        "{} – {} UTC",
        event.starts_at.format("%-d %b %Y, %H:%M"),
        event.ends_at.format("%-d %b %Y, %H:%M")
    )
}

/// A time as pages show it, with the machine-readable form for `<time datetime>`.
pub fn time_label(at: NaiveDateTime) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The phase in words.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "running (board frozen)",
        Phase::Ended => "ended",
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    events: Vec<EventCard>,
    needs_setup: bool,
}

#[get("/")]
async fn home(ctx: PageContext) -> Result<HttpResponse> {
    let (events, needs_setup) = ctx
        .state()
        .db
        .run(|conn| {
            let events = Event::list(conn)?;
            Ok::<_, Error>((events, !accounts::has_portal_organizer(conn)?))
        })
        .await?;
    ctx.render(&HomePage {
        chrome: ctx.chrome("Events", &[]),
        events: events.iter().map(EventCard::of).collect(),
        needs_setup,
    })
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    chrome: Chrome,
    event: Event,
    description_html: String,
    schedule: String,
    freeze: Option<String>,
    phase: &'static str,
    phase_class: &'static str,
    organizers: Vec<String>,
    signed_in: bool,
    is_participant: bool,
    is_organizer: bool,
    is_author: bool,
    is_engineer: bool,
    invite_only: bool,
    ended: bool,
    team: Option<Team>,
}

#[get("/events/{slug}")]
async fn event_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let user = ctx.user.as_ref().map(|u| u.user.clone());
    let (event, organizers, standing, team) = ctx
        .state()
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let organizers = role::list(conn, &event.id)?
                .into_iter()
                .filter(|holder| holder.role == EventRole::Organizer)
                .map(|holder| format!("{} ({})", holder.display_name, holder.organization))
                .collect::<Vec<_>>();
            let standing = user
                .map(|user| access::event_standing(conn, &user, &slug))
                .transpose()?;
            let team = match standing.as_ref().and_then(|s| s.team_id.as_deref()) {
                Some(id) => Some(Team::find(conn, id)?),
                None => None,
            };
            Ok::<_, Error>((event, organizers, standing, team))
        })
        .await?;
    let access = standing.as_ref().map(|s: &EventStanding| &s.access);
    let page = EventPage {
        chrome: ctx.chrome(event.name.clone(), &[]),
        description_html: markdown::to_safe_html(&event.description),
        schedule: schedule(&event),
        freeze: event.freeze_at.map(time_label),
        phase: phase_label(event.phase()),
        phase_class: phase_class(event.phase()),
        organizers,
        signed_in: ctx.user.is_some(),
        is_participant: access.is_some_and(|a| a.is_participant()),
        is_organizer: access.is_some_and(|a| a.is_organizer()),
        is_author: access.is_some_and(|a| a.is_author()),
        is_engineer: access.is_some_and(|a| a.is_engineer()),
        invite_only: event.registration == "invite",
        ended: event.phase() == Phase::Ended,
        team,
        event,
    };
    ctx.render(&page)
}

/// Registration: the event's invite code when it is by invitation.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    csrf: String,
    #[serde(default)]
    invite_code: String,
}

#[post("/events/{slug}/register")]
async fn register(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let code = Some(form.into_inner().invite_code).filter(|c| !c.trim().is_empty());
    let target = format!("/events/{slug}");
    events::register(ctx.state(), &user, &slug, code.as_deref()).await?;
    Ok(ctx.redirect(&target))
}

/// A new team's name.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    csrf: String,
    name: String,
}

#[post("/events/{slug}/teams")]
async fn create_team(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let name = form.into_inner().name;
    let details = teams::create(ctx.state(), &user, &slug, &name).await?;
    Ok(ctx.redirect(&format!("/teams/{}", details.team.id)))
}

/// `?code=` of an invite link.
#[derive(Debug, Deserialize)]
pub struct InviteQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    chrome: Chrome,
    team_id: String,
    team_name: String,
    event: Event,
    code: String,
    needs_event_code: bool,
    signin_next: String,
}

/// `GET /teams/{id}/join?code=…`: the invite link a team shares.
#[get("/teams/{id}/join")]
async fn join_page(
    ctx: PageContext,
    team_id: web::Path<String>,
    query: web::Query<InviteQuery>,
) -> Result<HttpResponse> {
    let code = query.into_inner().code.unwrap_or_default();
    let team_id = team_id.into_inner();
    let user = ctx.user.as_ref().map(|u| u.user.clone());
    let teams::Invitation {
        team,
        event,
        registered,
    } = {
        let code = code.clone();
        let team_id = team_id.clone();
        ctx.state()
            .db
            .run(move |conn| teams::invitation(conn, user.as_ref(), &team_id, &code))
            .await?
    };
    let here = format!("/teams/{team_id}/join?code={}", urlencode(&code));
    ctx.render(&JoinPage {
        chrome: ctx.chrome(format!("Join {}", team.name), &[]),
        team_id,
        team_name: team.name,
        needs_event_code: event.registration == "invite" && !registered,
        event,
        code,
        signin_next: urlencode(&here),
    })
}

/// Joining: the team's code, and the event's when registering for an invite-only event.
#[derive(Debug, Deserialize)]
pub struct JoinForm {
    csrf: String,
    code: String,
    #[serde(default)]
    event_invite_code: String,
}

#[post("/teams/{id}/join")]
async fn join_team(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<JoinForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let event_code = Some(form.event_invite_code.as_str()).filter(|c| !c.is_empty());
    let details =
        teams::register_and_join(ctx.state(), &user, &team_id, &form.code, event_code).await?;
    Ok(ctx.redirect(&format!("/teams/{}", details.team.id)))
}

#[derive(Template)]
#[template(path = "event_new.html")]
struct NewEventPage {
    chrome: Chrome,
    error: Option<String>,
    values: EventForm,
}

/// An event's settings as the new-event and the organizer's settings forms carry them. Times
/// are UTC (`datetime-local` values, or RFC 3339); the slug is only set when creating.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) slug: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) starts_at: String,
    pub(crate) ends_at: String,
    #[serde(default)]
    pub(crate) freeze_at: String,
    pub(crate) registration: String,
    #[serde(default)]
    pub(crate) invite_code: String,
    pub(crate) team_size_min: String,
    pub(crate) team_size_max: String,
}

/// A `datetime-local` value (`2026-05-04T09:00`) read as UTC; RFC 3339 passes through.
pub fn utc_time(value: &str) -> String {
    let value = value.trim();
    match value.len() {
        16 => format!("{value}:00Z"),
        19 => format!("{value}Z"),
        _ => value.to_owned(),
    }
}

fn parse_size(field: &'static str, value: &str) -> Result<i32> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::bad_request("invalid_team_size", format!("{field} must be a number")))
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A time as a `datetime-local` field shows it (UTC).
fn datetime_local(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

impl EventForm {
    /// The form filled with an event's current settings.
    pub fn of(event: &Event) -> Self {
        Self {
            csrf: String::new(),
            slug: event.slug.clone(),
            name: event.name.clone(),
            description: event.description.clone(),
            starts_at: datetime_local(event.starts_at),
            ends_at: datetime_local(event.ends_at),
            freeze_at: event.freeze_at.map(datetime_local).unwrap_or_default(),
            registration: event.registration.clone(),
            invite_code: event.invite_code.clone().unwrap_or_default(),
            team_size_min: event.team_size_min.to_string(),
            team_size_max: event.team_size_max.to_string(),
        }
    }

    /// What the API's `POST /events` would receive.
    pub fn create_request(&self) -> Result<CreateEventRequest> {
        Ok(CreateEventRequest {
            slug: self.slug.trim().to_owned(),
            name: self.name.trim().to_owned(),
            description: self.description.clone(),
            starts_at: utc_time(&self.starts_at),
            ends_at: utc_time(&self.ends_at),
            freeze_at: optional(&self.freeze_at).map(|f| utc_time(&f)),
            registration: self.registration.clone(),
            invite_code: optional(&self.invite_code),
            team_size_min: parse_size("team_size_min", &self.team_size_min)?,
            team_size_max: parse_size("team_size_max", &self.team_size_max)?,
        })
    }

    /// What the API's `PATCH /events/{slug}` would receive: every setting but the slug.
    pub fn update_request(&self) -> Result<UpdateEventRequest> {
        Ok(UpdateEventRequest {
            slug: None,
            name: Some(self.name.trim().to_owned()),
            description: Some(self.description.clone()),
            starts_at: Some(utc_time(&self.starts_at)),
            ends_at: Some(utc_time(&self.ends_at)),
            freeze_at: Some(optional(&self.freeze_at).map(|f| utc_time(&f))),
            registration: Some(self.registration.clone()),
            invite_code: Some(optional(&self.invite_code)),
            team_size_min: Some(parse_size("team_size_min", &self.team_size_min)?),
            team_size_max: Some(parse_size("team_size_max", &self.team_size_max)?),
        })
    }
}

#[get("/events/new")]
async fn new_event_form(ctx: PageContext) -> Result<HttpResponse> {
    let user = ctx.require_user()?;
    if !user.user.is_portal_organizer {
        return Err(Error::Forbidden(
            "only the portal's organizers create events".into(),
        ));
    }
    ctx.render(&NewEventPage {
        chrome: ctx.chrome("New event", &[]),
        error: None,
        values: EventForm {
            registration: "open".into(),
            team_size_min: "1".into(),
            team_size_max: "5".into(),
            ..EventForm::default()
        },
    })
}

#[post("/events/new")]
async fn create_event(ctx: PageContext, form: web::Form<EventForm>) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    let created = match form
        .create_request()
        .and_then(CreateEventRequest::into_settings)
    {
        Ok(settings) => events::create(ctx.state(), &user, settings).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(standing) => Ok(ctx.redirect(&format!("/events/{}", standing.access.event.slug))),
        Err(error @ (Error::BadRequest { .. } | Error::Conflict { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            ctx.render_with_status(
                status,
                &NewEventPage {
                    chrome: ctx.chrome("New event", &[]),
                    error: Some(error.to_string()),
                    values: form,
                },
            )
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::utc_time;

    #[test]
    fn datetime_local_values_are_utc() {
        assert_eq!(utc_time("2026-05-04T09:00"), "2026-05-04T09:00:00Z");
        assert_eq!(utc_time("2026-05-04T09:00:30"), "2026-05-04T09:00:30Z");
        assert_eq!(
            utc_time("2026-05-04T09:00:00+02:00"),
            "2026-05-04T09:00:00+02:00"
        );
        assert_eq!(utc_time("2026-05-04T09:00:00Z"), "2026-05-04T09:00:00Z");
    }
}
