//! What the challenge and submission endpoints return. Who sees what is decided here, once:
//! teams get the verdict, feedback and checks; organizers and authors additionally get the
//! notes, the log, the cost of the run and the validator's error detail.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use cohack_package::{SampleOutcome, SampleReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::models::{
    challenge::Challenge,
    event::Phase,
    submission::{Submission, SubmissionStatus},
    verdict::{Verdict, VerdictSummary},
};

/// One rung of the ladder as the caller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LadderChallenge {
    /// Stable identifier within the event.
    pub slug: String,
    /// Display title.
    pub title: String,
    /// One line.
    pub summary: String,
    /// Place on the ladder, 1 first.
    pub position: i32,
    /// The maximum score.
    pub points: i32,
    /// Open to every team regardless of the ladder.
    pub always_open: bool,
    /// Not open to the caller's team yet.
    pub locked: bool,
    /// Solved by the caller's team.
    pub solved: bool,
    /// The statement (Markdown); only when unlocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The organizers' config overrides (organizers and authors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<std::collections::BTreeMap<String, String>>,
}

/// The caller's ladder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ladder {
    /// The event's slug.
    pub event: String,
    /// Where the event is in its schedule; before the start participants see no challenge.
    pub phase: Phase,
    /// When challenge 1 opens.
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: DateTime<Utc>,
    /// The caller's team, if they are in one.
    pub team: Option<String>,
    /// The challenges, in ladder order.
    pub challenges: Vec<LadderChallenge>,
}

impl Ladder {
    /// The challenge a team's workspace shows: `wanted` if it is on the ladder, else the
    /// first open one not yet solved, else the last open one.
    pub fn focus(&self, wanted: Option<&str>) -> Option<&LadderChallenge> {
        wanted
            .and_then(|slug| self.challenges.iter().find(|c| c.slug == slug))
            .or_else(|| self.challenges.iter().find(|c| !c.locked && !c.solved))
            .or_else(|| self.challenges.iter().rfind(|c| !c.locked))
    }
}

/// A challenge as its authors and organizers manage it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeAdmin {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Position.
    pub position: i32,
    /// Points.
    pub points: i32,
    /// Open regardless of the ladder.
    pub always_open: bool,
    /// The organizers' config overrides.
    pub config: std::collections::BTreeMap<String, String>,
}

impl From<&Challenge> for ChallengeAdmin {
    fn from(c: &Challenge) -> Self {
        ChallengeAdmin {
            slug: c.slug.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            position: c.position,
            points: c.points,
            always_open: c.always_open,
            config: c.config_overrides(),
        }
    }
}

/// One sample of a package, as the server's re-run judged it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleRow {
    /// `pass/NAME` or `fail/NAME`.
    pub name: String,
    /// `pass` or `fail`: what the sample declares.
    pub expect: String,
    /// The exact score the sample declares, if any.
    pub expected_score: Option<u32>,
    /// `pass`, `fail` or `error`: what the validator said.
    pub got: String,
    /// The verdict's score.
    pub score: Option<u32>,
    /// The verdict's maximum score.
    pub max_score: Option<u32>,
    /// The validator error, when there was one.
    pub error: Option<String>,
    /// Wall time in microseconds.
    pub duration_us: u64,
    /// Fuel used.
    pub fuel_used: u64,
    /// Whether the validator said what the sample declares.
    pub ok: bool,
    /// Why not.
    pub mismatch: Option<String>,
}

/// The samples table of a publish.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleTable {
    /// One row per sample.
    pub samples: Vec<SampleRow>,
    /// `materials("sample-team")` failed or broke the limits.
    pub materials_error: Option<String>,
}

impl From<&SampleReport> for SampleTable {
    fn from(report: &SampleReport) -> Self {
        SampleTable {
            samples: report
                .results
                .iter()
                .map(|r| {
                    let (score, max_score, error) = match &r.outcome {
                        SampleOutcome::Verdict {
                            score, max_score, ..
                        } => (Some(*score), Some(*max_score), None),
                        SampleOutcome::Error(e) => (None, None, Some(e.to_string())),
                    };
                    SampleRow {
                        name: r.name.clone(),
                        expect: r.expect.as_str().to_owned(),
                        expected_score: r.expected_score,
                        got: r.outcome.label().to_owned(),
                        score,
                        max_score,
                        error,
                        duration_us: u64::try_from(r.duration.as_micros()).unwrap_or(u64::MAX),
                        fuel_used: r.fuel_used,
                        ok: r.ok(),
                        mismatch: r.mismatch.clone(),
                    }
                })
                .collect(),
            materials_error: report.materials_error.clone(),
        }
    }
}

/// A version that went live.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Published {
    /// The challenge as it is now.
    pub challenge: ChallengeAdmin,
    /// The new version's number (1, 2, …).
    pub version: i32,
    /// sha256 of the validator.
    pub validator_sha256: String,
    /// The server's re-run of the samples.
    #[serde(flatten)]
    pub table: SampleTable,
}

/// The 422 answer to a package whose samples did not all get their declared outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishRefused {
    /// `{code: "samples_mismatch", message}`.
    pub error: crate::error::ErrorDetail,
    /// The server's re-run of the samples.
    #[serde(flatten)]
    pub table: SampleTable,
}

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

/// A team's starting material for a challenge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Materials {
    /// The challenge's slug.
    pub challenge: String,
    /// The team.
    pub team: String,
    /// The files, with their content in base64.
    pub files: Vec<FileView>,
}

/// A verdict's outcome, before and after a rejudge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct OutcomeView {
    /// `judged` or `validator_error`.
    pub status: SubmissionStatus,
    /// Solved.
    pub passed: bool,
    /// Score.
    pub score: i32,
}

/// A submission whose outcome a rejudge changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejudgeChange {
    /// The submission.
    pub submission: String,
    /// Its team.
    pub team: String,
    /// The outcome before (`None` if it had no verdict).
    pub before: Option<OutcomeView>,
    /// The outcome now.
    pub after: OutcomeView,
}

/// What a rejudge did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RejudgeReport {
    /// The challenge.
    pub challenge: String,
    /// The live version that rejudged.
    pub version: i32,
    /// Submissions re-run.
    pub rejudged: usize,
    /// Those whose status, pass or score changed.
    pub changed: Vec<RejudgeChange>,
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

impl OutcomeView {
    /// The outcome a verdict row stands for.
    pub fn of(verdict: &Verdict) -> OutcomeView {
        OutcomeView {
            status: verdict.status(),
            passed: verdict.passed,
            score: verdict.score,
        }
    }
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
