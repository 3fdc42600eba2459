//! Participants' feedback on a challenge: a difficulty from 1 to 5 and a line of text, per
//! person, any time (typically after a pass). It is visible to the team's coaches and the
//! event's organizers only — never to other teams (404), and not read back by members.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{challenge_feedback, challenges, users},
    },
    error::{Error, Result},
};

/// Longest feedback line accepted, in characters.
pub const MAX_FEEDBACK_CHARS: usize = 1000;

/// A stored piece of feedback.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = challenge_feedback)]
pub struct Feedback {
    /// Identifier.
    pub id: String,
    /// The team of the author.
    pub team_id: String,
    /// The challenge.
    pub challenge_id: String,
    /// The participant.
    pub user_id: String,
    /// 1 (easy) to 5 (very hard).
    pub difficulty: i32,
    /// A line of text, may be empty.
    pub text: String,
    /// When it was given.
    pub created_at: NaiveDateTime,
}

/// Feedback as coaches and organizers read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FeedbackView {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// Challenge slug.
    pub challenge: String,
    /// The participant's user id.
    pub user_id: String,
    /// Their display name.
    pub author: String,
    /// 1 to 5.
    pub difficulty: i32,
    /// The line of text.
    pub text: String,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Feedback {
    /// A new piece of feedback, checked: 400 `invalid_difficulty` / `invalid_feedback`.
    pub fn checked(
        team_id: &str,
        challenge_id: &str,
        user_id: &str,
        difficulty: i32,
        text: &str,
    ) -> Result<Feedback> {
        if !(1..=5).contains(&difficulty) {
            return Err(Error::bad_request(
                "invalid_difficulty",
                "difficulty is 1 (easy) to 5 (very hard)",
            ));
        }
        let text = text.trim();
        if text.chars().count() > MAX_FEEDBACK_CHARS || text.contains('\n') {
            return Err(Error::bad_request(
                "invalid_feedback",
                format!("feedback is one line of at most {MAX_FEEDBACK_CHARS} characters"),
            ));
        }
        Ok(Feedback {
            id: new_id(),
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            user_id: user_id.to_owned(),
            difficulty,
            text: text.to_owned(),
            created_at: now(),
        })
    }

    /// Stores a piece of feedback.
    pub fn insert(conn: &mut DbConnection, feedback: &Feedback) -> Result<()> {
        diesel::insert_into(challenge_feedback::table)
            .values(feedback)
            .execute(conn)?;
        Ok(())
    }

    /// A team's feedback with challenge and author, oldest first.
    pub fn views_of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<FeedbackView>> {
        let rows: Vec<(Feedback, String, String)> = challenge_feedback::table
            .inner_join(challenges::table)
            .inner_join(users::table)
            .filter(challenge_feedback::team_id.eq(team_id))
            .order((
                challenge_feedback::created_at.asc(),
                challenge_feedback::id.asc(),
            ))
            .select((Feedback::as_select(), challenges::slug, users::display_name))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(f, challenge, author)| FeedbackView {
                id: f.id,
                team_id: f.team_id,
                challenge,
                user_id: f.user_id,
                author,
                difficulty: f.difficulty,
                text: f.text,
                created_at: f.created_at.and_utc(),
            })
            .collect())
    }

    /// Every piece of feedback on the challenges of `event_id`.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Feedback>> {
        Ok(challenge_feedback::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event_id))
            .order((
                challenge_feedback::created_at.asc(),
                challenge_feedback::id.asc(),
            ))
            .select(Feedback::as_select())
            .load(conn)?)
    }
}
