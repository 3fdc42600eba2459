//! Submissions as the submission endpoints return them, built for one audience: teams get
//! the verdict, feedback and checks, and every request the validator sent to their service
//! (the exchanges); organizers and authors additionally get the notes, the log, the cost of
//! the run and the validator's error detail.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use cohack_runtime::{Body, Exchange, ExchangeOutcome};
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

/// What became of a request a validator sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeOutcomeView {
    /// The service answered (`status`, `response_body`).
    Response,
    /// The request went out and no acceptable answer came back (`error`, `reason`): the
    /// service's failure.
    Failed,
    /// The sandbox did not let the request out (`reason`): the validator's fault.
    Refused,
}

/// A request the validator sent while judging (to the team's service, or to a host its
/// challenge allows), and what became of it. Shown to the team, its coaches, organizers and
/// authors.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExchangeView {
    /// `GET`, `POST`, …
    pub method: String,
    /// The absolute URL asked for.
    pub url: String,
    /// The HTTP status, when the service answered.
    pub status: Option<u16>,
    /// `response`, `failed` or `refused`.
    pub outcome: ExchangeOutcomeView,
    /// How it failed (`failed` only): `timeout`, `connection_refused`, `dns`, `tls`,
    /// `too_large` or `protocol`.
    pub error: Option<String>,
    /// What happened, for a human (`failed` and `refused`).
    pub reason: Option<String>,
    /// From sending the request to the last byte of the answer (or the failure).
    pub duration_ms: u64,
    /// One line: `GET https://…/health → 200 in 84 ms`.
    pub summary: String,
    /// The first 2 KiB of the answer's body as text (`response` only).
    pub response_body: Option<String>,
}

/// How much of a response body a view shows.
pub const RESPONSE_BODY_SHOWN: usize = 2048;

impl ExchangeView {
    /// The view of a recorded exchange.
    pub fn of(exchange: &Exchange) -> ExchangeView {
        let (outcome, status, error, reason, response_body) = match &exchange.outcome {
            ExchangeOutcome::Response { status, body, .. } => (
                ExchangeOutcomeView::Response,
                Some(*status),
                None,
                None,
                Some(shown_body(body)),
            ),
            ExchangeOutcome::Failed { error, reason } => (
                ExchangeOutcomeView::Failed,
                None,
                Some(error.as_str().to_owned()),
                Some(reason.clone()),
                None,
            ),
            ExchangeOutcome::Refused { reason } => (
                ExchangeOutcomeView::Refused,
                None,
                None,
                Some(reason.clone()),
                None,
            ),
        };
        ExchangeView {
            method: exchange.method.clone(),
            url: exchange.url.clone(),
            status,
            outcome,
            error,
            reason,
            duration_ms: exchange.duration_ms,
            summary: exchange.summary(),
            response_body,
        }
    }
}

/// The first [`RESPONSE_BODY_SHOWN`] bytes of a body as text: a character cut at the end is
/// dropped, bytes that are not UTF-8 are shown as U+FFFD.
fn shown_body(body: &Body) -> String {
    let bytes = &body.bytes[..body.bytes.len().min(RESPONSE_BODY_SHOWN)];
    let bytes = match std::str::from_utf8(bytes) {
        Err(e) if e.error_len().is_none() => &bytes[..e.valid_up_to()],
        _ => bytes,
    };
    String::from_utf8_lossy(bytes).into_owned()
}

fn exchange_views(exchanges: &[Exchange]) -> Vec<ExchangeView> {
    exchanges.iter().map(ExchangeView::of).collect()
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
    /// `internal`, `network` (a request the sandbox refused: see the exchanges).
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
    /// Every request the validator sent while judging, in order (challenges judged against
    /// the team's service; empty otherwise and while pending).
    pub exchanges: Vec<ExchangeView>,
    /// The run behind the current verdict (organizers and authors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunView>,
    /// The coach's sign-off of a pass on a challenge with `sign_off = "coach"`: awaiting,
    /// approved, or rejected with the comment for the team; `null` for other submissions.
    pub sign_off: Option<SubmissionSignOffView>,
}

/// A submission's sign-off, as its team reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionSignOffView {
    /// `awaiting`, `approved` or `rejected`.
    pub state: crate::models::sign_off::SignOffState,
    /// The coach's or organizer's comment (the reason, for a rejection).
    pub comment: String,
    /// When it was decided; for an approval, the moment the solve counts.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<DateTime<Utc>>,
}

impl SubmissionSignOffView {
    /// The view of a stored sign-off.
    pub fn of(sign_off: &crate::models::sign_off::SignOff) -> SubmissionSignOffView {
        SubmissionSignOffView {
            state: sign_off.state(),
            comment: sign_off.comment.clone(),
            decided_at: sign_off.decided_at.map(utc),
        }
    }
}

/// A line of a team's submission list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionSummary {
    /// Identifier.
    pub id: String,
    /// The challenge's slug.
    pub challenge: String,
    /// `pending`, `judged`, `validator_error`, `awaiting_sign_off` or `sign_off_rejected`.
    pub status: SubmissionStatus,
    /// When the team submitted.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// The sign-off's comment of a rejected pass (empty otherwise).
    pub sign_off_comment: String,
    /// Solved (judged submissions only).
    pub passed: Option<bool>,
    /// Score (judged submissions only).
    pub score: Option<i32>,
    /// Maximum score (judged submissions only).
    pub max_score: Option<i32>,
    /// Every request the validator sent while judging, in order.
    pub exchanges: Vec<ExchangeView>,
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
    sign_off: Option<&crate::models::sign_off::SignOff>,
) -> SubmissionView {
    let exchanges = verdict.map(|v| exchange_views(&v.exchanges()));
    let (verdict, validator_error, run) = verdict_parts(verdict, audience);
    SubmissionView {
        id: submission.id.clone(),
        team: submission.team_id.clone(),
        challenge: challenge_slug.to_owned(),
        status: crate::models::sign_off::SignOff::shown_status(
            submission.status().unwrap_or(SubmissionStatus::Pending),
            sign_off,
        ),
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
        exchanges: exchanges.unwrap_or_default(),
        run,
        sign_off: sign_off.map(SubmissionSignOffView::of),
    }
}

/// A line of a submission list.
pub fn submission_summary(
    submission: &Submission,
    challenge_slug: &str,
    verdict: Option<&VerdictSummary>,
    sign_off: Option<&crate::models::sign_off::SignOff>,
) -> SubmissionSummary {
    let judged = verdict.filter(|v| v.error_kind.is_none());
    SubmissionSummary {
        id: submission.id.clone(),
        challenge: challenge_slug.to_owned(),
        status: crate::models::sign_off::SignOff::shown_status(
            submission.status().unwrap_or(SubmissionStatus::Pending),
            sign_off,
        ),
        created_at: utc(submission.created_at),
        sign_off_comment: sign_off.map(|s| s.comment.clone()).unwrap_or_default(),
        passed: judged.map(|v| v.passed),
        score: judged.map(|v| v.score),
        max_score: judged.map(|v| v.max_score),
        exchanges: verdict
            .map(|v| exchange_views(&v.exchanges()))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use cohack_runtime::FailureKind;

    use super::*;

    fn exchange(outcome: ExchangeOutcome) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "https://team.example.net/health".into(),
            request_headers: BTreeMap::new(),
            request_body: Body::default(),
            outcome,
            duration_ms: 84,
        }
    }

    #[test]
    fn exchanges_show_their_outcome_in_the_documented_fields() {
        let answered =
            serde_json::to_value(ExchangeView::of(&exchange(ExchangeOutcome::Response {
                status: 200,
                headers: BTreeMap::new(),
                body: Body::new(br#"{"status":"ok"}"#.to_vec()),
            })))
            .expect("serializes");
        assert_eq!(
            answered,
            serde_json::json!({
                "method": "GET",
                "url": "https://team.example.net/health",
                "status": 200,
                "outcome": "response",
                "error": null,
                "reason": null,
                "duration_ms": 84,
                "summary": "GET https://team.example.net/health → 200 in 84 ms",
                "response_body": "{\"status\":\"ok\"}",
            })
        );
        let failed = ExchangeView::of(&exchange(ExchangeOutcome::Failed {
            error: FailureKind::Timeout,
            reason: "no answer within 2000 ms".into(),
        }));
        assert_eq!(failed.outcome, ExchangeOutcomeView::Failed);
        assert_eq!(failed.error.as_deref(), Some("timeout"));
        assert_eq!(failed.status, None);
        assert_eq!(failed.response_body, None);
        let refused = ExchangeView::of(&exchange(ExchangeOutcome::Refused {
            reason: "a private address".into(),
        }));
        assert_eq!(refused.outcome, ExchangeOutcomeView::Refused);
        assert_eq!(refused.reason.as_deref(), Some("a private address"));
    }

    #[test]
    fn long_bodies_are_cut_at_2_kib_on_a_character_boundary() {
        let mut text = "a".repeat(RESPONSE_BODY_SHOWN - 1);
        text.push('é');
        text.push_str("tail");
        let shown = shown_body(&Body::new(text.into_bytes()));
        assert_eq!(shown, "a".repeat(RESPONSE_BODY_SHOWN - 1));
        assert_eq!(shown_body(&Body::new(vec![0xff, b'x'])), "\u{fffd}x");
        assert_eq!(shown_body(&Body::default()), "");
    }
}
