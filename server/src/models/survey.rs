//! The closing survey: an event's questions (the default set or its own list), when it opens,
//! the anonymous answers, and who has answered or dismissed it.
//!
//! **Anonymity.** An answer is stored with the respondent's organization and event role only:
//! no user, no time, and a random (not time-ordered) id ([`record_answers`]). Whether a person
//! has answered (to answer once) or dismissed the workspace's card is a separate record
//! (`survey_participants`) that says nothing of what they answered; a person's data export
//! can say *that* they answered, never *what*.
//!
//! **The default set** ([`default_questions`]): how likely the person is to recommend the
//! event (0–10, [`RECOMMEND`]), which challenge was hardest (a choice among the event's
//! challenges, by title, [`HARDEST`]) and why ([`HARDEST_WHY`]), and what the vendor should fix
//! first ([`FIX_FIRST`]).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection,
        schema::{event_surveys, events, survey_participants, survey_responses},
    },
    error::{Error, Result},
    models::challenge::Challenge,
};

/// The default set's 0–10 question: how likely to recommend the event.
pub const RECOMMEND: &str = "recommend";
/// The default set's choice: which challenge was hardest.
pub const HARDEST: &str = "hardest_challenge";
/// The default set's text: why that challenge was hardest.
pub const HARDEST_WHY: &str = "hardest_why";
/// The default set's text: what the vendor should fix first.
pub const FIX_FIRST: &str = "fix_first";

/// The most questions a survey may have.
pub const MAX_QUESTIONS: usize = 20;
/// The most choices a choice question may have.
pub const MAX_CHOICES: usize = 50;
/// The longest question text or choice, in characters.
pub const MAX_QUESTION_CHARS: usize = 500;
/// The longest question id, in characters.
pub const MAX_ID_CHARS: usize = 40;
/// The longest free-text answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 2000;
/// The highest value of a scale question (the lowest is 0).
pub const SCALE_MAX: i64 = 10;

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// An integer from 0 to 10.
    Scale,
    /// One of the question's `choices`.
    Choice,
    /// Free text (at most [`MAX_ANSWER_CHARS`] characters).
    Text,
}

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, the key of its answer: 1–40 characters of `a-z`, `0-9`, `_` and `-`.
    #[schema(schema_with = question_id_schema)]
    pub id: String,
    /// `scale`, `choice` or `text`.
    pub kind: QuestionKind,
    /// The question as people read it (1–500 characters).
    #[schema(schema_with = crate::api::schema::text::<500>)]
    pub text: String,
    /// A choice question's choices (1–50, distinct, 1–500 characters each); empty for the
    /// other kinds.
    #[serde(default)]
    #[schema(schema_with = choices_schema)]
    pub choices: Vec<String>,
}

/// The pattern of a question id (also the keys of an answers object).
pub const QUESTION_ID_PATTERN: &str = "^[a-z0-9_-]{1,40}$";

fn question_id_schema() -> utoipa::openapi::ObjectBuilder {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::Type(
            utoipa::openapi::Type::String,
        ))
        .pattern(Some(QUESTION_ID_PATTERN))
}

fn choices_schema() -> utoipa::openapi::ArrayBuilder {
    utoipa::openapi::ArrayBuilder::new()
        .items(crate::api::schema::text::<500>())
        .max_items(Some(MAX_CHOICES))
}

/// An event's survey settings as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveySettings {
    /// `None`: the default set; otherwise the event's own questions (validated).
    pub questions: Option<Vec<Question>>,
    /// When it opens; `None`: at the event's end.
    pub opens_at: Option<NaiveDateTime>,
}

/// The default set for an event whose challenges are `ladder`.
pub fn default_questions(ladder: &[Challenge]) -> Vec<Question> {
    let mut seen = HashSet::new();
    let choices = ladder
        .iter()
        .map(|c| c.title.clone())
        .filter(|t| seen.insert(t.clone()))
        .collect();
    vec![
        Question {
            id: RECOMMEND.into(),
            kind: QuestionKind::Scale,
            text: "How likely are you to recommend this event to a colleague? (0: not at all, 10: extremely)".into(),
            choices: Vec::new(),
        },
        Question {
            id: HARDEST.into(),
            kind: QuestionKind::Choice,
            text: "Which challenge was the hardest?".into(),
            choices,
        },
        Question {
            id: HARDEST_WHY.into(),
            kind: QuestionKind::Text,
            text: "Why was it the hardest?".into(),
            choices: Vec::new(),
        },
        Question {
            id: FIX_FIRST.into(),
            kind: QuestionKind::Text,
            text: "What should the vendor fix first?".into(),
            choices: Vec::new(),
        },
    ]
}

/// Checks an event's own questions (trimmed): 400 `invalid_survey` naming the first mistake.
pub fn validate_questions(questions: Vec<Question>) -> Result<Vec<Question>> {
    let bad = |message: String| Error::bad_request("invalid_survey", message);
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(bad(format!(
            "survey must be true, false or a list of 1 to {MAX_QUESTIONS} questions"
        )));
    }
    let mut ids = HashSet::new();
    let mut checked = Vec::with_capacity(questions.len());
    for q in questions {
        let id = q.id.trim().to_owned();
        let id_ok = (1..=MAX_ID_CHARS).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
        if !id_ok {
            return Err(bad(format!(
                "a question's id must be 1-{MAX_ID_CHARS} characters of a-z, 0-9, _ and -"
            )));
        }
        if !ids.insert(id.clone()) {
            return Err(bad(format!("two questions have the id {id:?}")));
        }
        let text = q.text.trim().to_owned();
        if text.is_empty() || text.chars().count() > MAX_QUESTION_CHARS {
            return Err(bad(format!(
                "question {id:?} needs a text of 1-{MAX_QUESTION_CHARS} characters"
            )));
        }
        let choices: Vec<String> = q.choices.iter().map(|c| c.trim().to_owned()).collect();
        match q.kind {
            QuestionKind::Choice => {
                let distinct: HashSet<&String> = choices.iter().collect();
                if choices.is_empty()
                    || choices.len() > MAX_CHOICES
                    || distinct.len() != choices.len()
                    || choices
                        .iter()
                        .any(|c| c.is_empty() || c.chars().count() > MAX_QUESTION_CHARS)
                {
                    return Err(bad(format!(
                        "choice question {id:?} needs 1-{MAX_CHOICES} distinct, non-empty choices of at most {MAX_QUESTION_CHARS} characters"
                    )));
                }
            }
            QuestionKind::Scale | QuestionKind::Text => {
                if !choices.is_empty() {
                    return Err(bad(format!(
                        "only choice questions have choices (question {id:?})"
                    )));
                }
            }
        }
        checked.push(Question {
            id,
            kind: q.kind,
            text,
            choices,
        });
    }
    Ok(checked)
}

/// The survey settings of the event `event_id`; `None`: it has no survey.
pub fn settings(conn: &mut DbConnection, event_id: &str) -> Result<Option<SurveySettings>> {
    let row: Option<(Option<String>, Option<NaiveDateTime>)> = event_surveys::table
        .find(event_id)
        .select((event_surveys::questions, event_surveys::opens_at))
        .first(conn)
        .optional()?;
    row.map(|(questions, opens_at)| {
        let questions = questions
            .map(|json| serde_json::from_str::<Vec<Question>>(&json))
            .transpose()
            .map_err(Error::internal)?;
        Ok(SurveySettings {
            questions,
            opens_at,
        })
    })
    .transpose()
}

/// Replaces the event's survey settings (`None`: the event has no survey). The questions are
/// stored as given: validate them first ([`validate_questions`]).
pub fn store_settings(
    conn: &mut DbConnection,
    event_id: &str,
    survey: Option<&SurveySettings>,
) -> Result<()> {
    diesel::delete(event_surveys::table.find(event_id)).execute(conn)?;
    if let Some(survey) = survey {
        let questions = survey
            .questions
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(Error::internal)?;
        diesel::insert_into(event_surveys::table)
            .values((
                event_surveys::event_id.eq(event_id),
                event_surveys::questions.eq(questions),
                event_surveys::opens_at.eq(survey.opens_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether `user_id` has answered the event's survey (`Some(true)`), only dismissed its card
/// (`Some(false)`), or neither (`None`).
pub fn standing(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<Option<bool>> {
    Ok(survey_participants::table
        .find((event_id, user_id))
        .select(survey_participants::answered)
        .first(conn)
        .optional()?)
}

/// Records that `user_id` dismissed the survey's card (nothing changes once they answered).
pub fn dismiss(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<()> {
    if standing(conn, event_id, user_id)?.is_none() {
        diesel::insert_into(survey_participants::table)
            .values((
                survey_participants::event_id.eq(event_id),
                survey_participants::user_id.eq(user_id),
                survey_participants::answered.eq(false),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// One value of an answer: a scale's number or a choice's or a text's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AnswerValue {
    /// A scale question's value, 0–10.
    Scale(i64),
    /// A choice (one of the question's choices) or a free text.
    Words(String),
}

/// Checks `answers` (question id → JSON value) against `questions`: 422 `unknown_question`
/// for an id the survey does not ask, 422 `invalid_answer` for a scale not an integer in
/// 0–10, a choice not among the question's choices, or a text that is not a string or is
/// longer than [`MAX_ANSWER_CHARS`]; 400 `no_answers` when nothing is answered. Texts are
/// trimmed; an empty text counts as no answer to that question.
pub fn check_answers(
    questions: &[Question],
    answers: &serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, AnswerValue>> {
    let invalid = |message: String| Error::unprocessable("invalid_answer", message);
    let mut checked = BTreeMap::new();
    for (id, value) in answers {
        let Some(question) = questions.iter().find(|q| &q.id == id) else {
            return Err(Error::unprocessable(
                "unknown_question",
                format!("the survey has no question {id:?}"),
            ));
        };
        let answer = match question.kind {
            QuestionKind::Scale => match value.as_i64() {
                Some(n) if (0..=SCALE_MAX).contains(&n) => AnswerValue::Scale(n),
                _ => {
                    return Err(invalid(format!(
                        "the answer to {id:?} must be a whole number from 0 to {SCALE_MAX}"
                    )));
                }
            },
            QuestionKind::Choice => match value.as_str() {
                Some(choice) if question.choices.iter().any(|c| c == choice) => {
                    AnswerValue::Words(choice.to_owned())
                }
                _ => {
                    return Err(invalid(format!(
                        "the answer to {id:?} must be one of its choices: {}",
                        question.choices.join(", ")
                    )));
                }
            },
            QuestionKind::Text => match value.as_str() {
                Some(text) if text.chars().count() <= MAX_ANSWER_CHARS => {
                    let text = text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    AnswerValue::Words(text.to_owned())
                }
                _ => {
                    return Err(invalid(format!(
                        "the answer to {id:?} must be a text of at most {MAX_ANSWER_CHARS} characters"
                    )));
                }
            },
        };
        checked.insert(id.clone(), answer);
    }
    if checked.is_empty() {
        return Err(Error::bad_request(
            "no_answers",
            "answers must answer at least one of the survey's questions",
        ));
    }
    Ok(checked)
}

/// Records `user_id`'s answers, once: 409 `survey_answered` when they have answered already.
/// The answers row carries only `organization_id` and `role` (and a random id); the
/// "has answered" record is written in the same transaction (the caller's).
pub fn record_answers(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    organization_id: &str,
    role: &str,
    answers: &BTreeMap<String, AnswerValue>,
) -> Result<()> {
    match standing(conn, event_id, user_id)? {
        Some(true) => {
            return Err(Error::conflict(
                "survey_answered",
                "you have answered this survey already; it takes one answer per person",
            ));
        }
        Some(false) => {
            diesel::update(survey_participants::table.find((event_id, user_id)))
                .set(survey_participants::answered.eq(true))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(survey_participants::table)
                .values((
                    survey_participants::event_id.eq(event_id),
                    survey_participants::user_id.eq(user_id),
                    survey_participants::answered.eq(true),
                ))
                .execute(conn)?;
        }
    }
    let json = serde_json::to_string(answers).map_err(Error::internal)?;
    // Random, not `new_id`'s time-ordered UUID: the id must not date the answer.
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    let id = uuid::Builder::from_random_bytes(random)
        .into_uuid()
        .to_string();
    diesel::insert_into(survey_responses::table)
        .values((
            survey_responses::id.eq(id),
            survey_responses::event_id.eq(event_id),
            survey_responses::organization_id.eq(organization_id),
            survey_responses::role.eq(role),
            survey_responses::answers.eq(json),
        ))
        .execute(conn)?;
    Ok(())
}

/// One stored (anonymous) response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Response {
    /// The respondent's organization id.
    pub organization_id: String,
    /// The respondent's role in the event (`participant`).
    pub role: String,
    /// Answers by question id.
    pub answers: BTreeMap<String, AnswerValue>,
}

/// Every response to the event's survey, in no meaningful order (sorted by their random id).
pub fn responses(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Response>> {
    let rows: Vec<(String, String, String)> = survey_responses::table
        .filter(survey_responses::event_id.eq(event_id))
        .order(survey_responses::id.asc())
        .select((
            survey_responses::organization_id,
            survey_responses::role,
            survey_responses::answers,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(organization_id, role, answers)| {
            Ok(Response {
                organization_id,
                role,
                answers: serde_json::from_str(&answers).map_err(Error::internal)?,
            })
        })
        .collect()
}

/// A person's survey standing at one event, as their data export lists it (never the answers:
/// those are anonymous).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyStanding {
    /// The event's slug.
    pub event: String,
    /// They answered the survey (its content is anonymous and not theirs to take back).
    pub answered: bool,
    /// They dismissed its card without answering.
    pub dismissed: bool,
}

/// Every survey `user_id` answered or dismissed (for the person's data export), by event slug.
pub fn standings_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<SurveyStanding>> {
    let rows: Vec<(String, bool)> = survey_participants::table
        .inner_join(events::table.on(events::id.eq(survey_participants::event_id)))
        .filter(survey_participants::user_id.eq(user_id))
        .order(events::slug.asc())
        .select((events::slug, survey_participants::answered))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(event, answered)| SurveyStanding {
            event,
            answered,
            dismissed: !answered,
        })
        .collect())
}

/// How many people answered the event's survey.
pub fn respondents(conn: &mut DbConnection, event_id: &str) -> Result<i64> {
    Ok(survey_participants::table
        .filter(
            survey_participants::event_id
                .eq(event_id)
                .and(survey_participants::answered.eq(true)),
        )
        .count()
        .get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, kind: QuestionKind, choices: &[&str]) -> Question {
        Question {
            id: id.into(),
            kind,
            text: "Why?".into(),
            choices: choices.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    #[test]
    fn own_questions_are_checked() {
        let ok = validate_questions(vec![
            q("nps", QuestionKind::Scale, &[]),
            q("pick", QuestionKind::Choice, &["a", "b"]),
        ]);
        assert!(ok.is_ok());
        for bad in [
            vec![],
            vec![q("Bad Id", QuestionKind::Text, &[])],
            vec![
                q("same", QuestionKind::Text, &[]),
                q("same", QuestionKind::Text, &[]),
            ],
            vec![q("pick", QuestionKind::Choice, &[])],
            vec![q("pick", QuestionKind::Choice, &["a", "a"])],
            vec![q("words", QuestionKind::Text, &["a"])],
        ] {
            assert_eq!(
                validate_questions(bad).err().map(|e| e.code()),
                Some("invalid_survey")
            );
        }
    }

    #[test]
    fn answers_read_as_numbers_or_words() {
        let parsed: BTreeMap<String, AnswerValue> =
            serde_json::from_str(r#"{"a": 9, "b": "words"}"#).expect("valid JSON");
        assert_eq!(parsed["a"], AnswerValue::Scale(9));
        assert_eq!(parsed["b"], AnswerValue::Words("words".into()));
    }
}
