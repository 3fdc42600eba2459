//! The closing survey as participants meet it: read its questions once it opens, answer once,
//! or dismiss its card. Everyone else (and everyone before it opens, or at an event without a
//! survey) gets 404: the survey is not there for them.
//!
//! Answers are anonymous ([`crate::models::survey`]): stored with the respondent's
//! organization and role only.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    access,
    db::{DbConnection, now},
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::Event,
        role::EventRole,
        survey::{self, Question, SurveySettings},
        user::User,
    },
    state::AppState,
};

/// The survey as a participant reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyView {
    /// The questions, in order.
    pub questions: Vec<Question>,
    /// When it opened (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub opens_at: NaiveDateTime,
    /// Whether the caller has answered it (it takes one answer).
    pub answered: bool,
    /// Whether the caller dismissed its card without answering (they may still answer).
    pub dismissed: bool,
}

/// When the survey `settings` of `event` opens: its own time, or the event's end.
pub fn opens_at(event: &Event, settings: &SurveySettings) -> NaiveDateTime {
    settings.opens_at.unwrap_or(event.ends_at)
}

/// The questions the survey of `event` asks (the default set resolved against its ladder).
pub fn questions_of(
    conn: &mut DbConnection,
    event: &Event,
    settings: &SurveySettings,
) -> Result<Vec<Question>> {
    Ok(match &settings.questions {
        Some(own) => own.clone(),
        None => survey::default_questions(&Challenge::ladder(conn, &event.id)?),
    })
}

/// The open survey of the event `slug` for `caller`, with their organization; 404 when there
/// is none, it is not open yet, or the caller is not a participant.
fn open_survey(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
) -> Result<(Event, SurveySettings)> {
    let not_found = Error::NotFound("survey");
    let access = match access::event_access(conn, caller, slug) {
        Ok(access) => access,
        Err(Error::Forbidden(_)) => return Err(not_found),
        Err(e) => return Err(e),
    };
    if !access.is_participant() {
        return Err(not_found);
    }
    let Some(settings) = survey::settings(conn, &access.event.id)? else {
        return Err(not_found);
    };
    if now() < opens_at(&access.event, &settings) {
        return Err(not_found);
    }
    Ok((access.event, settings))
}

/// The survey of the event `slug` as `caller` reads it (see [`open_survey`] for the 404s).
pub fn view(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<SurveyView> {
    let (event, settings) = open_survey(conn, caller, slug)?;
    let standing = survey::standing(conn, &event.id, &caller.id)?;
    Ok(SurveyView {
        questions: questions_of(conn, &event, &settings)?,
        opens_at: opens_at(&event, &settings),
        answered: standing == Some(true),
        dismissed: standing == Some(false),
    })
}

/// The survey of `event` if it is open now for `user_id` and they have neither answered nor
/// dismissed it: what the workspace's card shows (once).
pub fn pending_for(
    conn: &mut DbConnection,
    event: &Event,
    user_id: &str,
) -> Result<Option<Vec<Question>>> {
    if !crate::models::role::roles_of(conn, &event.id, user_id)?.contains(&EventRole::Participant) {
        return Ok(None);
    }
    let Some(settings) = survey::settings(conn, &event.id)? else {
        return Ok(None);
    };
    if now() < opens_at(event, &settings) || survey::standing(conn, &event.id, user_id)?.is_some() {
        return Ok(None);
    }
    Ok(Some(questions_of(conn, event, &settings)?))
}

/// Answers the survey of the event `slug` as `caller`, once (409 `survey_answered` the second
/// time); the answers are checked by [`survey::check_answers`] and stored with the caller's
/// organization and role only.
pub async fn answer(
    state: &AppState,
    caller: &User,
    slug: &str,
    answers: serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, survey::AnswerValue>> {
    let (caller, slug) = (caller.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let (event, settings) = open_survey(conn, &caller, &slug)?;
                let questions = questions_of(conn, &event, &settings)?;
                let checked = survey::check_answers(&questions, &answers)?;
                survey::record_answers(
                    conn,
                    &event.id,
                    &caller.id,
                    &caller.organization_id,
                    EventRole::Participant.as_str(),
                    &checked,
                )?;
                Ok(checked)
            })
        })
        .await
}

/// Dismisses the survey's card for `caller` at the event `slug` (it does not come back; the
/// survey can still be answered). 404 as [`view`].
pub async fn dismiss(state: &AppState, caller: &User, slug: &str) -> Result<()> {
    let (caller, slug) = (caller.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let (event, _) = open_survey(conn, &caller, &slug)?;
                survey::dismiss(conn, &event.id, &caller.id)
            })
        })
        .await
}
