//! Team aliases: the names a competitor-safe board shows (`board_names = "aliases"`).
//!
//! An organizer may set a team's alias (1–40 characters, unique within the event regardless
//! of case). A team without one shows a derived alias, `Team 07`, from its place in the order
//! teams were created (ties by id): deterministic, the same on every instance and every read,
//! and built from nothing the team chose, so it never carries the team's name.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::teams},
    error::{Error, Result},
    models::team::Team,
};

/// The longest alias, in characters (after trimming).
pub const MAX_ALIAS_CHARS: usize = 40;

/// The alias of the team at `position` (1-based) in creation order.
pub fn derived_alias(position: usize) -> String {
    format!("Team {position:02}")
}

/// An alias as stored: trimmed, 1–40 characters, one line (400 `invalid_alias`), as the
/// API's schema states it.
pub fn checked_alias(alias: &str) -> Result<&str> {
    let alias = alias.trim();
    let count = alias.chars().count();
    if count == 0 || count > MAX_ALIAS_CHARS || alias.contains('\n') {
        return Err(Error::bad_request(
            "invalid_alias",
            "alias must have 1 to 40 characters on one line",
        ));
    }
    Ok(alias)
}

/// Per team id of the event, the alias its board shows: the one an organizer set, or the
/// derived one. A derived alias that an organizer gave to another team is told apart with
/// a suffix (`Team 03 (2)`), so that no two teams ever share one.
pub fn aliases(conn: &mut DbConnection, event_id: &str) -> Result<HashMap<String, String>> {
    let rows: Vec<(String, Option<String>)> = teams::table
        .filter(teams::event_id.eq(event_id))
        .order((teams::created_at.asc(), teams::id.asc()))
        .select((teams::id, teams::alias))
        .load(conn)?;
    let chosen: HashSet<String> = rows
        .iter()
        .filter_map(|(_, alias)| alias.as_deref().map(str::to_lowercase))
        .collect();
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(index, (id, alias))| {
            let alias = alias.unwrap_or_else(|| {
                let base = derived_alias(index + 1);
                let mut candidate = base.clone();
                let mut n = 2;
                while chosen.contains(&candidate.to_lowercase()) {
                    candidate = format!("{base} ({n})");
                    n += 1;
                }
                candidate
            });
            (id, alias)
        })
        .collect())
}

/// The alias the team `team_id` of `event_id` shows.
pub fn alias_of(conn: &mut DbConnection, event_id: &str, team_id: &str) -> Result<String> {
    aliases(conn, event_id)?
        .remove(team_id)
        .ok_or(Error::NotFound("team"))
}

impl Team {
    /// Sets (`Some`) or clears (`None`: back to the derived one) the team's alias. 400
    /// `invalid_alias`; 409 `alias_taken` when another team of the event shows it already
    /// (set or derived), regardless of case.
    pub fn set_alias(conn: &mut DbConnection, team: &Team, alias: Option<&str>) -> Result<Team> {
        let alias = alias.map(checked_alias).transpose()?;
        if let Some(alias) = alias {
            let wanted = alias.to_lowercase();
            let taken = aliases(conn, &team.event_id)?
                .into_iter()
                .any(|(id, shown)| id != team.id && shown.to_lowercase() == wanted);
            if taken {
                return Err(Error::conflict(
                    "alias_taken",
                    "another team of this event shows this alias",
                ));
            }
        }
        diesel::update(teams::table.find(&team.id))
            .set(teams::alias.eq(alias))
            .execute(conn)?;
        Ok(Team {
            alias: alias.map(str::to_owned),
            ..team.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_bounded_and_derived_ones_numbered() {
        assert_eq!(derived_alias(7), "Team 07");
        assert_eq!(derived_alias(123), "Team 123");
        assert_eq!(checked_alias("  Blue  ").ok(), Some("Blue"));
        assert!(checked_alias("   ").is_err());
        assert!(checked_alias(&"x".repeat(41)).is_err());
        assert!(checked_alias("a\nb").is_err());
    }
}
