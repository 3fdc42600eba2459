//! Team actions: form a team, join one with its invite code, see one, list the teams one
//! oversees, and (organizers) assign and remove coaches.
//!
//! A team exists only for its members, its coaches and the event's organizers: to anyone else
//! every action answers 404, and a wrong invite code is the same 404 as an unknown team.

use diesel::Connection;

use crate::{
    access::{self, Oversight},
    actions::announce::{Change, announce},
    auth::{constant_time_eq, throttle::ClientAddress},
    db::DbConnection,
    error::{Error, Result},
    models::{
        bracket,
        event::{Event, Phase},
        role::{self, EventRole},
        team::{Team, TeamDetails},
        user::User,
    },
    state::AppState,
};

/// 409 `event_ended` once the event is over: teams no longer form or change then.
pub(crate) fn require_not_ended(event: &Event) -> Result<()> {
    if event.phase() == Phase::Ended {
        return Err(Error::conflict(
            "event_ended",
            "the event has ended; teams can no longer change",
        ));
    }
    Ok(())
}

/// Creates a team in the event `slug` with `caller` as its first member. The caller must be
/// a registered participant (403) without a team in this event (409 `already_in_team`), and
/// the event must not have ended (409 `event_ended`). On an event with brackets the team
/// joins the one named by `bracket` (400 `bracket_required`, 422 `unknown_bracket`; see
/// [`bracket::choose`]). The board gains a row.
pub async fn create(
    state: &AppState,
    caller: &User,
    slug: &str,
    name: &str,
    bracket: Option<&str>,
) -> Result<TeamDetails> {
    let (caller, slug, name) = (caller.clone(), slug.to_owned(), name.to_owned());
    let asked = bracket.map(str::to_owned);
    let details = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                if !access.is_participant() {
                    return Err(Error::Forbidden(
                        "register for the event before creating a team".into(),
                    ));
                }
                require_not_ended(&access.event)?;
                let brackets = bracket::of_event(conn, &access.event.id)?;
                let chosen = bracket::choose(&brackets, asked.as_deref())?;
                let team = Team::create(conn, &access.event, &name, &caller.id)?;
                bracket::set_team(conn, &access.event.id, &team.id, chosen.as_deref())?;
                Team::details(conn, team, access.event)
            })
        })
        .await?;
    announce(
        state,
        Change::TeamCreated {
            event_id: details.event.id.clone(),
        },
    );
    Ok(details)
}

/// Joins the team `team_id` as `caller` with its invite code.
///
/// An unknown team and a wrong code are the same 404, so that codes cannot be probed; only
/// then: the caller must be a participant of the team's event (403), not in a team of it yet
/// (409 `already_in_team`), the team below the event's size limit (409 `team_full`) and the
/// event not over (409 `event_ended`). The board's team sizes change and the workspace's
/// activity says who joined. Wrong codes are throttled per user and per client address (429).
pub async fn join(
    state: &AppState,
    caller: &User,
    team_id: &str,
    invite_code: &str,
) -> Result<TeamDetails> {
    let guess = state
        .throttles
        .invite_code(&caller.id, ClientAddress::current())?;
    let (caller, team_id, code) = (caller.clone(), team_id.to_owned(), invite_code.to_owned());
    let joined = state
        .db
        .write(move |conn| conn.transaction(|conn| join_in(conn, &caller, &team_id, &code)))
        .await;
    guess.finish(is_wrong_code(&joined));
    let details = joined?;
    announce_joined(state, &details);
    Ok(details)
}

/// Whether a join failed on a code: the team's (a 404, like an unknown team) or the event's.
fn is_wrong_code<T>(result: &Result<T>) -> bool {
    matches!(
        result,
        Err(Error::NotFound(_)
            | Error::Denied {
                code: "invalid_invite_code",
                ..
            })
    )
}

/// Joining, inside the caller's transaction.
fn join_in(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    invite_code: &str,
) -> Result<TeamDetails> {
    if !Team::lock(conn, team_id)? {
        return Err(Error::NotFound("team"));
    }
    let (team, event) = invited_team(conn, team_id, invite_code)?;
    join_checked(conn, caller, team, event)
}

/// The team `team_id` and its event, if `invite_code` is the team's; otherwise 404, the same
/// as for an unknown team, so that codes cannot be probed.
pub(crate) fn invited_team(
    conn: &mut DbConnection,
    team_id: &str,
    invite_code: &str,
) -> Result<(Team, Event)> {
    let team = Team::find(conn, team_id)?;
    if !constant_time_eq(team.invite_code.as_bytes(), invite_code.trim().as_bytes()) {
        return Err(Error::NotFound("team"));
    }
    let event = Event::find(conn, &team.event_id)?;
    Ok((team, event))
}

/// Joins `team` (whose code the caller presented) under the event's rules.
pub(crate) fn join_checked(
    conn: &mut DbConnection,
    caller: &User,
    team: Team,
    event: Event,
) -> Result<TeamDetails> {
    if !role::roles_of(conn, &event.id, &caller.id)?.contains(&EventRole::Participant) {
        return Err(Error::Forbidden(
            "register for the event before joining a team".into(),
        ));
    }
    require_not_ended(&event)?;
    if let Some(current) = Team::of_member(conn, &event.id, &caller.id)? {
        let message = if current.id == team.id {
            "you are already in this team"
        } else {
            "you are already in a team of this event"
        };
        return Err(Error::conflict("already_in_team", message));
    }
    let size = Team::member_count(conn, &team.id)?;
    if size >= i64::from(event.team_size_max) {
        return Err(Error::conflict(
            "team_full",
            format!("the team already has {size} members, the most this event allows"),
        ));
    }
    Team::add_member(conn, &team, &caller.id)?;
    Team::details(conn, team, event)
}

/// What an invite link shows: the team and its event, whether the caller (if signed in) is
/// registered for the event yet, and the team they are in there, if any. A wrong code is a
/// 404, as for an unknown team.
pub fn invitation(
    conn: &mut DbConnection,
    caller: Option<&User>,
    team_id: &str,
    invite_code: &str,
) -> Result<Invitation> {
    let (team, event) = invited_team(conn, team_id, invite_code)?;
    let (registered, current_team) = match caller {
        Some(user) => (
            role::roles_of(conn, &event.id, &user.id)?.contains(&EventRole::Participant),
            Team::of_member(conn, &event.id, &user.id)?,
        ),
        None => (false, None),
    };
    Ok(Invitation {
        team,
        event,
        registered,
        current_team,
    })
}

/// A team's invitation, as its invite link shows it.
#[derive(Debug)]
pub struct Invitation {
    /// The team.
    pub team: Team,
    /// Its event.
    pub event: Event,
    /// The caller is registered for the event already.
    pub registered: bool,
    /// The team the caller is in at this event, if any (this one, or another).
    pub current_team: Option<Team>,
}

/// What a team's invite link does: registers the caller for the team's event if they are not
/// a participant yet, and joins the team, in one transaction (a refused join registers
/// nobody). The team's invite code is the proof an invite-only event asks for: whoever a team
/// invites may take part, so one link is enough. Refused as [`join`] refuses (a wrong code is
/// the same 404 as an unknown team, and is throttled), and 409 `event_ended` once the event
/// is over.
pub async fn register_and_join(
    state: &AppState,
    caller: &User,
    team_id: &str,
    invite_code: &str,
) -> Result<TeamDetails> {
    let guess = state
        .throttles
        .invite_code(&caller.id, ClientAddress::current())?;
    let (caller, team_id, code) = (caller.clone(), team_id.to_owned(), invite_code.to_owned());
    let joined = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                if !Team::lock(conn, &team_id)? {
                    return Err(Error::NotFound("team"));
                }
                let (team, event) = invited_team(conn, &team_id, &code)?;
                register_invited(conn, &caller, &event)?;
                join_checked(conn, &caller, team, event)
            })
        })
        .await;
    guess.finish(is_wrong_code(&joined));
    let details = joined?;
    announce_joined(state, &details);
    Ok(details)
}

/// Makes `caller` a participant of `event`, which a team of it invited them to (nothing to do
/// when they are one already); inside the caller's transaction.
fn register_invited(conn: &mut DbConnection, caller: &User, event: &Event) -> Result<()> {
    if role::roles_of(conn, &event.id, &caller.id)?.contains(&EventRole::Participant) {
        return Ok(());
    }
    require_not_ended(event)?;
    // A double-clicked link waits here, then finds the role instead of colliding with it.
    Event::lock_user(conn, &caller.id)?;
    if !role::roles_of(conn, &event.id, &caller.id)?.contains(&EventRole::Participant) {
        role::grant(conn, &event.id, &caller.id, EventRole::Participant, None)?;
    }
    Ok(())
}

fn announce_joined(state: &AppState, details: &TeamDetails) {
    if let Some(joined) = details.members.last() {
        announce(
            state,
            Change::MemberJoined {
                event_id: details.event.id.clone(),
                team_id: details.team.id.clone(),
                member: joined.clone(),
            },
        );
    }
}

/// The team `team_id` for its members, coaches and organizers; 404 for anyone else.
pub fn view(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<TeamDetails> {
    let access = access::team_access(conn, caller, team_id)?;
    Team::details(conn, access.team, access.event)
}

/// The teams of the event `slug` the caller oversees (see [`Oversight`]), by name; 403 for
/// anyone else.
pub fn list(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<TeamDetails>> {
    let access = access::event_access(conn, caller, slug)?;
    let teams = match access::oversight(conn, caller, &access)? {
        Some(Oversight::AllTeams) => Team::of_event(conn, &access.event.id)?,
        Some(Oversight::Coached(_)) => Team::coached_by(conn, &access.event.id, &caller.id)?,
        None => {
            return Err(Error::Forbidden(
                "only the event's organizers and engineers may list its teams".into(),
            ));
        }
    };
    Team::details_of(conn, &access.event, teams)
}

/// Assigns `coach_id` to coach the team `team_id`, as an organizer of its event (404 for
/// strangers, 403 for its members and coaches). The coach must hold the `engineer` role in the
/// event (409 `not_an_engineer`). A new assignment shows in the workspace's activity.
pub async fn assign_coach(
    state: &AppState,
    caller: &User,
    team_id: &str,
    coach_id: &str,
) -> Result<(TeamDetails, bool)> {
    let (caller, team_id, coach_id) = (caller.clone(), team_id.to_owned(), coach_id.to_owned());
    let (details, new) = state
        .db
        .write(move |conn| {
            let access = access::team_organizer_access(conn, &caller, &team_id)?;
            User::find(conn, &coach_id)?;
            if !role::roles_of(conn, &access.event.id, &coach_id)?.contains(&EventRole::Engineer) {
                return Err(Error::conflict(
                    "not_an_engineer",
                    "only users with the engineer role in this event can coach its teams",
                ));
            }
            let new = !Team::is_coach(conn, &access.team.id, &coach_id)?;
            Team::assign_coach(conn, &access.team.id, &coach_id, &caller.id)?;
            Ok((Team::details(conn, access.team, access.event)?, new))
        })
        .await?;
    if let (true, Some(coach)) = (new, details.coaches.last()) {
        announce(
            state,
            Change::CoachAssigned {
                team_id: details.team.id.clone(),
                coach: coach.clone(),
            },
        );
    }
    Ok((details, new))
}

/// Ends `coach_id`'s coaching of the team `team_id`, as an organizer of its event; 404 when
/// they do not coach it. Their open sockets on the team close, on every instance.
pub async fn remove_coach(
    state: &AppState,
    caller: &User,
    team_id: &str,
    coach_id: &str,
) -> Result<Team> {
    let (caller, team_id, coach) = (caller.clone(), team_id.to_owned(), coach_id.to_owned());
    let owned = coach.clone();
    let team = state
        .db
        .write(move |conn| {
            let access = access::team_organizer_access(conn, &caller, &team_id)?;
            if !Team::remove_coach(conn, &access.team.id, &owned)? {
                return Err(Error::NotFound("coach"));
            }
            Ok(access.team)
        })
        .await?;
    announce(
        state,
        Change::AccessRevoked {
            event_id: team.event_id.clone(),
            team_id: team.id.clone(),
            user_id: coach,
        },
    );
    Ok(team)
}
