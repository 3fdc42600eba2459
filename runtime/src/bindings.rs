//! The validator contract bound for the host: `bindgen!` over the WIT files in
//! `challenge-sdk/wit` (never a copy, so host and SDK cannot drift apart), one module per
//! contract version the server runs:
//! - [`v1`]: `cohack:validator@0.1.0` (frozen, `wit/v0.1/validator.wit`);
//! - [`v2`]: `cohack:validator@0.2.0` (`wit/validator.wit`): endpoints in the submission,
//!   the network budget, and `wasi:http` (linked from wasmtime-wasi-http, see `network/`).
//!
//! The generated types stay inside the crate; the public API uses the serde types of
//! `types.rs`, converted here.

use crate::network::Network;
use crate::{File, LogLevel, Submission, Verdict};

/// The 0.1.0 world.
pub(crate) mod v1 {
    wasmtime::component::bindgen!({
        path: "../challenge-sdk/wit/v0.1/validator.wit",
        world: "validator",
    });
}

/// The 0.2.0 world.
pub(crate) mod v2 {
    wasmtime::component::bindgen!({
        path: "../challenge-sdk/wit/validator.wit",
        world: "validator",
    });
}

/// A validator's pre-instance, for the contract version it targets.
pub(crate) enum Pre<T: 'static> {
    V1(v1::ValidatorPre<T>),
    V2(v2::ValidatorPre<T>),
}

// By hand: a derive would ask for `T: Clone`, which the store data is not.
impl<T: 'static> Clone for Pre<T> {
    fn clone(&self) -> Self {
        match self {
            Pre::V1(pre) => Pre::V1(pre.clone()),
            Pre::V2(pre) => Pre::V2(pre.clone()),
        }
    }
}

impl<T: 'static> Pre<T> {
    /// The contract version, as the WIT package names it.
    pub(crate) fn version(&self) -> &'static str {
        match self {
            Pre::V1(_) => "0.1.0",
            Pre::V2(_) => "0.2.0",
        }
    }
}

macro_rules! conversions {
    ($v:ident) => {
        impl From<&File> for $v::File {
            fn from(f: &File) -> Self {
                Self {
                    path: f.path.clone(),
                    content: f.content.clone(),
                }
            }
        }

        impl From<$v::File> for File {
            fn from(f: $v::File) -> Self {
                Self {
                    path: f.path,
                    content: f.content,
                }
            }
        }

        impl From<$v::Verdict> for Verdict {
            fn from(v: $v::Verdict) -> Self {
                Self {
                    passed: v.passed,
                    score: v.score,
                    max_score: v.max_score,
                    feedback: v.feedback,
                    checks: v
                        .checks
                        .into_iter()
                        .map(|c| crate::Check {
                            name: c.name,
                            passed: c.passed,
                            message: c.message,
                        })
                        .collect(),
                    notes: v.notes,
                }
            }
        }

        impl From<$v::cohack::validator::host::Level> for LogLevel {
            fn from(level: $v::cohack::validator::host::Level) -> Self {
                use $v::cohack::validator::host::Level;
                match level {
                    Level::Debug => Self::Debug,
                    Level::Info => Self::Info,
                    Level::Warn => Self::Warn,
                    Level::Error => Self::Error,
                }
            }
        }
    };
}

conversions!(v1);
conversions!(v2);

/// A submission as a 0.1.0 validator sees it.
pub(crate) fn submission_v1(s: &Submission) -> v1::Submission {
    v1::Submission {
        challenge: s.challenge.clone(),
        team: s.team.clone(),
        answer: s.answer.clone(),
        files: s.files.iter().map(v1::File::from).collect(),
    }
}

/// A submission as a 0.2.0 validator sees it: with the team's endpoints.
pub(crate) fn submission_v2(s: &Submission, network: Option<&Network>) -> v2::Submission {
    v2::Submission {
        challenge: s.challenge.clone(),
        team: s.team.clone(),
        answer: s.answer.clone(),
        files: s.files.iter().map(v2::File::from).collect(),
        endpoints: network
            .map(|n| {
                n.endpoints
                    .iter()
                    .map(|e| v2::cohack::validator::types::Endpoint {
                        name: e.name.clone(),
                        url: e.url.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}
