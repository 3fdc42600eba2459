//! What publishing a package returns: the server's re-run of its samples, and either the
//! version that went live or the 422 refusal when a sample did not get its declared outcome.

use cohack_package::{SampleOutcome, SampleReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ChallengeAdmin;

/// One sample of a package, as the server's re-run judged it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleRow {
    /// `pass/NAME` or `fail/NAME`.
    pub name: String,
    /// `pass` or `fail`: what the sample declares.
    pub expect: String,
    /// The exact score the sample declares, if any.
    pub expected_score: Option<u32>,
    /// `pass`, `fail` or `error`: what the validator said.
    pub got: String,
    /// The verdict's score.
    pub score: Option<u32>,
    /// The verdict's maximum score.
    pub max_score: Option<u32>,
    /// The validator error, when there was one.
    pub error: Option<String>,
    /// Wall time in microseconds.
    pub duration_us: u64,
    /// Fuel used.
    pub fuel_used: u64,
    /// Whether the validator said what the sample declares.
    pub ok: bool,
    /// Why not.
    pub mismatch: Option<String>,
}

/// The samples table of a publish.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SampleTable {
    /// One row per sample.
    pub samples: Vec<SampleRow>,
    /// `materials("sample-team")` failed or broke the limits.
    pub materials_error: Option<String>,
}

impl From<&SampleReport> for SampleTable {
    fn from(report: &SampleReport) -> Self {
        SampleTable {
            samples: report
                .results
                .iter()
                .map(|r| {
                    let (score, max_score, error) = match &r.outcome {
                        SampleOutcome::Verdict {
                            score, max_score, ..
                        } => (Some(*score), Some(*max_score), None),
                        SampleOutcome::Error(e) => (None, None, Some(e.to_string())),
                    };
                    SampleRow {
                        name: r.name.clone(),
                        expect: r.expect.as_str().to_owned(),
                        expected_score: r.expected_score,
                        got: r.outcome.label().to_owned(),
                        score,
                        max_score,
                        error,
                        duration_us: u64::try_from(r.duration.as_micros()).unwrap_or(u64::MAX),
                        fuel_used: r.fuel_used,
                        ok: r.ok(),
                        mismatch: r.mismatch.clone(),
                    }
                })
                .collect(),
            materials_error: report.materials_error.clone(),
        }
    }
}

/// A version that went live.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Published {
    /// The challenge as it is now.
    pub challenge: ChallengeAdmin,
    /// The new version's number (1, 2, …).
    pub version: i32,
    /// sha256 of the validator.
    pub validator_sha256: String,
    /// The server's re-run of the samples.
    #[serde(flatten)]
    pub table: SampleTable,
}

/// The 422 answer to a package whose samples did not all get their declared outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishRefused {
    /// `{code: "samples_mismatch", message}`.
    pub error: crate::error::ErrorDetail,
    /// The server's re-run of the samples.
    #[serde(flatten)]
    pub table: SampleTable,
}
