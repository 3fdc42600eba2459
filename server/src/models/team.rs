//! Teams: a team *is* a shared workspace. Members, the coaches assigned to it, and the invite
//! code that lets others join.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    access,
    db::{
        DbConnection, new_id, now,
        schema::{team_coaches, team_members, teams, users},
    },
    error::{Error, Result},
    models::{
        event::{Event, Phase},
        role::{self, EventRole},
        user::User,
    },
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

/// A team with its event and the people in it: what its members, coaches and the event's
/// organizers see.
#[derive(Debug, Clone)]
pub struct TeamDetails {
    /// The team, invite code included.
    pub team: Team,
    /// Its event.
    pub event: Event,
    /// Members, in joining order.
    pub members: Vec<Person>,
    /// Assigned coaches, in assignment order.
    pub coaches: Vec<Person>,
}

/// 409 `event_ended` once the event is over: teams no longer form or change then.
fn require_not_ended(event: &Event) -> Result<()> {
    if event.phase() == Phase::Ended {
        return Err(Error::conflict(
            "event_ended",
            "the event has ended; teams can no longer change",
        ));
    }
    Ok(())
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

    /// Whether a user coaches any team at all (the web UI then links to `/coach`).
    pub fn coaches_any(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
        let found = team_coaches::table
            .filter(team_coaches::user_id.eq(user_id))
            .select(team_coaches::team_id)
            .first::<String>(conn)
            .optional()?;
        Ok(found.is_some())
    }
}

/// Use cases: what a caller may do with teams, authorization included.
impl Team {
    /// The team with its event, members and coaches.
    pub fn details(conn: &mut DbConnection, team: Team, event: Event) -> Result<TeamDetails> {
        let members = Self::members(conn, &team.id)?;
        let coaches = Self::coaches(conn, &team.id)?;
        Ok(TeamDetails {
            team,
            event,
            members,
            coaches,
        })
    }

    /// Creates a team in the event `slug` with `caller` as its first member. The caller must
    /// be a registered participant (403) without a team in this event (409
    /// `already_in_team`), and the event must not have ended (409 `event_ended`).
    pub fn create_as(
        conn: &mut DbConnection,
        caller: &User,
        slug: &str,
        name: &str,
    ) -> Result<TeamDetails> {
        let access = access::event_access(conn, caller, slug)?;
        if !access.is_participant() {
            return Err(Error::Forbidden(
                "register for the event before creating a team".into(),
            ));
        }
        require_not_ended(&access.event)?;
        let team = Self::create(conn, &access.event, name, &caller.id)?;
        Self::details(conn, team, access.event)
    }

    /// Joins the team `team_id` as `caller` with its invite code.
    ///
    /// An unknown team and a wrong code are the same 404, so that codes cannot be probed;
    /// only then: the caller must be a participant of the team's event (403), not in a team
    /// of it yet (409 `already_in_team`), the team below the event's size limit (409
    /// `team_full`) and the event not over (409 `event_ended`).
    pub fn join_as(
        conn: &mut DbConnection,
        caller: &User,
        team_id: &str,
        invite_code: &str,
    ) -> Result<TeamDetails> {
        conn.transaction(|conn| {
            // Touching the row locks it on PostgreSQL until commit, so that concurrent joins
            // count members one after the other (SQLite writers are serialized anyway).
            let touched = diesel::update(teams::table.find(team_id))
                .set(teams::invite_code.eq(teams::invite_code))
                .execute(conn)?;
            if touched == 0 {
                return Err(Error::NotFound("team"));
            }
            let team = Self::find(conn, team_id)?;
            if !constant_time_eq(team.invite_code.as_bytes(), invite_code.trim().as_bytes()) {
                return Err(Error::NotFound("team"));
            }
            let event = Event::find(conn, &team.event_id)?;
            if !role::roles_of(conn, &event.id, &caller.id)?.contains(&EventRole::Participant) {
                return Err(Error::Forbidden(
                    "register for the event before joining a team".into(),
                ));
            }
            require_not_ended(&event)?;
            if let Some(current) = Self::of_member(conn, &event.id, &caller.id)? {
                let message = if current.id == team.id {
                    "you are already in this team"
                } else {
                    "you are already in a team of this event"
                };
                return Err(Error::conflict("already_in_team", message));
            }
            let size = Self::member_count(conn, &team.id)?;
            if size >= i64::from(event.team_size_max) {
                return Err(Error::conflict(
                    "team_full",
                    format!("the team already has {size} members, the most this event allows"),
                ));
            }
            Self::add_member(conn, &team, &caller.id)?;
            Self::details(conn, team, event)
        })
    }

    /// The team `team_id` for its members, coaches and organizers; 404 for anyone else.
    pub fn view_as(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<TeamDetails> {
        let access = access::team_access(conn, caller, team_id)?;
        Self::details(conn, access.team, access.event)
    }

    /// Assigns `coach_id` to coach the team `team_id`, as an organizer of its event (404 for
    /// strangers, 403 for its members and coaches). The coach must hold the `engineer` role
    /// in the event (409 `not_an_engineer`). Returns the team and whether the assignment is
    /// new.
    pub fn assign_coach_as(
        conn: &mut DbConnection,
        caller: &User,
        team_id: &str,
        coach_id: &str,
    ) -> Result<(TeamDetails, bool)> {
        let access = access::team_organizer_access(conn, caller, team_id)?;
        User::find(conn, coach_id)?;
        if !role::roles_of(conn, &access.event.id, coach_id)?.contains(&EventRole::Engineer) {
            return Err(Error::conflict(
                "not_an_engineer",
                "only users with the engineer role in this event can coach its teams",
            ));
        }
        let new = !Self::is_coach(conn, &access.team.id, coach_id)?;
        Self::assign_coach(conn, &access.team.id, coach_id, &caller.id)?;
        Ok((Self::details(conn, access.team, access.event)?, new))
    }

    /// Ends `coach_id`'s coaching of the team `team_id`, as an organizer of its event; 404
    /// when they do not coach it. Returns the team.
    pub fn remove_coach_as(
        conn: &mut DbConnection,
        caller: &User,
        team_id: &str,
        coach_id: &str,
    ) -> Result<Team> {
        let access = access::team_organizer_access(conn, caller, team_id)?;
        let removed =
            diesel::delete(team_coaches::table.find((&access.team.id, coach_id))).execute(conn)?;
        if removed == 0 {
            return Err(Error::NotFound("coach"));
        }
        Ok(access.team)
    }

    /// The teams of the event `slug` the caller may oversee: all of them for organizers, the
    /// ones they coach for engineers; 403 for anyone else.
    pub fn list_as(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<TeamDetails>> {
        let access = access::event_access(conn, caller, slug)?;
        let mut teams = if access.is_organizer() {
            Self::of_event(conn, &access.event.id)?
        } else if access.is_engineer() {
            Self::coached_by(conn, &access.event.id, &caller.id)?
        } else {
            return Err(Error::Forbidden(
                "only the event's organizers and engineers may list its teams".into(),
            ));
        };
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        let mut members = Self::people_by_team(
            team_members::table
                .inner_join(users::table)
                .filter(team_members::event_id.eq(&access.event.id))
                .order(team_members::joined_at.asc())
                .select((team_members::team_id, users::id, users::display_name))
                .load(conn)?,
        );
        let mut coaches = Self::people_by_team(
            team_coaches::table
                .inner_join(teams::table)
                .inner_join(users::table.on(users::id.eq(team_coaches::user_id)))
                .filter(teams::event_id.eq(&access.event.id))
                .order(team_coaches::assigned_at.asc())
                .select((team_coaches::team_id, users::id, users::display_name))
                .load(conn)?,
        );
        Ok(teams
            .into_iter()
            .map(|team| TeamDetails {
                members: members.remove(&team.id).unwrap_or_default(),
                coaches: coaches.remove(&team.id).unwrap_or_default(),
                event: access.event.clone(),
                team,
            })
            .collect())
    }

    fn people_by_team(rows: Vec<(String, String, String)>) -> HashMap<String, Vec<Person>> {
        let mut by_team: HashMap<String, Vec<Person>> = HashMap::new();
        for (team_id, user_id, display_name) in rows {
            by_team.entry(team_id).or_default().push(Person {
                user_id,
                display_name,
            });
        }
        by_team
    }
}

/// Compares secrets without leaking where they differ through timing.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
