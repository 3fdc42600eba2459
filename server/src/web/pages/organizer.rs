//! The organizer's page (`/events/{slug}/manage`, the event's organizers only): event
//! settings, roles (grant author or engineer by email, revoke), teams with their members and
//! coaches (assign, remove), announcements, the live view of every team (progress on the
//! ladder and raised hands, made live by `staff.js` over the event channel as staff), the
//! cliffs report and the results export.
//!
//! Every form posts with the hidden `csrf` field and answers with a 303 back to the page
//! (`?done=…` says what happened); a refused change shows the page again with the reason.

use std::{collections::HashMap, sync::Arc};

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::{
    access,
    actions::workspace as actions,
    actions::{events, roles, teams},
    api::events::UpdateEventRequest,
    error::{Error, Result},
    insights::{self, CliffFilter, render},
    models::{
        announcement::Announcement,
        challenge::Challenge,
        event::Event,
        help_call::HelpCall,
        role::{self, EventRole},
        team::Person,
    },
    scoring::{Board, BoardView, cache::LeaderboardBody},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::{
            board::{self, Column, RowView},
            events::{EventForm, phase_class, phase_label},
        },
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(manage_page)
        .service(progress)
        .service(update_settings)
        .service(grant_role)
        .service(revoke_role)
        .service(assign_coach)
        .service(remove_coach)
        .service(post_announcement)
        .service(cliffs_csv)
        .service(cliffs_markdown)
        .service(results_csv);
}

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
    at_label: String,
    at: String,
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
    /// `HH:MM UTC`.
    pub raised_label: String,
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
                raised_label: c.raised_at.format("%H:%M UTC").to_string(),
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

/// Everything the page shows, loaded as the organizer `user`.
struct ManageData {
    event: Event,
    roles: Vec<role::RoleHolder>,
    teams: Vec<crate::models::team::TeamDetails>,
    announcements: Vec<crate::models::announcement::AnnouncementView>,
    ladder: Vec<Challenge>,
    calls: Vec<HelpCall>,
    cliffs: insights::CliffsReport,
}

async fn load(ctx: &PageContext, slug: &str) -> Result<(ManageData, Arc<Board>)> {
    let user = ctx.require_user()?.user.clone();
    let owned = slug.to_owned();
    let data = ctx
        .state()
        .db
        .run(move |conn| {
            let access = access::event_access(conn, &user, &owned)?;
            access.require_organizer()?;
            let event = access.event;
            Ok::<_, Error>(ManageData {
                roles: role::list(conn, &event.id)?,
                teams: teams::list(conn, &user, &owned)?,
                announcements: Announcement::of_event(conn, &event.id, None, 20)?,
                ladder: Challenge::ladder(conn, &event.id)?,
                calls: HelpCall::of_event(conn, &event.id, true, None)?,
                cliffs: insights::cliffs_report_as(conn, &user, &owned, &CliffFilter::default())?,
                event,
            })
        })
        .await?;
    let board = ctx
        .state()
        .leaderboard
        .get_board(slug, BoardView::Full)
        .await?;
    Ok((data, board))
}

async fn render_page(
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
            at_label: a.at.format("%-d %b, %H:%M UTC").to_string(),
            at: a.at.to_rfc3339(),
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
async fn manage_page(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse> {
    let done = notice(query.done.as_deref());
    render_page(&ctx, &slug, StatusCode::OK, None, done, None).await
}

/// After a form: back to the page (303), or the page again with the reason it was refused.
async fn after_form(
    ctx: &PageContext,
    slug: &str,
    result: Result<()>,
    done: &str,
    form: Option<EventForm>,
) -> Result<HttpResponse> {
    match result {
        Ok(()) => Ok(ctx.redirect(&format!("/events/{slug}/manage?done={done}"))),
        Err(
            error @ (Error::BadRequest { .. }
            | Error::Conflict { .. }
            | Error::NotFound(_)
            | Error::Forbidden(_)
            | Error::Denied { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            render_page(ctx, slug, status, Some(error.to_string()), None, form).await
        }
        Err(other) => Err(other),
    }
}

#[post("/events/{slug}/manage/settings")]
async fn update_settings(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let changes = form
        .update_request()
        .and_then(UpdateEventRequest::into_changes);
    let result = match changes {
        Ok(changes) => events::edit(ctx.state(), &user, &slug, changes)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "settings", Some(form)).await
}

/// Granting a role by email.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    csrf: String,
    email: String,
    role: String,
}

#[post("/events/{slug}/manage/roles")]
async fn grant_role(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<GrantForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = match form.role.parse::<EventRole>() {
        Ok(role) => roles::grant_by_email(ctx.state(), &user, &slug, &form.email, role)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "role", None).await
}

/// Revoking a role.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    csrf: String,
    user_id: String,
    role: String,
}

#[post("/events/{slug}/manage/roles/revoke")]
async fn revoke_role(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = match form.role.parse::<EventRole>() {
        Ok(role) => roles::revoke(ctx.state(), &user, &slug, &form.user_id, role).await,
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "revoked", None).await
}

/// Assigning or removing a coach.
#[derive(Debug, Deserialize)]
pub struct CoachForm {
    csrf: String,
    team_id: String,
    user_id: String,
}

#[post("/events/{slug}/manage/coaches")]
async fn assign_coach(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<CoachForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = teams::assign_coach(ctx.state(), &user, &form.team_id, &form.user_id)
        .await
        .map(|_| ());
    after_form(&ctx, &slug, result, "coach", None).await
}

#[post("/events/{slug}/manage/coaches/remove")]
async fn remove_coach(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<CoachForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = teams::remove_coach(ctx.state(), &user, &form.team_id, &form.user_id)
        .await
        .map(|_| ());
    after_form(&ctx, &slug, result, "uncoached", None).await
}

/// A new announcement.
#[derive(Debug, Deserialize)]
pub struct AnnouncementForm {
    csrf: String,
    text: String,
}

#[post("/events/{slug}/manage/announcements")]
async fn post_announcement(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<AnnouncementForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = actions::announce(ctx.state(), &user, &slug, &form.text)
        .await
        .map(|_| ());
    after_form(&ctx, &slug, result, "announced", None).await
}

/// The organizer's live grid: the full (never frozen) board and every attempt.
#[derive(Debug, Serialize)]
struct Progress<'a> {
    board: &'a LeaderboardBody,
    attempted: board::Attempted,
}

/// `GET /events/{slug}/manage/progress`: what the live view re-renders from (organizers).
#[get("/events/{slug}/manage/progress")]
async fn progress(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let owned = slug.clone();
    ctx.state()
        .db
        .run(move |conn| access::event_access(conn, &user, &owned)?.require_organizer())
        .await?;
    let board = ctx
        .state()
        .leaderboard
        .get_board(&slug, BoardView::Full)
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Progress {
            board: &board.body,
            attempted: board.attempted(),
        }))
}

async fn cliffs_report(ctx: &PageContext, slug: String) -> Result<insights::CliffsReport> {
    let user = ctx.require_user()?.user.clone();
    ctx.state()
        .db
        .run(move |conn| insights::cliffs_report_as(conn, &user, &slug, &CliffFilter::default()))
        .await
}

fn download(content_type: &str, name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// The cliffs report of `slug` rendered by `render`, as `{slug}-cliffs.{extension}`.
async fn cliffs_download(
    ctx: &PageContext,
    slug: String,
    extension: &str,
    media_type: &str,
    render: fn(&insights::CliffsReport) -> String,
) -> Result<HttpResponse> {
    let report = cliffs_report(ctx, slug.clone()).await?;
    Ok(download(
        &format!("{media_type}; charset=utf-8"),
        &format!("{slug}-cliffs.{extension}"),
        render(&report),
    ))
}

/// The cliffs report as CSV (the same rendering as the API's `Accept: text/csv`).
#[get("/events/{slug}/manage/cliffs.csv")]
async fn cliffs_csv(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    cliffs_download(
        &ctx,
        slug.into_inner(),
        "csv",
        "text/csv",
        render::cliffs_csv,
    )
    .await
}

/// The cliffs report as a Markdown brief.
#[get("/events/{slug}/manage/cliffs.md")]
async fn cliffs_markdown(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    cliffs_download(
        &ctx,
        slug.into_inner(),
        "md",
        "text/markdown",
        render::cliffs_markdown,
    )
    .await
}

/// The results (standings with solve times) as CSV.
#[get("/events/{slug}/manage/results.csv")]
async fn results_csv(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let owned = slug.clone();
    let results = ctx
        .state()
        .db
        .run(move |conn| insights::results::results_as(conn, &user, &owned))
        .await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("{slug}-results.csv"),
        render::results_csv(&results),
    ))
}
