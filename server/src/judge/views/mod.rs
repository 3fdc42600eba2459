//! What the challenge and submission endpoints return. Who sees what is decided here, once:
//! teams get the verdict, feedback and checks; organizers and authors additionally get the
//! notes, the log, the cost of the run and the validator's error detail.
//!
//! Modules, one job each:
//! - `ladder`: the ladder, a challenge as staff manage it, a team's materials;
//! - `publish`: the samples table and the outcome of publishing a package;
//! - `submission`: a submission, its verdict and its exchanges, for a team or for staff;
//! - `rejudge`: what a rejudge changed.

mod ladder;
mod publish;
mod rejudge;
mod submission;

pub use ladder::{ChallengeAdmin, Ladder, LadderChallenge, Materials};
pub use publish::{PublishRefused, Published, SampleRow, SampleTable};
pub use rejudge::{OutcomeView, RejudgeChange, RejudgeReport};
pub use submission::{
    Audience, CheckView, ExchangeOutcomeView, ExchangeView, FileView, LogLineView,
    RESPONSE_BODY_SHOWN, RunView, SubmissionList, SubmissionSummary, SubmissionView,
    ValidatorErrorView, VerdictView, submission_summary, submission_view,
};
