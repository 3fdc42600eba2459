//! The coach's page (`/coach`, signed in): the teams the user coaches across every event,
//! with raised hands on top (open help calls, oldest first, with their time and context) and
//! one click into each workspace. `staff.js` keeps the hands live over each event's channel,
//! where a coach is "staff" for their own teams.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::{
    actions::progress,
    db::DbConnection,
    error::Result,
    models::{
        event::{Event, Phase},
        help_call::HelpCall,
        progress::ProgressStatus,
        team::Team,
        user::User,
    },
    web::{
        PageContext,
        context::Chrome,
        pages::{
            events::{phase_class, phase_label},
            organizer::HelpRow,
        },
        time::ShownTime,
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

/// A coached team over its current challenge's expected time, its coaches nudged.
pub struct CoachNudge {
    team_id: String,
    team_name: String,
    event_slug: String,
    event_name: String,
    challenge: String,
    challenge_title: String,
    expected_minutes: i32,
    at: ShownTime,
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
    /// The question queue of the coach's teams.
    queue: super::questions::QueuePanel,
    /// Hints the coach's teams unlocked lately.
    hint_unlocks: Vec<super::hint_unlocks::UnlockRow>,
    nudges: Vec<CoachNudge>,
    sign_offs: super::sign_offs::SignOffPanel,
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

/// The coach's teams now over their current challenge's expected time (and so nudged), in
/// the events that are on, as the progress page computes them.
fn nudged_teams(
    conn: &mut DbConnection,
    user: &User,
    found: &[Coached],
) -> Result<Vec<CoachNudge>> {
    let mut events: Vec<&Event> = Vec::new();
    for c in found {
        if matches!(c.event.phase(), Phase::Running | Phase::Frozen)
            && !events.iter().any(|e| e.id == c.event.id)
        {
            events.push(&c.event);
        }
    }
    let mut nudges = Vec::new();
    for event in events {
        let report = match progress::event_progress(conn, user, &event.slug) {
            Ok(report) => report,
            // Coaching a team without the engineer role (any more): nothing to show.
            Err(crate::error::Error::Forbidden(_)) => continue,
            Err(e) => return Err(e),
        };
        for team in report.teams {
            let (Some(challenge), Some(at)) = (team.challenge, team.nudged_at) else {
                continue;
            };
            if team.status != ProgressStatus::OverTime
                || !found.iter().any(|c| c.team.id == team.team_id)
            {
                continue;
            }
            nudges.push(CoachNudge {
                team_id: team.team_id,
                team_name: team.team_name,
                event_slug: event.slug.clone(),
                event_name: event.name.clone(),
                challenge: challenge.slug,
                challenge_title: challenge.title,
                expected_minutes: challenge.expected_minutes.unwrap_or_default(),
                at: ShownTime::time(at.naive_utc()),
            });
        }
    }
    Ok(nudges)
}

#[get("/coach")]
async fn coach_page(ctx: PageContext) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let (found, nudges) = ctx
        .state()
        .db
        .run(move |conn| {
            let found = coached_teams(conn, &user.id)?;
            let nudges = nudged_teams(conn, &user, &found)?;
            Ok::<_, crate::error::Error>((found, nudges))
        })
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
    let viewer = ctx.require_user()?.user.clone();
    let sign_offs = ctx
        .state()
        .db
        .run(move |conn| super::sign_offs::SignOffPanel::awaiting_for(conn, &viewer))
        .await?;
    ctx.render(&CoachPage {
        queue: super::questions::queue(&ctx, None).await?,
        hint_unlocks: super::hint_unlocks::of_coach(&ctx).await?,
        chrome: ctx.live_chrome("Teams I coach", &["staff.js", "sign_offs.js"])?,
        teams,
        hands,
        nudges,
        sign_offs,
    })
}
