//! Submissions as the submission endpoints return them, built for one audience: teams get
//! the verdict, feedback and checks; organizers and authors additionally get the notes, the
//! log, the cost of the run and the validator's error detail.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::models::{
    submission::{Submission, SubmissionStatus},
    verdict::{Verdict, VerdictSummary},
};

/// A check of a verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckView {
    /// Criterion.
    pub name: String,
    /// Met.
    pub passed: bool,
    /// Explanation.
    pub message: String,
}

/// A log line of a run (organizers and authors only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogLineView {
    /// `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// The text.
    pub message: String,
}

/// A verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerdictView {
    /// Solved.
    pub passed: bool,
    /// Partial credit.
    pub score: i32,
    /// The best possible score.
    pub max_score: i32,
    /// For the team.
    pub feedback: String,
    /// Per criterion.
    pub checks: Vec<CheckView>,
    /// When it was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub judged_at: DateTime<Utc>,
    /// Notes for authors and organizers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A validator failure, as the team sees it (not an attempt, no score).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValidatorErrorView {
    /// `trap`, `out_of_fuel`, `timeout`, `memory`, `stack_overflow`, `invalid_output`,
    /// `internal`.
    pub kind: String,
    /// What it means for the team.
    pub message: String,
    /// The runtime's detail (organizers and authors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What the run cost and logged (organizers and authors only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunView {
    /// The validator version's id.
    pub validator_version: String,
    /// Fuel used.
    pub fuel_used: i64,
    /// Wall time in microseconds.
    pub duration_us: i64,
    /// The bounded log.
    pub logs: Vec<LogLineView>,
}

/// A submitted file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FileView {
    /// Relative path.
    pub path: String,
    /// Size in bytes.
    pub size: i64,
    /// The content, base64 (single submission views only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
}

/// A submission and its current verdict.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionView {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team: String,
    /// The challenge's slug.
    pub challenge: String,
    /// `pending`, `judged` or `validator_error`.
    pub status: SubmissionStatus,
    /// When the team submitted.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// Who submitted.
    pub submitted_by: String,
    /// The short answer.
    pub answer: String,
    /// The files.
    pub files: Vec<FileView>,
    /// The current verdict, once judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<VerdictView>,
    /// The validator's failure, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validator_error: Option<ValidatorErrorView>,
    /// The run behind the current verdict (organizers and authors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunView>,
}

/// A line of a team's submission list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionSummary {
    /// Identifier.
    pub id: String,
    /// The challenge's slug.
    pub challenge: String,
    /// `pending`, `judged` or `validator_error`.
    pub status: SubmissionStatus,
    /// When the team submitted.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// Solved (judged submissions only).
    pub passed: Option<bool>,
    /// Score (judged submissions only).
    pub score: Option<i32>,
    /// Maximum score (judged submissions only).
    pub max_score: Option<i32>,
}

/// A team's submissions, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionList {
    /// The submissions.
    pub submissions: Vec<SubmissionSummary>,
}

/// Whether the viewer gets the authors' and organizers' details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Members and coaches.
    Team,
    /// Organizers and authors.
    Staff,
}

const VALIDATOR_ERROR_MESSAGE: &str = "the challenge's validator failed on this submission: it \
     is not counted as an attempt and the authors can see what went wrong; you may submit again";

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// The verdict and error parts of a submission view.
fn verdict_parts(
    verdict: Option<&Verdict>,
    audience: Audience,
) -> (
    Option<VerdictView>,
    Option<ValidatorErrorView>,
    Option<RunView>,
) {
    let Some(v) = verdict else {
        return (None, None, None);
    };
    let staff = audience == Audience::Staff;
    let run = staff.then(|| RunView {
        validator_version: v.validator_version_id.clone(),
        fuel_used: v.fuel_used,
        duration_us: v.duration_us,
        logs: v
            .logs()
            .into_iter()
            .map(|l| LogLineView {
                level: format!("{:?}", l.level).to_lowercase(),
                message: l.message,
            })
            .collect(),
    });
    if let Some(kind) = &v.error_kind {
        let error = ValidatorErrorView {
            kind: kind.clone(),
            message: VALIDATOR_ERROR_MESSAGE.to_owned(),
            detail: staff.then(|| v.error_detail.clone().unwrap_or_default()),
        };
        return (None, Some(error), run);
    }
    let view = VerdictView {
        passed: v.passed,
        score: v.score,
        max_score: v.max_score,
        feedback: v.feedback.clone(),
        checks: v
            .checks()
            .into_iter()
            .map(|c| CheckView {
                name: c.name,
                passed: c.passed,
                message: c.message,
            })
            .collect(),
        judged_at: utc(v.created_at),
        notes: staff.then(|| v.notes.clone()),
    };
    (Some(view), None, run)
}

/// Builds a submission view. `files` are `(path, size, content)`; content is shown when
/// given.
pub fn submission_view(
    submission: &Submission,
    challenge_slug: &str,
    files: Vec<(String, i64, Option<Vec<u8>>)>,
    verdict: Option<&Verdict>,
    audience: Audience,
) -> SubmissionView {
    let (verdict, validator_error, run) = verdict_parts(verdict, audience);
    SubmissionView {
        id: submission.id.clone(),
        team: submission.team_id.clone(),
        challenge: challenge_slug.to_owned(),
        status: submission.status().unwrap_or(SubmissionStatus::Pending),
        created_at: utc(submission.created_at),
        submitted_by: submission.submitted_by.clone(),
        answer: submission.answer.clone(),
        files: files
            .into_iter()
            .map(|(path, size, content)| FileView {
                path,
                size,
                content_base64: content.map(|c| STANDARD.encode(c)),
            })
            .collect(),
        verdict,
        validator_error,
        run,
    }
}

/// A line of a submission list.
pub fn submission_summary(
    submission: &Submission,
    challenge_slug: &str,
    verdict: Option<&VerdictSummary>,
) -> SubmissionSummary {
    let judged = verdict.filter(|v| v.error_kind.is_none());
    SubmissionSummary {
        id: submission.id.clone(),
        challenge: challenge_slug.to_owned(),
        status: submission.status().unwrap_or(SubmissionStatus::Pending),
        created_at: utc(submission.created_at),
        passed: judged.map(|v| v.passed),
        score: judged.map(|v| v.score),
        max_score: judged.map(|v| v.max_score),
    }
}
