//! Brackets: the separate rankings an event may keep besides its full board ("On site",
//! "Remote"). An event lists its brackets in order; each team of an event with brackets
//! belongs to one, chosen when the team is created and changed by organizers.
//!
//! The rules, written once here:
//! - a bracket's name is 1–[`MAX_BRACKET_CHARS`] characters on one line, trimmed; names are
//!   unique within the event regardless of case; an event has at most [`MAX_BRACKETS`];
//! - a name given by a client names the bracket whose name equals it regardless of case
//!   ([`resolve`]), and is stored as the event spells it;
//! - a team of an event with brackets must name one when it is created (`bracket_required`);
//!   naming one the event does not have is `unknown_bracket`;
//! - a bracket that still has teams cannot be removed from the event (`bracket_in_use`).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::{
    db::{
        DbConnection,
        schema::{event_brackets, team_brackets},
    },
    error::{Error, Result},
};

/// The longest bracket name, in characters.
pub const MAX_BRACKET_CHARS: usize = 40;
/// The most brackets an event may have.
pub const MAX_BRACKETS: usize = 16;

/// Checks and normalizes an event's list of brackets: each name trimmed, 1–40 characters on
/// one line, no two equal regardless of case, at most 16 (400 `invalid_brackets`).
pub fn normalized(names: &[String]) -> Result<Vec<String>> {
    if names.len() > MAX_BRACKETS {
        return Err(Error::bad_request(
            "invalid_brackets",
            format!("an event has at most {MAX_BRACKETS} brackets"),
        ));
    }
    let mut seen: Vec<String> = Vec::with_capacity(names.len());
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_BRACKET_CHARS || name.contains('\n') {
            return Err(Error::bad_request(
                "invalid_brackets",
                format!(
                    "each bracket is a name of 1 to {MAX_BRACKET_CHARS} characters on one line"
                ),
            ));
        }
        let folded = name.to_lowercase();
        if seen.contains(&folded) {
            return Err(Error::bad_request(
                "invalid_brackets",
                format!("the bracket \"{name}\" is listed twice"),
            ));
        }
        seen.push(folded);
        out.push(name.to_owned());
    }
    Ok(out)
}

/// The brackets of the event `event_id`, in order (empty: the event has none).
pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<String>> {
    Ok(event_brackets::table
        .filter(event_brackets::event_id.eq(event_id))
        .order(event_brackets::position.asc())
        .select(event_brackets::name)
        .load(conn)?)
}

/// The brackets of every event, by event id, each list in order.
pub fn of_all_events(conn: &mut DbConnection) -> Result<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = event_brackets::table
        .order((
            event_brackets::event_id.asc(),
            event_brackets::position.asc(),
        ))
        .select((event_brackets::event_id, event_brackets::name))
        .load(conn)?;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (event, name) in rows {
        out.entry(event).or_default().push(name);
    }
    Ok(out)
}

/// The bracket among `brackets` that `name` names (equal regardless of case, trimmed).
pub fn resolve<'a>(brackets: &'a [String], name: &str) -> Option<&'a String> {
    let name = name.trim().to_lowercase();
    brackets.iter().find(|b| b.to_lowercase() == name)
}

/// Replaces the brackets of the event `event_id` by `names` (already [`normalized`]),
/// keeping the teams of the brackets that stay. Removing a bracket that still has teams is a
/// 409 `bracket_in_use`. Returns whether anything changed. Call inside a transaction.
pub fn replace(conn: &mut DbConnection, event_id: &str, names: &[String]) -> Result<bool> {
    let current = of_event(conn, event_id)?;
    if current == names {
        return Ok(false);
    }
    let removed: Vec<&String> = current.iter().filter(|old| !names.contains(old)).collect();
    if !removed.is_empty() {
        let in_use: Option<String> = team_brackets::table
            .filter(team_brackets::event_id.eq(event_id))
            .filter(team_brackets::bracket.eq_any(&removed))
            .select(team_brackets::bracket)
            .first(conn)
            .optional()?;
        if let Some(bracket) = in_use {
            return Err(Error::conflict(
                "bracket_in_use",
                format!(
                    "the bracket \"{bracket}\" still has teams: move them to another bracket \
                     before removing it"
                ),
            ));
        }
        diesel::delete(
            event_brackets::table
                .filter(event_brackets::event_id.eq(event_id))
                .filter(event_brackets::name.eq_any(&removed)),
        )
        .execute(conn)?;
    }
    for (index, name) in names.iter().enumerate() {
        let position = i32::try_from(index).unwrap_or(i32::MAX);
        let updated = diesel::update(event_brackets::table.find((event_id, name)))
            .set(event_brackets::position.eq(position))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(event_brackets::table)
                .values((
                    event_brackets::event_id.eq(event_id),
                    event_brackets::name.eq(name),
                    event_brackets::position.eq(position),
                ))
                .execute(conn)?;
        }
    }
    Ok(true)
}

/// The bracket a new team of an event with `brackets` joins, from what its creator asked
/// for: required when the event has brackets (400 `bracket_required`), one of them (422
/// `unknown_bracket`), and none when it has none (422 `unknown_bracket`).
pub fn choose(brackets: &[String], asked: Option<&str>) -> Result<Option<String>> {
    let asked = asked.map(str::trim).filter(|a| !a.is_empty());
    match (asked, brackets.is_empty()) {
        (None, true) => Ok(None),
        (None, false) => Err(Error::bad_request(
            "bracket_required",
            format!(
                "this event ranks teams in brackets: name one of {} as \"bracket\"",
                listed(brackets)
            ),
        )),
        (Some(name), _) => resolve(brackets, name)
            .cloned()
            .map(Some)
            .ok_or_else(|| unknown(brackets, name)),
    }
}

/// 422 `unknown_bracket` for `name`, saying which brackets there are.
pub fn unknown(brackets: &[String], name: &str) -> Error {
    if brackets.is_empty() {
        Error::unprocessable("unknown_bracket", "this event has no brackets")
    } else {
        let name: String = name.chars().take(MAX_BRACKET_CHARS + 1).collect();
        Error::unprocessable(
            "unknown_bracket",
            format!(
                "\"{name}\" is not a bracket of this event; its brackets are {}",
                listed(brackets)
            ),
        )
    }
}

fn listed(brackets: &[String]) -> String {
    brackets
        .iter()
        .map(|b| format!("\"{b}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Puts the team `team_id` of the event `event_id` in `bracket` (one of the event's, already
/// resolved), or in none.
pub fn set_team(
    conn: &mut DbConnection,
    event_id: &str,
    team_id: &str,
    bracket: Option<&str>,
) -> Result<()> {
    diesel::delete(team_brackets::table.find(team_id)).execute(conn)?;
    if let Some(bracket) = bracket {
        diesel::insert_into(team_brackets::table)
            .values((
                team_brackets::team_id.eq(team_id),
                team_brackets::event_id.eq(event_id),
                team_brackets::bracket.eq(bracket),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The bracket of the team `team_id`, if it has one.
pub fn of_team(conn: &mut DbConnection, team_id: &str) -> Result<Option<String>> {
    Ok(team_brackets::table
        .find(team_id)
        .select(team_brackets::bracket)
        .first(conn)
        .optional()?)
}

/// The bracket of every team of the event `event_id` that has one, by team id.
pub fn of_teams(conn: &mut DbConnection, event_id: &str) -> Result<HashMap<String, String>> {
    let rows: Vec<(String, String)> = team_brackets::table
        .filter(team_brackets::event_id.eq(event_id))
        .select((team_brackets::team_id, team_brackets::bracket))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn names_are_trimmed_checked_and_unique_regardless_of_case() {
        assert_eq!(
            normalized(&names(&[" On site ", "Remote"])).expect("valid"),
            names(&["On site", "Remote"])
        );
        assert!(normalized(&names(&["Remote", "remote"])).is_err());
        assert!(normalized(&names(&[""])).is_err());
        assert!(normalized(&names(&["a\nb"])).is_err(), "one line");
        assert!(normalized(&[("x".repeat(41))]).is_err());
        assert!(normalized(&vec!["b".to_owned(); 1]).is_ok());
        let many: Vec<String> = (0..17).map(|i| format!("b{i}")).collect();
        assert!(normalized(&many).is_err());
    }

    #[test]
    fn a_team_chooses_one_of_the_events_brackets() {
        let brackets = names(&["On site", "Remote"]);
        assert_eq!(
            choose(&brackets, Some(" remote")).expect("known"),
            Some("Remote".to_owned())
        );
        assert!(choose(&brackets, None).is_err(), "required");
        assert!(choose(&brackets, Some("Moon")).is_err(), "unknown");
        assert_eq!(choose(&[], None).expect("none needed"), None);
        assert!(choose(&[], Some("Remote")).is_err(), "the event has none");
    }
}
