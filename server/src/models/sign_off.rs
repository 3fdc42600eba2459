//! Coach sign-off: a validator pass on a challenge whose manifest says `sign_off = "coach"`
//! waits for one of the team's coaches or an organizer of the event before it is a solve.
//!
//! The row is created `awaiting` with the pass (in the verdict's transaction, see
//! [`crate::models::verdict::Verdict::record_first`]) and decided once: `approved` (the pass
//! counts as a solve at `decided_at`, on the board and in the ladder) or `rejected` (the
//! comment goes back to the team; the pass never counts). The stored submission stays
//! `judged`; the API shows it `awaiting_sign_off`, then `judged` (approved) or
//! `sign_off_rejected`, from this row ([`SignOff::shown_status`]).
//!
//! Rejudges ([`SignOff::after_rejudge`]): a decision stays what it was (an approval counts
//! again as soon as the current verdict passes again, a rejection never counts); an awaiting
//! pass that now fails is no longer awaiting (its row is removed); a failure that now passes
//! starts to await a sign-off.

use std::fmt;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection, now,
        schema::{challenges, sign_offs, submissions, teams},
    },
    error::{Error, Result},
    models::submission::{Submission, SubmissionStatus},
};

/// Where a sign-off is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignOffState {
    /// Waiting for a coach or an organizer.
    Awaiting,
    /// Approved: the pass is a solve from `decided_at`.
    Approved,
    /// Rejected: the pass does not count; the comment went back to the team.
    Rejected,
}

impl SignOffState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Awaiting => "awaiting",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    /// The stored name parsed; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "awaiting" => Some(Self::Awaiting),
            "approved" => Some(Self::Approved),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

impl fmt::Display for SignOffState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sign-off row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sign_offs)]
pub struct SignOff {
    /// The passing submission.
    pub submission_id: String,
    /// Its team.
    pub team_id: String,
    /// Its challenge.
    pub challenge_id: String,
    /// `awaiting`, `approved` or `rejected`.
    pub state: String,
    /// The decider's comment (required for a rejection).
    pub comment: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When it was decided: for an approval, the moment the solve counts.
    pub decided_at: Option<NaiveDateTime>,
    /// When the pass was recorded.
    pub created_at: NaiveDateTime,
}

/// A sign-off with what a staff list shows of it.
#[derive(Debug, Clone)]
pub struct ListedSignOff {
    /// The row.
    pub sign_off: SignOff,
    /// The team's name.
    pub team_name: String,
    /// The challenge's slug.
    pub challenge_slug: String,
    /// The challenge's title.
    pub challenge_title: String,
    /// The submission's short answer.
    pub answer: String,
    /// When the team submitted.
    pub submitted_at: NaiveDateTime,
}

/// The longest comment a decision takes, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

impl SignOff {
    /// The parsed state (an unknown stored value reads as awaiting; none is ever written).
    pub fn state(&self) -> SignOffState {
        SignOffState::parse(&self.state).unwrap_or(SignOffState::Awaiting)
    }

    /// An awaiting row for a pass of `submission_id` (not stored).
    pub fn awaiting(submission_id: &str, team_id: &str, challenge_id: &str) -> SignOff {
        SignOff {
            submission_id: submission_id.to_owned(),
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            state: SignOffState::Awaiting.as_str().to_owned(),
            comment: String::new(),
            decided_by: None,
            decided_at: None,
            created_at: now(),
        }
    }

    /// Stores an awaiting row (inside the verdict's transaction).
    pub fn insert(conn: &mut DbConnection, row: &SignOff) -> Result<()> {
        diesel::insert_into(sign_offs::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    }

    /// The sign-off of a submission, if it has one.
    pub fn of_submission(conn: &mut DbConnection, submission_id: &str) -> Result<Option<SignOff>> {
        Ok(sign_offs::table
            .find(submission_id)
            .select(SignOff::as_select())
            .first(conn)
            .optional()?)
    }

    /// The sign-offs of some submissions, by submission id.
    pub fn of_submissions(
        conn: &mut DbConnection,
        submission_ids: &[String],
    ) -> Result<std::collections::HashMap<String, SignOff>> {
        if submission_ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        let rows: Vec<SignOff> = sign_offs::table
            .filter(sign_offs::submission_id.eq_any(submission_ids))
            .select(SignOff::as_select())
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.submission_id.clone(), r))
            .collect())
    }

    /// Decides an awaiting sign-off: the row and the submission's status change together,
    /// only while it is still awaiting (two deciders at once: one wins, the other gets 409).
    pub fn decide(
        conn: &mut DbConnection,
        submission_id: &str,
        approve: bool,
        comment: &str,
        by: &str,
    ) -> Result<SignOff> {
        conn.transaction(|conn| {
            let state = if approve {
                SignOffState::Approved
            } else {
                SignOffState::Rejected
            };
            // Only a pass that still passes (a rejudge may have changed it) is decided.
            let passes = crate::models::verdict::Verdict::current(conn, submission_id)?
                .is_some_and(|v| v.passed && v.error_kind.is_none());
            if !passes {
                return Err(not_awaiting());
            }
            let at = now();
            let changed = diesel::update(
                sign_offs::table
                    .find(submission_id)
                    .filter(sign_offs::state.eq(SignOffState::Awaiting.as_str())),
            )
            .set((
                sign_offs::state.eq(state.as_str()),
                sign_offs::comment.eq(comment),
                sign_offs::decided_by.eq(by),
                sign_offs::decided_at.eq(at),
            ))
            .execute(conn)?;
            if changed == 0 {
                return Err(not_awaiting());
            }
            Self::of_submission(conn, submission_id)?.ok_or(Error::NotFound("sign-off"))
        })
    }

    /// After a rejudge recorded a new current verdict of `submission` (that passed before
    /// when `passed_before`, passes now when `passed`): keeps decisions, drops an awaiting row
    /// whose pass is gone, and starts one for a new pass of a challenge that
    /// `needs_sign_off`. Runs in the rejudge's transaction.
    pub fn after_rejudge(
        conn: &mut DbConnection,
        submission: &Submission,
        passed_before: bool,
        passed: bool,
        needs_sign_off: bool,
    ) -> Result<()> {
        let existing = Self::of_submission(conn, &submission.id)?;
        match (existing.map(|s| s.state()), passed) {
            (Some(SignOffState::Awaiting), false) => {
                diesel::delete(sign_offs::table.find(&submission.id)).execute(conn)?;
            }
            // A pass that counted before without a sign-off (judged while the challenge needed
            // none) stays a solve, as an approved one would.
            (None, true) if needs_sign_off && !passed_before => {
                Self::insert(
                    conn,
                    &Self::awaiting(
                        &submission.id,
                        &submission.team_id,
                        &submission.challenge_id,
                    ),
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The status the API shows for a submission stored as `stored` with this sign-off.
    pub fn shown_status(stored: SubmissionStatus, sign_off: Option<&SignOff>) -> SubmissionStatus {
        match (stored, sign_off.map(SignOff::state)) {
            (SubmissionStatus::Judged, Some(SignOffState::Awaiting)) => {
                SubmissionStatus::AwaitingSignOff
            }
            (SubmissionStatus::Judged, Some(SignOffState::Rejected)) => {
                SubmissionStatus::SignOffRejected
            }
            (status, _) => status,
        }
    }

    /// The submissions whose pass does not count (yet): a sign-off awaiting or rejected.
    pub fn undecided_or_refused() -> diesel::dsl::Select<
        diesel::dsl::Filter<sign_offs::table, diesel::dsl::NotEq<sign_offs::state, &'static str>>,
        sign_offs::submission_id,
    > {
        sign_offs::table
            .filter(sign_offs::state.ne(SignOffState::Approved.as_str()))
            .select(sign_offs::submission_id)
    }

    /// The sign-offs of an event in `state` (all states when `None`), oldest first, of the
    /// teams `team_ids` (all when `None`).
    pub fn of_event(
        conn: &mut DbConnection,
        event_id: &str,
        state: Option<SignOffState>,
        team_ids: Option<&[String]>,
    ) -> Result<Vec<ListedSignOff>> {
        let mut query = sign_offs::table
            .inner_join(teams::table)
            .inner_join(challenges::table)
            .inner_join(submissions::table)
            .filter(challenges::event_id.eq(event_id))
            .into_boxed();
        if let Some(state) = state {
            query = query.filter(sign_offs::state.eq(state.as_str()));
        }
        if let Some(team_ids) = team_ids {
            query = query.filter(sign_offs::team_id.eq_any(team_ids.to_vec()));
        }
        let rows: Vec<(SignOff, String, String, String, String, NaiveDateTime)> = query
            .order((sign_offs::created_at.asc(), sign_offs::submission_id.asc()))
            .select((
                SignOff::as_select(),
                teams::name,
                challenges::slug,
                challenges::title,
                submissions::answer,
                submissions::created_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(sign_off, team_name, challenge_slug, challenge_title, answer, submitted_at)| {
                    ListedSignOff {
                        sign_off,
                        team_name,
                        challenge_slug,
                        challenge_title,
                        answer,
                        submitted_at,
                    }
                },
            )
            .collect())
    }
}

/// The 409 of a decision on a submission that is not awaiting one.
fn not_awaiting() -> Error {
    Error::conflict(
        "sign_off_not_awaiting",
        "this submission is not awaiting a sign-off (already decided, or not a pass)",
    )
}
