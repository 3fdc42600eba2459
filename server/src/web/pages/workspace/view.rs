//! What the workspace page shows, as the template reads it: the rungs of the ladder, the
//! selected challenge, the submit form's choices, an opened submission and the recent
//! submissions, built from the judge's views, with the few formats they need.

use crate::models::submission::SubmissionStatus;
use crate::{
    judge::views::{SubmissionSummary, SubmissionView},
    web::{
        markdown,
        pages::exchanges::ExchangeLine,
        time::{ShownTime, TimeStyle},
    },
};

use super::files::submitted_file_href;

/// A rung of the ladder as the page shows it.
pub(super) struct Rung {
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) points: i32,
    pub(super) position: i32,
    /// `locked`, `open` or `solved` (also the CSS class suffix).
    pub(super) state: &'static str,
    pub(super) selected: bool,
}

/// A file of the materials, with its download address.
pub(super) struct MaterialLink {
    pub(super) path: String,
    pub(super) size: String,
    pub(super) href: String,
}

/// The selected challenge.
pub(super) struct Selected {
    pub(super) title: String,
    pub(super) points: i32,
    pub(super) state: &'static str,
    pub(super) statement_html: String,
    /// The coach's guide as safe HTML: the team's coaches and the event's organizers only.
    pub(super) coach_guide_html: Option<String>,
    /// A locked challenge the caller (a coach or an organizer) may open for the team.
    pub(super) can_open: bool,
    pub(super) materials: Vec<MaterialLink>,
    pub(super) materials_error: Option<String>,
}

/// A challenge of the submit form's choice.
pub(super) struct Choice {
    pub(super) slug: String,
    pub(super) title: String,
    pub(super) selected: bool,
}

/// A check of a verdict, its message rendered from Markdown and sanitized.
pub(super) struct CheckRow {
    pub(super) name: String,
    pub(super) passed: bool,
    pub(super) message_html: String,
}

/// A submitted file, with its download address.
pub(super) struct SubmittedFileLink {
    pub(super) path: String,
    pub(super) size: String,
    pub(super) href: String,
}

/// An opened submission, in the main column: what was sent (answer, files), by whom and
/// when, and its verdict with the checks that failed first, and beside it every request the
/// validator sent to the team's service.
pub(super) struct VerdictBox {
    pub(super) id: String,
    pub(super) challenge: String,
    pub(super) at: ShownTime,
    pub(super) submitted_by: String,
    pub(super) answer: String,
    pub(super) files: Vec<SubmittedFileLink>,
    pub(super) pending: bool,
    pub(super) passed: bool,
    pub(super) score: i32,
    pub(super) max_score: i32,
    pub(super) feedback_html: String,
    pub(super) checks: Vec<CheckRow>,
    pub(super) error: Option<String>,
    pub(super) exchanges: Vec<ExchangeLine>,
    /// A pass on a challenge with coach sign-off: `awaiting`, `approved` or `rejected`.
    pub(super) sign_off: Option<&'static str>,
    /// The coach's comment on the sign-off (the reason, for a rejection).
    pub(super) sign_off_comment: String,
}

impl VerdictBox {
    /// The box of `view`; `endpoints` are the team's endpoint URLs, which the exchanges'
    /// URLs are shortened against; `name_of` names the submitter from their user id.
    pub(super) fn of(
        view: &SubmissionView,
        endpoints: &[&str],
        name_of: impl Fn(&str) -> String,
    ) -> Self {
        let verdict = view.verdict.as_ref();
        let mut checks: Vec<CheckRow> = verdict
            .map(|v| {
                v.checks
                    .iter()
                    .map(|c| CheckRow {
                        name: c.name.clone(),
                        passed: c.passed,
                        message_html: markdown::to_safe_html(&c.message),
                    })
                    .collect()
            })
            .unwrap_or_default();
        // What to fix comes first; the sort is stable, so the validator's order stays within.
        checks.sort_by_key(|c| c.passed);
        Self {
            id: view.id.clone(),
            challenge: view.challenge.clone(),
            at: ShownTime::new(view.created_at.naive_utc(), TimeStyle::DateSeconds),
            submitted_by: name_of(&view.submitted_by),
            answer: view.answer.clone(),
            files: view
                .files
                .iter()
                .map(|f| SubmittedFileLink {
                    path: f.path.clone(),
                    size: size_label(f.size),
                    href: submitted_file_href(&view.team, &view.id, &f.path),
                })
                .collect(),
            pending: verdict.is_none() && view.validator_error.is_none(),
            passed: verdict.is_some_and(|v| v.passed),
            score: verdict.map_or(0, |v| v.score),
            max_score: verdict.map_or(0, |v| v.max_score),
            feedback_html: verdict
                .map(|v| markdown::to_safe_html(&v.feedback))
                .unwrap_or_default(),
            checks,
            error: view.validator_error.as_ref().map(|e| e.message.clone()),
            exchanges: ExchangeLine::all(&view.exchanges, endpoints),
            sign_off: view.sign_off.as_ref().map(|s| s.state.as_str()),
            sign_off_comment: view
                .sign_off
                .as_ref()
                .map(|s| s.comment.clone())
                .unwrap_or_default(),
        }
    }
}

/// A line of the team's recent submissions.
pub(super) struct SubmissionRow {
    pub(super) id: String,
    pub(super) challenge: String,
    pub(super) at: ShownTime,
    pub(super) outcome: String,
    pub(super) class: &'static str,
}

impl SubmissionRow {
    pub(super) fn of(summary: &SubmissionSummary) -> Self {
        let (outcome, class) = match (summary.passed, summary.score, summary.max_score) {
            (Some(true), Some(score), Some(max))
                if summary.status == SubmissionStatus::AwaitingSignOff =>
            {
                (
                    format!("passed {score}/{max}, awaiting sign-off"),
                    "pending",
                )
            }
            (Some(true), Some(_), Some(_))
                if summary.status == SubmissionStatus::SignOffRejected =>
            {
                ("not signed off".to_owned(), "fail")
            }
            (Some(true), Some(score), Some(max)) => (format!("passed {score}/{max}"), "pass"),
            (Some(false), Some(score), Some(max)) => (format!("failed {score}/{max}"), "fail"),
            _ => (summary.status.as_str().replace('_', " "), "pending"),
        };
        Self {
            id: summary.id.clone(),
            challenge: summary.challenge.clone(),
            at: ShownTime::new(summary.created_at.naive_utc(), TimeStyle::TimeSeconds),
            outcome,
            class,
        }
    }
}

pub(super) fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A statement without its leading `# Title` line when that repeats the challenge's title
/// (the page already shows the title as the section's heading).
pub(super) fn statement_body<'a>(statement: &'a str, title: &str) -> &'a str {
    if let Some(rest) = statement.trim_start().strip_prefix("# ") {
        let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
        if first.trim() == title.trim() {
            return after;
        }
    }
    statement
}

#[cfg(test)]
mod tests {
    use super::{size_label, statement_body};

    #[test]
    fn a_statement_does_not_repeat_its_title() {
        assert_eq!(
            statement_body("# First contact\n\nHello", "First contact"),
            "\nHello"
        );
        assert_eq!(
            statement_body("# Other\n\nHello", "First contact"),
            "# Other\n\nHello"
        );
        assert_eq!(statement_body("Hello", "First contact"), "Hello");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_label(12), "12 B");
        assert_eq!(size_label(2048), "2.0 KiB");
        assert_eq!(size_label(3 * 1024 * 1024), "3.0 MiB");
    }
}
