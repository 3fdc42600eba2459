//! Challenges: one rung of an event's ladder. A challenge row holds what teams see (title,
//! statement, points, position) and the organizers' settings (`always_open`, config
//! overrides); its validator lives in [`crate::models::validator_version`], and
//! `live_version_id` names the version that judges submissions.
//!
//! Modules: this one holds the row and its reads; `writes` creates and changes challenges
//! (publishing, the live version, the organizers' edits); `unlocking` is what a team has
//! solved and which rungs that opens.

mod unlocking;
mod writes;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::challenges},
    error::{Error, Result},
};

pub use unlocking::{next_locked, open_to_team, unlocked};
pub use writes::{ChallengeChanges, PackageFields, Placement};

/// A challenge of an event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = challenges)]
pub struct Challenge {
    /// Identifier.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// Stable identifier within the event (the manifest's slug).
    pub slug: String,
    /// Display title.
    pub title: String,
    /// One line shown on the ladder.
    pub summary: String,
    /// Place on the ladder, 1 first; unique within the event.
    pub position: i32,
    /// The maximum score.
    pub points: i32,
    /// The statement (Markdown).
    pub statement: String,
    /// Open to every team regardless of the ladder.
    pub always_open: bool,
    /// JSON object: the organizers' overrides of the manifest's `[config]` defaults.
    pub config: String,
    /// JSON object: the live manifest's limit overrides.
    pub limits: String,
    /// The validator version that judges submissions.
    pub live_version_id: Option<String>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
    /// JSON array of the live manifest's hints: `{"title", "cost", "text"}`.
    pub hints: String,
    /// The minutes a team is expected to need (the manifest's `expected_minutes`).
    pub expected_minutes: Option<i32>,
    /// Who confirms a validator pass: [`SIGN_OFF_NONE`] or [`SIGN_OFF_COACH`].
    pub sign_off: String,
    /// The live version's `coach.md` (Markdown): the event's coaches and organizers only,
    /// never a participant. `None`: the package has none.
    pub coach_guide: Option<String>,
}

/// A validator pass is a solve.
pub const SIGN_OFF_NONE: &str = "none";
/// A validator pass waits for a coach's or organizer's approval before it is a solve.
pub const SIGN_OFF_COACH: &str = "coach";

impl Challenge {
    /// The challenge with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Challenge> {
        challenges::table
            .find(id)
            .select(Challenge::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("challenge"))
    }

    /// The challenge `slug` of an event, if there is one.
    pub fn find_by_slug(
        conn: &mut DbConnection,
        event_id: &str,
        slug: &str,
    ) -> Result<Option<Challenge>> {
        Ok(challenges::table
            .filter(challenges::event_id.eq(event_id))
            .filter(challenges::slug.eq(slug))
            .select(Challenge::as_select())
            .first(conn)
            .optional()?)
    }

    /// The challenge `slug` of an event, or 404.
    pub fn get_by_slug(conn: &mut DbConnection, event_id: &str, slug: &str) -> Result<Challenge> {
        Self::find_by_slug(conn, event_id, slug)?.ok_or(Error::NotFound("challenge"))
    }

    /// Every challenge of an event, in ladder order.
    pub fn ladder(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Challenge>> {
        Ok(challenges::table
            .filter(challenges::event_id.eq(event_id))
            .order(challenges::position.asc())
            .select(Challenge::as_select())
            .load(conn)?)
    }

    /// The live version's hints, in the manifest's order.
    pub fn hint_list(&self) -> Vec<crate::models::hint::StoredHint> {
        crate::models::hint::StoredHint::decode(&self.hints, &self.id)
    }

    /// The organizers' config overrides. A malformed stored value counts as none (it is only
    /// ever written by [`Challenge::apply_changes`]).
    pub fn config_overrides(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.config).unwrap_or_else(|e| {
            tracing::warn!(challenge = %self.id, error = %e, "malformed config overrides ignored");
            BTreeMap::new()
        })
    }
}
