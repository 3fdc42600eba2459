//! The validator contract bound for the host: `bindgen!` over the one WIT file in
//! `challenge-sdk/wit` (never a copy, so host and SDK cannot drift apart).
//!
//! The generated types stay inside the crate; the public API uses the serde types of
//! `types.rs`, converted here.

wasmtime::component::bindgen!({
    path: "../challenge-sdk/wit",
    world: "validator",
});

use crate::types;

impl From<&types::Submission> for Submission {
    fn from(s: &types::Submission) -> Self {
        Self {
            challenge: s.challenge.clone(),
            team: s.team.clone(),
            answer: s.answer.clone(),
            files: s.files.iter().map(File::from).collect(),
        }
    }
}

impl From<&types::File> for File {
    fn from(f: &types::File) -> Self {
        Self {
            path: f.path.clone(),
            content: f.content.clone(),
        }
    }
}

impl From<File> for types::File {
    fn from(f: File) -> Self {
        Self {
            path: f.path,
            content: f.content,
        }
    }
}

impl From<Verdict> for types::Verdict {
    fn from(v: Verdict) -> Self {
        Self {
            passed: v.passed,
            score: v.score,
            max_score: v.max_score,
            feedback: v.feedback,
            checks: v
                .checks
                .into_iter()
                .map(|c| types::Check {
                    name: c.name,
                    passed: c.passed,
                    message: c.message,
                })
                .collect(),
            notes: v.notes,
        }
    }
}

impl From<cohack::validator::host::Level> for types::LogLevel {
    fn from(level: cohack::validator::host::Level) -> Self {
        use cohack::validator::host::Level;
        match level {
            Level::Debug => Self::Debug,
            Level::Info => Self::Info,
            Level::Warn => Self::Warn,
            Level::Error => Self::Error,
        }
    }
}
