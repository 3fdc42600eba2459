//! `cohack challenge test`: run every sample on the real sandbox and compare with what it
//! declares. The server runs the same function before a validator version goes live.
//!
//! Samples never touch the network. A sample of a challenge with a `[network]` section
//! replays its `exchanges.json` (the endpoints it declares, the exchanges in order); one
//! without that file runs with no endpoint and an empty recording, so every request its
//! validator sends is refused, and its declared outcome says what follows.

use std::fmt;
use std::io::Write;
use std::time::Duration;

use cohack_runtime::{
    Exchange, Limits, Network, NetworkMode, RunContext, Validator, ValidatorError, Verdict,
};

use crate::{DEFAULT_TEAM, Expect, NetworkCaps, NetworkSpec, Package, Sample};

/// What the validator said about a sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleOutcome {
    /// A verdict.
    Verdict {
        /// Whether it passed.
        passed: bool,
        /// Its score.
        score: u32,
        /// Its maximum score.
        max_score: u32,
    },
    /// The validator failed (trap, fuel, time, memory, invalid output).
    Error(ValidatorError),
}

impl SampleOutcome {
    /// `"pass"`, `"fail"` or `"error"`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Verdict { passed: true, .. } => "pass",
            Self::Verdict { passed: false, .. } => "fail",
            Self::Error(_) => "error",
        }
    }
}

/// One sample's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleResult {
    /// `pass/NAME` or `fail/NAME`.
    pub name: String,
    /// What the sample declares.
    pub expect: Expect,
    /// The declared score, if any.
    pub expected_score: Option<u32>,
    /// What the validator said.
    pub outcome: SampleOutcome,
    /// Wall time of the run.
    pub duration: Duration,
    /// Fuel (≈ instructions) used.
    pub fuel_used: u64,
    /// Why the row does not match, `None` when it does: the validator error, or the expected
    /// against the actual result with the failed checks.
    pub mismatch: Option<String>,
    /// The requests the validator sent and what the replay answered.
    pub exchanges: Vec<Exchange>,
}

impl SampleResult {
    /// Whether the validator said what the sample declares.
    pub fn ok(&self) -> bool {
        self.mismatch.is_none()
    }
}

/// The result of running a package's samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleReport {
    /// The challenge.
    pub slug: String,
    /// One row per sample, in the package's order.
    pub results: Vec<SampleResult>,
    /// `materials("sample-team")` failed or broke the package's rules.
    pub materials_error: Option<String>,
}

impl SampleReport {
    /// Whether every sample matched and materials could be produced: what the CLI's exit code
    /// and the server's go-live gate check.
    pub fn all_ok(&self) -> bool {
        self.materials_error.is_none() && self.results.iter().all(SampleResult::ok)
    }

    /// The rows that do not match.
    pub fn mismatches(&self) -> impl Iterator<Item = &SampleResult> {
        self.results.iter().filter(|r| !r.ok())
    }
}

/// Runs every sample of `package` on `validator`, under the default limits with the
/// manifest's overrides (capped at the server maximum). Writes one line per sample to
/// `progress`, and under a sample that does not match, one line per exchange.
///
/// The network is bounded by [`NetworkCaps::local`]: `http://` and private addresses are
/// allowed, because samples only replay their recordings and send nothing, and a recording
/// made against a service on the author's machine (`http://127.0.0.1:8000`) should replay
/// here. A server re-runs the samples under its own caps before publishing
/// ([`test_with_limits`]), so there such a sample is refused unless the server allows
/// `http://`.
pub fn test(package: &Package, validator: &Validator, progress: &mut dyn Write) -> SampleReport {
    let limits = Limits::default().with_overrides(&package.manifest.limits, &Limits::server_max());
    test_with_limits(package, validator, limits, &NetworkCaps::local(), progress)
}

/// [`test()`] under the given limits and network caps (the server passes its runtime's
/// `limits_for(overrides)` and its configuration's `network_caps()`).
pub fn test_with_limits(
    package: &Package,
    validator: &Validator,
    limits: Limits,
    caps: &NetworkCaps,
    progress: &mut dyn Write,
) -> SampleReport {
    let spec = package.manifest.network.as_ref();
    let context = RunContext {
        config: package.manifest.config.clone(),
        limits,
        network: spec.map(|spec| replay(spec, caps, None)),
    };
    let slug = &package.manifest.slug;
    let materials_error = check_materials(validator, &context, &limits);
    if let Some(error) = &materials_error {
        let _ = writeln!(progress, "materials: {error}");
    }
    let mut results = Vec::with_capacity(package.samples.len());
    for sample in &package.samples {
        let context = RunContext {
            network: spec.map(|spec| replay(spec, caps, Some(sample))),
            ..context.clone()
        };
        let report = validator.validate(&sample.submission(slug), &context);
        let mismatch = mismatch(sample, report.outcome.as_ref(), package.manifest.points);
        let outcome = match report.outcome {
            Ok(v) => SampleOutcome::Verdict {
                passed: v.passed,
                score: v.score,
                max_score: v.max_score,
            },
            Err(e) => SampleOutcome::Error(e),
        };
        let result = SampleResult {
            name: sample.name.clone(),
            expect: sample.expect,
            expected_score: sample.expected_score,
            outcome,
            duration: report.duration,
            fuel_used: report.fuel_used,
            mismatch,
            exchanges: report.exchanges,
        };
        let _ = writeln!(
            progress,
            "{} {}",
            if result.ok() { "ok  " } else { "FAIL" },
            result.name
        );
        if !result.ok() {
            for exchange in &result.exchanges {
                let _ = writeln!(progress, "       {}", exchange.summary());
            }
        }
        results.push(result);
    }
    SampleReport {
        slug: slug.clone(),
        results,
        materials_error,
    }
}

/// The network of a sample's run: its recorded endpoints and exchanges, replayed; without a
/// sample (materials) or a recording, no endpoint and nothing to replay.
fn replay(spec: &NetworkSpec, caps: &NetworkCaps, sample: Option<&Sample>) -> Network {
    let recording = sample.and_then(|s| s.network.as_ref());
    let (endpoints, exchanges) = match recording {
        Some(recording) => (recording.endpoints.as_slice(), recording.exchanges.clone()),
        None => (&[][..], Vec::new()),
    };
    spec.network(caps, endpoints, NetworkMode::Replay { exchanges })
}

/// Why `outcome` does not match `sample`, if it does not.
fn mismatch(
    sample: &Sample,
    outcome: Result<&Verdict, &ValidatorError>,
    points: u32,
) -> Option<String> {
    let verdict = match outcome {
        Err(e) => return Some(format!("validator error: {e}")),
        Ok(v) => v,
    };
    let mut problems = Vec::new();
    if verdict.max_score != points {
        problems.push(format!(
            "max score is {}, the manifest says {points} points",
            verdict.max_score
        ));
    }
    let wanted = sample.expect == Expect::Pass;
    if verdict.passed != wanted {
        problems.push(format!(
            "expected {}, got {}",
            sample.expect,
            if verdict.passed { "pass" } else { "fail" }
        ));
    }
    if let Some(score) = sample.expected_score
        && score != verdict.score
    {
        problems.push(format!("expected score {score}, got {}", verdict.score));
    }
    if problems.is_empty() {
        return None;
    }
    let failed: Vec<String> = verdict
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{} ({})", c.name, c.message))
        .collect();
    if !failed.is_empty() {
        problems.push(format!("failed checks: {}", failed.join("; ")));
    } else if !verdict.feedback.is_empty() {
        problems.push(format!("feedback: {}", verdict.feedback));
    }
    Some(problems.join("; "))
}

/// Runs `materials` for the default sample team and checks the result against the
/// submission limits (materials are capped like a submission).
fn check_materials(validator: &Validator, context: &RunContext, limits: &Limits) -> Option<String> {
    match validator.materials(DEFAULT_TEAM, context) {
        Err(e) => Some(format!("validator error: {e}")),
        Ok(files) => {
            let size: usize = files.iter().map(|f| f.path.len() + f.content.len()).sum();
            if files.len() > limits.max_submission_files {
                Some(format!(
                    "{} files, the limit is {}",
                    files.len(),
                    limits.max_submission_files
                ))
            } else if size > limits.max_submission_bytes {
                Some(format!(
                    "{size} bytes, the limit is {}",
                    limits.max_submission_bytes
                ))
            } else {
                None
            }
        }
    }
}

impl fmt::Display for SampleReport {
    /// A table, one row per sample, then the reasons of the mismatches and a summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .results
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        writeln!(
            f,
            "{:<width$}  {:<6}  {:<5}  {:>11}  {:>9}  {:>9}  result",
            "sample", "expect", "got", "score", "time", "fuel"
        )?;
        for r in &self.results {
            let score = match (&r.outcome, r.expected_score) {
                (
                    SampleOutcome::Verdict {
                        score, max_score, ..
                    },
                    _,
                ) => format!("{score}/{max_score}"),
                (SampleOutcome::Error(_), Some(expected)) => format!("(want {expected})"),
                (SampleOutcome::Error(_), None) => "-".to_owned(),
            };
            writeln!(
                f,
                "{:<width$}  {:<6}  {:<5}  {:>11}  {:>9}  {:>9}  {}",
                r.name,
                r.expect.as_str(),
                r.outcome.label(),
                score,
                format_duration(r.duration),
                format_fuel(r.fuel_used),
                if r.ok() { "ok" } else { "MISMATCH" }
            )?;
        }
        for r in self.mismatches() {
            writeln!(
                f,
                "\n{}: {}",
                r.name,
                r.mismatch.as_deref().unwrap_or_default()
            )?;
        }
        if let Some(error) = &self.materials_error {
            writeln!(f, "\nmaterials({DEFAULT_TEAM}): {error}")?;
        }
        let bad = self.mismatches().count();
        write!(
            f,
            "\n{}: {} samples, {} ok, {bad} mismatched{}",
            self.slug,
            self.results.len(),
            self.results.len() - bad,
            if self.materials_error.is_some() {
                ", materials failed"
            } else {
                ""
            }
        )
    }
}

fn format_duration(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1_000 {
        format!("{micros} µs")
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1_000.0)
    }
}

fn format_fuel(fuel: u64) -> String {
    match fuel {
        0..1_000 => fuel.to_string(),
        1_000..1_000_000 => format!("{:.1}k", fuel as f64 / 1e3),
        _ => format!("{:.1}M", fuel as f64 / 1e6),
    }
}
