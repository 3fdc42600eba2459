//! The organizer's page itself: the rows it lists (roles, teams, announcements, open help
//! calls, the worst cliffs), built from what `data` read, and the notice a
//! `?done=` redirect shows.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    error::Result,
    insights::render,
    models::{event::Event, help_call::HelpCall, role::EventRole, team::Person},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::{
            board::{self, Column, RowView},
            events::{EventForm, phase_class, phase_label},
        },
        time::ShownTime,
    },
};

use super::data::load;

/// A role holder as the page lists them.
pub struct RoleRow {
    user_id: String,
    name: String,
    organization: String,
    role: &'static str,
    /// Event organizers may revoke authors and engineers (not themselves).
    revocable: bool,
}

/// A team as the page lists it.
pub struct TeamRow {
    id: String,
    name: String,
    members: String,
    coaches: Vec<Person>,
}

/// An announcement as the page lists it.
pub struct AnnouncementRow {
    html: String,
    author: String,
    at: ShownTime,
}

/// An open help call.
pub struct HelpRow {
    /// Call id.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The team's name.
    pub team_name: String,
    /// What the team is stuck on.
    pub context: String,
    /// `raised` or `acknowledged`.
    pub status: &'static str,
    /// When it was raised (RFC 3339).
    pub raised_at: String,
    /// When it was raised, as pages show it.
    pub raised: ShownTime,
}

impl HelpRow {
    /// The open calls, oldest first, named by team.
    pub fn of(calls: &[HelpCall], names: &HashMap<String, String>) -> Vec<HelpRow> {
        calls
            .iter()
            .filter(|c| c.resolved_at.is_none())
            .map(|c| HelpRow {
                id: c.id.clone(),
                team_id: c.team_id.clone(),
                team_name: names.get(&c.team_id).cloned().unwrap_or_default(),
                context: c.context.clone(),
                status: c.status(),
                raised_at: c.raised_at.and_utc().to_rfc3339(),
                raised: ShownTime::time(c.raised_at),
            })
            .collect()
    }
}

/// A cliff of the report, for the table.
pub struct CliffRow {
    rank: u32,
    challenge: String,
    check: String,
    lost: String,
    teams: String,
    failed_attempts: u32,
    help_calls: u32,
}

#[derive(Template)]
#[template(path = "organizer.html")]
struct ManagePage {
    chrome: Chrome,
    event: Event,
    phase: &'static str,
    phase_class: &'static str,
    error: Option<String>,
    notice: Option<&'static str>,
    form: EventForm,
    roles: Vec<RoleRow>,
    engineers: Vec<Person>,
    teams: Vec<TeamRow>,
    announcements: Vec<AnnouncementRow>,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    help: Vec<HelpRow>,
    cliffs: Vec<CliffRow>,
}

/// The page as `ctx` sees it, with `status` and, after a form, its `error` or `notice` and
/// the settings form as sent.
pub(super) async fn render_page(
    ctx: &PageContext,
    slug: &str,
    status: StatusCode,
    error: Option<String>,
    notice: Option<&'static str>,
    form: Option<EventForm>,
) -> Result<HttpResponse> {
    let (data, body) = load(ctx, slug).await?;
    let me = ctx
        .user
        .as_ref()
        .map(|u| u.id().to_owned())
        .unwrap_or_default();
    let portal_organizer = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.user.is_portal_organizer);
    let roles = data
        .roles
        .iter()
        .map(|h| RoleRow {
            user_id: h.user_id.clone(),
            name: h.display_name.clone(),
            organization: h.organization.clone(),
            role: h.role.as_str(),
            revocable: h.user_id != me
                && (portal_organizer && h.role != EventRole::Participant
                    || matches!(h.role, EventRole::Author | EventRole::Engineer)),
        })
        .collect();
    let engineers = data
        .roles
        .iter()
        .filter(|h| h.role == EventRole::Engineer)
        .map(|h| Person {
            user_id: h.user_id.clone(),
            display_name: h.display_name.clone(),
        })
        .collect();
    let names: HashMap<String, String> = data
        .teams
        .iter()
        .map(|t| (t.team.id.clone(), t.team.name.clone()))
        .collect();
    let teams = data
        .teams
        .iter()
        .map(|t| TeamRow {
            id: t.team.id.clone(),
            name: t.team.name.clone(),
            members: t
                .members
                .iter()
                .map(|m| m.display_name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            coaches: t.coaches.clone(),
        })
        .collect();
    let announcements = data
        .announcements
        .iter()
        .rev()
        .map(|a| AnnouncementRow {
            html: markdown::to_safe_html(&a.text),
            author: a.author.display_name.clone(),
            at: ShownTime::date(a.at.naive_utc()),
        })
        .collect();
    let columns = board::columns(&data.ladder, true);
    let cliffs = data
        .cliffs
        .cliffs
        .iter()
        .take(10)
        .map(|c| CliffRow {
            rank: c.rank,
            challenge: c.challenge.clone(),
            check: c
                .check
                .clone()
                .unwrap_or_else(|| "(no failing check)".into()),
            lost: render::human(c.lost_seconds),
            teams: format!("{} of {}", c.teams_affected, c.teams_total),
            failed_attempts: c.failed_attempts,
            help_calls: c.help_calls,
        })
        .collect();
    let phase = data.event.phase();
    let page = ManagePage {
        chrome: ctx.live_chrome(format!("Manage {}", data.event.name), &["staff.js"])?,
        phase: phase_label(phase),
        phase_class: phase_class(phase),
        error,
        notice,
        form: form.unwrap_or_else(|| EventForm::of(&data.event)),
        roles,
        engineers,
        teams,
        announcements,
        rows: board::rows(&body.body, &columns, &body.attempted()),
        columns,
        help: HelpRow::of(&data.calls, &names),
        cliffs,
        event: data.event,
    };
    ctx.render_with_status(status, &page)
}

/// `?done=` after a form: what happened.
#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "settings" => "Settings saved.",
        "role" => "Role granted.",
        "revoked" => "Role revoked.",
        "coach" => "Coach assigned.",
        "uncoached" => "Coach removed.",
        "announced" => "Announcement posted: the big screen and every workspace show it.",
        _ => return None,
    })
}

#[get("/events/{slug}/manage")]
pub(super) async fn manage_page(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let done = notice(query.done.as_deref());
    render_page(&ctx, &slug, StatusCode::OK, None, done, None).await
}
