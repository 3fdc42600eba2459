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
    /// The current terms as HTML, and their version (`None`: the event asks for none).
    terms_html: String,
    terms_version: Option<i32>,
    /// The caller's standing towards the terms and the report (signed in only).
    my_terms: Option<crate::actions::terms::MyTerms>,
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
    let reader = ctx.user.as_ref().map(|u| u.user.id.clone());
    let (brackets, terms, my_terms) = ctx
        .state()
        .db
        .run(move |conn| {
            let my_terms = reader
                .map(|user_id| crate::actions::terms::mine(conn, &event_id, &user_id))
                .transpose()?;
            Ok::<_, Error>((
                crate::actions::brackets::of_event(conn, &event_id)?,
                crate::models::terms::current(conn, &event_id)?,
                my_terms,
            ))
        })
        .await?;
    let access = standing.as_ref().map(|s: &EventStanding| &s.access);
    let page = EventPage {
        brackets,
        terms_html: terms
            .as_ref()
            .map(|t| markdown::to_safe_html(&t.text))
            .unwrap_or_default(),
        terms_version: terms.map(|t| t.version),
        my_terms,
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
    /// Present when the form carries the name-in-report box (an unticked box sends nothing).
    #[serde(default)]
    name_choice: Option<String>,
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
        name_in_report: form.name_choice.map(|_| form.name_in_report.is_some()),
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
