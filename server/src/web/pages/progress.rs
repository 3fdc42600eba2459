//! Who is stuck (`/events/{slug}/progress`): the event's teams as their coaches (their own
//! teams) and organizers (all) need them, most in need first — current challenge, time on it,
//! status, last failing check, raised hands, open questions, hints, nudges. The first view is
//! rendered here and complete without JavaScript; `progress.js` keeps it live (it fetches
//! `GET /api/v1/events/{slug}/progress` again on the staff channel's frames and every 30
//! seconds) and shows each nudge as it comes.

use actix_web::{HttpResponse, get, web};
use askama::Template;

use crate::{
    actions::progress,
    error::Result,
    models::progress::{ProgressReport, ProgressTeam},
    web::{PageContext, context::Chrome, time::ShownTime},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(progress_page);
}

/// A team's row as the page shows it.
pub struct ProgressRow {
    team: ProgressTeam,
    status: &'static str,
    label: &'static str,
    since: Option<ShownTime>,
    nudged: Option<ShownTime>,
}

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    chrome: Chrome,
    slug: String,
    name: String,
    phase: String,
    rows: Vec<ProgressRow>,
    nudged: Vec<ProgressRow>,
    generated: ShownTime,
}

#[get("/events/{slug}/progress")]
async fn progress_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let report: ProgressReport = ctx
        .state()
        .db
        .run(move |conn| progress::event_progress(conn, &user, &slug))
        .await?;
    let rows: Vec<ProgressRow> = report
        .teams
        .into_iter()
        .map(|team| ProgressRow {
            status: team.status.as_str(),
            label: team.status.label(),
            since: team.since.map(|t| ShownTime::time(t.naive_utc())),
            nudged: team.nudged_at.map(|t| ShownTime::time(t.naive_utc())),
            team,
        })
        .collect();
    let nudged = rows
        .iter()
        .filter(|r| r.team.nudged_at.is_some() && r.status == "over_time")
        .map(|r| ProgressRow {
            team: r.team.clone(),
            status: r.status,
            label: r.label,
            since: r.since,
            nudged: r.nudged,
        })
        .collect();
    ctx.render(&ProgressPage {
        chrome: ctx.live_chrome(
            format!("Who is stuck · {}", report.event_name),
            &["progress.js"],
        )?,
        slug: report.event,
        name: report.event_name,
        phase: report.phase,
        rows,
        nudged,
        generated: ShownTime::new(
            report.generated_at.naive_utc(),
            crate::web::time::TimeStyle::TimeSeconds,
        ),
    })
}
