//! Verdicts: one row per judging of a submission. The first is recorded only while the
//! submission is still `pending` (so two instances judging the same backlog cannot both
//! record one); a rejudge adds a row and moves `is_current`, keeping the old ones.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use cohack_runtime::{Check, Exchange, LogLine, RunReport};
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{sign_offs, submissions, verdicts},
    },
    error::Result,
    models::{
        sign_off::SignOff,
        submission::{Submission, SubmissionStatus},
    },
};

/// One judging of a submission.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = verdicts)]
pub struct Verdict {
    /// Identifier.
    pub id: String,
    /// The submission.
    pub submission_id: String,
    /// The validator version that judged.
    pub validator_version_id: String,
    /// Whether this is the verdict that counts.
    pub is_current: bool,
    /// Solved.
    pub passed: bool,
    /// Partial credit.
    pub score: i32,
    /// The best possible score.
    pub max_score: i32,
    /// Shown to the team.
    pub feedback: String,
    /// JSON array of `{name, passed, message}`.
    pub checks: String,
    /// Shown to authors and organizers only.
    pub notes: String,
    /// Set when the validator failed: `trap`, `out_of_fuel`, `timeout`, …
    pub error_kind: Option<String>,
    /// What the runtime said about the failure (for authors).
    pub error_detail: Option<String>,
    /// JSON array of `{level, message}`: the run's bounded log.
    pub logs: String,
    /// Fuel the run used.
    pub fuel_used: i64,
    /// Wall time of the run in microseconds.
    pub duration_us: i64,
    /// When it was recorded.
    pub created_at: NaiveDateTime,
    /// JSON array of exchanges (the form `runtime/src/network/exchange.rs` documents): every
    /// request the run sent and what became of it, in order; `[]` for runs that sent none.
    pub exchanges: String,
}

/// The part of a current verdict a list shows.
#[derive(Debug, Clone, Queryable)]
pub struct VerdictSummary {
    /// The submission.
    pub submission_id: String,
    /// Solved.
    pub passed: bool,
    /// Partial credit.
    pub score: i32,
    /// The best possible score.
    pub max_score: i32,
    /// Set when the validator failed.
    pub error_kind: Option<String>,
    /// JSON array of the run's exchanges.
    pub exchanges: String,
}

/// The stored form of a run's exchanges.
fn exchanges_json(exchanges: &[Exchange]) -> String {
    serde_json::to_string(exchanges).unwrap_or_else(|_| "[]".to_owned())
}

/// Exchanges from their stored form; a row that does not parse (none should) has none.
pub fn parse_exchanges(json: &str) -> Vec<Exchange> {
    serde_json::from_str(json).unwrap_or_default()
}

impl VerdictSummary {
    /// The run's exchanges, parsed.
    pub fn exchanges(&self) -> Vec<Exchange> {
        parse_exchanges(&self.exchanges)
    }
}

impl Verdict {
    /// A verdict row (not yet stored) from a run of `version_id` on `submission_id`.
    pub fn from_report(submission_id: &str, version_id: &str, report: &RunReport) -> Verdict {
        let mut verdict = Verdict {
            id: new_id(),
            submission_id: submission_id.to_owned(),
            validator_version_id: version_id.to_owned(),
            is_current: true,
            passed: false,
            score: 0,
            max_score: 0,
            feedback: String::new(),
            checks: "[]".to_owned(),
            notes: String::new(),
            error_kind: None,
            error_detail: None,
            logs: serde_json::to_string(&report.logs).unwrap_or_else(|_| "[]".to_owned()),
            fuel_used: i64::try_from(report.fuel_used).unwrap_or(i64::MAX),
            duration_us: i64::try_from(report.duration.as_micros()).unwrap_or(i64::MAX),
            created_at: now(),
            exchanges: exchanges_json(&report.exchanges),
        };
        match &report.outcome {
            Ok(v) => {
                verdict.passed = v.passed;
                verdict.score = i32::try_from(v.score).unwrap_or(i32::MAX);
                verdict.max_score = i32::try_from(v.max_score).unwrap_or(i32::MAX);
                verdict.feedback.clone_from(&v.feedback);
                verdict.checks = serde_json::to_string(&v.checks).unwrap_or_else(|_| "[]".into());
                verdict.notes.clone_from(&v.notes);
            }
            Err(e) => {
                verdict.error_kind = Some(e.kind.as_str().to_owned());
                verdict.error_detail = Some(e.detail.clone());
            }
        }
        verdict
    }

    /// The status the submission gets with this verdict.
    pub fn status(&self) -> SubmissionStatus {
        if self.error_kind.is_some() {
            SubmissionStatus::ValidatorError
        } else {
            SubmissionStatus::Judged
        }
    }

    /// The status the submission gets with this verdict as a first judging: a pass on a
    /// challenge that `needs_sign_off` awaits a coach.
    pub fn first_status(&self, needs_sign_off: bool) -> SubmissionStatus {
        if needs_sign_off && self.passed && self.error_kind.is_none() {
            SubmissionStatus::AwaitingSignOff
        } else {
            self.status()
        }
    }

    /// The checks, parsed.
    pub fn checks(&self) -> Vec<Check> {
        serde_json::from_str(&self.checks).unwrap_or_default()
    }

    /// The log, parsed.
    pub fn logs(&self) -> Vec<LogLine> {
        serde_json::from_str(&self.logs).unwrap_or_default()
    }

    /// The run's exchanges, parsed: what a replay answers from.
    pub fn exchanges(&self) -> Vec<Exchange> {
        parse_exchanges(&self.exchanges)
    }

    /// Records the first verdict of a submission, if it is still pending; `None` when
    /// another judge got there first (the submission keeps that verdict). A pass on a
    /// challenge that `needs_sign_off` also starts its sign-off, in the same transaction.
    pub fn record_first(
        conn: &mut DbConnection,
        verdict: &Verdict,
        needs_sign_off: bool,
    ) -> Result<Option<Verdict>> {
        conn.transaction(|conn| Self::record_first_in(conn, verdict, needs_sign_off))
    }

    /// [`Verdict::record_first`] inside the caller's transaction (a grouped write,
    /// [`crate::db::Database::write_grouped`], which commits many verdicts at once).
    pub fn record_first_in(
        conn: &mut DbConnection,
        verdict: &Verdict,
        needs_sign_off: bool,
    ) -> Result<Option<Verdict>> {
        // The stored status stays `judged` (the column's CHECK allows no other value); a
        // pass awaiting a sign-off is told by its `sign_offs` row.
        let status = verdict.first_status(needs_sign_off);
        let claimed = diesel::update(
            submissions::table
                .find(&verdict.submission_id)
                .filter(submissions::status.eq(SubmissionStatus::Pending.as_str())),
        )
        .set(submissions::status.eq(verdict.status().as_str()))
        .execute(conn)?;
        if claimed == 0 {
            return Ok(None);
        }
        diesel::insert_into(verdicts::table)
            .values(verdict)
            .execute(conn)?;
        if status == SubmissionStatus::AwaitingSignOff {
            let submission = Submission::find(conn, &verdict.submission_id)?;
            SignOff::insert(
                conn,
                &SignOff::awaiting(
                    &submission.id,
                    &submission.team_id,
                    &submission.challenge_id,
                ),
            )?;
        }
        Ok(Some(verdict.clone()))
    }

    /// Records a rejudge: the new verdict becomes current, the old ones stay, and the
    /// submission's sign-off follows ([`SignOff::after_rejudge`]) on a challenge that
    /// `needs_sign_off` (or that has a sign-off row). Returns the verdict that was current
    /// before.
    pub fn record_rejudge(
        conn: &mut DbConnection,
        verdict: &Verdict,
        needs_sign_off: bool,
    ) -> Result<Option<Verdict>> {
        conn.transaction(|conn| {
            let before = Self::current(conn, &verdict.submission_id)?;
            diesel::update(
                verdicts::table
                    .filter(verdicts::submission_id.eq(&verdict.submission_id))
                    .filter(verdicts::is_current.eq(true)),
            )
            .set(verdicts::is_current.eq(false))
            .execute(conn)?;
            diesel::insert_into(verdicts::table)
                .values(verdict)
                .execute(conn)?;
            if verdict.error_kind.is_none() {
                let submission = Submission::find(conn, &verdict.submission_id)?;
                let passed_before = before
                    .as_ref()
                    .is_some_and(|v| v.passed && v.error_kind.is_none());
                SignOff::after_rejudge(
                    conn,
                    &submission,
                    passed_before,
                    verdict.passed,
                    needs_sign_off,
                )?;
            }
            diesel::update(submissions::table.find(&verdict.submission_id))
                .set(submissions::status.eq(verdict.status().as_str()))
                .execute(conn)?;
            Ok(before)
        })
    }

    /// The current verdict of a submission, if it has one.
    pub fn current(conn: &mut DbConnection, submission_id: &str) -> Result<Option<Verdict>> {
        Ok(verdicts::table
            .filter(verdicts::submission_id.eq(submission_id))
            .filter(verdicts::is_current.eq(true))
            .select(Verdict::as_select())
            .first(conn)
            .optional()?)
    }

    /// Summaries of the current verdicts of some submissions, by submission id.
    pub fn current_summaries(
        conn: &mut DbConnection,
        submission_ids: &[String],
    ) -> Result<HashMap<String, VerdictSummary>> {
        if submission_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<VerdictSummary> = verdicts::table
            .filter(verdicts::submission_id.eq_any(submission_ids))
            .filter(verdicts::is_current.eq(true))
            .select((
                verdicts::submission_id,
                verdicts::passed,
                verdicts::score,
                verdicts::max_score,
                verdicts::error_kind,
                verdicts::exchanges,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|r| (r.submission_id.clone(), r))
            .collect())
    }
}

/// Whose counted passes [`counted_passes`] reads.
#[derive(Debug, Clone, Copy)]
pub enum Whose<'a> {
    /// The team's own.
    Team(&'a str),
    /// Every other team's.
    OtherThan(&'a str),
}

/// The team ids of at most `limit` counted passes of challenge `challenge_id` (a current
/// passing verdict, not awaiting or refused a coach's sign-off) by `whose`. Bounded: this
/// runs in every pass's transaction, so it must not read every pass the challenge had.
pub fn counted_passes(
    conn: &mut DbConnection,
    challenge_id: &str,
    whose: Whose<'_>,
    limit: i64,
) -> Result<Vec<String>> {
    let query = submissions::table
        .inner_join(verdicts::table.on(verdicts::submission_id.eq(submissions::id)))
        .left_join(sign_offs::table.on(sign_offs::submission_id.eq(submissions::id)))
        .filter(submissions::challenge_id.eq(challenge_id))
        .filter(verdicts::is_current.eq(true))
        .filter(verdicts::passed.eq(true))
        .filter(verdicts::error_kind.is_null())
        .filter(
            sign_offs::state
                .nullable()
                .is_null()
                .or(sign_offs::state.nullable().eq("approved")),
        )
        .select(submissions::team_id)
        .into_boxed();
    let query = match whose {
        Whose::Team(team_id) => query.filter(submissions::team_id.eq(team_id)),
        Whose::OtherThan(team_id) => query.filter(submissions::team_id.ne(team_id)),
    };
    Ok(query.limit(limit).load(conn)?)
}
