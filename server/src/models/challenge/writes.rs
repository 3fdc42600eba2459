//! Challenges: one rung of an event's ladder. A challenge row holds what teams see (title,
//! statement, points, position) and the organizers' settings (`always_open`, config
//! overrides); its validator lives in [`crate::models::validator_version`], and
//! `live_version_id` names the version that judges submissions.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{challenges, submissions, verdicts},
    },
    error::{Error, Result},
    models::submission::SubmissionStatus,
};

/// A challenge of an event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = challenges)]
pub struct Challenge {
    /// Identifier.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// Stable identifier within the event (the manifest's slug).
    pub slug: String,
    /// Display title.
    pub title: String,
    /// One line shown on the ladder.
    pub summary: String,
    /// Place on the ladder, 1 first; unique within the event.
    pub position: i32,
    /// The maximum score.
    pub points: i32,
    /// The statement (Markdown).
    pub statement: String,
    /// Open to every team regardless of the ladder.
    pub always_open: bool,
    /// JSON object: the organizers' overrides of the manifest's `[config]` defaults.
    pub config: String,
    /// JSON object: the live manifest's limit overrides.
    pub limits: String,
    /// The validator version that judges submissions.
    pub live_version_id: Option<String>,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// What a published package sets on its challenge.
#[derive(Debug, Clone)]
pub struct PackageFields {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Points.
    pub points: i32,
    /// Statement.
    pub statement: String,
    /// Limit overrides, as JSON.
    pub limits: String,
}

/// Where a challenge goes on the ladder and whether it is always open, when given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Placement {
    /// An explicit position; `None` keeps the current one (or takes the next free one).
    pub position: Option<i32>,
    /// `None` keeps the current setting (or `false` for a new challenge).
    pub always_open: Option<bool>,
}

/// The organizers' edits of a challenge (`PATCH`); `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ChallengeChanges {
    /// New title.
    pub title: Option<String>,
    /// New summary.
    pub summary: Option<String>,
    /// New position.
    pub position: Option<i32>,
    /// Open regardless of the ladder.
    pub always_open: Option<bool>,
    /// Replaces every config override.
    pub config: Option<BTreeMap<String, String>>,
}

fn unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

fn position_taken(position: i32) -> Error {
    Error::conflict(
        "position_taken",
        format!("another challenge of this event is at position {position}"),
    )
}

fn check_position(position: i32) -> Result<()> {
    if (1..=10_000).contains(&position) {
        Ok(())
    } else {
        Err(Error::bad_request(
            "invalid_position",
            "position must be between 1 and 10000",
        ))
    }
}

fn check_line(field: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.contains('\n') || value.chars().count() > max {
        return Err(Error::bad_request(
            "invalid_challenge",
            format!("{field} must be one line of 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

impl Challenge {
    /// The challenge with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Challenge> {
        challenges::table
            .find(id)
            .select(Challenge::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("challenge"))
    }

    /// The challenge `slug` of an event, if there is one.
    pub fn find_by_slug(
        conn: &mut DbConnection,
        event_id: &str,
        slug: &str,
    ) -> Result<Option<Challenge>> {
        Ok(challenges::table
            .filter(challenges::event_id.eq(event_id))
            .filter(challenges::slug.eq(slug))
            .select(Challenge::as_select())
            .first(conn)
            .optional()?)
    }

    /// The challenge `slug` of an event, or 404.
    pub fn get_by_slug(conn: &mut DbConnection, event_id: &str, slug: &str) -> Result<Challenge> {
        Self::find_by_slug(conn, event_id, slug)?.ok_or(Error::NotFound("challenge"))
    }

    /// Every challenge of an event, in ladder order.
    pub fn ladder(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Challenge>> {
        Ok(challenges::table
            .filter(challenges::event_id.eq(event_id))
            .order(challenges::position.asc())
            .select(Challenge::as_select())
            .load(conn)?)
    }

    /// The position after the last one.
    fn next_position(conn: &mut DbConnection, event_id: &str) -> Result<i32> {
        let last: Option<i32> = challenges::table
            .filter(challenges::event_id.eq(event_id))
            .select(diesel::dsl::max(challenges::position))
            .first(conn)?;
        Ok(last.unwrap_or(0) + 1)
    }

    /// Whether a challenge other than `except` holds `position`.
    fn is_position_taken(
        conn: &mut DbConnection,
        event_id: &str,
        position: i32,
        except: Option<&str>,
    ) -> Result<bool> {
        let mut query = challenges::table
            .filter(challenges::event_id.eq(event_id))
            .filter(challenges::position.eq(position))
            .into_boxed();
        if let Some(id) = except {
            query = query.filter(challenges::id.ne(id));
        }
        Ok(query.count().get_result::<i64>(conn)? > 0)
    }

    /// Creates the challenge for a package, or updates the existing one with the same slug,
    /// and makes `version_id` live. Run inside the publishing transaction.
    pub fn upsert_for_package(
        conn: &mut DbConnection,
        event_id: &str,
        fields: PackageFields,
        placement: Placement,
    ) -> Result<Challenge> {
        if let Some(position) = placement.position {
            check_position(position)?;
        }
        let at = now();
        match Self::find_by_slug(conn, event_id, &fields.slug)? {
            Some(existing) => {
                let position = placement.position.unwrap_or(existing.position);
                if Self::is_position_taken(conn, event_id, position, Some(&existing.id))? {
                    return Err(position_taken(position));
                }
                diesel::update(challenges::table.find(&existing.id))
                    .set((
                        challenges::title.eq(&fields.title),
                        challenges::summary.eq(&fields.summary),
                        challenges::points.eq(fields.points),
                        challenges::statement.eq(&fields.statement),
                        challenges::limits.eq(&fields.limits),
                        challenges::position.eq(position),
                        challenges::always_open
                            .eq(placement.always_open.unwrap_or(existing.always_open)),
                        challenges::updated_at.eq(at),
                    ))
                    .execute(conn)
                    .map_err(|e| {
                        if unique_violation(&e) {
                            position_taken(position)
                        } else {
                            e.into()
                        }
                    })?;
                Self::find(conn, &existing.id)
            }
            None => {
                let position = match placement.position {
                    Some(p) => p,
                    None => Self::next_position(conn, event_id)?,
                };
                if Self::is_position_taken(conn, event_id, position, None)? {
                    return Err(position_taken(position));
                }
                let challenge = Challenge {
                    id: new_id(),
                    event_id: event_id.to_owned(),
                    slug: fields.slug,
                    title: fields.title,
                    summary: fields.summary,
                    position,
                    points: fields.points,
                    statement: fields.statement,
                    always_open: placement.always_open.unwrap_or(false),
                    config: "{}".to_owned(),
                    limits: fields.limits,
                    live_version_id: None,
                    created_at: at,
                    updated_at: at,
                };
                diesel::insert_into(challenges::table)
                    .values(&challenge)
                    .execute(conn)
                    .map_err(|e| {
                        if unique_violation(&e) {
                            Error::conflict(
                                "challenge_conflict",
                                "the challenge was published concurrently; try again",
                            )
                        } else {
                            e.into()
                        }
                    })?;
                Ok(challenge)
            }
        }
    }

    /// Makes a validator version the one that judges.
    pub fn set_live_version(conn: &mut DbConnection, id: &str, version_id: &str) -> Result<()> {
        diesel::update(challenges::table.find(id))
            .set((
                challenges::live_version_id.eq(version_id),
                challenges::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Applies the organizers' edits. Config keys must be ones the live manifest declares
    /// (`known_config_keys`): an unknown key is almost always a typo.
    pub fn apply_changes(
        conn: &mut DbConnection,
        challenge: &Challenge,
        changes: ChallengeChanges,
        known_config_keys: &BTreeMap<String, String>,
    ) -> Result<Challenge> {
        let title = changes
            .title
            .as_deref()
            .map(|t| check_line("title", t, 100))
            .transpose()?;
        let summary = changes
            .summary
            .as_deref()
            .map(|s| check_line("summary", s, 200))
            .transpose()?;
        let config = match &changes.config {
            Some(config) => {
                if let Some(unknown) = config.keys().find(|k| !known_config_keys.contains_key(*k)) {
                    let known: Vec<&str> = known_config_keys.keys().map(String::as_str).collect();
                    return Err(Error::bad_request(
                        "unknown_config_key",
                        format!(
                            "the validator has no config key `{unknown}` (its keys: {})",
                            if known.is_empty() {
                                "none".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
                Some(serde_json::to_string(config).map_err(Error::internal)?)
            }
            None => None,
        };
        let position = changes.position.unwrap_or(challenge.position);
        check_position(position)?;
        if Self::is_position_taken(conn, &challenge.event_id, position, Some(&challenge.id))? {
            return Err(position_taken(position));
        }
        diesel::update(challenges::table.find(&challenge.id))
            .set((
                challenges::title.eq(title.as_deref().unwrap_or(&challenge.title)),
                challenges::summary.eq(summary.as_deref().unwrap_or(&challenge.summary)),
                challenges::position.eq(position),
                challenges::always_open.eq(changes.always_open.unwrap_or(challenge.always_open)),
                challenges::config.eq(config.as_deref().unwrap_or(&challenge.config)),
                challenges::updated_at.eq(now()),
            ))
            .execute(conn)
            .map_err(|e| {
                if unique_violation(&e) {
                    position_taken(position)
                } else {
                    e.into()
                }
            })?;
        Self::find(conn, &challenge.id)
    }

    /// The organizers' config overrides. A malformed stored value counts as none (it is only
    /// ever written by [`Challenge::apply_changes`]).
    pub fn config_overrides(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.config).unwrap_or_else(|e| {
            tracing::warn!(challenge = %self.id, error = %e, "malformed config overrides ignored");
            BTreeMap::new()
        })
    }

    /// The ids of the challenges `team_id` has solved: a submission whose current verdict
    /// passed.
    pub fn solved_by(conn: &mut DbConnection, team_id: &str) -> Result<HashSet<String>> {
        let ids: Vec<String> = submissions::table
            .inner_join(verdicts::table)
            .filter(submissions::team_id.eq(team_id))
            .filter(submissions::status.eq(SubmissionStatus::Judged.as_str()))
            .filter(verdicts::is_current.eq(true))
            .filter(verdicts::passed.eq(true))
            .select(submissions::challenge_id)
            .distinct()
            .load(conn)?;
        Ok(ids.into_iter().collect())
    }

    /// How many passing current verdicts `team_id` has on the challenge `challenge_id`.
    pub fn passes(conn: &mut DbConnection, team_id: &str, challenge_id: &str) -> Result<i64> {
        Ok(submissions::table
            .inner_join(verdicts::table)
            .filter(submissions::team_id.eq(team_id))
            .filter(submissions::challenge_id.eq(challenge_id))
            .filter(verdicts::is_current.eq(true))
            .filter(verdicts::passed.eq(true))
            .count()
            .get_result(conn)?)
    }

    /// The challenges (slugs) that a team's first pass on `slug` opened, by the ladder's rule
    /// ([`unlocked`]): none when it had passed it before. Two first passes judged at the same
    /// moment may both see two passes and report nothing; the ladder itself is still right.
    pub fn opened_by_first_pass(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
        slug: &str,
    ) -> Result<Vec<String>> {
        let ladder = Self::ladder(conn, event_id)?;
        let Some(passed) = ladder.iter().find(|c| c.slug == slug) else {
            return Ok(Vec::new());
        };
        if Self::passes(conn, team_id, &passed.id)? != 1 {
            return Ok(Vec::new());
        }
        let solved = Self::solved_by(conn, team_id)?;
        let mut before = solved.clone();
        before.remove(&passed.id);
        let open_now = unlocked(&ladder, &solved);
        let open_before = unlocked(&ladder, &before);
        Ok(ladder
            .iter()
            .filter(|c| open_now.contains(&c.id) && !open_before.contains(&c.id))
            .map(|c| c.slug.clone())
            .collect())
    }
}

/// Which challenges of a ladder are open to a team that solved `solved`: the first one,
/// those marked `always_open`, and each one whose predecessor is solved.
pub fn unlocked(ladder: &[Challenge], solved: &HashSet<String>) -> HashSet<String> {
    let mut open = HashSet::new();
    for (i, challenge) in ladder.iter().enumerate() {
        let previous_solved = i == 0 || solved.contains(&ladder[i - 1].id);
        if previous_solved || challenge.always_open {
            open.insert(challenge.id.clone());
        }
    }
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(id: &str, position: i32, always_open: bool) -> Challenge {
        let at = now();
        Challenge {
            id: id.into(),
            event_id: "e".into(),
            slug: id.into(),
            title: id.into(),
            summary: String::new(),
            position,
            points: 100,
            statement: String::new(),
            always_open,
            config: "{}".into(),
            limits: "{}".into(),
            live_version_id: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_ladder_opens_one_rung_at_a_time() {
        let ladder = [
            challenge("a", 1, false),
            challenge("b", 2, false),
            challenge("c", 3, false),
            challenge("d", 4, true),
        ];
        let none = unlocked(&ladder, &HashSet::new());
        assert!(none.contains("a") && !none.contains("b") && !none.contains("c"));
        assert!(none.contains("d"), "always open");
        let after_a = unlocked(&ladder, &HashSet::from(["a".to_owned()]));
        assert!(after_a.contains("b") && !after_a.contains("c"));
    }
}
