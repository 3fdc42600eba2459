//! `cohack challenge test --live URL`: the samples that must pass, run against a service the
//! author runs instead of their recordings. It answers "does my validator accept a working
//! service?" before a team ever deploys one.
//!
//! Every endpoint the manifest's `[network] team_endpoints` names is set to the URL; each
//! sample under `samples/pass/` is submitted as it is (files, answer, team) and its requests
//! go out. The samples under `samples/fail/` are skipped: their recordings are of broken
//! services, which the one service given cannot be all at once.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use cohack_runtime::{
    Endpoint, Exchange, Limits, NetworkMode, RunContext, Validator, ValidatorError, Verdict,
    check_endpoint_url,
};

use crate::manifest::MANIFEST_FILE;
use crate::{Expect, NetworkCaps, Package, PackageError};

/// One sample's live run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveResult {
    /// `pass/NAME`.
    pub name: String,
    /// The verdict, or why there is none.
    pub outcome: Result<Verdict, ValidatorError>,
    /// The requests the validator sent, and what became of each.
    pub exchanges: Vec<Exchange>,
    /// Wall time of the run.
    pub duration: Duration,
}

impl LiveResult {
    /// Whether the validator passed the service.
    pub fn ok(&self) -> bool {
        self.outcome.as_ref().is_ok_and(|v| v.passed)
    }
}

/// The result of [`test_live`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveReport {
    /// The challenge.
    pub slug: String,
    /// The service's URL.
    pub url: String,
    /// One row per sample under `samples/pass/`, in the package's order.
    pub results: Vec<LiveResult>,
    /// The samples under `samples/fail/`, not run.
    pub skipped: Vec<String>,
}

impl LiveReport {
    /// Whether there was a sample to run and the validator passed the service in each.
    pub fn all_ok(&self) -> bool {
        !self.results.is_empty() && self.results.iter().all(LiveResult::ok)
    }
}

/// Runs every sample of `package` that must pass on `validator`, live, with each of the
/// manifest's `team_endpoints` set to `url`, under `limits` and `caps` (on the author's
/// machine, [`NetworkCaps::local`]). Writes one line per sample to `progress` as it goes.
///
/// Refuses a package without a `[network]` section, and a URL that is not an absolute
/// `https://` URL (or `http://` where `caps` allow it).
pub fn test_live(
    package: &Package,
    validator: &Validator,
    limits: Limits,
    caps: &NetworkCaps,
    url: &str,
    progress: &mut dyn Write,
) -> Result<LiveReport, PackageError> {
    let Some(spec) = &package.manifest.network else {
        let manifest = match &package.dir {
            Some(dir) => dir.join(MANIFEST_FILE),
            None => Path::new(MANIFEST_FILE).to_path_buf(),
        };
        return Err(PackageError::invalid(
            manifest,
            "no [network] section: the validator calls no service, so there is nothing to test live",
        ));
    };
    check_endpoint_url(url, caps.allow_http).map_err(PackageError::Endpoint)?;
    let endpoints: Vec<Endpoint> = spec
        .team_endpoints
        .iter()
        .map(|name| Endpoint {
            name: name.clone(),
            url: url.to_owned(),
        })
        .collect();
    let context = RunContext {
        config: package.manifest.config.clone(),
        limits,
        network: Some(spec.network(caps, &endpoints, NetworkMode::Live)),
    };
    let slug = &package.manifest.slug;
    let mut results = Vec::new();
    let mut skipped = Vec::new();
    for sample in &package.samples {
        if sample.expect == Expect::Fail {
            skipped.push(sample.name.clone());
            continue;
        }
        let report = validator.validate(&sample.submission(slug), &context);
        let result = LiveResult {
            name: sample.name.clone(),
            outcome: report.outcome,
            exchanges: report.exchanges,
            duration: report.duration,
        };
        let _ = writeln!(
            progress,
            "{} {}",
            if result.ok() { "ok  " } else { "FAIL" },
            result.name
        );
        results.push(result);
    }
    Ok(LiveReport {
        slug: slug.clone(),
        url: url.to_owned(),
        results,
        skipped,
    })
}

impl fmt::Display for LiveReport {
    /// Per sample: the verdict, its checks and feedback, and one line per exchange; then the
    /// skipped samples and a summary line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for r in &self.results {
            match &r.outcome {
                Ok(v) => {
                    writeln!(
                        f,
                        "{}: {} {}/{} ({} ms)",
                        r.name,
                        if v.passed { "pass" } else { "fail" },
                        v.score,
                        v.max_score,
                        r.duration.as_millis()
                    )?;
                    for check in &v.checks {
                        writeln!(
                            f,
                            "  {} {}: {}",
                            if check.passed { "ok  " } else { "FAIL" },
                            check.name,
                            check.message
                        )?;
                    }
                    if !v.feedback.is_empty() {
                        writeln!(f, "  feedback: {}", v.feedback)?;
                    }
                }
                Err(e) => writeln!(f, "{}: validator error: {e}", r.name)?,
            }
            for exchange in &r.exchanges {
                writeln!(f, "  {}", exchange.summary())?;
            }
            writeln!(f)?;
        }
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "skipped {}: samples that must fail replay recordings of broken services\n",
                self.skipped.join(", ")
            )?;
        }
        let passed = self.results.iter().filter(|r| r.ok()).count();
        if self.results.is_empty() {
            write!(f, "{}: no sample under samples/pass/ to run", self.slug)
        } else {
            write!(
                f,
                "{} against {}: {} samples, {passed} passed, {} did not",
                self.slug,
                self.url,
                self.results.len(),
                self.results.len() - passed
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use cohack_runtime::{Check, ExchangeOutcome, ValidatorErrorKind};

    use super::*;

    fn verdict(passed: bool) -> Verdict {
        Verdict {
            passed,
            score: if passed { 200 } else { 100 },
            max_score: 200,
            feedback: String::new(),
            checks: vec![
                Check {
                    name: "health".into(),
                    passed: true,
                    message: "GET /health answered {\"status\":\"ok\"}.".into(),
                },
                Check {
                    name: "echo".into(),
                    passed,
                    message: "the echo".into(),
                },
            ],
            notes: String::new(),
        }
    }

    fn exchange(status: u16) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "http://127.0.0.1:8000/health".into(),
            request_headers: Default::default(),
            request_body: Default::default(),
            outcome: ExchangeOutcome::Response {
                status,
                headers: Default::default(),
                body: Default::default(),
            },
            duration_ms: 3,
        }
    }

    fn report(results: Vec<LiveResult>) -> LiveReport {
        LiveReport {
            slug: "ship-it".into(),
            url: "http://127.0.0.1:8000".into(),
            results,
            skipped: vec!["fail/timeout".into()],
        }
    }

    #[test]
    fn the_report_shows_verdicts_checks_and_exchanges() {
        let good = LiveResult {
            name: "pass/a".into(),
            outcome: Ok(verdict(true)),
            exchanges: vec![exchange(200)],
            duration: Duration::from_millis(12),
        };
        let bad = LiveResult {
            name: "pass/b".into(),
            outcome: Ok(verdict(false)),
            ..good.clone()
        };
        let broken = LiveResult {
            name: "pass/c".into(),
            outcome: Err(ValidatorError::new(ValidatorErrorKind::Network, "refused")),
            ..good.clone()
        };
        let all_good = report(vec![good.clone()]);
        assert!(all_good.all_ok());
        let text = report(vec![good, bad, broken]).to_string();
        assert!(text.contains("pass/a: pass 200/200 (12 ms)"), "{text}");
        assert!(
            text.contains("  ok   health: GET /health answered"),
            "{text}"
        );
        assert!(text.contains("pass/b: fail 100/200"), "{text}");
        assert!(text.contains("  FAIL echo: the echo"), "{text}");
        assert!(text.contains("pass/c: validator error: network"), "{text}");
        assert!(
            text.contains("  GET http://127.0.0.1:8000/health → 200 in 3 ms"),
            "{text}"
        );
        assert!(text.contains("skipped fail/timeout: "), "{text}");
        assert!(
            text.ends_with("ship-it against http://127.0.0.1:8000: 3 samples, 1 passed, 2 did not")
        );
        assert!(!report(Vec::new()).all_ok(), "nothing run is not a pass");
        assert!(
            report(Vec::new())
                .to_string()
                .ends_with("no sample under samples/pass/ to run")
        );
    }
}
