//! Teams: a team *is* a shared workspace. Members, the coaches assigned to it, and the invite
//! code that lets others join.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{team_coaches, team_members, teams, users},
    },
    error::{Error, Result},
    models::event::Event,
};

/// A team.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = teams)]
pub struct Team {
    /// Identifier; also the opaque team id validators see.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// Display name, unique within the event.
    pub name: String,
    /// Code others use to join.
    pub invite_code: String,
    /// Who created it.
    pub created_by: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
}

/// A member or coach as teammates see them.
#[derive(Debug, Clone, Queryable, serde::Serialize, utoipa::ToSchema)]
pub struct Person {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
}

/// A new random invite code: 10 characters without look-alikes, about 50 bits.
pub fn new_invite_code() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

fn map_unique(error: diesel::result::Error, code: &'static str, message: &str) -> Error {
    match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => Error::conflict(code, message),
        other => other.into(),
    }
}

impl Team {
    /// The team with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Team> {
        teams::table
            .find(id)
            .select(Team::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("team"))
    }

    /// Every team of an event, by name.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Team>> {
        Ok(teams::table
            .filter(teams::event_id.eq(event_id))
            .order(teams::name.asc())
            .select(Team::as_select())
            .load(conn)?)
    }

    /// The team `user_id` belongs to in `event_id`, if any.
    pub fn of_member(
        conn: &mut DbConnection,
        event_id: &str,
        user_id: &str,
    ) -> Result<Option<Team>> {
        Ok(teams::table
            .inner_join(team_members::table)
            .filter(team_members::event_id.eq(event_id))
            .filter(team_members::user_id.eq(user_id))
            .select(Team::as_select())
            .first(conn)
            .optional()?)
    }

    /// Creates a team with its creator as first member (one team per person per event).
    pub fn create(
        conn: &mut DbConnection,
        event: &Event,
        name: &str,
        creator: &str,
    ) -> Result<Team> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(Error::bad_request(
                "invalid_team_name",
                "team name must have 1 to 60 characters",
            ));
        }
        conn.transaction(|conn| {
            if Self::of_member(conn, &event.id, creator)?.is_some() {
                return Err(Error::conflict(
                    "already_in_team",
                    "you are already in a team of this event",
                ));
            }
            let team = Team {
                id: new_id(),
                event_id: event.id.clone(),
                name: name.to_owned(),
                invite_code: new_invite_code()?,
                created_by: creator.to_owned(),
                created_at: now(),
            };
            diesel::insert_into(teams::table)
                .values(&team)
                .execute(conn)
                .map_err(|e| {
                    map_unique(
                        e,
                        "team_name_taken",
                        "a team of this event already has this name",
                    )
                })?;
            Self::add_member(conn, &team, creator)?;
            Ok(team)
        })
    }

    /// Adds a member, enforcing one team per person per event (also a database constraint).
    fn add_member(conn: &mut DbConnection, team: &Team, user_id: &str) -> Result<()> {
        diesel::insert_into(team_members::table)
            .values((
                team_members::team_id.eq(&team.id),
                team_members::user_id.eq(user_id),
                team_members::event_id.eq(&team.event_id),
                team_members::joined_at.eq(now()),
            ))
            .execute(conn)
            .map_err(|e| {
                map_unique(
                    e,
                    "already_in_team",
                    "you are already in a team of this event",
                )
            })?;
        Ok(())
    }

    /// Joins the team `id` with its invite code, within the event's size limit.
    pub fn join(
        conn: &mut DbConnection,
        event: &Event,
        id: &str,
        invite_code: &str,
        user_id: &str,
    ) -> Result<Team> {
        conn.transaction(|conn| {
            let team = Self::find(conn, id)?;
            // A wrong code must not confirm that the team exists.
            if team.event_id != event.id
                || !constant_time_eq(team.invite_code.as_bytes(), invite_code.trim().as_bytes())
            {
                return Err(Error::NotFound("team"));
            }
            let size = Self::member_count(conn, &team.id)?;
            if size >= i64::from(event.team_size_max) {
                return Err(Error::conflict(
                    "team_full",
                    format!("the team already has {size} members, the most this event allows"),
                ));
            }
            Self::add_member(conn, &team, user_id)?;
            Ok(team)
        })
    }

    /// How many members a team has.
    pub fn member_count(conn: &mut DbConnection, team_id: &str) -> Result<i64> {
        Ok(team_members::table
            .filter(team_members::team_id.eq(team_id))
            .count()
            .get_result(conn)?)
    }

    /// Members, in joining order.
    pub fn members(conn: &mut DbConnection, team_id: &str) -> Result<Vec<Person>> {
        Ok(team_members::table
            .inner_join(users::table)
            .filter(team_members::team_id.eq(team_id))
            .order(team_members::joined_at.asc())
            .select((users::id, users::display_name))
            .load(conn)?)
    }

    /// Assigned coaches.
    pub fn coaches(conn: &mut DbConnection, team_id: &str) -> Result<Vec<Person>> {
        Ok(team_coaches::table
            .inner_join(users::table.on(users::id.eq(team_coaches::user_id)))
            .filter(team_coaches::team_id.eq(team_id))
            .order(team_coaches::assigned_at.asc())
            .select((users::id, users::display_name))
            .load(conn)?)
    }

    /// Whether `user_id` is a member.
    pub fn is_member(conn: &mut DbConnection, team_id: &str, user_id: &str) -> Result<bool> {
        Ok(team_members::table
            .find((team_id, user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0)
    }

    /// Whether `user_id` coaches the team.
    pub fn is_coach(conn: &mut DbConnection, team_id: &str, user_id: &str) -> Result<bool> {
        Ok(team_coaches::table
            .find((team_id, user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0)
    }

    /// Assigns a coach (idempotent).
    pub fn assign_coach(
        conn: &mut DbConnection,
        team_id: &str,
        coach_id: &str,
        by: &str,
    ) -> Result<()> {
        if !Self::is_coach(conn, team_id, coach_id)? {
            diesel::insert_into(team_coaches::table)
                .values((
                    team_coaches::team_id.eq(team_id),
                    team_coaches::user_id.eq(coach_id),
                    team_coaches::assigned_by.eq(by),
                    team_coaches::assigned_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The teams a user coaches in an event.
    pub fn coached_by(
        conn: &mut DbConnection,
        event_id: &str,
        coach_id: &str,
    ) -> Result<Vec<Team>> {
        Ok(teams::table
            .inner_join(team_coaches::table)
            .filter(teams::event_id.eq(event_id))
            .filter(team_coaches::user_id.eq(coach_id))
            .select(Team::as_select())
            .load(conn)?)
    }
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
