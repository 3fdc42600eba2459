//! Per-event roles: organizer, author, engineer (coach), participant, runner.
//!
//! Who may grant what: a portal organizer grants any role; an event's organizers grant
//! `author`, `engineer` and `runner`; `participant` comes from registering. Nobody grants themselves
//! anything.

use std::{fmt, str::FromStr};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use chrono::NaiveDateTime;

use crate::{
    db::{
        DbConnection, now,
        schema::{event_roles, organizations, team_coaches, teams, users},
    },
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
    /// Brings rewards to the teams' tables: sees the event's rewards page and nothing else
    /// of the event (see [`crate::models::reward`]).
    Runner,
}

impl EventRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organizer => "organizer",
            Self::Author => "author",
            Self::Engineer => "engineer",
            Self::Participant => "participant",
            Self::Runner => "runner",
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
            "runner" => Ok(Self::Runner),
            _ => Err(Error::bad_request(
                "invalid_role",
                "role must be organizer, author, engineer, participant or runner",
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

/// One role held by one user, as the event's organizers see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoleHolder {
    /// The user.
    pub user_id: String,
    /// Their display name.
    pub display_name: String,
    /// Their organization's name.
    pub organization: String,
    /// The role.
    pub role: EventRole,
    /// Who granted it; `null` for a participant who registered themselves.
    pub granted_by: Option<String>,
    /// When it was granted (UTC).
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::serialize_utc")]
    pub granted_at: NaiveDateTime,
}

/// The holder of one role, with their name and organization.
pub fn holder(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    role: EventRole,
) -> Result<RoleHolder> {
    load_holders(conn, event_id, Some((user_id, role)))?
        .pop()
        .ok_or(Error::NotFound("role"))
}

/// Ends `user_id`'s coaching of every team of `event_id`; the teams they coached.
pub fn end_coaching(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<Vec<String>> {
    let coached: Vec<String> = team_coaches::table
        .inner_join(teams::table)
        .filter(teams::event_id.eq(event_id))
        .filter(team_coaches::user_id.eq(user_id))
        .select(team_coaches::team_id)
        .load(conn)?;
    diesel::delete(
        team_coaches::table
            .filter(team_coaches::user_id.eq(user_id))
            .filter(team_coaches::team_id.eq_any(&coached)),
    )
    .execute(conn)?;
    Ok(coached)
}

/// Every role held in `event_id`, by role then name.
pub fn list(conn: &mut DbConnection, event_id: &str) -> Result<Vec<RoleHolder>> {
    load_holders(conn, event_id, None)
}

/// The roles held in `event_id`, or only the one `(user, role)` when `only` is given.
fn load_holders(
    conn: &mut DbConnection,
    event_id: &str,
    only: Option<(&str, EventRole)>,
) -> Result<Vec<RoleHolder>> {
    let mut query = event_roles::table
        .inner_join(users::table.on(users::id.eq(event_roles::user_id)))
        .inner_join(organizations::table.on(organizations::id.eq(users::organization_id)))
        .filter(event_roles::event_id.eq(event_id))
        .into_boxed();
    if let Some((user_id, role)) = only {
        query = query
            .filter(event_roles::user_id.eq(user_id.to_owned()))
            .filter(event_roles::role.eq(role.as_str()));
    }
    let rows: Vec<(
        String,
        String,
        String,
        String,
        Option<String>,
        NaiveDateTime,
    )> = query
        .order((
            event_roles::role.asc(),
            users::display_name.asc(),
            users::id.asc(),
        ))
        .select((
            users::id,
            users::display_name,
            organizations::name,
            event_roles::role,
            event_roles::granted_by,
            event_roles::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(user_id, display_name, organization, role, granted_by, granted_at)| {
                Ok(RoleHolder {
                    user_id,
                    display_name,
                    organization,
                    role: role.parse()?,
                    granted_by,
                    granted_at,
                })
            },
        )
        .collect()
}
