//! Export and import of one whole event, as one self-describing, versioned file.
//!
//! # The format (`cohack-event-export`, version 1)
//!
//! JSON Lines, UTF-8, one JSON object per line:
//! 1. a **header**: `{"format":"cohack-event-export","version":1,"event":SLUG,
//!    "exported_at":…,"anonymized":bool,"tables":[…]}`;
//! 2. one line per **row**: `{"table":NAME,"row":{column: value, …}}`, tables in the
//!    header's order (parents before children): organizations, users, events, event_roles,
//!    teams, team_members, team_coaches, challenges, validator_blobs, validator_versions,
//!    submissions, submission_files, verdicts, chat_messages, documents, document_updates,
//!    help_calls, announcements, coach_notes, challenge_feedback, challenge_opens. Columns are
//!    the database's; binary columns (validator bytes, files, document updates) are base64;
//!    timestamps are UTC without offset;
//! 3. a **trailer**: `{"trailer":{"rows":N,"counts":{table:n,…},"sha256":HEX}}`, where `sha256`
//!    is over every byte before the trailer line. A missing trailer means a truncated file, a
//!    wrong digest or count a tampered one: import refuses both before writing anything.
//!
//! Users and organizations are those the event's rows reference (creator, roles, members,
//! coaches, authors, publishers, submitters, chat, notes, feedback). Presence, the activity
//! feed and sessions are not exported: they are live state, not the event's record.
//!
//! # Import
//!
//! Everything is inserted in **one transaction**, with the original ids. An event with the
//! same slug on the target refuses the import. Organizations are matched by name and users by
//! email: an existing user is reused (their password, name and flags on the target stay as
//! they are) and every reference is rewritten to them. New users keep their password hash and
//! portal-organizer flag, so moving SQLite → PostgreSQL keeps logins working.
//!
//! With `--anonymize`, export replaces each user's name and email by a stable pseudonym derived
//! from their id (`person-1a2b3c4d`, `person-1a2b3c4d@anonymized.invalid`) and blanks password
//! hashes (nobody can log in as them); organizations are kept. Free text (chat, notes,
//! documents) is exported as written.

mod read;
mod rows;
mod write;

pub use read::{ImportSummary, import_file};
pub use write::{ExportOptions, ExportSummary, export_event};

/// The header's `format`.
pub const FORMAT: &str = "cohack-event-export";
/// The header's `version`; import refuses others.
pub const VERSION: u32 = 1;

/// Reports progress of long work (rows written or read so far, per table).
pub trait Progress {
    /// `done` rows of `table` handled.
    fn rows(&mut self, table: &str, done: usize);
}

/// No progress reports.
pub struct Quiet;

impl Progress for Quiet {
    fn rows(&mut self, _table: &str, _done: usize) {}
}
