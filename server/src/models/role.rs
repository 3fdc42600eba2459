//! Per-event roles: organizer, author, engineer (coach), participant.
//!
//! Who may grant what: a portal organizer grants any role; an event's organizers grant
//! `author` and `engineer`; `participant` comes from registering. Nobody grants themselves
//! anything.

use std::{fmt, str::FromStr};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    db::{DbConnection, now, schema::event_roles},
    error::{Error, Result},
};

/// A role in one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventRole {
    /// Runs the event: settings, roles, teams, announcements, everything visible.
    Organizer,
    /// Publishes challenges and reads their validator logs and statistics.
    Author,
    /// A vendor engineer coaching teams.
    Engineer,
    /// A customer on a team.
    Participant,
}

impl EventRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organizer => "organizer",
            Self::Author => "author",
            Self::Engineer => "engineer",
            Self::Participant => "participant",
        }
    }
}

impl fmt::Display for EventRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EventRole {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "organizer" => Ok(Self::Organizer),
            "author" => Ok(Self::Author),
            "engineer" => Ok(Self::Engineer),
            "participant" => Ok(Self::Participant),
            _ => Err(Error::bad_request(
                "invalid_role",
                "role must be organizer, author, engineer or participant",
            )),
        }
    }
}

/// The roles `user_id` holds in `event_id`.
pub fn roles_of(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<Vec<EventRole>> {
    event_roles::table
        .filter(event_roles::event_id.eq(event_id))
        .filter(event_roles::user_id.eq(user_id))
        .select(event_roles::role)
        .load::<String>(conn)?
        .iter()
        .map(|r| r.parse())
        .collect()
}

/// Records a role (granting one already held is a no-op).
pub fn grant(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    role: EventRole,
    granted_by: Option<&str>,
) -> Result<()> {
    let held = event_roles::table
        .find((event_id, user_id, role.as_str()))
        .count()
        .get_result::<i64>(conn)?;
    if held == 0 {
        diesel::insert_into(event_roles::table)
            .values((
                event_roles::event_id.eq(event_id),
                event_roles::user_id.eq(user_id),
                event_roles::role.eq(role.as_str()),
                event_roles::granted_by.eq(granted_by),
                event_roles::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes a role.
pub fn revoke(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    role: EventRole,
) -> Result<()> {
    diesel::delete(event_roles::table.find((event_id, user_id, role.as_str()))).execute(conn)?;
    Ok(())
}

/// The users holding `role` in `event_id`.
pub fn holders(conn: &mut DbConnection, event_id: &str, role: EventRole) -> Result<Vec<String>> {
    Ok(event_roles::table
        .filter(event_roles::event_id.eq(event_id))
        .filter(event_roles::role.eq(role.as_str()))
        .select(event_roles::user_id)
        .load(conn)?)
}
