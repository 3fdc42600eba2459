//! What a rejudge returns: each submission whose outcome changed, before and after.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    judge::RejudgeMode,
    models::{submission::SubmissionStatus, verdict::Verdict},
};

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
    /// How the teams' services were reached: `replay` (the recorded exchanges answered, no
    /// service was called) or `live`. Reported for challenges without `[network]` too, where
    /// it changes nothing.
    pub mode: RejudgeMode,
    /// Submissions re-run.
    pub rejudged: usize,
    /// Those whose status, pass or score changed.
    pub changed: Vec<RejudgeChange>,
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
