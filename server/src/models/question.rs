//! Questions (clarifications): a team asks about a challenge; the team's coaches or the event's
//! organizers answer it to **the team** or to **everyone**, or mark it a duplicate of a question
//! already answered. An answer to everyone is a *clarification*: every team of the event reads
//! it, attached to its challenge, and nothing in it says who asked (no team, no asker, not even
//! the question's wording, which a team may have signed; nor who answered, since a coach's name
//! points at the teams they coach). Organizers keep canned answers per challenge.
//!
//! The rules that belong to the data live here: the text bounds, the states, what a duplicate
//! may point at, and how a question's answer is resolved (a duplicate shows the answer of the
//! question it repeats).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{canned_answers, challenges, questions, teams, users},
    },
    error::{Error, Result},
};

/// Longest question accepted, in characters (after trimming).
pub const MAX_QUESTION_CHARS: usize = 2000;
/// Longest answer accepted, in characters (after trimming).
pub const MAX_ANSWER_CHARS: usize = 4000;
/// Longest canned answer title, in characters (after trimming).
pub const MAX_CANNED_TITLE_CHARS: usize = 120;

/// Not answered yet.
pub const STATE_OPEN: &str = "open";
/// Answered (to the team or to everyone).
pub const STATE_ANSWERED: &str = "answered";
/// Marked a duplicate of an answered question.
pub const STATE_DUPLICATE: &str = "duplicate";

/// Who reads an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = QuestionAnswerTo)]
pub enum AnswerTo {
    /// Only the asking team.
    Team,
    /// Every team of the event, without naming who asked.
    Everyone,
}

impl AnswerTo {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerTo::Team => "team",
            AnswerTo::Everyone => "everyone",
        }
    }
}

/// A question row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = questions)]
pub struct Question {
    /// Identifier.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// The asking team.
    pub team_id: String,
    /// The challenge it is about.
    pub challenge_id: String,
    /// The member who asked.
    pub asked_by: String,
    /// The question.
    pub text: String,
    /// [`STATE_OPEN`], [`STATE_ANSWERED`] or [`STATE_DUPLICATE`].
    pub state: String,
    /// The answer (answered questions only).
    pub answer: Option<String>,
    /// `team` or `everyone` (answered questions only).
    pub answer_to: Option<String>,
    /// Who answered it, or marked it a duplicate.
    pub answered_by: Option<String>,
    /// When.
    pub answered_at: Option<NaiveDateTime>,
    /// The answered question this one repeats.
    pub duplicate_of: Option<String>,
    /// When it was asked.
    pub created_at: NaiveDateTime,
}

/// A question as its team and the staff who oversee the team read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    /// Identifier.
    pub id: String,
    /// The asking team.
    pub team_id: String,
    /// Its name.
    pub team_name: String,
    /// Challenge slug.
    pub challenge: String,
    /// The member who asked.
    pub asked_by: String,
    /// Their display name.
    pub asked_by_name: String,
    /// The question.
    pub text: String,
    /// `open`, `answered` or `duplicate`.
    pub state: String,
    /// The answer: its own, or for a duplicate the answer of the question it repeats.
    pub answer: Option<String>,
    /// `team` or `everyone`; a duplicate's is that of the question it repeats.
    pub answer_to: Option<String>,
    /// When it was answered, or marked a duplicate (UTC).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The answered question this one repeats.
    pub duplicate_of: Option<String>,
    /// When it was asked (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An answer to everyone as every team of the event reads it: the challenge and the answer,
/// nothing of who asked or who answered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClarificationView {
    /// Identifier (that of the answered question).
    pub id: String,
    /// Challenge slug.
    pub challenge: String,
    /// Challenge title.
    pub challenge_title: String,
    /// The answer.
    pub text: String,
    /// When it was answered (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub answered_at: chrono::DateTime<chrono::Utc>,
}

/// What a team, or a member of the event's staff, reads: questions (with their answers) and
/// the event's clarifications (answers to everyone).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct QuestionList {
    /// Questions: open first, then oldest first.
    pub questions: Vec<QuestionView>,
    /// Answers to everyone, oldest first.
    pub clarifications: Vec<ClarificationView>,
}

/// A canned answer row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = canned_answers)]
pub struct CannedAnswer {
    /// Identifier.
    pub id: String,
    /// The challenge (id) it answers about.
    pub challenge_id: String,
    /// A short title, shown in the answer form.
    pub title: String,
    /// The answer's text.
    pub text: String,
    /// The organizer who wrote it.
    pub created_by: String,
    /// When (UTC, without zone).
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "utc")]
    pub created_at: NaiveDateTime,
}

fn utc<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> std::result::Result<S::Ok, S::Error> {
    at.and_utc().serialize(s)
}

/// `text` trimmed, with 1 to `max` characters, else 422 `code`.
pub fn checked_text<'a>(
    text: &'a str,
    max: usize,
    code: &'static str,
    what: &str,
) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(Error::unprocessable(
            code,
            format!("{what} has 1 to {max} characters"),
        ));
    }
    Ok(text)
}

/// A clarification as read: question id, challenge slug and title, answer, answered at.
type ClarificationRow = (
    String,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
);

/// A question with the names a view needs: challenge slug, team name, asker's name.
type Row = (Question, String, String, String);

impl Question {
    /// Stores a new open question; 422 `invalid_question` for an empty or too long text.
    pub fn ask(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
        challenge_id: &str,
        asked_by: &str,
        text: &str,
    ) -> Result<Question> {
        let text = checked_text(text, MAX_QUESTION_CHARS, "invalid_question", "a question")?;
        let question = Question {
            id: new_id(),
            event_id: event_id.to_owned(),
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            asked_by: asked_by.to_owned(),
            text: text.to_owned(),
            state: STATE_OPEN.to_owned(),
            answer: None,
            answer_to: None,
            answered_by: None,
            answered_at: None,
            duplicate_of: None,
            created_at: now(),
        };
        diesel::insert_into(questions::table)
            .values(&question)
            .execute(conn)?;
        Ok(question)
    }

    /// The question `id`, or 404.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Question> {
        questions::table
            .find(id)
            .select(Question::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("question"))
    }

    /// 409 `already_answered` unless the question is still open.
    fn ensure_open(&self) -> Result<()> {
        if self.state == STATE_OPEN {
            Ok(())
        } else {
            Err(Error::conflict(
                "already_answered",
                "this question is already answered (or marked a duplicate)",
            ))
        }
    }

    /// Answers an open question (409 `already_answered` otherwise; 422 `invalid_answer` for an
    /// empty or too long text). Only while still open, so two staff answering at once leave
    /// one answer.
    pub fn answer(
        conn: &mut DbConnection,
        id: &str,
        by: &str,
        text: &str,
        to: AnswerTo,
    ) -> Result<Question> {
        let text = checked_text(text, MAX_ANSWER_CHARS, "invalid_answer", "an answer")?;
        Self::find(conn, id)?.ensure_open()?;
        let changed = diesel::update(questions::table.find(id))
            .filter(questions::state.eq(STATE_OPEN))
            .set((
                questions::state.eq(STATE_ANSWERED),
                questions::answer.eq(text),
                questions::answer_to.eq(to.as_str()),
                questions::answered_by.eq(by),
                questions::answered_at.eq(now()),
            ))
            .execute(conn)?;
        let question = Self::find(conn, id)?;
        if changed == 0 {
            question.ensure_open()?;
        }
        Ok(question)
    }

    /// Marks the open question `id` a duplicate of `original` (already checked to be an
    /// answered question of the same event and challenge: see [`Question::may_repeat`]).
    pub fn mark_duplicate(
        conn: &mut DbConnection,
        id: &str,
        original: &Question,
        by: &str,
    ) -> Result<Question> {
        Self::find(conn, id)?.ensure_open()?;
        let changed = diesel::update(questions::table.find(id))
            .filter(questions::state.eq(STATE_OPEN))
            .set((
                questions::state.eq(STATE_DUPLICATE),
                questions::duplicate_of.eq(&original.id),
                questions::answered_by.eq(by),
                questions::answered_at.eq(now()),
            ))
            .execute(conn)?;
        let question = Self::find(conn, id)?;
        if changed == 0 {
            question.ensure_open()?;
        }
        Ok(question)
    }

    /// Whether `self` may be marked a duplicate of `original`: another question, answered, of
    /// the same event and challenge.
    pub fn may_repeat(&self, original: &Question) -> bool {
        original.id != self.id
            && original.state == STATE_ANSWERED
            && original.event_id == self.event_id
            && original.challenge_id == self.challenge_id
    }

    /// Answered to everyone: a clarification.
    pub fn is_clarification(&self) -> bool {
        self.state == STATE_ANSWERED
            && self.answer_to.as_deref() == Some(AnswerTo::Everyone.as_str())
    }

    /// The questions of the event `event_id` (of `teams` when given, in `state` when given),
    /// open first, then oldest first.
    pub fn views_of_event(
        conn: &mut DbConnection,
        event_id: &str,
        teams: Option<&[String]>,
        state: Option<&str>,
    ) -> Result<Vec<QuestionView>> {
        let mut query = questions::table
            .inner_join(challenges::table)
            .inner_join(teams::table)
            .inner_join(users::table.on(users::id.eq(questions::asked_by)))
            .filter(questions::event_id.eq(event_id))
            .select((
                Question::as_select(),
                challenges::slug,
                teams::name,
                users::display_name,
            ))
            .into_boxed();
        if let Some(teams) = teams {
            query = query.filter(questions::team_id.eq_any(teams.to_vec()));
        }
        if let Some(state) = state {
            query = query.filter(questions::state.eq(state.to_owned()));
        }
        let rows: Vec<Row> = query
            .order((questions::created_at.asc(), questions::id.asc()))
            .load(conn)?;
        let mut views = Self::views(conn, rows)?;
        // Open first; the sort is stable, so each part stays oldest first.
        views.sort_by_key(|v| v.state != STATE_OPEN);
        Ok(views)
    }

    /// One question as a view.
    pub fn view(conn: &mut DbConnection, id: &str) -> Result<QuestionView> {
        let row: Row = questions::table
            .find(id)
            .inner_join(challenges::table)
            .inner_join(teams::table)
            .inner_join(users::table.on(users::id.eq(questions::asked_by)))
            .select((
                Question::as_select(),
                challenges::slug,
                teams::name,
                users::display_name,
            ))
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("question"))?;
        Self::views(conn, vec![row])?
            .pop()
            .ok_or(Error::NotFound("question"))
    }

    /// Views of `rows`, each duplicate showing the answer of the question it repeats.
    fn views(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<QuestionView>> {
        let originals: Vec<String> = rows
            .iter()
            .filter_map(|(q, ..)| q.duplicate_of.clone())
            .collect();
        let answers: Vec<(String, Option<String>, Option<String>)> = if originals.is_empty() {
            Vec::new()
        } else {
            questions::table
                .filter(questions::id.eq_any(originals))
                .select((questions::id, questions::answer, questions::answer_to))
                .load(conn)?
        };
        Ok(rows
            .into_iter()
            .map(|(q, challenge, team_name, asked_by_name)| {
                let (answer, answer_to) = match &q.duplicate_of {
                    Some(original) if q.state == STATE_DUPLICATE => answers
                        .iter()
                        .find(|(id, ..)| id == original)
                        .map(|(_, a, t)| (a.clone(), t.clone()))
                        .unwrap_or_default(),
                    _ => (q.answer.clone(), q.answer_to.clone()),
                };
                QuestionView {
                    id: q.id,
                    team_id: q.team_id,
                    team_name,
                    challenge,
                    asked_by: q.asked_by,
                    asked_by_name,
                    text: q.text,
                    state: q.state,
                    answer,
                    answer_to,
                    answered_at: q.answered_at.map(|t| t.and_utc()),
                    duplicate_of: q.duplicate_of,
                    created_at: q.created_at.and_utc(),
                }
            })
            .collect())
    }

    /// The event's answers to everyone, oldest first.
    pub fn clarifications(
        conn: &mut DbConnection,
        event_id: &str,
    ) -> Result<Vec<ClarificationView>> {
        let rows: Vec<ClarificationRow> = questions::table
            .inner_join(challenges::table)
            .filter(questions::event_id.eq(event_id))
            .filter(questions::state.eq(STATE_ANSWERED))
            .filter(questions::answer_to.eq(AnswerTo::Everyone.as_str()))
            .order((questions::answered_at.asc(), questions::id.asc()))
            .select((
                questions::id,
                challenges::slug,
                challenges::title,
                questions::answer,
                questions::answered_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, challenge, challenge_title, answer, at)| ClarificationView {
                    id,
                    challenge,
                    challenge_title,
                    text: answer.unwrap_or_default(),
                    answered_at: at.unwrap_or_default().and_utc(),
                },
            )
            .collect())
    }

    /// The clarification of the question `id` (which must be answered to everyone).
    pub fn clarification(conn: &mut DbConnection, id: &str) -> Result<ClarificationView> {
        let question = Self::find(conn, id)?;
        if !question.is_clarification() {
            return Err(Error::NotFound("clarification"));
        }
        Self::clarifications(conn, &question.event_id)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound("clarification"))
    }
}

impl CannedAnswer {
    /// Stores a canned answer for a challenge; 422 `invalid_canned_answer` for an empty or too
    /// long title or text.
    pub fn create(
        conn: &mut DbConnection,
        challenge_id: &str,
        by: &str,
        title: &str,
        text: &str,
    ) -> Result<CannedAnswer> {
        let title = checked_text(
            title,
            MAX_CANNED_TITLE_CHARS,
            "invalid_canned_answer",
            "a canned answer's title",
        )?;
        let text = checked_text(
            text,
            MAX_ANSWER_CHARS,
            "invalid_canned_answer",
            "a canned answer",
        )?;
        let canned = CannedAnswer {
            id: new_id(),
            challenge_id: challenge_id.to_owned(),
            title: title.to_owned(),
            text: text.to_owned(),
            created_by: by.to_owned(),
            created_at: now(),
        };
        diesel::insert_into(canned_answers::table)
            .values(&canned)
            .execute(conn)?;
        Ok(canned)
    }

    /// The canned answers of a challenge, oldest first.
    pub fn of_challenge(conn: &mut DbConnection, challenge_id: &str) -> Result<Vec<CannedAnswer>> {
        Ok(canned_answers::table
            .filter(canned_answers::challenge_id.eq(challenge_id))
            .order((canned_answers::created_at.asc(), canned_answers::id.asc()))
            .select(CannedAnswer::as_select())
            .load(conn)?)
    }

    /// The canned answers of every challenge of an event, with the challenge's slug.
    pub fn of_event(
        conn: &mut DbConnection,
        event_id: &str,
    ) -> Result<Vec<(String, CannedAnswer)>> {
        Ok(canned_answers::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event_id))
            .order((canned_answers::created_at.asc(), canned_answers::id.asc()))
            .select((challenges::slug, CannedAnswer::as_select()))
            .load(conn)?)
    }

    /// The canned answer `id`, or 404.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<CannedAnswer> {
        canned_answers::table
            .find(id)
            .select(CannedAnswer::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("canned answer"))
    }

    /// Deletes the canned answer `id`.
    pub fn delete(conn: &mut DbConnection, id: &str) -> Result<()> {
        diesel::delete(canned_answers::table.find(id)).execute(conn)?;
        Ok(())
    }
}
