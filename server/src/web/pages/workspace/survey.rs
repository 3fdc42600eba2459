//! The closing survey's card in the workspace (`#survey-card`): once the event's survey is
//! open, a participant who has neither answered nor dismissed it sees it here, once. Without
//! JavaScript:
//!
//! - `POST /teams/{id}/survey` (`csrf`, `event`, one field per answer: `s_{question id}` for
//!   a scale, `q_{question id}` for a choice or a text; blank fields are left unanswered): through [`survey::answer`], the action
//!   `POST /api/v1/events/{slug}/survey` calls, then back to the workspace (`?surveyed=1`);
//! - `POST /teams/{id}/survey/dismiss` (`csrf`, `event`): through [`survey::dismiss`].
//!
//! Either way the card does not come back. Refusals (a value out of range) are the API's.

use std::collections::HashMap;

use actix_web::{HttpResponse, post, web};

use crate::{
    actions::survey,
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::Event,
        survey::{Question, QuestionKind},
    },
    web::PageContext,
};

/// The notice after answering (`?surveyed=1`).
pub(super) fn notice(surveyed: bool) -> Option<&'static str> {
    surveyed.then_some("Thank you: your answers are in, without your name.")
}

/// The survey's card.
pub(super) struct SurveyCard {
    /// The event's slug (the forms send it).
    pub(super) event: String,
    /// The questions, in order.
    pub(super) questions: Vec<QuestionField>,
}

/// One question as the card's form asks it.
pub(super) struct QuestionField {
    /// The form field's name: `s_{id}` for a scale, `q_{id}` otherwise.
    pub(super) field: String,
    /// `scale`, `choice` or `text`.
    pub(super) kind: &'static str,
    /// The question.
    pub(super) text: String,
    /// A choice's choices.
    pub(super) choices: Vec<String>,
}

/// The card `user_id` should see at `event` now, if any.
pub(super) fn card_for(
    conn: &mut DbConnection,
    event: &Event,
    user_id: &str,
) -> Result<Option<SurveyCard>> {
    Ok(
        survey::pending_for(conn, event, user_id)?.map(|questions| SurveyCard {
            event: event.slug.clone(),
            questions: questions.into_iter().map(field).collect(),
        }),
    )
}

fn field(q: Question) -> QuestionField {
    QuestionField {
        field: match q.kind {
            QuestionKind::Scale => format!("s_{}", q.id),
            QuestionKind::Choice | QuestionKind::Text => format!("q_{}", q.id),
        },
        kind: match q.kind {
            QuestionKind::Scale => "scale",
            QuestionKind::Choice => "choice",
            QuestionKind::Text => "text",
        },
        text: q.text,
        choices: q.choices,
    }
}

/// The form's fields as the API's answers: a scale's value as a number (as the words sent
/// when it is not one, which the action refuses), the words otherwise; blank fields left
/// out. The action checks each against its question.
fn answers_of(form: &HashMap<String, String>) -> serde_json::Map<String, serde_json::Value> {
    form.iter()
        .filter_map(|(name, value)| {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            if let Some(id) = name.strip_prefix("s_") {
                let json = value
                    .parse::<i64>()
                    .map_or_else(|_| serde_json::Value::from(value), serde_json::Value::from);
                return Some((id.to_owned(), json));
            }
            let id = name.strip_prefix("q_")?;
            Some((id.to_owned(), serde_json::Value::from(value)))
        })
        .collect()
}

fn event_of(form: &HashMap<String, String>) -> Result<String> {
    form.get("event")
        .cloned()
        .ok_or_else(|| Error::bad_request("invalid_form", "the form names no event"))
}

#[post("/teams/{id}/survey")]
pub(super) async fn answer_survey(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(form.get("csrf").map_or("", String::as_str))?;
    let user = ctx.require_user()?.user.clone();
    let event = event_of(&form)?;
    survey::answer(ctx.state(), &user, &event, answers_of(&form)).await?;
    Ok(ctx.redirect(&format!("/teams/{}?surveyed=1", team_id.into_inner())))
}

#[post("/teams/{id}/survey/dismiss")]
pub(super) async fn dismiss_survey(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(form.get("csrf").map_or("", String::as_str))?;
    let user = ctx.require_user()?.user.clone();
    let event = event_of(&form)?;
    survey::dismiss(ctx.state(), &user, &event).await?;
    Ok(ctx.redirect(&format!("/teams/{}", team_id.into_inner())))
}
