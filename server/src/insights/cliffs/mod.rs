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
//! score        = lost_seconds
//!              + 600 × hints unlocked
//!              + 600 × questions asked (1800 × those answered to everyone)
//!              + 1200 × nudges (a team past the challenge's expected time)
//!              + 900 × sign-offs rejected
//!              + 3600 × skips (a coach or organizer opened the next challenge for a team
//!                              stuck on this one)
//! ```
//!
//! i.e. time stuck × teams affected, plus what the coach's playbook saw, each signal weighed
//! as the time it stands for; cliffs rank by `score` (more first), then `lost_seconds`, then
//! `failed_attempts` (more first), then `help_calls` (more first), then ladder position and
//! check name. Evidence is attached as follows: per affected team, the check's message from
//! its first failing attempt; each help call to the cliff whose stuck window of that team
//! contains the call (the team's longest if several); each coach note, feedback, hint unlock
//! (`hint`), question (`question`), nudge (`nudge`), rejected sign-off
//! (`sign_off_rejected`) and skip (`skip`, on the challenge the team skipped) to the cliff of
//! that challenge where that team lost the most time (a signal of a team never stuck on that
//! challenge is left out, as a note is). The one exception is a skip of a team that never
//! failed an attempt on the challenge (it read, tried locally, asked a coach, and was opened
//! past it): it goes to the challenge's `check: null` cliff, made for it when no team failed
//! there without a failing check, where the team counts as affected with no time measured
//! (`lost_seconds` comes from attempts only; the skip's 3600 stands for it).
//!
//! Modules: `windows` measures one team's stuck windows; `playbook` reads the playbook's
//! signals and their weights; `ranking` turns them into the ranked report.

pub mod playbook;
mod ranking;
mod windows;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use ranking::{lost_by_team, report};

use crate::insights::{survey::SurveySummary, trust::OrganizationTrust};

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
    /// Each organization of the teams within the filters, by name, with how many of the
    /// people on its teams hold it through a verified identity
    /// ([`crate::insights::trust`]).
    #[serde(default)]
    pub organizations: Vec<OrganizationTrust>,
    /// The closing survey's figures ([`crate::insights::survey`]); `null` when the event has
    /// no survey, or the organization filter names one with fewer than three answers.
    #[serde(default)]
    pub survey: Option<SurveySummary>,
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
    /// The score cliffs rank by: `lost_seconds` plus the weights of the playbook's signals
    /// (hints, questions, nudges, rejected sign-offs), as documented above.
    pub score: i64,
    /// Σ stuck seconds over affected teams.
    pub lost_seconds: i64,
    /// Teams stuck here (on the `null` cliff, with the teams opened past the challenge
    /// without a failed attempt on it).
    pub teams_affected: u32,
    /// Teams (within the filters) that attempted the challenge.
    pub teams_total: u32,
    /// Median stuck time of the affected teams.
    pub median_stuck_seconds: i64,
    /// Attempts where this check failed (or, for `null`, failures without a failing check).
    pub failed_attempts: u32,
    /// Help calls raised while a team was stuck here.
    pub help_calls: u32,
    /// Hints unlocked by the teams stuck here (on the challenge).
    pub hints: u32,
    /// Questions asked about the challenge by the teams stuck here.
    pub questions: u32,
    /// Of `questions`, those answered to everyone.
    pub questions_to_everyone: u32,
    /// Nudges: teams stuck here that passed the challenge's expected time.
    pub nudges: u32,
    /// Passes of the teams stuck here that a coach or organizer rejected.
    pub sign_offs_rejected: u32,
    /// Teams stuck here for which a coach or organizer opened the next challenge.
    pub skips: u32,
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
    /// `failing_check`, `coach_note`, `feedback`, `help_call`, `hint`, `question`, `nudge`,
    /// `sign_off_rejected`, `skip` or `survey` (a closing survey's answer saying why this
    /// challenge was the hardest: no team, the organization only when it has at least three
    /// answers).
    pub kind: String,
    /// The check's message, the note, the feedback line (with its difficulty), the help
    /// call's context, the hint's title and cost, the question (marked when answered to
    /// everyone), the expected time passed, the rejection's comment, or how long the team was
    /// on the challenge it was opened past and why.
    pub text: String,
    /// Team name.
    pub team: String,
    /// The team's organization.
    pub organization: String,
    /// When (UTC); for a survey answer, when the survey opened (answers carry no time).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
    /// The author's name, only when they let the report print it (`name_in_report`);
    /// absent otherwise: the words are attributed to a role and an organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
}
