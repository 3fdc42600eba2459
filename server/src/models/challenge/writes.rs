//! Creating and changing challenges: a published package's upsert (with its place on the
//! ladder), the live version, and the organizers' edits, with the checks they share (one line
//! titles, positions that are free and in range).

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::{
    db::{DbConnection, new_id, now, schema::challenges},
    error::{Error, Result},
};

use super::Challenge;

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
    /// The hints, as the JSON array of `models::hint::StoredHint`.
    pub hints: String,
    /// The minutes a team is expected to need.
    pub expected_minutes: Option<i32>,
    /// [`super::SIGN_OFF_NONE`] or [`super::SIGN_OFF_COACH`].
    pub sign_off: String,
    /// The package's `coach.md`, if it has one.
    pub coach_guide: Option<String>,
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
                        challenges::hints.eq(&fields.hints),
                        challenges::expected_minutes.eq(fields.expected_minutes),
                        challenges::sign_off.eq(&fields.sign_off),
                        challenges::coach_guide.eq(&fields.coach_guide),
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
                    hints: fields.hints,
                    expected_minutes: fields.expected_minutes,
                    sign_off: fields.sign_off,
                    coach_guide: fields.coach_guide,
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
}
