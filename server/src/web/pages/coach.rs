//! The coach's page (`/coach`, signed in): the teams the user coaches across every event,
//! with raised hands on top (open help calls, oldest first, with their time and context) and
//! one click into each workspace. `staff.js` keeps the hands live over each event's channel,
//! where a coach is "staff" for their own teams.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::{
    db::DbConnection,
    error::Result,
    models::{
        event::{Event, Phase},
        help_call::HelpCall,
        team::Team,
    },
    web::{
        PageContext,
        context::Chrome,
        pages::{
            events::{phase_class, phase_label},
            organizer::HelpRow,
        },
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(coach_page);
}

/// A coached team as the page lists it.
pub struct CoachedTeam {
    id: String,
    name: String,
    members: String,
    event_slug: String,
    event_name: String,
    phase: &'static str,
    phase_class: &'static str,
    open_calls: usize,
}

/// An open call with the event it belongs to.
pub struct CoachHand {
    call: HelpRow,
    event_name: String,
}

#[derive(Template)]
#[template(path = "coach.html")]
struct CoachPage {
    chrome: Chrome,
    teams: Vec<CoachedTeam>,
    hands: Vec<CoachHand>,
}

/// The teams `user_id` coaches in every event (current events first), with their members,
/// events and open help calls.
fn coached_teams(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<(Event, Team, Vec<String>, Vec<HelpCall>)>> {
    let mut found = Vec::new();
    for event in Event::list(conn)? {
        for team in Team::coached_by(conn, &event.id, user_id)? {
            let members = Team::members(conn, &team.id)?
                .into_iter()
                .map(|p| p.display_name)
                .collect();
            let calls = HelpCall::open_of_team(conn, &team.id)?;
            found.push((event.clone(), team, members, calls));
        }
    }
    let order = |phase: Phase| match phase {
        Phase::Running | Phase::Frozen => 0,
        Phase::Upcoming => 1,
        Phase::Ended => 2,
    };
    found.sort_by(|a, b| {
        order(a.0.phase())
            .cmp(&order(b.0.phase()))
            .then(a.0.starts_at.cmp(&b.0.starts_at))
            .then(a.1.name.cmp(&b.1.name))
    });
    Ok(found)
}

#[get("/coach")]
async fn coach_page(ctx: PageContext) -> Result<HttpResponse> {
    let user_id = ctx.require_user()?.id().to_owned();
    let found = ctx
        .state()
        .db
        .run(move |conn| coached_teams(conn, &user_id))
        .await?;
    let names: HashMap<String, String> = found
        .iter()
        .map(|(_, team, _, _)| (team.id.clone(), team.name.clone()))
        .collect();
    let mut hands: Vec<CoachHand> = found
        .iter()
        .flat_map(|(event, _, _, calls)| {
            HelpRow::of(calls, &names)
                .into_iter()
                .map(|call| CoachHand {
                    call,
                    event_name: event.name.clone(),
                })
        })
        .collect();
    hands.sort_by(|a, b| a.call.raised_at.cmp(&b.call.raised_at));
    let teams = found
        .into_iter()
        .map(|(event, team, members, calls)| CoachedTeam {
            id: team.id,
            name: team.name,
            members: members.join(", "),
            phase: phase_label(event.phase()),
            phase_class: phase_class(event.phase()),
            event_slug: event.slug,
            event_name: event.name,
            open_calls: calls.len(),
        })
        .collect();
    ctx.render(&CoachPage {
        chrome: ctx.live_chrome("Teams I coach", &["staff.js"])?,
        teams,
        hands,
    })
}
