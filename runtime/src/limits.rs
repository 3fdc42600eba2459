//! Resource limits of a validator run: the defaults, the per-challenge overrides, and the
//! server maximum that caps both.
//!
//! Every limit has a default (chosen from measurement, see `BENCHMARKS.md`, section
//! "Validator runtime") and can be raised or lowered per challenge in its manifest, but never
//! above the server's maximum ([`Limits::server_max`], configurable in
//! [`RuntimeConfig`](crate::RuntimeConfig)).
//!
//! Why these defaults (measured on the 2-core development machine, see `BENCHMARKS.md`):
//! - **fuel 10⁹** — about one unit per Wasm instruction; the machine burns 1.2–1.3·10¹⁰
//!   units per second (a tight loop and the heaviest sample challenge alike), so a runaway
//!   validator stops after ~80 ms of CPU. A trivial validator uses ~4·10³ units, the heaviest
//!   sample challenge (`04-fleet-report`) ~10⁷: a hundredfold headroom. Fuel is
//!   deterministic, wall time is not: the same submission must always get the same verdict,
//!   so fuel is meant to be the limit that fires.
//! - **wall time 2 s** — the backstop for time that burns no fuel (host calls, copies of
//!   large values, a loaded machine); 25 times what a runaway needs to exhaust its fuel, so
//!   that fuel still fires first on a heavily loaded machine.
//! - **memory 128 MiB** — a validator holds the submission (up to 8 MiB by default) a few
//!   times over plus its own data; the pool reserves address space, not memory, for this.
//! - **Wasm stack 512 KiB** — wasmtime's own default; deep enough for recursive-descent
//!   parsers, small enough that runaway recursion ends in microseconds, and safe to run on
//!   any thread with the standard 2 MiB native stack.
//! - **module 48 MiB** — a Rust validator with serde, regex and a CSV parser is 1–3 MB (the
//!   sample challenges 97–315 KB), but a Python one carries its interpreter and standard
//!   library (componentize-py: 17.5 MiB) and a JavaScript one its engine (componentize-js:
//!   11.5 MiB): room for either to grow to more than twice that.
//! - **submission 8 MiB, 256 files** — code plus data files of a hackathon task.
//! - **output 64 KiB** — feedback, notes and checks are read by humans on a web page.
//! - **log 64 KiB, 1,000 lines** — enough to debug a run, small enough to store per run.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{RuntimeError, Submission};

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;

/// The limits of one validator run. All sizes are in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Instruction budget (wasmtime fuel).
    pub fuel: u64,
    /// Wall-time budget, enforced by epoch interruption (resolution: one epoch tick, 5 ms).
    pub wall_time: Duration,
    /// Linear memory the validator may grow to (all its memories together).
    pub memory_bytes: usize,
    /// Wasm stack depth in bytes.
    pub max_stack_bytes: usize,
    /// Size of the validator binary accepted at publish time.
    pub max_module_bytes: usize,
    /// Total size of a submission (answer, file paths and contents); also caps the
    /// materials a validator hands out.
    pub max_submission_bytes: usize,
    /// Number of files in a submission (or in a team's materials).
    pub max_submission_files: usize,
    /// Total size of a verdict's feedback, notes and checks.
    pub max_output_bytes: usize,
    /// Total size of a run's log messages.
    pub max_log_bytes: usize,
    /// Number of lines in a run's log.
    pub max_log_lines: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            fuel: 1_000_000_000,
            wall_time: Duration::from_secs(2),
            memory_bytes: 128 * MIB,
            max_stack_bytes: 512 * KIB,
            max_module_bytes: 48 * MIB,
            max_submission_bytes: 8 * MIB,
            max_submission_files: 256,
            max_output_bytes: 64 * KIB,
            max_log_bytes: 64 * KIB,
            max_log_lines: 1_000,
        }
    }
}

impl Limits {
    /// The default ceiling for per-challenge overrides: generous, but still bounded so that
    /// one challenge cannot take the machine (a worker runs at most 30 s and 1 GiB).
    pub fn server_max() -> Self {
        Self {
            fuel: 30_000_000_000,
            wall_time: Duration::from_secs(30),
            memory_bytes: 1024 * MIB,
            max_stack_bytes: 4 * MIB,
            max_module_bytes: 64 * MIB,
            max_submission_bytes: 64 * MIB,
            max_submission_files: 10_000,
            max_output_bytes: MIB,
            max_log_bytes: MIB,
            max_log_lines: 20_000,
        }
    }

    /// These limits with a challenge's overrides applied, each capped at `max`.
    pub fn with_overrides(&self, overrides: &LimitOverrides, max: &Limits) -> Limits {
        let o = overrides;
        Limits {
            fuel: o.fuel.unwrap_or(self.fuel),
            wall_time: o.wall_time_ms.map_or(self.wall_time, Duration::from_millis),
            memory_bytes: o
                .memory_mb
                .map_or(self.memory_bytes, |v| v.saturating_mul(MIB)),
            max_stack_bytes: o
                .stack_kb
                .map_or(self.max_stack_bytes, |v| v.saturating_mul(KIB)),
            max_module_bytes: o
                .module_kb
                .map_or(self.max_module_bytes, |v| v.saturating_mul(KIB)),
            max_submission_bytes: o
                .submission_kb
                .map_or(self.max_submission_bytes, |v| v.saturating_mul(KIB)),
            max_submission_files: o.submission_files.unwrap_or(self.max_submission_files),
            max_output_bytes: o
                .output_kb
                .map_or(self.max_output_bytes, |v| v.saturating_mul(KIB)),
            max_log_bytes: o
                .log_kb
                .map_or(self.max_log_bytes, |v| v.saturating_mul(KIB)),
            max_log_lines: o.log_lines.unwrap_or(self.max_log_lines),
        }
        .capped_at(max)
    }

    /// Each limit lowered to `max`'s where it is above it.
    pub fn capped_at(&self, max: &Limits) -> Limits {
        Limits {
            fuel: self.fuel.min(max.fuel),
            wall_time: self.wall_time.min(max.wall_time),
            memory_bytes: self.memory_bytes.min(max.memory_bytes),
            max_stack_bytes: self.max_stack_bytes.min(max.max_stack_bytes),
            max_module_bytes: self.max_module_bytes.min(max.max_module_bytes),
            max_submission_bytes: self.max_submission_bytes.min(max.max_submission_bytes),
            max_submission_files: self.max_submission_files.min(max.max_submission_files),
            max_output_bytes: self.max_output_bytes.min(max.max_output_bytes),
            max_log_bytes: self.max_log_bytes.min(max.max_log_bytes),
            max_log_lines: self.max_log_lines.min(max.max_log_lines),
        }
    }

    /// Whether any limit is above `max`'s (used to validate a configuration).
    pub(crate) fn exceeds(&self, max: &Limits) -> bool {
        self.capped_at(max) != *self
    }

    /// Refuses a submission above the size or file-count limit. The server calls this before
    /// storing a submission; runs call it again and answer with
    /// [`ValidatorErrorKind::Internal`](crate::ValidatorErrorKind::Internal) if it was skipped.
    pub fn check_submission(&self, submission: &Submission) -> Result<(), RuntimeError> {
        if submission.files.len() > self.max_submission_files {
            return Err(RuntimeError::SubmissionTooLarge(format!(
                "{} files, the limit is {}",
                submission.files.len(),
                self.max_submission_files
            )));
        }
        let size = submission.size_bytes();
        if size > self.max_submission_bytes {
            return Err(RuntimeError::SubmissionTooLarge(format!(
                "{size} bytes, the limit is {}",
                self.max_submission_bytes
            )));
        }
        Ok(())
    }
}

/// Bounds on compiling a validator, checked when it is published (loaded): server-wide, not
/// per challenge, because compiling happens before a challenge's limits could mean anything.
///
/// Why these defaults (measured on the 2-core development machine, see `BENCHMARKS.md`,
/// "Compiling untrusted validators"): Cranelift's time grows with a function's size times
/// the values live in it, so one function with 8,000 locals live across a loop took 2.5 s
/// and one with 40,000 would take about a minute, while a real Rust validator compiles at
/// about 2 µs per byte and its largest function has a few hundred locals.
/// - **50,000 functions** — about 140 µs of compile each even when empty; a Rust validator
///   with serde, regex and a CSV parser defines 1,000–3,000 (the sample challenges 270–760).
/// - **4,096 locals per function**, **1 MiB per function body** — ten times what optimised
///   Rust code has in its largest function in locals; the body bound admits CPython's
///   interpreter loop (componentize-py: one function of 427 KB) with room. Their product is
///   what makes a compile quadratic, and the compile-work estimate below bounds it: the worst
///   function allowed compiles in well under the deadline, on the compile thread.
/// - **compile work 50,000,000** — the estimate of `shape.rs`, in units of about a
///   microsecond of single-threaded compile: roughly 50 s, what 16 MiB of ordinary code
///   (~40,000,000) needs (a Python validator's 17.5 MiB are mostly data, not code); the
///   largest sample challenge (314 KB) estimates at 374,204.
/// - **one compile at a time** — a compile takes a core for seconds; publishing is rare, and
///   a second author simply waits for the first compile to finish.
/// - **60 s** — the wall-clock backstop for whatever the estimate misses (and for a machine
///   busy judging: the compile thread runs at a lower priority), after which the load is
///   refused; the compile itself cannot be interrupted and finishes on its own thread,
///   unseen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileLimits {
    /// Functions defined in all core modules of the component.
    pub max_functions: u64,
    /// Locals of one function (its parameters not counted).
    pub max_locals_per_function: u64,
    /// Size of one function body in bytes.
    pub max_function_body_bytes: usize,
    /// Estimated compile work (units of about a microsecond of compile, see `shape.rs`).
    pub max_compile_work: u64,
    /// Wall time a compile may take before the load is refused (waiting for a free
    /// compile slot does not count).
    pub compile_timeout: Duration,
    /// Compiles at once (each on a thread of its own, one core each).
    pub max_concurrent: usize,
}

impl Default for CompileLimits {
    fn default() -> Self {
        Self {
            max_functions: 50_000,
            max_locals_per_function: 4_096,
            max_function_body_bytes: MIB,
            max_compile_work: 50_000_000,
            compile_timeout: Duration::from_secs(60),
            max_concurrent: 1,
        }
    }
}

/// A challenge's limit overrides, as written in its manifest (TOML or JSON). Every field is
/// optional; a missing one keeps the server's default.
///
/// ```toml
/// [limits]
/// fuel = 5_000_000_000
/// wall_time_ms = 10_000
/// memory_mb = 256
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitOverrides {
    /// Instruction budget.
    pub fuel: Option<u64>,
    /// Wall time in milliseconds.
    pub wall_time_ms: Option<u64>,
    /// Memory in MiB.
    pub memory_mb: Option<usize>,
    /// Wasm stack in KiB.
    pub stack_kb: Option<usize>,
    /// Validator binary size in KiB.
    pub module_kb: Option<usize>,
    /// Submission size in KiB.
    pub submission_kb: Option<usize>,
    /// Number of submitted files.
    pub submission_files: Option<usize>,
    /// Verdict output (feedback, notes, checks) in KiB.
    pub output_kb: Option<usize>,
    /// Log size in KiB.
    pub log_kb: Option<usize>,
    /// Log lines.
    pub log_lines: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_apply_and_are_capped_at_the_server_maximum() {
        let defaults = Limits::default();
        let max = Limits::server_max();
        let overrides: LimitOverrides = toml::from_str(
            "fuel = 5\nwall_time_ms = 999999999\nmemory_mb = 64\nstack_kb = 100000\nlog_lines = 3",
        )
        .expect("valid overrides");
        let limits = defaults.with_overrides(&overrides, &max);
        assert_eq!(limits.fuel, 5);
        assert_eq!(limits.wall_time, max.wall_time);
        assert_eq!(limits.memory_bytes, 64 * MIB);
        assert_eq!(limits.max_stack_bytes, max.max_stack_bytes);
        assert_eq!(limits.max_log_lines, 3);
        assert_eq!(limits.max_output_bytes, defaults.max_output_bytes);
        assert!(!limits.exceeds(&max));
    }

    #[test]
    fn unknown_override_fields_are_refused() {
        let parsed: Result<LimitOverrides, _> = toml::from_str("fuell = 5");
        assert!(parsed.is_err());
    }

    #[test]
    fn oversized_submissions_are_refused() {
        let limits = Limits {
            max_submission_bytes: 10,
            max_submission_files: 1,
            ..Limits::default()
        };
        let mut submission = Submission {
            answer: "0123456789x".into(),
            ..Submission::default()
        };
        assert!(limits.check_submission(&submission).is_err());
        submission.answer.clear();
        submission.files = vec![
            crate::File {
                path: "a".into(),
                content: Vec::new(),
            },
            crate::File {
                path: "b".into(),
                content: Vec::new(),
            },
        ];
        assert!(limits.check_submission(&submission).is_err());
        submission.files.pop();
        assert!(limits.check_submission(&submission).is_ok());
    }
}
