//! Unblocking a stuck team: a challenge a coach or an organizer opened for one team without
//! the solve before it. Each opening is kept with who opened it, when, why, the challenge the
//! team was on and how long it had been on it; the ladder's rule reads the openings
//! ([`crate::models::challenge::open_to_team`]), and the cliffs report weighs them as the
//! strongest evidence a cliff can have.
//!
//! An opening only opens: the challenge scores only if the team solves it, and the challenge
//! the team skipped stays open to it.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::staff_openings},
    error::{Error, Result},
};

/// The longest reason, in characters (after trimming).
pub const MAX_REASON_CHARS: usize = 500;

/// A challenge opened for one team by its coach or an organizer.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff_openings)]
pub struct Opening {
    /// Identifier.
    pub id: String,
    /// The team's event.
    pub event_id: String,
    /// The team.
    pub team_id: String,
    /// The challenge opened.
    pub challenge_id: String,
    /// The challenge the team was on when it was opened (its current one), if any.
    pub skipped_challenge_id: Option<String>,
    /// How long the team had been on that challenge, in seconds.
    pub stuck_seconds: i64,
    /// Why (the opener's words, 1–500 characters).
    pub reason: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Trims a reason and checks it: 1 to [`MAX_REASON_CHARS`] characters.
pub fn check_reason(reason: &str) -> Result<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::bad_request(
            "invalid_reason",
            format!("the reason must be 1 to {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(reason.to_owned())
}

impl Opening {
    /// Records an opening. `None` when the challenge was already opened for the team (by this
    /// caller or another, at the same moment): the unique key decides.
    pub fn record(conn: &mut DbConnection, opening: &Opening) -> Result<Option<Opening>> {
        match diesel::insert_into(staff_openings::table)
            .values(opening)
            .execute(conn)
        {
            Ok(_) => Ok(Some(opening.clone())),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The ids of the challenges opened for `team_id`.
    pub fn opened_for(conn: &mut DbConnection, team_id: &str) -> Result<HashSet<String>> {
        Ok(staff_openings::table
            .filter(staff_openings::team_id.eq(team_id))
            .select(staff_openings::challenge_id)
            .load::<String>(conn)?
            .into_iter()
            .collect())
    }

    /// Every opening of an event, oldest first.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Opening>> {
        Ok(staff_openings::table
            .filter(staff_openings::event_id.eq(event_id))
            .order((staff_openings::created_at.asc(), staff_openings::id.asc()))
            .select(Opening::as_select())
            .load(conn)?)
    }

    /// The openings of an event by team, oldest first.
    pub fn by_team(
        conn: &mut DbConnection,
        event_id: &str,
    ) -> Result<HashMap<String, Vec<Opening>>> {
        let mut found: HashMap<String, Vec<Opening>> = HashMap::new();
        for opening in Self::of_event(conn, event_id)? {
            found
                .entry(opening.team_id.clone())
                .or_default()
                .push(opening);
        }
        Ok(found)
    }
}
