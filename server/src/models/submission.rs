//! Submissions: what a team sent for a challenge, stored (with its files) before it is
//! judged. A submission is `pending` until its first verdict is recorded, then `judged`, or
//! `validator_error` when the validator failed on it (which never counts against the team).
//! A pass of a challenge that needs a coach's sign-off is stored `judged` like any other; the
//! API shows it `awaiting_sign_off` until a coach or organizer decides, then `judged` once
//! approved or `sign_off_rejected` once rejected, from its row in
//! [`crate::models::sign_off`].

use std::{fmt, str::FromStr};

use chrono::NaiveDateTime;
use cohack_runtime::Endpoint;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection,
        schema::{challenges, submission_files, submissions},
    },
    error::{Error, Result},
};

/// Where a submission is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Stored, not judged yet.
    Pending,
    /// The validator gave a verdict.
    Judged,
    /// The validator failed (trap, fuel, time, memory, invalid output): not an attempt.
    ValidatorError,
    /// The validator passed it on a challenge that needs a coach's sign-off, not given yet:
    /// not a solve yet.
    AwaitingSignOff,
    /// The validator passed it, a coach or organizer rejected it: never a solve.
    SignOffRejected,
}

impl SubmissionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Judged => "judged",
            Self::ValidatorError => "validator_error",
            Self::AwaitingSignOff => "awaiting_sign_off",
            Self::SignOffRejected => "sign_off_rejected",
        }
    }
}

impl fmt::Display for SubmissionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SubmissionStatus {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(Self::Pending),
            "judged" => Ok(Self::Judged),
            "validator_error" => Ok(Self::ValidatorError),
            "awaiting_sign_off" => Ok(Self::AwaitingSignOff),
            "sign_off_rejected" => Ok(Self::SignOffRejected),
            other => Err(Error::internal(anyhow::anyhow!(
                "unknown submission status {other:?} in the database"
            ))),
        }
    }
}

/// A submission.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submissions)]
pub struct Submission {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The challenge.
    pub challenge_id: String,
    /// The member who submitted.
    pub submitted_by: String,
    /// The short answer, may be empty.
    pub answer: String,
    /// `pending`, `judged` or `validator_error` (the API derives the sign-off statuses).
    pub status: String,
    /// When the team submitted (the time that counts for the leaderboard).
    pub created_at: NaiveDateTime,
    /// JSON array of `{name, url}`: the team's endpoints when it submitted to a challenge
    /// with `[network]`, the ones every run of this submission calls; `None` otherwise.
    pub endpoints: Option<String>,
}

/// One file of a submission.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submission_files)]
pub struct SubmissionFile {
    /// The submission.
    pub submission_id: String,
    /// Relative path, `/`-separated.
    pub path: String,
    /// Raw content.
    pub content: Vec<u8>,
}

/// A submission with its challenge's slug, for lists.
#[derive(Debug, Clone)]
pub struct ListedSubmission {
    /// The submission.
    pub submission: Submission,
    /// Its challenge's slug.
    pub challenge_slug: String,
}

impl Submission {
    /// The parsed status.
    pub fn status(&self) -> Result<SubmissionStatus> {
        self.status.parse()
    }

    /// The endpoints copied when it was stored (`None`: it was not stored for a challenge
    /// with `[network]`).
    pub fn endpoints(&self) -> Option<Vec<Endpoint>> {
        self.endpoints
            .as_deref()
            .map(|json| serde_json::from_str(json).unwrap_or_default())
    }

    /// The JSON form of [`Submission::endpoints`].
    pub fn endpoints_json(endpoints: &[Endpoint]) -> String {
        serde_json::to_string(endpoints).unwrap_or_else(|_| "[]".to_owned())
    }

    /// Stores a submission and its files in one transaction.
    pub fn insert(
        conn: &mut DbConnection,
        submission: &Submission,
        files: &[SubmissionFile],
    ) -> Result<()> {
        conn.transaction(|conn| Self::store(conn, submission, files))
    }

    /// Stores a submission and its files inside the caller's transaction (a grouped write,
    /// [`crate::db::Database::write_grouped`], which commits many at once).
    pub fn store(
        conn: &mut DbConnection,
        submission: &Submission,
        files: &[SubmissionFile],
    ) -> Result<()> {
        diesel::insert_into(submissions::table)
            .values(submission)
            .execute(conn)?;
        for file in files {
            diesel::insert_into(submission_files::table)
                .values(file)
                .execute(conn)?;
        }
        Ok(())
    }

    /// The submission with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Submission> {
        submissions::table
            .find(id)
            .select(Submission::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("submission"))
    }

    /// Its files, by path.
    pub fn files(conn: &mut DbConnection, id: &str) -> Result<Vec<SubmissionFile>> {
        Ok(submission_files::table
            .filter(submission_files::submission_id.eq(id))
            .order(submission_files::path.asc())
            .select(SubmissionFile::as_select())
            .load(conn)?)
    }

    /// A team's submissions, newest first, at most `limit`, optionally for one challenge.
    pub fn of_team(
        conn: &mut DbConnection,
        team_id: &str,
        challenge_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ListedSubmission>> {
        let mut query = submissions::table
            .inner_join(challenges::table)
            .filter(submissions::team_id.eq(team_id))
            .into_boxed();
        if let Some(challenge_id) = challenge_id {
            query = query.filter(submissions::challenge_id.eq(challenge_id));
        }
        let rows: Vec<(Submission, String)> = query
            .order((submissions::created_at.desc(), submissions::id.desc()))
            .limit(limit)
            .select((Submission::as_select(), challenges::slug))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(submission, challenge_slug)| ListedSubmission {
                submission,
                challenge_slug,
            })
            .collect())
    }

    /// Pending submissions created before `before`, oldest first: the judge's backlog.
    pub fn pending(conn: &mut DbConnection, before: NaiveDateTime) -> Result<Vec<String>> {
        Ok(submissions::table
            .filter(submissions::status.eq(SubmissionStatus::Pending.as_str()))
            .filter(submissions::created_at.le(before))
            .order(submissions::created_at.asc())
            .select(submissions::id)
            .load(conn)?)
    }

    /// Every submission of a challenge that has a verdict or a validator error, oldest first:
    /// what a rejudge re-runs.
    pub fn finished_of_challenge(
        conn: &mut DbConnection,
        challenge_id: &str,
    ) -> Result<Vec<Submission>> {
        Ok(submissions::table
            .filter(submissions::challenge_id.eq(challenge_id))
            .filter(submissions::status.ne(SubmissionStatus::Pending.as_str()))
            .order(submissions::created_at.asc())
            .select(Submission::as_select())
            .load(conn)?)
    }
}
