//! The workspace page itself (`GET /teams/{id}`): reads the team's ladder, its recent
//! submissions and the one asked for, the selected challenge's materials, and fills the
//! template.

use actix_web::{HttpResponse, get, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    access::TeamRelation,
    actions::{
        challenges::ladder::{self, TeamWorkspace},
        submissions as submit,
    },
    error::{Error, Result},
    judge::views::LadderChallenge,
    models::{event::Phase, team::Person},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::events::{phase_class, phase_label},
        security::urlencode,
    },
};

use super::{
    materials::material_href,
    view::{
        Choice, MaterialLink, Rung, Selected, SubmissionRow, VerdictBox, size_label, statement_body,
    },
};

/// `?challenge=` and `?submission=` of the workspace.
#[derive(Debug, Deserialize)]
pub struct WorkspaceQuery {
    challenge: Option<String>,
    submission: Option<String>,
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

#[get("/teams/{id}")]
pub(super) async fn workspace_page(
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
                            href: material_href(&team_id, &challenge.slug, &f.path),
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
