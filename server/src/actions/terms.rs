//! Participation terms, the name-in-report choice and an event's survey settings: what an
//! event asks of its participants before they take part, and what it asks them at the end.
//!
//! The rules themselves live in [`crate::models::terms`] and [`crate::models::survey`]; this
//! module authorizes and writes them. Registering (which accepts the terms) is
//! [`crate::actions::events::register`]; submitting checks the current version
//! ([`terms::require_current`]).

use chrono::NaiveDateTime;
use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    access,
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::Event,
        survey::{self, Question, SurveySettings},
        terms::{self, Acceptance, Terms},
        user::User,
    },
    state::AppState,
};

/// What an event asks for its survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveyChoice {
    /// No survey.
    Off,
    /// The default set ([`survey::default_questions`]).
    Default,
    /// The event's own questions.
    Own(Vec<Question>),
}

/// Changes to an event's terms and survey (`None`: kept), as create and `PATCH` carry them.
#[derive(Debug, Clone, Default)]
pub struct EventTrustChanges {
    /// New terms text (Markdown; empty: none from now on).
    pub terms: Option<String>,
    /// The survey on, off, or with its own questions.
    pub survey: Option<SurveyChoice>,
    /// When the survey opens (`Some(None)`: at the event's end).
    pub survey_opens_at: Option<Option<NaiveDateTime>>,
}

impl EventTrustChanges {
    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.terms.is_none() && self.survey.is_none() && self.survey_opens_at.is_none()
    }

    /// The checks that need nothing stored (400 `invalid_terms`, 400 `invalid_survey`), so an
    /// edge can refuse a body before creating anything; returns the changes with the
    /// questions trimmed.
    pub fn checked(mut self) -> Result<Self> {
        if let Some(text) = &self.terms {
            terms::validate_terms(text.trim())?;
        }
        if let Some(SurveyChoice::Own(questions)) = self.survey {
            self.survey = Some(SurveyChoice::Own(survey::validate_questions(questions)?));
        }
        Ok(self)
    }
}

/// An event's terms and survey, as its view shows them.
#[derive(Debug, Clone, Default)]
pub struct EventTrust {
    /// The latest terms (an empty text: none).
    pub terms: Option<Terms>,
    /// The survey settings, `None`: no survey.
    pub survey: Option<SurveySettings>,
}

/// The terms and survey of the event `event_id`.
pub fn trust_of(conn: &mut DbConnection, event_id: &str) -> Result<EventTrust> {
    Ok(EventTrust {
        terms: terms::latest(conn, event_id)?,
        survey: survey::settings(conn, event_id)?,
    })
}

/// Applies `changes` to the event `slug` as `caller`, who must organize it (403 otherwise),
/// in one transaction. A new terms text becomes a new version; the same text keeps it.
pub async fn configure(
    state: &AppState,
    caller: &User,
    slug: &str,
    changes: EventTrustChanges,
) -> Result<EventTrust> {
    let changes = changes.checked()?;
    let (caller, slug) = (caller.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                configure_in(conn, &access.event, changes)
            })
        })
        .await
}

/// Applying the changes, inside the caller's transaction.
fn configure_in(
    conn: &mut DbConnection,
    event: &Event,
    changes: EventTrustChanges,
) -> Result<EventTrust> {
    if let Some(text) = &changes.terms {
        terms::set_terms(conn, &event.id, text)?;
    }
    if changes.survey.is_some() || changes.survey_opens_at.is_some() {
        let current = survey::settings(conn, &event.id)?;
        let questions = match changes.survey {
            Some(SurveyChoice::Off) => None,
            Some(SurveyChoice::Default) => Some(None),
            Some(SurveyChoice::Own(questions)) => Some(Some(questions)),
            None => current.as_ref().map(|s| s.questions.clone()),
        };
        let opens_at = match changes.survey_opens_at {
            Some(at) => at,
            None => current.as_ref().and_then(|s| s.opens_at),
        };
        let next = match questions {
            Some(questions) => Some(SurveySettings {
                questions,
                opens_at,
            }),
            None if opens_at.is_some() && changes.survey_opens_at.is_some() => {
                return Err(Error::bad_request(
                    "invalid_survey",
                    "survey_opens_at needs a survey: set survey to true or to a list of questions",
                ));
            }
            None => None,
        };
        survey::store_settings(conn, &event.id, next.as_ref())?;
    }
    trust_of(conn, &event.id)
}

/// Who accepted which version of an event's terms, for its organizers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TermsRecord {
    /// Every version of the terms, oldest first.
    pub versions: Vec<Terms>,
    /// The current version participants must accept (`null`: the event asks for none).
    pub current_version: Option<i32>,
    /// Every acceptance, oldest first.
    pub acceptances: Vec<Acceptance>,
}

/// The terms and their acceptances of the event `slug`: its organizers only (403 otherwise).
pub fn record(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<TermsRecord> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    record_of(conn, &access.event.id)
}

/// The terms record of the event `event_id`, for a caller already authorized (the organizer
/// page, the export).
pub fn record_of(conn: &mut DbConnection, event_id: &str) -> Result<TermsRecord> {
    Ok(TermsRecord {
        versions: terms::history(conn, event_id)?,
        current_version: terms::current(conn, event_id)?.map(|t| t.version),
        acceptances: terms::acceptances_of_event(conn, event_id)?,
    })
}

/// A participant's own standing towards the event's terms and report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyTerms {
    /// The current version the event asks for (`null`: none).
    pub current_version: Option<i32>,
    /// The newest version the caller accepted (`null`: none).
    pub accepted_version: Option<i32>,
    /// Whether the caller must accept the current version before submitting.
    pub must_accept: bool,
    /// Whether the report may print the caller's name next to their words.
    pub name_in_report: bool,
}

/// The caller's standing towards the event's terms, inside a read.
pub fn mine(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<MyTerms> {
    let current_version = terms::current(conn, event_id)?.map(|t| t.version);
    let accepted_version = terms::accepted_version(conn, event_id, user_id)?;
    let must_accept = match current_version {
        Some(v) => !terms::has_accepted(conn, event_id, user_id, v)?,
        None => false,
    };
    Ok(MyTerms {
        current_version,
        accepted_version,
        must_accept,
        name_in_report: terms::name_in_report(conn, event_id, user_id)?,
    })
}

/// Sets whether the report may print the caller's name next to their words at the event
/// `slug`: participants only (403 `not_a_participant` otherwise).
pub async fn set_name_in_report(
    state: &AppState,
    caller: &User,
    slug: &str,
    name_in_report: bool,
) -> Result<MyTerms> {
    let (caller, slug) = (caller.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                if !access.is_participant() {
                    return Err(Error::forbidden(
                        "not_a_participant",
                        "only the event's participants choose whether the report names them",
                    ));
                }
                terms::set_name_in_report(conn, &access.event.id, &caller.id, name_in_report)?;
                mine(conn, &access.event.id, &caller.id)
            })
        })
        .await
}
