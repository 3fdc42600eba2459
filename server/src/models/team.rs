//! Teams: a team *is* a shared workspace. Members, the coaches assigned to it, and the invite
//! code that lets others join.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{
            challenge_feedback, challenge_opens, chat_messages, coach_notes, documents, help_calls,
            live_activity, live_presence, submissions, team_coaches, team_members, teams, users,
        },
    },
    error::{Error, Result},
    models::event::Event,
};

/// The longest team name, in characters (after trimming).
pub const MAX_NAME_CHARS: usize = 60;

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
    /// The name shown on an aliased public board (`board_names = "aliases"`); `None` until
    /// set, when one is derived.
    pub alias: Option<String>,
    /// Where the team sits on site (a table or a room), which its rewards are brought to;
    /// `None` for a remote team (see [`crate::models::reward`]).
    pub location: Option<String>,
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
    /// Its bracket, on an event with brackets ([`crate::models::bracket`]).
    pub bracket: Option<String>,
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

    /// A team name as stored: trimmed, 1 to 60 characters (400 `invalid_team_name`).
    fn checked_name(name: &str) -> Result<&str> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(Error::bad_request(
                "invalid_team_name",
                format!("team name must have 1 to {MAX_NAME_CHARS} characters"),
            ));
        }
        Ok(name)
    }

    /// Creates a team with its creator as first member (one team per person per event).
    pub fn create(
        conn: &mut DbConnection,
        event: &Event,
        name: &str,
        creator: &str,
    ) -> Result<Team> {
        let name = Self::checked_name(name)?;
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
                alias: None,
                location: None,
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
    pub fn add_member(conn: &mut DbConnection, team: &Team, user_id: &str) -> Result<()> {
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

    /// How many members a team has.
    pub fn member_count(conn: &mut DbConnection, team_id: &str) -> Result<i64> {
        Ok(team_members::table
            .filter(team_members::team_id.eq(team_id))
            .count()
            .get_result(conn)?)
    }

    /// How many members each team of `event_id` has, by team id (teams without members
    /// are left out): what the event's report counts as people.
    pub fn member_counts_of_event(
        conn: &mut DbConnection,
        event_id: &str,
    ) -> Result<HashMap<String, i64>> {
        let rows: Vec<(String, i64)> = team_members::table
            .filter(team_members::event_id.eq(event_id))
            .group_by(team_members::team_id)
            .select((team_members::team_id, diesel::dsl::count_star()))
            .load(conn)?;
        Ok(rows.into_iter().collect())
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

    /// The team, its event and whether `user_id` is one of its members, in one query: what
    /// every request about a team asks first (a submission's path pays one round trip for it).
    pub fn with_event_and_membership(
        conn: &mut DbConnection,
        team_id: &str,
        user_id: &str,
    ) -> Result<(Team, Event, bool)> {
        teams::table
            .inner_join(crate::db::schema::events::table)
            .filter(teams::id.eq(team_id))
            .select((
                Team::as_select(),
                Event::as_select(),
                diesel::dsl::exists(
                    team_members::table
                        .filter(team_members::team_id.eq(team_id))
                        .filter(team_members::user_id.eq(user_id)),
                ),
            ))
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("team"))
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

    /// The team with its event, members and coaches.
    pub fn details(conn: &mut DbConnection, team: Team, event: Event) -> Result<TeamDetails> {
        let members = Self::members(conn, &team.id)?;
        let coaches = Self::coaches(conn, &team.id)?;
        let bracket = crate::models::bracket::of_team(conn, &team.id)?;
        Ok(TeamDetails {
            team,
            event,
            members,
            coaches,
            bracket,
        })
    }

    /// Ends `coach_id`'s coaching of the team; whether they coached it.
    pub fn remove_coach(conn: &mut DbConnection, team_id: &str, coach_id: &str) -> Result<bool> {
        Ok(diesel::delete(team_coaches::table.find((team_id, coach_id))).execute(conn)? > 0)
    }

    /// Every team of an event with its members, coaches and brackets, by name: three
    /// queries, whatever the number of teams.
    pub fn details_of(
        conn: &mut DbConnection,
        event: &Event,
        teams: Vec<Team>,
    ) -> Result<Vec<TeamDetails>> {
        let mut members = people_by_team(
            team_members::table
                .inner_join(users::table)
                .filter(team_members::event_id.eq(&event.id))
                .order(team_members::joined_at.asc())
                .select((team_members::team_id, users::id, users::display_name))
                .load(conn)?,
        );
        let mut coaches = people_by_team(
            team_coaches::table
                .inner_join(teams::table)
                .inner_join(users::table.on(users::id.eq(team_coaches::user_id)))
                .filter(teams::event_id.eq(&event.id))
                .order(team_coaches::assigned_at.asc())
                .select((team_coaches::team_id, users::id, users::display_name))
                .load(conn)?,
        );
        let mut brackets = crate::models::bracket::of_teams(conn, &event.id)?;
        let mut teams = teams;
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(teams
            .into_iter()
            .map(|team| TeamDetails {
                members: members.remove(&team.id).unwrap_or_default(),
                coaches: coaches.remove(&team.id).unwrap_or_default(),
                bracket: brackets.remove(&team.id),
                event: event.clone(),
                team,
            })
            .collect())
    }

    /// Locks the team's row until the transaction ends (PostgreSQL; SQLite serializes
    /// writers anyway), so that concurrent joins count members one after the other. False
    /// when there is no such team.
    pub fn lock(conn: &mut DbConnection, team_id: &str) -> Result<bool> {
        let touched = diesel::update(teams::table.find(team_id))
            .set(teams::invite_code.eq(teams::invite_code))
            .execute(conn)?;
        Ok(touched > 0)
    }

    /// Renames a team (400 `invalid_team_name`, 409 `team_name_taken`).
    pub fn rename(conn: &mut DbConnection, team: &Team, name: &str) -> Result<Team> {
        let name = Self::checked_name(name)?;
        conn.transaction(|conn| {
            diesel::update(teams::table.find(&team.id))
                .set(teams::name.eq(name))
                .execute(conn)
        })
        .map_err(|e| {
            map_unique(
                e,
                "team_name_taken",
                "a team of this event already has this name",
            )
        })?;
        Ok(Team {
            name: name.to_owned(),
            ..team.clone()
        })
    }

    /// Takes `user_id` out of the team; false when they were not in it.
    pub fn remove_member(conn: &mut DbConnection, team_id: &str, user_id: &str) -> Result<bool> {
        let removed = diesel::delete(
            team_members::table
                .filter(team_members::team_id.eq(team_id))
                .filter(team_members::user_id.eq(user_id)),
        )
        .execute(conn)?;
        Ok(removed > 0)
    }

    /// Whether the team has work of its own: submissions, chat, documents, help calls,
    /// coaches' notes or participants' feedback. A team with work is never deleted or merged
    /// away: its record belongs to the event.
    pub fn has_work(conn: &mut DbConnection, team_id: &str) -> Result<bool> {
        macro_rules! any {
            ($table:ident) => {
                diesel::select(diesel::dsl::exists(
                    $table::table.filter($table::team_id.eq(team_id)),
                ))
                .get_result::<bool>(conn)?
            };
        }
        Ok(any!(submissions)
            || any!(chat_messages)
            || any!(documents)
            || any!(help_calls)
            || any!(coach_notes)
            || any!(challenge_feedback))
    }

    /// Deletes a team that has no members and no work (the caller checks both, inside its
    /// transaction), with what only described it: its activity, presence, the challenges it
    /// opened, its coaches and endpoints.
    pub fn delete(conn: &mut DbConnection, team_id: &str) -> Result<()> {
        diesel::delete(live_activity::table.filter(live_activity::team_id.eq(team_id)))
            .execute(conn)?;
        diesel::delete(live_presence::table.filter(live_presence::team_id.eq(team_id)))
            .execute(conn)?;
        diesel::delete(challenge_opens::table.filter(challenge_opens::team_id.eq(team_id)))
            .execute(conn)?;
        diesel::delete(team_coaches::table.filter(team_coaches::team_id.eq(team_id)))
            .execute(conn)?;
        diesel::delete(teams::table.find(team_id)).execute(conn)?;
        Ok(())
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
