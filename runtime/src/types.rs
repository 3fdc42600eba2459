//! The plain data types of the runtime's API: what goes into a run and what comes out.
//!
//! These are our own serde types, deliberately not the ones `bindgen!` generates, so that the
//! server and the CLI can store and send them without depending on wasmtime; `run.rs` converts
//! at the sandbox's edge.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Limits;
use crate::network::{Exchange, Network};

/// One file of a submission or of a team's starting material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    /// Relative path, as the team named it.
    pub path: String,
    /// Raw content.
    pub content: Vec<u8>,
}

/// What a team submits for one challenge.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Submission {
    /// Challenge slug.
    pub challenge: String,
    /// Opaque, stable team id: lets a validator derive per-team variants.
    pub team: String,
    /// Short answer, may be empty.
    pub answer: String,
    /// Submitted files.
    pub files: Vec<File>,
}

impl Submission {
    /// Total bytes a submission occupies (answer and file contents and paths), the measure the
    /// submission size limit applies to.
    pub fn size_bytes(&self) -> usize {
        self.answer.len()
            + self
                .files
                .iter()
                .map(|f| f.path.len() + f.content.len())
                .sum::<usize>()
    }
}

/// One success criterion of a verdict, shown to the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// Short name of the criterion.
    pub name: String,
    /// Whether the submission meets it.
    pub passed: bool,
    /// Explanation for the team.
    pub message: String,
}

/// A validator's judgement of a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Whether the challenge is solved.
    pub passed: bool,
    /// Partial credit, `0..=max_score` (the runtime enforces it).
    pub score: u32,
    /// The best possible score.
    pub max_score: u32,
    /// Shown to the team.
    pub feedback: String,
    /// Per-criterion results, shown to the team.
    pub checks: Vec<Check>,
    /// Shown to authors and organizers only.
    pub notes: String,
}

/// Per-run input besides the submission: the challenge's settings for this event and the
/// limits in force (already resolved with [`Limits::with_overrides`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunContext {
    /// What the validator's `config(key)` import answers.
    pub config: BTreeMap<String, String>,
    /// Limits for this run; the runtime caps them again at its server maximum.
    pub limits: Limits,
    /// What a 0.2.0 validator may reach over HTTP; `None` refuses every request (and a
    /// 0.1.0 validator cannot send any).
    #[serde(default)]
    pub network: Option<Network>,
}

/// Why a run produced no verdict. Recorded for the challenge's authors; never counted against
/// the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValidatorErrorKind {
    /// The validator trapped: a panic, `unreachable`, an out-of-bounds access, `exit()`.
    Trap,
    /// The instruction budget (fuel) ran out.
    OutOfFuel,
    /// The wall-time limit passed.
    Timeout,
    /// The validator needed more memory than its limit.
    Memory,
    /// The validator recursed deeper than its Wasm stack limit.
    StackOverflow,
    /// The validator returned something the contract forbids: a score above its maximum,
    /// oversized feedback, too many or too large materials.
    InvalidOutput,
    /// The host could not run the validator (e.g. the instance pool was exhausted). Not the
    /// validator's fault; rerunning may succeed.
    Internal,
    /// The validator sent a request the sandbox refused (a host its challenge does not
    /// allow, a private address, over its budget, or a replay that does not match the
    /// recording). A team's slow or broken service is never this: that is a failing check.
    Network,
}

impl ValidatorErrorKind {
    /// The stable snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trap => "trap",
            Self::OutOfFuel => "out_of_fuel",
            Self::Timeout => "timeout",
            Self::Memory => "memory",
            Self::StackOverflow => "stack_overflow",
            Self::InvalidOutput => "invalid_output",
            Self::Internal => "internal",
            Self::Network => "network",
        }
    }
}

impl fmt::Display for ValidatorErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run that ended without a verdict: its kind, and a detail string for the authors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{kind}: {detail}")]
pub struct ValidatorError {
    /// What went wrong.
    pub kind: ValidatorErrorKind,
    /// Human-readable explanation for the challenge's authors.
    pub detail: String,
}

impl ValidatorError {
    /// Shorthand constructor.
    pub fn new(kind: ValidatorErrorKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
        }
    }
}

/// Severity of a log line, mirroring the WIT `level` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    /// Detailed tracing.
    Debug,
    /// Normal progress, and the validator's stdout.
    Info,
    /// Something suspicious, the validator's stderr, and the runtime's truncation marker.
    Warn,
    /// Something failed.
    Error,
}

/// One line of a run's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Severity.
    pub level: LogLevel,
    /// The text, possibly cut at the log's byte limit.
    pub message: String,
}

/// Everything a run produced: exactly one outcome, the log, and what it cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    /// A verdict, or why there is none.
    pub outcome: Result<Verdict, ValidatorError>,
    /// The validator's log (`log` calls, stdout, stderr), bounded.
    pub logs: Vec<LogLine>,
    /// Fuel (roughly: Wasm instructions) the run consumed.
    pub fuel_used: u64,
    /// Wall time of the run, from creating its store to dropping it.
    pub duration: Duration,
    /// Every request the validator sent, in order (0.2.0 validators only), and what became
    /// of it.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
}
