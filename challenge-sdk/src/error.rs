//! The SDK's error type: a message meant for the team, explaining what to fix.

use std::fmt;

/// A problem with a submission, worded for the team ("`report.json` is missing", "line 4:
/// `abc` is not a number"). [`judge`](crate::judge) turns it into a failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    message: String,
}

/// `Result` with the SDK's [`Error`] by default.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with this message, shown to the team as is.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message shown to the team.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Prefixes the message with where it happened: `context("pipeline.toml")` turns
    /// "bad value" into "pipeline.toml: bad value".
    #[must_use]
    pub fn context(self, context: impl fmt::Display) -> Self {
        Self {
            message: format!("{context}: {}", self.message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}
