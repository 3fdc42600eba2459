//! Bracket actions: an event's list of brackets (set with the event's other settings, see
//! [`crate::actions::events`]), and moving a team to another bracket (organizers). The rules
//! live in [`crate::models::bracket`]; what follows a change (the board, every big screen) in
//! [`announce`].

use diesel::Connection;

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    db::DbConnection,
    error::{Error, Result},
    models::{bracket, team::TeamDetails, user::User},
    state::AppState,
};

/// The brackets of the event `event_id`, in order (empty: it has none). Public, like the
/// event itself.
pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<String>> {
    bracket::of_event(conn, event_id)
}

/// The brackets of every event, by event id.
pub fn of_all_events(
    conn: &mut DbConnection,
) -> Result<std::collections::HashMap<String, Vec<String>>> {
    bracket::of_all_events(conn)
}

/// Checks a list of brackets sent with an event's settings before anything is written
/// (400 `invalid_brackets`).
pub fn checked(names: Option<Vec<String>>) -> Result<Option<Vec<String>>> {
    names.map(|names| bracket::normalized(&names)).transpose()
}

/// Replaces the event's brackets by `names` (already [`checked`]) inside the caller's
/// transaction; `None` keeps them. 409 `bracket_in_use` when a removed bracket has teams.
pub(crate) fn replace_in(
    conn: &mut DbConnection,
    event_id: &str,
    names: Option<&[String]>,
) -> Result<bool> {
    match names {
        Some(names) => bracket::replace(conn, event_id, names),
        None => Ok(false),
    }
}

/// Moves the team `team_id` to the bracket `name` of its event (the event's organizers; 403
/// for the team's members and coaches, 404 for anyone else). 422 `unknown_bracket` when the
/// event has no such bracket. Allowed after the end too (results are corrected then). The
/// board and every big screen follow at once.
pub async fn move_team(
    state: &AppState,
    caller: &User,
    team_id: &str,
    name: &str,
) -> Result<TeamDetails> {
    let (caller, team_id, name) = (caller.clone(), team_id.to_owned(), name.to_owned());
    let details = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_access(conn, &caller, &team_id)?;
                if access.relation != TeamRelation::Organizer
                    && !access::organizes(conn, &caller, &access.event.id)?
                {
                    return Err(Error::Forbidden(
                        "only the event's organizers may move a team to another bracket".into(),
                    ));
                }
                let brackets = bracket::of_event(conn, &access.event.id)?;
                let chosen = bracket::resolve(&brackets, &name)
                    .cloned()
                    .ok_or_else(|| bracket::unknown(&brackets, &name))?;
                bracket::set_team(conn, &access.event.id, &access.team.id, Some(&chosen))?;
                crate::models::team::Team::details(conn, access.team, access.event)
            })
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
