//! Changing teams after they formed: a member leaves (or an organizer removes them), an
//! organizer moves a person into another team, members and organizers rename a team,
//! organizers merge two teams or delete an empty one, and organizers set the alias a team
//! shows on a competitor-safe board.
//!
//! The rules, each refused with its own code:
//! - nothing changes once the event has ended (409 `event_ended`);
//! - a team's size stays within the event's limit (409 `team_full`);
//! - a team's *work* (submissions, chat, documents, help calls, notes, feedback) stays with
//!   it: a team with work is never merged away or deleted (409 `team_has_work`); its people
//!   can still leave or be moved one by one, and the team keeps its record even when empty;
//! - a team left empty without work is deleted, so mistakes leave no trace on the board.
//!
//! Whoever leaves a team loses its workspace at once: their sockets on it close, on every
//! instance. A renamed, merged or deleted team changes the board.

use diesel::Connection;

use crate::{
    access::{self, TeamRelation},
    actions::{
        announce::{Change, announce},
        teams::require_not_ended,
    },
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::Event,
        role::{self, EventRole},
        team::{Person, Team, TeamDetails},
        user::User,
    },
    state::AppState,
};

/// Who lost access to which team, and what else the change did.
#[derive(Default)]
struct Outcome {
    /// The event.
    event_id: String,
    /// `(team, user)` pairs whose access ended.
    revoked: Vec<(String, String)>,
    /// `(team, person)` pairs who joined a team.
    joined: Vec<(String, Person)>,
    /// `(team, person, removed)`: who left a team that still exists (the team's activity
    /// says so), and whether an organizer took them out.
    left: Vec<(String, Person, bool)>,
    /// Whether team names or the set of teams changed (the board shows both).
    teams_changed: bool,
}

impl Outcome {
    fn announce(self, state: &AppState) {
        for (team_id, member, removed) in self.left {
            announce(
                state,
                Change::MemberLeft {
                    team_id,
                    member,
                    removed,
                },
            );
        }
        for (team_id, member) in self.joined {
            announce(
                state,
                Change::MemberJoined {
                    event_id: self.event_id.clone(),
                    team_id,
                    member,
                },
            );
        }
        for (team_id, user_id) in self.revoked {
            announce(
                state,
                Change::AccessRevoked {
                    event_id: self.event_id.clone(),
                    team_id,
                    user_id,
                },
            );
        }
        if self.teams_changed {
            announce(
                state,
                Change::TeamsChanged {
                    event_id: self.event_id,
                },
            );
        }
    }
}

/// Takes `user_id` out of `team` (`removed`: by an organizer), deleting the team if that
/// leaves it empty and without work. Records what follows in `outcome`.
fn leave(
    conn: &mut DbConnection,
    team: &Team,
    user_id: &str,
    removed: bool,
    outcome: &mut Outcome,
) -> Result<()> {
    let person = Team::members(conn, &team.id)?
        .into_iter()
        .find(|p| p.user_id == user_id);
    if !Team::remove_member(conn, &team.id, user_id)? {
        return Err(Error::NotFound("member"));
    }
    outcome.revoked.push((team.id.clone(), user_id.to_owned()));
    if Team::member_count(conn, &team.id)? == 0 && !Team::has_work(conn, &team.id)? {
        for coach in Team::coaches(conn, &team.id)? {
            outcome.revoked.push((team.id.clone(), coach.user_id));
        }
        Team::delete(conn, &team.id)?;
        outcome.teams_changed = true;
    } else if let Some(person) = person {
        outcome.left.push((team.id.clone(), person, removed));
    }
    Ok(())
}

/// 409 `team_full` unless `team` can take `joining` more people.
fn require_room(conn: &mut DbConnection, team: &Team, event: &Event, joining: i64) -> Result<()> {
    let size = Team::member_count(conn, &team.id)?;
    let max = i64::from(event.team_size_max);
    if size + joining > max {
        return Err(Error::conflict(
            "team_full",
            format!(
                "{} has {size} members and this event allows at most {max}; {joining} more \
                 would not fit",
                team.name
            ),
        ));
    }
    Ok(())
}

/// Takes `user_id` out of the team `team_id`: the member themselves (leaving) or an organizer
/// of its event (removing). 404 for strangers and for someone not in the team, 403 for
/// anyone else who sees the team (its coaches, its other members), 409 `event_ended`.
pub async fn remove_member(
    state: &AppState,
    caller: &User,
    team_id: &str,
    user_id: &str,
) -> Result<()> {
    let (caller, team_id, user_id) = (caller.clone(), team_id.to_owned(), user_id.to_owned());
    let outcome = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_access(conn, &caller, &team_id)?;
                let leaving = caller.id == user_id && access.relation == TeamRelation::Member;
                if !leaving && !access::organizes(conn, &caller, &access.event.id)? {
                    return Err(Error::Forbidden(
                        "only the member themselves or the event's organizers may take a \
                         member out of a team"
                            .into(),
                    ));
                }
                require_not_ended(&access.event)?;
                Team::lock(conn, &access.team.id)?;
                let mut outcome = Outcome {
                    event_id: access.event.id.clone(),
                    ..Outcome::default()
                };
                leave(conn, &access.team, &user_id, !leaving, &mut outcome)?;
                Ok(outcome)
            })
        })
        .await?;
    outcome.announce(state);
    Ok(())
}

/// Moves `user_id` into the team `team_id` from whatever team they are in (an organizer of
/// its event). The person must be a participant of the event (409 `not_participant`), not in
/// this team already (409 `already_in_team`), and the team must have room (409 `team_full`).
pub async fn move_member(
    state: &AppState,
    caller: &User,
    team_id: &str,
    user_id: &str,
) -> Result<TeamDetails> {
    let (caller, team_id, user_id) = (caller.clone(), team_id.to_owned(), user_id.to_owned());
    let (details, outcome) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_organizer_access(conn, &caller, &team_id)?;
                require_not_ended(&access.event)?;
                User::find(conn, &user_id)?;
                if !role::roles_of(conn, &access.event.id, &user_id)?
                    .contains(&EventRole::Participant)
                {
                    return Err(Error::conflict(
                        "not_participant",
                        "this person is not registered for the event as a participant",
                    ));
                }
                Team::lock(conn, &access.team.id)?;
                let current = Team::of_member(conn, &access.event.id, &user_id)?;
                if current.as_ref().is_some_and(|t| t.id == access.team.id) {
                    return Err(Error::conflict(
                        "already_in_team",
                        "this person is already in this team",
                    ));
                }
                require_room(conn, &access.team, &access.event, 1)?;
                let mut outcome = Outcome {
                    event_id: access.event.id.clone(),
                    ..Outcome::default()
                };
                if let Some(current) = current {
                    Team::lock(conn, &current.id)?;
                    leave(conn, &current, &user_id, true, &mut outcome)?;
                }
                Team::add_member(conn, &access.team, &user_id)?;
                let details = Team::details(conn, access.team, access.event)?;
                if let Some(person) = details.members.iter().find(|p| p.user_id == user_id) {
                    outcome
                        .joined
                        .push((details.team.id.clone(), person.clone()));
                }
                Ok((details, outcome))
            })
        })
        .await?;
    outcome.announce(state);
    Ok(details)
}

/// Renames the team `team_id` (its members and the event's organizers; 403 for its coaches).
/// 400 `invalid_team_name`, 409 `team_name_taken`, 409 `event_ended`.
pub async fn rename(
    state: &AppState,
    caller: &User,
    team_id: &str,
    name: &str,
) -> Result<TeamDetails> {
    let by = Person {
        user_id: caller.id.clone(),
        display_name: caller.display_name.clone(),
    };
    let (caller, team_id, name) = (caller.clone(), team_id.to_owned(), name.to_owned());
    let details = state
        .db
        .write(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            if access.relation != TeamRelation::Member
                && !access::organizes(conn, &caller, &access.event.id)?
            {
                return Err(Error::Forbidden(
                    "only the team's members and the event's organizers may rename it".into(),
                ));
            }
            require_not_ended(&access.event)?;
            let team = Team::rename(conn, &access.team, &name)?;
            Team::details(conn, team, access.event)
        })
        .await?;
    announce(
        state,
        Change::TeamRenamed {
            event_id: details.event.id.clone(),
            team_id: details.team.id.clone(),
            name: details.team.name.clone(),
            by,
        },
    );
    Ok(details)
}

/// Sets (`Some`) or clears (`None`) the alias of the team `team_id`, which an aliased board
/// shows instead of its name (the event's organizers only: 403 otherwise). 400
/// `invalid_alias`, 409 `alias_taken`. Allowed after the end too: results stay on screens.
pub async fn set_alias(
    state: &AppState,
    caller: &User,
    team_id: &str,
    alias: Option<&str>,
) -> Result<TeamDetails> {
    let (caller, team_id, alias) = (caller.clone(), team_id.to_owned(), alias.map(str::to_owned));
    let details = state
        .db
        .write(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            if !access::organizes(conn, &caller, &access.event.id)? {
                return Err(Error::Forbidden(
                    "only the event's organizers may set a team's alias".into(),
                ));
            }
            let team =
                conn.transaction(|conn| Team::set_alias(conn, &access.team, alias.as_deref()))?;
            Team::details(conn, team, access.event)
        })
        .await?;
    announce(
        state,
        Change::TeamsChanged {
            event_id: details.event.id.clone(),
        },
    );
    Ok(details)
}

/// Merges the team `team_id` into the team `into` (the event's organizers): its members and
/// coaches join `into`, and it is deleted. `into` must be a team of the same event (404
/// otherwise) and not the team itself (400 `invalid_merge`), the merged team must fit the size limit (409 `team_full`), and the team
/// merged away must have no work (409 `team_has_work`: move its people one by one instead).
pub async fn merge(
    state: &AppState,
    caller: &User,
    team_id: &str,
    into: &str,
) -> Result<TeamDetails> {
    let (caller, team_id, into) = (caller.clone(), team_id.to_owned(), into.to_owned());
    let (details, outcome) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_organizer_access(conn, &caller, &team_id)?;
                // An unknown `into`, or a team of another event, is a 404 like an
                // unknown path id: no team by that id is in this event.
                let target = Team::find(conn, &into)?;
                if target.event_id != access.event.id {
                    return Err(Error::NotFound("team"));
                }
                if target.id == access.team.id {
                    return Err(Error::bad_request(
                        "invalid_merge",
                        "a team cannot be merged into itself",
                    ));
                }
                require_not_ended(&access.event)?;
                Team::lock(conn, &access.team.id)?;
                Team::lock(conn, &target.id)?;
                if Team::has_work(conn, &access.team.id)? {
                    return Err(Error::conflict(
                        "team_has_work",
                        format!(
                            "{} has submissions, messages or documents, which stay with it; \
                             move its members one by one instead",
                            access.team.name
                        ),
                    ));
                }
                let members = Team::members(conn, &access.team.id)?;
                let joining = i64::try_from(members.len()).map_err(Error::internal)?;
                require_room(conn, &target, &access.event, joining)?;
                let coaches = Team::coaches(conn, &access.team.id)?;
                let mut outcome = Outcome {
                    event_id: access.event.id.clone(),
                    teams_changed: true,
                    ..Outcome::default()
                };
                for member in &members {
                    Team::remove_member(conn, &access.team.id, &member.user_id)?;
                    Team::add_member(conn, &target, &member.user_id)?;
                    outcome
                        .revoked
                        .push((access.team.id.clone(), member.user_id.clone()));
                    outcome.joined.push((target.id.clone(), member.clone()));
                }
                for coach in &coaches {
                    Team::assign_coach(conn, &target.id, &coach.user_id, &caller.id)?;
                    outcome
                        .revoked
                        .push((access.team.id.clone(), coach.user_id.clone()));
                }
                Team::delete(conn, &access.team.id)?;
                Ok((Team::details(conn, target, access.event)?, outcome))
            })
        })
        .await?;
    outcome.announce(state);
    Ok(details)
}

/// Deletes the team `team_id` (the event's organizers): only an empty team (409
/// `team_not_empty`) without work (409 `team_has_work`).
pub async fn delete(state: &AppState, caller: &User, team_id: &str) -> Result<()> {
    let (caller, team_id) = (caller.clone(), team_id.to_owned());
    let outcome = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_organizer_access(conn, &caller, &team_id)?;
                Team::lock(conn, &access.team.id)?;
                let size = Team::member_count(conn, &access.team.id)?;
                if size > 0 {
                    return Err(Error::conflict(
                        "team_not_empty",
                        format!(
                            "{} still has {size} member(s); move or remove them first",
                            access.team.name
                        ),
                    ));
                }
                if Team::has_work(conn, &access.team.id)? {
                    return Err(Error::conflict(
                        "team_has_work",
                        format!(
                            "{} has submissions, messages or documents, which the event keeps",
                            access.team.name
                        ),
                    ));
                }
                let mut outcome = Outcome {
                    event_id: access.event.id.clone(),
                    teams_changed: true,
                    ..Outcome::default()
                };
                for coach in Team::coaches(conn, &access.team.id)? {
                    outcome
                        .revoked
                        .push((access.team.id.clone(), coach.user_id));
                }
                Team::delete(conn, &access.team.id)?;
                Ok(outcome)
            })
        })
        .await?;
    outcome.announce(state);
    Ok(())
}
