//! Export and import of one whole event, as one self-describing, versioned file.
//!
//! # The format (`cohack-event-export`, version 4)
//!
//! JSON Lines, UTF-8, one JSON object per line:
//! 1. a **header**: `{"format":"cohack-event-export","version":4,"event":SLUG,
//!    "exported_at":…,"anonymized":bool,"tables":[…]}`;
//! 2. one line per **row**: `{"table":NAME,"row":{column: value, …}}`, tables in the
//!    header's order (parents before children): organizations, users, events, event_roles,
//!    event_brackets, teams, team_members, team_coaches, team_endpoints, team_brackets,
//!    challenges, validator_blobs, validator_versions, submissions, submission_files,
//!    verdicts, chat_messages, documents, document_updates, help_calls, announcements,
//!    coach_notes, challenge_feedback, challenge_opens, hint_unlocks, questions,
//!    canned_answers, nudges, sign_offs, staff_openings, rewards, event_terms,
//!    terms_acceptances. Columns are the database's;
//!    binary columns (validator bytes, files, document updates) are base64; timestamps are
//!    UTC without offset;
//! 3. a **trailer**: `{"trailer":{"rows":N,"counts":{table:n,…},"sha256":HEX}}`, where `sha256`
//!    is over every byte before the trailer line. A missing trailer means a truncated file, a
//!    wrong digest or count a tampered one: import refuses both before writing anything.
//!
//! Version 2 added what validators that call teams' services need: `team_endpoints` rows,
//! `submissions.endpoints` (the endpoints a submission was judged against) and
//! `verdicts.exchanges` (every request its run sent: what a replay rejudge answers from).
//! Import reads version 1 files too, as version 2 files without them: no endpoints, no
//! submission judged against any (`endpoints` null), no exchanges (`exchanges` `[]`).
//! Version 3 added the coach's playbook: the event's `hint_cost`, `board_names` and
//! `time_zone`, a team's `alias`, a challenge's `hints`, `expected_minutes` and `sign_off`, and
//! the tables `hint_unlocks`, `questions`, `canned_answers`, `nudges` and `sign_offs`. Import
//! reads version 2 (and 1) files as version 3 files without them: the settings' defaults
//! (`on_solve`, `teams`, `UTC`), derived aliases, no hints, no expectation, no sign-off.
//! Version 4 added the floor of the event: the event's `rewards`, `hold_rewards_until_end`
//! and `remote_reward`, a team's `location`, a challenge's `reward` (the manifest's words) and
//! `event_reward` (the event's own, which win), and the tables
//! `event_brackets`, `team_brackets`, `staff_openings` (challenges a coach or an organizer
//! opened for one team, with who, why, the challenge skipped and how long the team was on
//! it) and `rewards` (the deliveries: open ones stay open, delivered ones keep who and when,
//! and a remote team's, without a location, stay on the organizers' list to fulfil). Import
//! reads version 3 (and older) files as version 4 files without them: rewards off, no
//! remote words, no locations, no reward words, no brackets, openings or rewards.
//! Version 4 also carries the event's participation terms (`event_terms`: every version's
//! text) and who accepted which version when (`terms_acceptances`); a file without them
//! imports an event without terms. The closing survey's anonymous answers and the
//! name-in-report choices are not exported: they are the people's, not the event's record.
//! A change an older cohack could misread (a new table, a new column) raises the version, so
//! that it refuses the file by its header instead of at a row.
//!
//! Users and organizations are those the event's rows reference (creator, roles, members,
//! coaches, whoever last set an endpoint, authors, publishers, submitters, chat, notes,
//! feedback, openings, deliveries). Presence, the activity feed and sessions are not
//! exported: they are live state, not the event's record. Reward deliveries are: a remote
//! team's reward is fulfilled after the event, so the list must survive a move, and a
//! delivered one is part of what happened. A challenge's coach's guide (`coach.md`) is not
//! exported, like everything the portal keeps from participants beyond the event's own
//! record: an imported challenge has none until its package is published again.
//!
//! # Import: one new event, nothing else changed
//!
//! An export file is read as untrusted input: whoever sent it may have written it by hand, and
//! the trailer's digest only catches accidents. An import therefore creates **exactly one new
//! event** and rows that belong to it, in **one transaction**, and refuses the whole file at
//! the first line it does not accept, naming that line and why ([`ImportError::Refused`]).
//! Reading top to bottom (`vet`, no database access):
//!
//! - tables come in the format's order; exactly one `events` row, whose slug is the header's
//!   (a slug already on the target is refused);
//! - **every id is new**: each row gets a fresh id, and an id defined twice in the file is
//!   refused; every reference must name something the file defined **on an earlier line**
//!   (the one exception: a challenge's `live_version_id` names a version listed after it,
//!   checked once the file is read). A reference to any other event, team, challenge, user, …
//!   — on the target or nowhere — is refused;
//! - **users** are matched on the target by (normalized) e-mail: an existing account is
//!   referenced as it is, never changed (password, name, organization and flags stay). A new
//!   account gets the file's name and password hash (so logins survive a move) but **never the
//!   portal-organizer flag**: the flag is not imported, whatever the row says. A password hash
//!   must be empty (nobody can sign in) or an argon2id PHC string costing no more to verify
//!   than this portal's own. Organizations are matched by name, and created only for new
//!   users. A user or organization no row of the event refers to is refused;
//! - the portal's **rules are re-applied**: event settings as `EventSettings::validate`;
//!   team members hold the participant role, one team per person, at most `team_size_max` per
//!   team; coaches hold the engineer role; unique team names, challenge slugs and positions;
//!   roles, statuses and difficulties from their fixed sets; a verdict's validator version
//!   belongs to its submission's challenge;
//! - the **floor** as the portal makes it: bracket names as `bracket::normalized` (each once
//!   regardless of case, at most 16), a team in at most one of the event's brackets (a team
//!   made before its event had brackets may be in none, as on the portal); locations and reward words as the API accepts them; an opening's reason as
//!   `opening::check_reason`, once per team and challenge, naming the file's own challenges;
//!   a reward once per team and challenge, delivered with a time or not at all;
//! - **endpoints** as a team may set them: names as `team_endpoint::is_endpoint_name`, URLs
//!   absolute without credentials or fragment (`http://` included: whether the target calls
//!   one is its own `validator_network_allow_*` settings' decision, when the judge sends a
//!   request), at most `MAX_ENDPOINTS_PER_TEAM` per team and per submission, each name once;
//!   a verdict's `exchanges` must parse as the runtime's recorded exchanges. Both JSON columns
//!   are bounded in size (64 KiB for a submission's endpoints, 64 MiB for a verdict's
//!   exchanges) before they are parsed;
//! - **validator blobs** are stored under the sha256 of their bytes: a blob whose declared
//!   `hash` is not the sha256 of its `wasm` is **refused** (a forged or damaged validator is
//!   not silently renamed); a blob already on the target under that hash is the same bytes
//!   and is shared;
//! - teams get **new invite codes** (the file's are the source portal's secrets);
//! - a line longer than [`read::MAX_LINE_BYTES`] is refused before it is parsed.
//!
//! Rows whose fault only the end of the file shows (an unreferenced user or organization, a
//! live version that is missing or another challenge's) are refused after the whole file was
//! read, the earliest such line named.
//!
//! With `--anonymize`, export replaces each user's name and email by a stable pseudonym derived
//! from their id (`person-1a2b3c4d`, `person-1a2b3c4d@anonymized.invalid`) and blanks password
//! hashes (nobody can log in as them); organizations are kept. Free text (chat, notes,
//! documents, questions and answers, canned answers, sign-off comments, team names and
//! aliases) is exported as written.

mod error;
mod insert;
mod read;
mod rows;
mod vet;
mod write;

use diesel::Connection;

pub use error::{ImportError, Refusal};
pub use insert::ImportSummary;
pub use read::MAX_LINE_BYTES;
pub use write::{ExportOptions, ExportSummary, export_event};

use crate::db::DbConnection;

/// The header's `format`.
pub const FORMAT: &str = "cohack-event-export";
/// The header's `version` an export writes.
pub const VERSION: u32 = 4;
/// The oldest `version` import reads; older and newer ones are refused.
pub const OLDEST_VERSION: u32 = 1;

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

/// Imports an export file's bytes into the database behind `conn` as one new event: all of it
/// or nothing (see the module documentation for what is accepted).
pub fn import_file(
    conn: &mut DbConnection,
    bytes: &[u8],
    progress: &mut dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let vetted = vet::vet(read::parse(bytes)?)?;
    conn.transaction(|conn| insert::insert_all(conn, vetted, progress))
}
