//! The insight loop: what teams struggled with, turned into a ranked, evidenced list of
//! "cliffs" the vendor's product teams can act on, per-challenge statistics for authors, and
//! the final results.
//!
//! - [`data`] loads one event's attempts, notes, feedback and help calls in a few queries;
//! - [`cliffs`] ranks the cliffs (the score is documented there and in the README);
//! - [`stats`] is the author's view of one challenge;
//! - [`results`] is the final standings with per-challenge solve times;
//! - [`render`] writes the report as CSV and as a Markdown brief;
//! - [`report`] is the event's report (page and file): numbers, funnel, time, cliffs,
//!   organizations and the race, computed from the modules above;
//! - [`opens`] records when a team first opened a challenge;
//! - [`analytics`] is the author's pictures of a challenge (pass rate over time, attempts
//!   until pass, failing checks with their messages, validator errors, run times);
//! - [`authoring`] is the author's page: versions, recent failures and statistics;
//! - [`trust`] says which organizations came from verified identities (the reports' badge);
//! - [`survey`] is the closing survey's figures (anonymous answers, organizations with at
//!   least three answers only).
//!
//! Who sees what: the event's organizers see everything; an author sees the challenges they
//! published a validator version of ("own" challenges); anyone else gets 404.

pub mod analytics;
pub mod authoring;
pub mod cliffs;
pub mod data;
pub mod opens;
pub mod render;
pub mod report;
pub mod results;
pub mod stats;
pub mod survey;
pub mod trust;

use std::collections::HashSet;

use crate::{
    access,
    db::DbConnection,
    error::{Error, Result},
    models::user::User,
};

pub use cliffs::{CliffFilter, CliffsReport};

/// Which challenges of an event the caller may read insights on.
#[derive(Debug, Clone)]
pub enum InsightScope {
    /// Organizers: all of them.
    All,
    /// Authors: the challenges they published a version of (by id).
    Own(HashSet<String>),
}

impl InsightScope {
    /// Whether the challenge `id` is in scope.
    pub fn includes(&self, challenge_id: &str) -> bool {
        match self {
            Self::All => true,
            Self::Own(ids) => ids.contains(challenge_id),
        }
    }
}

/// The caller's scope in the event `slug`: 404 for anyone neither organizer nor author (a
/// participant or coach must not learn that a report exists).
pub fn scope_as(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<data::Scoped> {
    let access = access::event_access(conn, caller, slug)?;
    let scope = if access.is_organizer() {
        InsightScope::All
    } else if access.is_author() {
        InsightScope::Own(data::published_by(conn, &access.event.id, &caller.id)?)
    } else {
        return Err(Error::NotFound("event"));
    };
    Ok(data::Scoped {
        event: access.event,
        scope,
    })
}

/// The cliffs report of the event `slug` as `caller` may see it.
pub fn cliffs_report_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    filter: &CliffFilter,
) -> Result<CliffsReport> {
    let scoped = scope_as(conn, caller, slug)?;
    let data = data::EventData::load(conn, scoped.event)?;
    Ok(cliffs::report(
        &data,
        &scoped.scope,
        filter,
        crate::db::now(),
    ))
}
