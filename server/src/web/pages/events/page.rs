//! An event's public page (`/events/{slug}`) with the caller's place in it, and its two
//! forms: registering for the event and forming a team.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    access::{self, EventStanding},
    actions::{events, teams},
    error::{Error, Result},
    models::{
        event::{Event, Phase},
        role::{self, EventRole},
        team::Team,
        team_alias,
    },
    web::{PageContext, context::Chrome, markdown, time::ShownTime},
};

use super::labels::{Schedule, phase_class, phase_label, schedule};

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    chrome: Chrome,
    event: Event,
    description_html: String,
    schedule: Schedule,
    freeze: Option<ShownTime>,
    phase: &'static str,
    phase_class: &'static str,
    organizers: Vec<String>,
    signed_in: bool,
    is_participant: bool,
    is_organizer: bool,
    is_author: bool,
    is_engineer: bool,
    sees_rewards: bool,
    invite_only: bool,
    ended: bool,
    team: Option<Team>,
    /// The alias the caller's team shows on the event's aliased big screen.
    board_alias: Option<String>,
    /// The event's home time zone, and its start as a clock there reads it.
    home: HomeZone,
    /// The event's brackets (a new team picks one), in order.
    brackets: Vec<String>,
}

/// The event's home time zone, named, with the start in the zone's own time: what the event's
/// people on site read (every other time on the page is in the reader's zone).
struct HomeZone {
    name: String,
    starts: String,
}

impl HomeZone {
    fn of(event: &Event) -> Self {
        let zone = event.home_zone();
        Self {
            name: zone.name().to_owned(),
            starts: event
                .starts_at
                .and_utc()
                .with_timezone(&zone)
                .format("%a %-d %b %Y, %H:%M %Z")
                .to_string(),
        }
    }
}

#[get("/events/{slug}")]
pub(super) async fn event_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let user = ctx.user.as_ref().map(|u| u.user.clone());
    let (event, organizers, standing, team, board_alias) = ctx
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
            let board_alias = match &team {
                Some(team) if event.shows_aliases() => {
                    Some(team_alias::alias_of(conn, &event.id, &team.id)?)
                }
                _ => None,
            };
            Ok::<_, Error>((event, organizers, standing, team, board_alias))
        })
        .await?;
    let event_id = event.id.clone();
    let brackets = ctx
        .state()
        .db
        .run(move |conn| crate::actions::brackets::of_event(conn, &event_id))
        .await?;
    let access = standing.as_ref().map(|s: &EventStanding| &s.access);
    let page = EventPage {
        brackets,
        chrome: ctx.chrome(event.name.clone(), &["times.js"]),
        description_html: markdown::to_safe_html(&event.description),
        schedule: schedule(&event),
        freeze: event.freeze_at.map(ShownTime::date),
        phase: phase_label(event.phase()),
        phase_class: phase_class(event.phase()),
        organizers,
        signed_in: ctx.user.is_some(),
        is_participant: access.is_some_and(|a| a.is_participant()),
        is_organizer: access.is_some_and(|a| a.is_organizer()),
        is_author: access.is_some_and(|a| a.is_author()),
        is_engineer: access.is_some_and(|a| a.is_engineer()),
        sees_rewards: access.is_some_and(|a| a.sees_rewards() && a.event.rewards),
        invite_only: event.registration == "invite",
        ended: event.phase() == Phase::Ended,
        team,
        board_alias,
        home: HomeZone::of(&event),
        event,
    };
    ctx.render(&page)
}

/// Registration: the event's invite code when it is by invitation, the version of its terms
/// the accept box stands for (sent only when ticked), and the name-in-report box.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    csrf: String,
    #[serde(default)]
    invite_code: String,
    #[serde(default)]
    accept_terms: Option<String>,
    #[serde(default)]
    name_in_report: Option<String>,
}

#[post("/events/{slug}/register")]
pub(super) async fn register(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let code = Some(form.invite_code).filter(|c| !c.trim().is_empty());
    let choices = events::RegistrationChoices {
        // A box the browser sends with a version that is not a number accepts nothing: the
        // action then says which version to accept.
        accept_terms: form.accept_terms.and_then(|v| v.trim().parse().ok()),
        name_in_report: Some(form.name_in_report.is_some()),
    };
    let target = format!("/events/{slug}");
    events::register(ctx.state(), &user, &slug, code.as_deref(), choices).await?;
    Ok(ctx.redirect(&target))
}

/// A new team's name, and its bracket on an event with brackets.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    csrf: String,
    name: String,
    #[serde(default)]
    bracket: Option<String>,
}

#[post("/events/{slug}/teams")]
pub(super) async fn create_team(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let TeamForm { name, bracket, .. } = form.into_inner();
    let details = teams::create(ctx.state(), &user, &slug, &name, bracket.as_deref()).await?;
    Ok(ctx.redirect(&format!("/teams/{}", details.team.id)))
}
