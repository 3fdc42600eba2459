//! Why an import was refused: one typed error for the whole file (truncated, altered, not an
//! export) and, for a row the import does not accept, the line and a typed [`Refusal`].
//!
//! Every refusal happens inside the import's one transaction, so whatever the error, nothing
//! of the file is left in the database.

use std::fmt;

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file stops before its trailer.
    #[error("the file is truncated: {0}")]
    Truncated(String),
    /// The digest or the counts do not match the content.
    #[error("the file was altered after export: {0}")]
    Tampered(String),
    /// Not an export, or a version this cohack does not read.
    #[error("not a cohack event export: {0}")]
    Format(String),
    /// A row the import does not accept: the first one found reading the file top to bottom
    /// (see [`crate::export`] for the rows only the end of the file can fault).
    #[error("line {line} ({table}): {refusal}; nothing was imported")]
    Refused {
        /// The line's number in the file, the header being line 1.
        line: usize,
        /// The row's table, or `file` for a line that is not a row yet.
        table: &'static str,
        /// What is wrong with it.
        refusal: Refusal,
    },
    /// The file has no event row: an import always creates exactly one event.
    #[error("the file defines no event (no row of `events`); nothing was imported")]
    NoEvent,
    /// The database refused a row the checks accepted (or failed).
    #[error("the database refused the import{} (nothing was imported): {cause}", AtLine(*.line))]
    Database {
        /// The line being written, if any.
        line: Option<usize>,
        /// The database's error (shown here, so not also a `source`).
        cause: diesel::result::Error,
    },
    /// A model function (matching an account or an organization) failed.
    #[error("the import failed at line {line} (nothing was imported): {cause}")]
    Store {
        /// The line being written.
        line: usize,
        /// The domain error.
        cause: crate::error::Error,
    },
}

impl From<diesel::result::Error> for ImportError {
    fn from(cause: diesel::result::Error) -> Self {
        ImportError::Database { line: None, cause }
    }
}

/// ` at line N`, or nothing.
struct AtLine(Option<usize>);

impl fmt::Display for AtLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(line) => write!(f, " at line {line}"),
            None => Ok(()),
        }
    }
}

/// What is wrong with one line of an export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The line is longer than any row an export writes.
    #[error("the line has {bytes} bytes, more than the {max} any exported row needs")]
    TooLong {
        /// Its length.
        bytes: usize,
        /// The bound.
        max: usize,
    },
    /// Not a `{"table","row"}` object, an unknown table, or columns that do not fit it.
    #[error("not a row of an export: {0}")]
    Malformed(String),
    /// Tables come in the header's order, parents first.
    #[error("a row of `{table}` after rows of `{after}`: tables must come in the export's order")]
    OutOfOrder {
        /// This row's table.
        table: &'static str,
        /// The table of an earlier row that must come after it.
        after: &'static str,
    },
    /// An import creates exactly one event.
    #[error("a second event: an import creates exactly one event")]
    SecondEvent,
    /// The event row's slug is not the header's.
    #[error("the event's slug `{row}` is not the header's `{header}`")]
    SlugMismatch {
        /// The header's `event`.
        header: String,
        /// The row's `slug`.
        row: String,
    },
    /// The target has an event with this slug.
    #[error("an event with the slug `{0}` already exists on the target database")]
    SlugTaken(String),
    /// An id defined twice.
    #[error("{kind} `{id}` is defined twice in the file")]
    DuplicateId {
        /// What the id names.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A row repeating another's key (a role, a membership, a file, …).
    #[error("{0} appears twice in the file")]
    Duplicate(String),
    /// A reference to something the file has not defined before this line.
    #[error("`{column}` names {kind} `{id}`, which the file does not define before this line")]
    UnknownReference {
        /// The referencing column.
        column: &'static str,
        /// What it names.
        kind: &'static str,
        /// The id it names.
        id: String,
    },
    /// A reference to an event other than the one the file creates.
    #[error("`{column}` names event `{id}`, not the event this file creates")]
    OtherEvent {
        /// The referencing column.
        column: &'static str,
        /// The id it names.
        id: String,
    },
    /// A value the portal itself would not accept.
    #[error("{0}")]
    Invalid(String),
    /// A password hash this portal does not verify, or verifies at a higher cost than its own.
    #[error("the password hash {0}")]
    PasswordHash(String),
    /// A validator blob whose bytes do not hash to its declared key.
    #[error("the validator's bytes hash to sha256 {actual}, the row declares {declared}")]
    BlobHash {
        /// The row's `hash`.
        declared: String,
        /// The sha256 of its `wasm`.
        actual: String,
    },
    /// A member for whom a team has no room.
    #[error(
        "team `{team}` would have {members} members, the event allows {max} (if the limit was \
         lowered after teams formed, raise it before exporting)"
    )]
    TeamFull {
        /// The team's id in the file.
        team: String,
        /// Its size with this member.
        members: usize,
        /// The event's `team_size_max`.
        max: i32,
    },
    /// One team per person in an event.
    #[error("user `{user}` is already a member of team `{team}` in this event")]
    SecondTeam {
        /// The user's id in the file.
        user: String,
        /// The team they joined first.
        team: String,
    },
    /// A member or coach without the role the portal requires for it.
    #[error("user `{user}` is {what} without the `{role}` role in this event")]
    MissingRole {
        /// The user's id in the file.
        user: String,
        /// `a team member`, `a coach`.
        what: &'static str,
        /// The role required.
        role: &'static str,
    },
    /// Two rows that reference each other disagree (a verdict by another challenge's
    /// validator, a live version of another challenge).
    #[error("{0}")]
    Inconsistent(String),
    /// Defined but never used by the event: an import creates no accounts or organizations
    /// beyond the people the event involves.
    #[error("{kind} `{id}` is defined but no row of the event refers to it")]
    Unreferenced {
        /// `user`, `organization`.
        kind: &'static str,
        /// The id.
        id: String,
    },
}
