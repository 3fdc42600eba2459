//! The domain's records and their queries, as associated functions taking a
//! `&mut DbConnection`. Nothing here knows about HTTP: handlers call these through
//! [`crate::db::Database::run`] / [`crate::db::Database::write`].

pub mod activity;
pub mod announcement;
pub mod bracket;
pub mod challenge;
pub mod chat;
pub mod document;
pub mod erasure;
pub mod event;
pub mod event_options;
pub mod feedback;
pub mod help_call;
pub mod hint;
pub mod invitation;
pub mod mailing;
pub mod note;
pub mod opening;
pub mod organization;
pub mod personal_data;
pub mod presence;
pub mod progress;
pub mod question;
pub mod reward;
pub mod role;
pub mod sign_off;
pub mod submission;
pub mod survey;
pub mod team;
pub mod team_alias;
pub mod team_endpoint;
pub mod terms;
pub mod user;
pub mod validator_version;
pub mod verdict;
pub mod webhook;

/// Writes a stored time (UTC without a zone, as both databases keep it) as RFC 3339 with its
/// `Z`, as the API documents every time: `#[serde(serialize_with = "…::serialize_utc")]`.
pub(crate) fn serialize_utc<S: serde::Serializer>(
    at: &chrono::NaiveDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&at.and_utc(), serializer)
}
