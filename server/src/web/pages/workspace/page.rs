//! A team's workspace (`/teams/{id}`): the team and its invite link, the challenge ladder
//! with the selected challenge's statement and materials, the submit panel, and the places
//! `workspace.js` fills live (collaborative editor, chat, presence, activity, help calls,
//! announcements) over the team channel and document sockets.
//!
//! Routes:
//! - `GET /teams/{id}` (`?challenge=` selects a challenge, `?submission=` shows a verdict);
//! - `POST /teams/{id}/submit`: the form without JavaScript (a short answer), redirecting
//!   back with the verdict;
//! - `GET /teams/{id}/materials/{challenge}/{path}`: one file of the team's materials, as a
//!   download.
//!
//! Members, assigned coaches and the event's organizers see the page; anyone else gets the
//! same 404 as the API.

use actix_web::{
    HttpResponse, get,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    post, web,
};
use askama::Template;
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::Deserialize;

use crate::{
    access::TeamRelation,
    actions::{
        challenges::ladder::{self, TeamWorkspace},
        submissions::{self as submit, SubmitOutcome, SubmitRequest},
    },
    error::{Error, Result},
    judge::views::{LadderChallenge, SubmissionSummary, SubmissionView},
    models::{event::Phase, team::Person},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::events::{phase_class, phase_label},
        security::urlencode,
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(workspace_page)
        .service(submit_form)
        .service(download_material);
}

/// `?challenge=` and `?submission=` of the workspace.
#[derive(Debug, Deserialize)]
pub struct WorkspaceQuery {
    challenge: Option<String>,
    submission: Option<String>,
}

/// A rung of the ladder as the page shows it.
struct Rung {
    slug: String,
    title: String,
    summary: String,
    points: i32,
    position: i32,
    /// `locked`, `open` or `solved` (also the CSS class suffix).
    state: &'static str,
    selected: bool,
}

/// A file of the materials, with its download address.
struct MaterialLink {
    path: String,
    size: String,
    href: String,
}

/// The selected challenge.
struct Selected {
    title: String,
    points: i32,
    state: &'static str,
    statement_html: String,
    materials: Vec<MaterialLink>,
    materials_error: Option<String>,
}

/// A challenge of the submit form's choice.
struct Choice {
    slug: String,
    title: String,
    selected: bool,
}

/// A check of a verdict.
struct CheckRow {
    name: String,
    passed: bool,
    message: String,
}

/// A submission's outcome, shown after the form without JavaScript.
struct VerdictBox {
    challenge: String,
    pending: bool,
    passed: bool,
    score: i32,
    max_score: i32,
    feedback: String,
    checks: Vec<CheckRow>,
    error: Option<String>,
}

impl VerdictBox {
    fn of(view: &SubmissionView) -> Self {
        let verdict = view.verdict.as_ref();
        Self {
            challenge: view.challenge.clone(),
            pending: verdict.is_none() && view.validator_error.is_none(),
            passed: verdict.is_some_and(|v| v.passed),
            score: verdict.map_or(0, |v| v.score),
            max_score: verdict.map_or(0, |v| v.max_score),
            feedback: verdict.map(|v| v.feedback.clone()).unwrap_or_default(),
            checks: verdict
                .map(|v| {
                    v.checks
                        .iter()
                        .map(|c| CheckRow {
                            name: c.name.clone(),
                            passed: c.passed,
                            message: c.message.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            error: view.validator_error.as_ref().map(|e| e.message.clone()),
        }
    }
}

/// A line of the team's recent submissions.
struct SubmissionRow {
    challenge: String,
    at: String,
    outcome: String,
    class: &'static str,
}

impl SubmissionRow {
    fn of(summary: &SubmissionSummary) -> Self {
        let (outcome, class) = match (summary.passed, summary.score, summary.max_score) {
            (Some(true), Some(score), Some(max)) => (format!("passed {score}/{max}"), "pass"),
            (Some(false), Some(score), Some(max)) => (format!("failed {score}/{max}"), "fail"),
            _ => (summary.status.as_str().replace('_', " "), "pending"),
        };
        Self {
            challenge: summary.challenge.clone(),
            at: summary.created_at.format("%H:%M:%S UTC").to_string(),
            outcome,
            class,
        }
    }
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    chrome: Chrome,
    team_id: String,
    team_name: String,
    event_name: String,
    event_slug: String,
    phase: &'static str,
    phase_class: &'static str,
    members: Vec<Person>,
    coaches: Vec<Person>,
    /// `member`, `coach` or `organizer`.
    relation: &'static str,
    is_member: bool,
    invite_link: Option<String>,
    user_id: String,
    user_name: String,
    rungs: Vec<Rung>,
    upcoming: bool,
    selected: Option<Selected>,
    /// The challenges a submission may go to.
    submittable: Vec<Choice>,
    can_submit: bool,
    verdict: Option<VerdictBox>,
    submissions: Vec<SubmissionRow>,
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A statement without its leading `# Title` line when that repeats the challenge's title
/// (the page already shows the title as the section's heading).
fn statement_body<'a>(statement: &'a str, title: &str) -> &'a str {
    if let Some(rest) = statement.trim_start().strip_prefix("# ") {
        let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
        if first.trim() == title.trim() {
            return after;
        }
    }
    statement
}

/// The path of a material file inside its download address (each segment encoded).
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[get("/teams/{id}")]
async fn workspace_page(
    ctx: PageContext,
    team_id: web::Path<String>,
    query: web::Query<WorkspaceQuery>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let query = query.into_inner();
    let (workspace, recent, shown) = {
        let (user, team_id, submission) = (user.clone(), team_id.clone(), query.submission);
        ctx.state()
            .db
            .run(move |conn| {
                let workspace = ladder::team_workspace(conn, &user, &team_id)?;
                let recent = submit::team_submissions(conn, &user, &team_id, None, 10)?;
                let shown = match submission {
                    Some(id) => match submit::submission_detail(conn, &user, &id) {
                        Ok(view) if view.team == team_id => Some(view),
                        Ok(_) | Err(Error::NotFound(_)) => None,
                        Err(other) => return Err(other),
                    },
                    None => None,
                };
                Ok::<_, Error>((workspace, recent, shown))
            })
            .await?
    };
    let TeamWorkspace {
        details,
        relation,
        ladder,
    } = workspace;
    let is_member = relation == TeamRelation::Member;

    let wanted = query
        .challenge
        .or_else(|| shown.as_ref().map(|s| s.challenge.clone()));
    let selected_slug = ladder.focus(wanted.as_deref()).map(|c| c.slug.clone());
    let state_of = |c: &LadderChallenge| match (c.solved, c.locked) {
        (true, _) => "solved",
        (false, true) => "locked",
        (false, false) => "open",
    };
    let rungs = ladder
        .challenges
        .iter()
        .map(|c| Rung {
            slug: c.slug.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            points: c.points,
            position: c.position,
            state: state_of(c),
            selected: selected_slug.as_deref() == Some(c.slug.as_str()),
        })
        .collect();
    let submittable = ladder
        .challenges
        .iter()
        .filter(|c| !c.locked)
        .map(|c| Choice {
            slug: c.slug.clone(),
            title: c.title.clone(),
            selected: selected_slug.as_deref() == Some(c.slug.as_str()),
        })
        .collect();

    let mut selected = None;
    if let Some(challenge) = selected_slug
        .as_deref()
        .and_then(|slug| ladder.challenges.iter().find(|c| c.slug == slug))
    {
        let (materials, materials_error) = if challenge.locked && is_member {
            (Vec::new(), None)
        } else {
            match ladder::materials(ctx.state(), &user, &team_id, &challenge.slug).await {
                Ok(materials) => (
                    materials
                        .files
                        .iter()
                        .map(|f| MaterialLink {
                            path: f.path.clone(),
                            size: size_label(f.size),
                            href: format!(
                                "/teams/{team_id}/materials/{}/{}",
                                urlencode(&challenge.slug),
                                encode_path(&f.path)
                            ),
                        })
                        .collect(),
                    None,
                ),
                Err(e @ (Error::Conflict { .. } | Error::NotFound(_))) => {
                    (Vec::new(), Some(e.to_string()))
                }
                Err(other) => return Err(other),
            }
        };
        selected = Some(Selected {
            title: challenge.title.clone(),
            points: challenge.points,
            state: state_of(challenge),
            statement_html: challenge
                .statement
                .as_deref()
                .map(|statement| {
                    markdown::to_safe_html(statement_body(statement, &challenge.title))
                })
                .unwrap_or_default(),
            materials,
            materials_error,
        });
    }

    let phase = ladder.phase;
    let team = details.team;
    let event = details.event;
    let page = WorkspacePage {
        chrome: ctx.live_chrome(team.name.clone(), &["workspace.js"])?,
        invite_link: is_member.then(|| {
            format!(
                "/teams/{}/join?code={}",
                team.id,
                urlencode(&team.invite_code)
            )
        }),
        team_id: team.id,
        team_name: team.name,
        event_name: event.name,
        event_slug: event.slug,
        phase: phase_label(phase),
        phase_class: phase_class(phase),
        members: details.members,
        coaches: details.coaches,
        relation: match relation {
            TeamRelation::Member => "member",
            TeamRelation::Coach => "coach",
            TeamRelation::Organizer => "organizer",
        },
        is_member,
        user_id: user.id,
        user_name: user.display_name,
        rungs,
        upcoming: phase == Phase::Upcoming,
        selected,
        submittable,
        can_submit: is_member && matches!(phase, Phase::Running | Phase::Frozen),
        verdict: shown.as_ref().map(VerdictBox::of),
        submissions: recent.submissions.iter().map(SubmissionRow::of).collect(),
    };
    ctx.render(&page)
}

/// The submit form without JavaScript: a challenge and a short answer.
#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    csrf: String,
    challenge: String,
    #[serde(default)]
    answer: String,
}

#[post("/teams/{id}/submit")]
async fn submit_form(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<SubmitForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let request = SubmitRequest {
        challenge: form.challenge,
        answer: Some(form.answer),
        files: None,
    };
    let outcome = submit::submit(ctx.state().clone(), &user, &team_id, request).await?;
    let view = match outcome {
        SubmitOutcome::Judged(view) | SubmitOutcome::Pending(view) => view,
    };
    Ok(ctx.redirect(&format!(
        "/teams/{team_id}?challenge={}&submission={}#verdict",
        urlencode(&view.challenge),
        urlencode(&view.id)
    )))
}

#[get("/teams/{id}/materials/{challenge}/{path:.+}")]
async fn download_material(
    ctx: PageContext,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let (team_id, challenge, file_path) = path.into_inner();
    let materials = ladder::materials(ctx.state(), &user, &team_id, &challenge).await?;
    let file = materials
        .files
        .into_iter()
        .find(|f| f.path == file_path)
        .ok_or(Error::NotFound("file"))?;
    let content = STANDARD
        .decode(file.content_base64.as_deref().unwrap_or_default())
        .map_err(Error::internal)?;
    crate::insights::opens::record_member_open(ctx.state(), &user, &team_id, &challenge).await;
    let name = file_path
        .rsplit('/')
        .next()
        .unwrap_or(&file_path)
        .to_owned();
    Ok(HttpResponse::Ok()
        .content_type("application/octet-stream")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(content))
}

#[cfg(test)]
mod tests {
    use super::{encode_path, size_label, statement_body};

    #[test]
    fn a_statement_does_not_repeat_its_title() {
        assert_eq!(
            statement_body("# First contact\n\nHello", "First contact"),
            "\nHello"
        );
        assert_eq!(
            statement_body("# Other\n\nHello", "First contact"),
            "# Other\n\nHello"
        );
        assert_eq!(statement_body("Hello", "First contact"), "Hello");
    }

    #[test]
    fn material_paths_keep_their_slashes() {
        assert_eq!(encode_path("logs/gateway.log"), "logs/gateway.log");
        assert_eq!(encode_path("a b/c?d"), "a%20b/c%3Fd");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_label(12), "12 B");
        assert_eq!(size_label(2048), "2.0 KiB");
        assert_eq!(size_label(3 * 1024 * 1024), "3.0 MiB");
    }
}
