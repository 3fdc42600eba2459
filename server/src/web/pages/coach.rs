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

/// A team a user coaches, with its event, members' names and open help calls.
struct Coached {
    event: Event,
    team: Team,
    members: Vec<String>,
    calls: Vec<HelpCall>,
}

/// The teams `user_id` coaches in every event (current events first), with their members,
/// events and open help calls.
fn coached_teams(conn: &mut DbConnection, user_id: &str) -> Result<Vec<Coached>> {
    let mut found = Vec::new();
    for event in Event::list(conn)? {
        for team in Team::coached_by(conn, &event.id, user_id)? {
            let members = Team::members(conn, &team.id)?
                .into_iter()
                .map(|p| p.display_name)
                .collect();
            let calls = HelpCall::open_of_team(conn, &team.id)?;
            found.push(Coached {
                event: event.clone(),
                team,
                members,
                calls,
            });
        }
    }
    let order = |phase: Phase| match phase {
        Phase::Running | Phase::Frozen => 0,
        Phase::Upcoming => 1,
        Phase::Ended => 2,
    };
    found.sort_by(|a, b| {
        order(a.event.phase())
            .cmp(&order(b.event.phase()))
            .then(a.event.starts_at.cmp(&b.event.starts_at))
            .then(a.team.name.cmp(&b.team.name))
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
        .map(|c| (c.team.id.clone(), c.team.name.clone()))
        .collect();
    let mut hands: Vec<CoachHand> = found
        .iter()
        .flat_map(|c| {
            HelpRow::of(&c.calls, &names)
                .into_iter()
                .map(|call| CoachHand {
                    call,
                    event_name: c.event.name.clone(),
                })
        })
        .collect();
    hands.sort_by(|a, b| a.call.raised_at.cmp(&b.call.raised_at));
    let teams = found
        .into_iter()
        .map(|c| CoachedTeam {
            id: c.team.id,
            name: c.team.name,
            members: c.members.join(", "),
            phase: phase_label(c.event.phase()),
            phase_class: phase_class(c.event.phase()),
            event_slug: c.event.slug,
            event_name: c.event.name,
            open_calls: c.calls.len(),
        })
        .collect();
    ctx.render(&CoachPage {
        chrome: ctx.live_chrome("Teams I coach", &["staff.js"])?,
        teams,
        hands,
    })
}
