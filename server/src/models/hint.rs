//! Hints: the live manifest's `[[hints]]`, stored on the challenge at publish as a JSON array
//! (`challenges.hints`), and the hints each team unlocked (`hint_unlocks`), with the cost as
//! it was when unlocked.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::{DbConnection, now, schema::hint_unlocks},
    error::{Error, Result},
    models::team::Person,
};

/// One hint as stored on its challenge: what the manifest declared and the file's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHint {
    /// One line.
    pub title: String,
    /// Points taken for it (see the event's `hint_cost`).
    pub cost: i32,
    /// Markdown, shown once unlocked.
    pub text: String,
}

impl StoredHint {
    /// The stored hints of a published package, in the manifest's order.
    pub fn from_package(package: &cohack_package::Package) -> Vec<StoredHint> {
        package
            .manifest
            .hints
            .iter()
            .zip(&package.hints)
            .map(|(spec, text)| StoredHint {
                title: spec.title.clone(),
                cost: i32::try_from(spec.cost).unwrap_or(i32::MAX),
                text: text.clone(),
            })
            .collect()
    }

    /// The JSON array stored in `challenges.hints`.
    pub fn encode(hints: &[StoredHint]) -> String {
        serde_json::to_string(hints).unwrap_or_else(|_| "[]".to_owned())
    }

    /// The hints of `challenges.hints`. A malformed stored value counts as none (it is only
    /// ever written by publishing).
    pub fn decode(json: &str, challenge_id: &str) -> Vec<StoredHint> {
        serde_json::from_str(json).unwrap_or_else(|e| {
            tracing::warn!(challenge = %challenge_id, error = %e, "malformed stored hints ignored");
            Vec::new()
        })
    }
}

/// A hint a team unlocked.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = hint_unlocks)]
pub struct HintUnlock {
    /// The team.
    pub team_id: String,
    /// The challenge.
    pub challenge_id: String,
    /// Index into the challenge's hints, 0 first.
    pub hint_index: i32,
    /// The cost when it was unlocked (a later version of the package changes nothing).
    pub cost: i32,
    /// The member who unlocked it.
    pub unlocked_by: String,
    /// When.
    pub unlocked_at: NaiveDateTime,
}

/// A hint as a team (and its coaches and organizers) read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HintView {
    /// Its number, 1 first (the `{n}` of the unlock path).
    pub n: u32,
    /// One line.
    pub title: String,
    /// Points: the cost recorded when it was unlocked, or what unlocking it costs now.
    pub cost: i32,
    /// Unlocked by the team.
    pub unlocked: bool,
    /// Who unlocked it.
    pub unlocked_by: Option<Person>,
    /// When (UTC).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub unlocked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The text (Markdown), only once unlocked.
    pub text: Option<String>,
}

/// A challenge's hints for one team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HintList {
    /// The challenge's slug.
    pub challenge: String,
    /// How the event takes a hint's cost: `on_solve` (only if the team solves the challenge)
    /// or `always`.
    pub hint_cost: String,
    /// The sum of the costs of the hints the team unlocked.
    pub unlocked_cost: i64,
    /// The hints, in the manifest's order.
    pub hints: Vec<HintView>,
}

/// A hint's title and cost, shown with a challenge's statement.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HintTitle {
    /// Its number, 1 first.
    pub n: u32,
    /// One line.
    pub title: String,
    /// Points.
    pub cost: i32,
}

impl HintTitle {
    /// The titles and costs of `hints`.
    pub fn of(hints: &[StoredHint]) -> Vec<HintTitle> {
        hints
            .iter()
            .zip(1u32..)
            .map(|(h, n)| HintTitle {
                n,
                title: h.title.clone(),
                cost: h.cost,
            })
            .collect()
    }
}

impl HintUnlock {
    /// The hints `team_id` unlocked on `challenge_id`, in the hints' order.
    pub fn of_team(
        conn: &mut DbConnection,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<Vec<HintUnlock>> {
        Ok(hint_unlocks::table
            .filter(hint_unlocks::team_id.eq(team_id))
            .filter(hint_unlocks::challenge_id.eq(challenge_id))
            .order(hint_unlocks::hint_index.asc())
            .select(HintUnlock::as_select())
            .load(conn)?)
    }

    /// The latest unlocks of the teams `team_ids` (any challenge), newest first, at most
    /// `limit`.
    pub fn latest_of_teams(
        conn: &mut DbConnection,
        team_ids: &[String],
        limit: i64,
    ) -> Result<Vec<HintUnlock>> {
        Ok(hint_unlocks::table
            .filter(hint_unlocks::team_id.eq_any(team_ids))
            .order(hint_unlocks::unlocked_at.desc())
            .limit(limit)
            .select(HintUnlock::as_select())
            .load(conn)?)
    }

    /// Unlocks hint `index` of `challenge_id` for `team_id` at `cost`, once: the existing
    /// unlock when there is one (and `false`), else the new one (and `true`). Safe against a
    /// concurrent unlock of the same hint (the primary key decides).
    pub fn unlock(
        conn: &mut DbConnection,
        team_id: &str,
        challenge_id: &str,
        index: i32,
        cost: i32,
        by: &str,
    ) -> Result<(HintUnlock, bool)> {
        let find = |conn: &mut DbConnection| -> Result<Option<HintUnlock>> {
            Ok(hint_unlocks::table
                .find((team_id, challenge_id, index))
                .select(HintUnlock::as_select())
                .first(conn)
                .optional()?)
        };
        if let Some(existing) = find(conn)? {
            return Ok((existing, false));
        }
        let unlock = HintUnlock {
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            hint_index: index,
            cost: cost.max(0),
            unlocked_by: by.to_owned(),
            unlocked_at: now(),
        };
        match diesel::insert_into(hint_unlocks::table)
            .values(&unlock)
            .execute(conn)
        {
            Ok(_) => Ok((unlock, true)),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok((find(conn)?.ok_or(Error::NotFound("hint"))?, false)),
            Err(other) => Err(other.into()),
        }
    }
}
