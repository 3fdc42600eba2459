//! Questions in the workspace (`#questions`), for the selected challenge: the team's own
//! questions with their answers, the event's clarifications (answers to everyone, which name
//! no team), and for members the "Ask a question" form. Works without JavaScript:
//!
//! - `POST /teams/{id}/questions` (`challenge`, `text`): through [`questions::ask`], then back
//!   to the panel (`?asked=1#questions`), or the workspace again with the reason the server
//!   refused (`invalid_question`, `event_ended`, …) in the panel.
//!
//! `workspace/questions.js` keeps the lists current from the team channel (`clarification`
//! frames, and `question` / `answer` activity).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::questions,
    error::{Error, Result},
    models::{question::QuestionList, user::User},
    web::{PageContext, security::urlencode, time::ShownTime},
};

use super::page::{FormOutcome, render_workspace};

/// The panel as the template reads it, for the selected challenge.
pub(super) struct QuestionsPanel {
    /// Members may ask (the event has not ended).
    pub(super) can_ask: bool,
    /// The team's questions on the challenge, newest first.
    pub(super) questions: Vec<QuestionRow>,
    /// The event's clarifications of the challenge, newest first.
    pub(super) clarifications: Vec<ClarificationRow>,
    /// What the form just did.
    pub(super) notice: Option<&'static str>,
    /// Why the server refused the form.
    pub(super) error: Option<String>,
    /// The text sent, shown again when refused.
    pub(super) sent: String,
}

/// One of the team's questions.
pub(super) struct QuestionRow {
    pub(super) id: String,
    pub(super) asker: String,
    pub(super) at: ShownTime,
    pub(super) text: String,
    /// `open`, `answered` or `duplicate`.
    pub(super) state: String,
    pub(super) answer: Option<String>,
    /// "to your team" or "to everyone".
    pub(super) to: &'static str,
}

/// An answer to everyone.
pub(super) struct ClarificationRow {
    pub(super) id: String,
    pub(super) at: ShownTime,
    pub(super) text: String,
}

impl QuestionsPanel {
    /// The panel for the challenge `slug`, from the team's list.
    pub(super) fn of(
        list: &QuestionList,
        slug: &str,
        can_ask: bool,
        outcome: &FormOutcome,
    ) -> QuestionsPanel {
        QuestionsPanel {
            can_ask,
            questions: list
                .questions
                .iter()
                .rev()
                .filter(|q| q.challenge == slug)
                .map(|q| QuestionRow {
                    id: q.id.clone(),
                    asker: q.asked_by_name.clone(),
                    at: ShownTime::date(q.created_at.naive_utc()),
                    text: q.text.clone(),
                    state: q.state.clone(),
                    answer: q.answer.clone(),
                    to: match q.answer_to.as_deref() {
                        Some("everyone") => "to everyone",
                        _ => "to your team",
                    },
                })
                .collect(),
            clarifications: list
                .clarifications
                .iter()
                .rev()
                .filter(|c| c.challenge == slug)
                .map(|c| ClarificationRow {
                    id: c.id.clone(),
                    at: ShownTime::date(c.answered_at.naive_utc()),
                    text: c.text.clone(),
                })
                .collect(),
            notice: outcome.question_notice,
            error: outcome.question_error.clone(),
            sent: outcome.question_sent.clone().unwrap_or_default(),
        }
    }
}

/// The team's questions and the event's clarifications, as `user` may read them.
pub(super) async fn read(ctx: &PageContext, user: &User, team_id: &str) -> Result<QuestionList> {
    let (user, team_id) = (user.clone(), team_id.to_owned());
    ctx.state()
        .db
        .run(move |conn| questions::of_team(conn, &user, &team_id))
        .await
}

/// The notice after the form (`?asked=1`).
pub(super) fn notice(asked: bool) -> Option<&'static str> {
    asked.then_some("Question sent: your coach and the organizers see it now.")
}

/// The ask form.
#[derive(Debug, Deserialize)]
pub struct AskForm {
    csrf: String,
    challenge: String,
    text: String,
}

#[post("/teams/{id}/questions")]
pub(super) async fn ask_question(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<AskForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    match questions::ask(ctx.state(), &user, &team_id, &form.challenge, &form.text).await {
        Ok(_) => Ok(ctx.redirect(&format!(
            "/teams/{}?challenge={}&asked=1#questions",
            team_id.as_str(),
            urlencode(&form.challenge)
        ))),
        Err(
            error @ (Error::Unprocessable { .. }
            | Error::Conflict { .. }
            | Error::Forbidden(_)
            | Error::NotFound("challenge")),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                question_error: Some(error.to_string()),
                question_sent: Some(form.text),
                ..FormOutcome::default()
            };
            render_workspace(&ctx, &team_id, Some(form.challenge), None, status, outcome).await
        }
        Err(other) => Err(other),
    }
}
