//! The workspace page itself (`GET /teams/{id}`): reads the team's ladder, its recent
//! submissions and the one asked for, its endpoints, the selected challenge's materials, and
//! fills the template. The forms of the page show it again through [`render_workspace`] when
//! the server refuses them, with the reason where the form is.

use actix_web::{HttpResponse, get, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    access::TeamRelation,
    actions::{
        challenges::ladder::{self, TeamWorkspace},
        endpoints, observations as observe, submissions as submit,
    },
    error::{Error, Result},
    judge::views::{Ladder, LadderChallenge},
    models::{event::Phase, team::Person, user::User},
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::events::{phase_class, phase_label},
        security::urlencode,
    },
};

use super::{
    clock::ClockView,
    endpoints::{EndpointsPanel, SentEndpoint, notice},
    hints::{self, HintsPanel},
    location::{self, LocationPanel},
    materials::material_href,
    observations::{self, ObservationRow, ObservationsPanel},
    openings,
    questions::{self, QuestionsPanel},
    team,
    view::{
        Choice, MaterialLink, Rung, Selected, SubmissionRow, VerdictBox, size_label, statement_body,
    },
};

/// `?challenge=` and `?submission=` of the workspace, after an endpoint form
/// `?endpoint_set=` or `?endpoint_removed=` (the endpoint's name), and after a feedback or
/// note form `?feedback_sent=1` or `?note_written=1`.
#[derive(Debug, Deserialize)]
pub struct WorkspaceQuery {
    challenge: Option<String>,
    submission: Option<String>,
    endpoint_set: Option<String>,
    endpoint_removed: Option<String>,
    #[serde(default)]
    feedback_sent: Option<String>,
    #[serde(default)]
    note_written: Option<String>,
    /// After the rename form.
    #[serde(default)]
    renamed: Option<String>,
    /// After the ask form.
    #[serde(default)]
    asked: Option<String>,
    /// After a hint's unlock form: its number.
    #[serde(default)]
    hint_unlocked: Option<u32>,
    /// After a coach's or organizer's opening form.
    #[serde(default)]
    opened: Option<String>,
    /// After the location form.
    #[serde(default)]
    located: Option<String>,
    /// After answering the closing survey.
    #[serde(default)]
    surveyed: Option<String>,
}

/// What a form leaves on the page: a notice after it went through, or the reason the server
/// refused it (and what was sent, to show again).
#[derive(Debug, Default)]
pub(super) struct FormOutcome {
    pub(super) endpoint_notice: Option<String>,
    pub(super) endpoint_error: Option<String>,
    pub(super) endpoint_sent: Option<SentEndpoint>,
    pub(super) submit_refusal: Option<SubmitRefusal>,
    pub(super) observation_notice: Option<&'static str>,
    pub(super) observation_error: Option<String>,
    pub(super) team_notice: Option<&'static str>,
    /// Why the server refused renaming or leaving the team.
    pub(super) team_error: Option<String>,
    /// The name the rename form sent, to show again when refused.
    pub(super) team_name_sent: Option<String>,
    pub(super) question_notice: Option<&'static str>,
    /// Why the server refused a question, and the text sent.
    pub(super) question_error: Option<String>,
    pub(super) question_sent: Option<String>,
    pub(super) hint_notice: Option<String>,
    /// Why the server refused unlocking a hint.
    pub(super) hint_error: Option<String>,
    pub(super) opening_notice: Option<&'static str>,
    /// Why the server refused opening a challenge for the team.
    pub(super) opening_error: Option<String>,
    pub(super) location_notice: Option<&'static str>,
    /// Why the server refused the location, and what was sent.
    pub(super) location_error: Option<String>,
    pub(super) location_sent: Option<String>,
    pub(super) survey_notice: Option<&'static str>,
}

/// Why a submission was refused before it was stored, shown in place of the verdict.
#[derive(Debug)]
pub(super) struct SubmitRefusal {
    pub(super) message: String,
    /// The refusal is about the team's endpoints: the message links to the panel.
    pub(super) about_endpoints: bool,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    chrome: Chrome,
    team_id: String,
    team_name: String,
    /// The alias the team shows on its event's aliased big screen (`board_names = "aliases"`).
    board_alias: Option<String>,
    event_name: String,
    event_slug: String,
    phase: &'static str,
    phase_class: &'static str,
    /// The schedule and the server's time, for the clock.
    clock: ClockView,
    /// What the team's forms left (a notice, or a refusal and the name sent).
    team_notice: Option<&'static str>,
    team_error: Option<String>,
    rename_value: String,
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
    /// The selected challenge's slug (empty when none), for forms to come back to.
    selected_slug: String,
    /// The challenges a submission may go to.
    submittable: Vec<Choice>,
    can_submit: bool,
    verdict: Option<VerdictBox>,
    submit_refusal: Option<SubmitRefusal>,
    submissions: Vec<SubmissionRow>,
    endpoints: EndpointsPanel,
    /// Feedback and notes on the selected challenge (none when no challenge is selected).
    observations: Option<ObservationsPanel>,
    /// Questions and clarifications of the selected challenge.
    questions: Option<QuestionsPanel>,
    /// The selected challenge's hints (none when it has none or is locked).
    hints: Option<HintsPanel>,
    /// What the opening form left.
    opening_notice: Option<&'static str>,
    opening_error: Option<String>,
    /// Where the team sits (none while the event gives no rewards).
    location: Option<LocationPanel>,
    /// The closing survey's card, once, for a member who has not answered or dismissed it.
    survey: Option<super::survey::SurveyCard>,
    /// After answering the survey.
    survey_notice: Option<&'static str>,
}

#[get("/teams/{id}")]
pub(super) async fn workspace_page(
    ctx: PageContext,
    team_id: web::Path<String>,
    query: web::Query<WorkspaceQuery>,
) -> Result<HttpResponse> {
    let query = query.into_inner();
    let outcome = FormOutcome {
        endpoint_notice: notice(
            query.endpoint_set.as_deref(),
            query.endpoint_removed.as_deref(),
        ),
        observation_notice: observations::notice(
            query.feedback_sent.is_some(),
            query.note_written.is_some(),
        ),
        team_notice: team::notice(query.renamed.is_some()),
        question_notice: questions::notice(query.asked.is_some()),
        hint_notice: hints::notice(query.hint_unlocked),
        opening_notice: openings::notice(query.opened.is_some()),
        location_notice: location::notice(query.located.is_some()),
        survey_notice: super::survey::notice(query.surveyed.is_some()),
        ..FormOutcome::default()
    };
    render_workspace(
        &ctx,
        &team_id,
        query.challenge,
        query.submission,
        StatusCode::OK,
        outcome,
    )
    .await
}

/// The workspace of `team_id` as `ctx` sees it, on `challenge` (else the ladder's focus)
/// with the verdict of `submission`, answered with `status` and what a form left.
pub(super) async fn render_workspace(
    ctx: &PageContext,
    team_id: &str,
    challenge: Option<String>,
    submission: Option<String>,
    status: StatusCode,
    outcome: FormOutcome,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.to_owned();
    let (workspace, recent, shown, endpoint_list, said, board_alias) = {
        let (user, team_id) = (user.clone(), team_id.clone());
        ctx.state()
            .db
            .run(move |conn| {
                let workspace = ladder::team_workspace(conn, &user, &team_id)?;
                let recent = submit::team_submissions(conn, &user, &team_id, None, 10)?;
                let endpoint_list = endpoints::list(conn, &user, &team_id)?;
                // The team's staff read its notes and feedback back beside the forms.
                let said = if workspace.relation == TeamRelation::Member {
                    None
                } else {
                    Some((
                        observe::notes(conn, &user, &team_id)?,
                        observe::feedback(conn, &user, &team_id)?,
                    ))
                };
                let shown = match submission {
                    Some(id) => match submit::submission_detail(conn, &user, &id) {
                        Ok(view) if view.team == team_id => Some(view),
                        Ok(_) | Err(Error::NotFound(_)) => None,
                        Err(other) => return Err(other),
                    },
                    None => None,
                };
                let event = &workspace.details.event;
                let board_alias = if event.shows_aliases() {
                    Some(crate::models::team_alias::alias_of(
                        conn, &event.id, &team_id,
                    )?)
                } else {
                    None
                };
                Ok::<_, Error>((workspace, recent, shown, endpoint_list, said, board_alias))
            })
            .await?
    };
    let TeamWorkspace {
        details,
        relation,
        ladder,
    } = workspace;
    let is_member = relation == TeamRelation::Member;

    let wanted = challenge.or_else(|| shown.as_ref().map(|s| s.challenge.clone()));
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
            coach_guide_html: challenge
                .coach_guide
                .as_deref()
                .filter(|_| !is_member)
                .map(markdown::to_safe_html),
            can_open: !is_member
                && challenge.locked
                && matches!(ladder.phase, Phase::Running | Phase::Frozen),
            materials,
            materials_error,
        });
    }

    let endpoint_urls: Vec<&str> = endpoint_list
        .endpoints
        .iter()
        .map(|e| e.url.as_str())
        .collect();
    let name_of = |user_id: &str| {
        details
            .members
            .iter()
            .chain(&details.coaches)
            .find(|p| p.user_id == user_id)
            .map_or_else(|| "a former member".to_owned(), |p| p.display_name.clone())
    };
    let verdict = shown
        .as_ref()
        .map(|v| VerdictBox::of(v, &endpoint_urls, name_of));
    let observations = match selected_slug.as_deref() {
        Some(slug) => {
            let ours = |challenge: &str| challenge == slug;
            let (notes, feedback) = said.unwrap_or_default();
            Some(ObservationsPanel {
                feedback_open: is_member && attempted(ctx, &user, &team_id, &ladder, slug).await?,
                notes: notes
                    .iter()
                    .filter(|n| ours(&n.challenge))
                    .map(ObservationRow::of_note)
                    .collect(),
                feedback: feedback
                    .iter()
                    .filter(|f| ours(&f.challenge))
                    .map(ObservationRow::of_feedback)
                    .collect(),
                notice: outcome.observation_notice,
                error: outcome.observation_error.clone(),
            })
        }
        None => None,
    };
    let question_list = questions::read(ctx, &user, &team_id).await?;
    let questions = selected_slug.as_deref().map(|slug| {
        let open = ladder
            .challenges
            .iter()
            .any(|c| c.slug == slug && !c.locked);
        let can_ask = is_member && open && ladder.phase != Phase::Ended;
        QuestionsPanel::of(&question_list, slug, can_ask, &outcome)
    });
    let hints = match selected_slug.as_deref() {
        Some(slug) => hints::read(ctx, &user, &team_id, slug)
            .await?
            .and_then(|list| {
                let can_unlock = is_member && ladder.phase != Phase::Ended;
                HintsPanel::of(list, can_unlock, &outcome)
            }),
        None => None,
    };
    let phase = ladder.phase;
    let team = details.team;
    let event = details.event;
    let survey = if is_member {
        let (event, user_id) = (event.clone(), user.id.clone());
        ctx.state()
            .db
            .run(move |conn| super::survey::card_for(conn, &event, &user_id))
            .await?
    } else {
        None
    };
    let clock = ClockView::of(&event, crate::db::now());
    let location = event.rewards.then(|| LocationPanel {
        value: outcome
            .location_sent
            .clone()
            .unwrap_or_else(|| team.location.clone().unwrap_or_default()),
        location: team.location.clone(),
        remote_reward: event.remote_reward.clone(),
        can_set: relation != TeamRelation::Coach,
        notice: outcome.location_notice,
        error: outcome.location_error.clone(),
    });
    let rename_value = outcome
        .team_name_sent
        .clone()
        .unwrap_or_else(|| team.name.clone());
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
        board_alias,
        event_name: event.name,
        event_slug: event.slug,
        phase: phase_label(phase),
        phase_class: phase_class(phase),
        clock,
        team_notice: outcome.team_notice,
        rename_value,
        team_error: outcome.team_error.clone(),
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
        selected_slug: selected_slug.unwrap_or_default(),
        submittable,
        can_submit: is_member && matches!(phase, Phase::Running | Phase::Frozen),
        verdict,
        submissions: recent.submissions.iter().map(SubmissionRow::of).collect(),
        endpoints: EndpointsPanel::of(&endpoint_list.endpoints, &outcome),
        observations,
        questions,
        hints,
        opening_notice: outcome.opening_notice,
        opening_error: outcome.opening_error.clone(),
        location,
        survey,
        survey_notice: outcome.survey_notice,
        submit_refusal: outcome.submit_refusal,
    };
    ctx.render_with_status(status, &page)
}

/// Whether the team solved `slug` or submitted to it at least once: then its members may
/// say how it went.
async fn attempted(
    ctx: &PageContext,
    user: &User,
    team_id: &str,
    ladder: &Ladder,
    slug: &str,
) -> Result<bool> {
    let Some(challenge) = ladder.challenges.iter().find(|c| c.slug == slug) else {
        return Ok(false);
    };
    if challenge.solved {
        return Ok(true);
    }
    if challenge.locked {
        return Ok(false);
    }
    let (user, team_id, slug) = (user.clone(), team_id.to_owned(), slug.to_owned());
    let tried = ctx
        .state()
        .db
        .run(move |conn| submit::team_submissions(conn, &user, &team_id, Some(&slug), 1))
        .await?;
    Ok(!tried.submissions.is_empty())
}
