//! Per-event roles: organizer, author, engineer (coach), participant.
//!
//! Who may grant what: a portal organizer grants any role; an event's organizers grant
//! `author` and `engineer`; `participant` comes from registering. Nobody grants themselves
//! anything.

use std::{fmt, str::FromStr};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use chrono::NaiveDateTime;

use crate::{
    access::{self, EventAccess},
    db::{
        DbConnection, now,
        schema::{event_roles, organizations, team_coaches, teams, users},
    },
    error::{Error, Result},
    models::{team::Team, user::User},
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
    #[serde(serialize_with = "serialize_utc")]
    pub granted_at: NaiveDateTime,
}

fn serialize_utc<S: serde::Serializer>(at: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    at.and_utc().serialize(s)
}

/// Whether the caller (standing `access` in the event) may grant or revoke `role` for
/// `target_id`: organizers only; event organizers handle `author` and `engineer`, portal
/// organizers every role; nobody changes their own roles.
pub fn check_may_assign(
    access: &EventAccess,
    caller_id: &str,
    target_id: &str,
    role: EventRole,
) -> Result<()> {
    access.require_organizer()?;
    if caller_id == target_id {
        return Err(Error::Forbidden(
            "nobody grants or revokes their own roles".into(),
        ));
    }
    if !access.portal_organizer && !matches!(role, EventRole::Author | EventRole::Engineer) {
        return Err(Error::Forbidden(format!(
            "event organizers grant and revoke author and engineer; {role} needs a portal organizer"
        )));
    }
    Ok(())
}

/// Grants `role` in the event `slug` to `target_id` as `caller` (see [`check_may_assign`]).
/// Returns the grant and whether it is new; an unknown user is a 404.
pub fn grant_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    target_id: &str,
    role: EventRole,
) -> Result<(RoleHolder, bool)> {
    let access = access::event_access(conn, caller, slug)?;
    check_may_assign(&access, &caller.id, target_id, role)?;
    User::find(conn, target_id)?;
    let new = !roles_of(conn, &access.event.id, target_id)?.contains(&role);
    if new {
        grant(conn, &access.event.id, target_id, role, Some(&caller.id))?;
    }
    let holder = load_holders(conn, &access.event.id, Some((target_id, role)))?
        .pop()
        .ok_or(Error::NotFound("role"))?;
    Ok((holder, new))
}

/// Revokes `role` in the event `slug` from `target_id` as `caller` (see
/// [`check_may_assign`]). Revoking `engineer` also ends the user's coaching in the event, so
/// that they lose access to those teams; a participant who is in a team cannot lose the role
/// (409 `member_of_team`). A role not held is a 404.
pub fn revoke_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    target_id: &str,
    role: EventRole,
) -> Result<()> {
    let access = access::event_access(conn, caller, slug)?;
    check_may_assign(&access, &caller.id, target_id, role)?;
    let event_id = access.event.id;
    if !roles_of(conn, &event_id, target_id)?.contains(&role) {
        return Err(Error::NotFound("role"));
    }
    if role == EventRole::Participant && Team::of_member(conn, &event_id, target_id)?.is_some() {
        return Err(Error::conflict(
            "member_of_team",
            "the participant is in a team of this event; the role cannot be revoked",
        ));
    }
    conn.transaction(|conn| {
        if role == EventRole::Engineer {
            let coached = teams::table
                .filter(teams::event_id.eq(&event_id))
                .select(teams::id);
            diesel::delete(
                team_coaches::table
                    .filter(team_coaches::user_id.eq(target_id))
                    .filter(team_coaches::team_id.eq_any(coached)),
            )
            .execute(conn)?;
        }
        revoke(conn, &event_id, target_id, role)
    })
}

/// Every role held in the event `slug`, for its organizers.
pub fn list_as(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<RoleHolder>> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    list(conn, &access.event.id)
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
