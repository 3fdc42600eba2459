//! The cliffs report: where customers lost time, ranked.
//!
//! A **cliff** is a challenge and one of its checks (`check: null` stands for failures the
//! validator gave without any failing check). For each team that attempted the challenge
//! (within the filters), "stuck" is measured from submission times:
//! - on a check: from the team's first attempt where that check failed to its first later
//!   attempt where the check passed (or the challenge passed) — or, if that never happened,
//!   to the event's end (now, while the event runs);
//! - on `check: null`: from the first failed attempt with no failing check to the first later
//!   attempt that was not such a failure, or to the event's end.
//!
//! Validator errors are not attempts; they are counted apart. A team is **affected** by a
//! cliff when it was stuck there at all. The score (also in the README):
//!
//! ```text
//! lost_seconds = Σ over affected teams of stuck_seconds
//! ```
//!
//! i.e. time stuck × teams affected; cliffs rank by `lost_seconds` (more first), then
//! `failed_attempts` (more first), then `help_calls` (more first), then ladder position and
//! check name. Evidence is attached as follows: per affected team, the check's message from
//! its first failing attempt; each help call to the cliff whose stuck window of that team
//! contains the call (the team's longest if several); each coach note and feedback to the cliff
//! of that challenge where that team lost the most time.
//!
//! Modules: `windows` measures one team's stuck windows; `ranking` turns them into the
//! ranked report.

mod ranking;
mod windows;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use ranking::report;

/// Filters of the report.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct CliffFilter {
    /// Only teams of this organization (name, case-insensitive, or id).
    pub organization: Option<String>,
    /// Only this challenge (slug).
    pub challenge: Option<String>,
    /// Only cliffs with a coach note carrying this tag.
    pub tag: Option<String>,
}

/// The report.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CliffsReport {
    /// When it was computed (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// The event's slug.
    pub event: String,
    /// Ranked, worst first.
    pub cliffs: Vec<Cliff>,
}

/// One cliff.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Cliff {
    /// 1 for the worst.
    pub rank: u32,
    /// Challenge slug.
    pub challenge: String,
    /// The failing check; `null` for failures without a failing check.
    pub check: Option<String>,
    /// The score: Σ stuck seconds over affected teams.
    pub lost_seconds: i64,
    /// Teams stuck here.
    pub teams_affected: u32,
    /// Teams (within the filters) that attempted the challenge.
    pub teams_total: u32,
    /// Median stuck time of the affected teams.
    pub median_stuck_seconds: i64,
    /// Attempts where this check failed (or, for `null`, failures without a failing check).
    pub failed_attempts: u32,
    /// Help calls raised while a team was stuck here.
    pub help_calls: u32,
    /// Validator errors on the challenge (on the `null` cliff and on every check cliff alike).
    pub validator_errors: u32,
    /// Distinct organizations of the affected teams.
    pub organizations_affected: u32,
    /// What shows the cliff, oldest first.
    pub evidence: Vec<Evidence>,
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    /// `failing_check`, `coach_note`, `feedback` or `help_call`.
    pub kind: String,
    /// The check's message, the note, the feedback line (with its difficulty) or the help
    /// call's context.
    pub text: String,
    /// Team name.
    pub team: String,
    /// The team's organization.
    pub organization: String,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
}
