//! Team endpoints: where a team's deployed services are, by the names challenges use (`api`).
//!
//! A challenge whose manifest has a `[network]` section names the endpoints a team must set
//! (`team_endpoints = ["api"]`); its validator (`cohack:validator@0.2.0`) then calls them. A
//! submission copies the endpoints it is judged against (`submissions.endpoints`), so a later
//! change here never changes what an earlier submission called.

use chrono::{DateTime, NaiveDateTime, Utc};
use cohack_runtime::Endpoint;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{DbConnection, schema::team_endpoints},
    error::{Error, Result},
};

/// The most endpoints one team may set.
pub const MAX_ENDPOINTS_PER_TEAM: usize = 16;

/// The longest endpoint name.
pub const MAX_NAME_CHARS: usize = 32;

/// One endpoint of a team.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = team_endpoints)]
pub struct TeamEndpoint {
    /// The team.
    pub team_id: String,
    /// The name a challenge's manifest uses (`api`).
    pub name: String,
    /// Absolute URL, checked when it was set.
    pub url: String,
    /// When it was last set.
    pub updated_at: NaiveDateTime,
    /// The member who last set it.
    pub updated_by: String,
}

/// An endpoint as the team, its coaches and the event's organizers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointView {
    /// The name challenges use (`api`).
    pub name: String,
    /// The URL the judge calls.
    pub url: String,
    /// When it was last set (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<Utc>,
}

/// A team's endpoints, by name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EndpointList {
    /// The endpoints.
    pub endpoints: Vec<EndpointView>,
}

impl From<&TeamEndpoint> for EndpointView {
    fn from(endpoint: &TeamEndpoint) -> Self {
        EndpointView {
            name: endpoint.name.clone(),
            url: endpoint.url.clone(),
            updated_at: endpoint.updated_at.and_utc(),
        }
    }
}

/// Whether `name` is an endpoint name: 1 to 32 characters of `[a-z0-9_-]` (the rule of a
/// manifest's `team_endpoints`).
pub fn is_endpoint_name(name: &str) -> bool {
    (1..=MAX_NAME_CHARS).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

impl TeamEndpoint {
    /// The endpoint as a validator run gets it.
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            name: self.name.clone(),
            url: self.url.clone(),
        }
    }

    /// A team's endpoints, by name.
    pub fn of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<TeamEndpoint>> {
        Ok(team_endpoints::table
            .filter(team_endpoints::team_id.eq(team_id))
            .order(team_endpoints::name.asc())
            .select(TeamEndpoint::as_select())
            .load(conn)?)
    }

    /// Sets (adds or replaces) an endpoint. A new name beyond [`MAX_ENDPOINTS_PER_TEAM`] is
    /// 409 `too_many_endpoints`. Name and URL are the caller's to check.
    pub fn set(conn: &mut DbConnection, endpoint: &TeamEndpoint) -> Result<()> {
        conn.transaction(|conn| {
            let replaced = Self::replace(conn, endpoint)?;
            if replaced > 0 {
                return Ok(());
            }
            let count: i64 = team_endpoints::table
                .filter(team_endpoints::team_id.eq(&endpoint.team_id))
                .count()
                .get_result(conn)?;
            if usize::try_from(count).unwrap_or(usize::MAX) >= MAX_ENDPOINTS_PER_TEAM {
                return Err(Error::conflict(
                    "too_many_endpoints",
                    format!(
                        "a team may set at most {MAX_ENDPOINTS_PER_TEAM} endpoints: remove one \
                         it no longer uses first"
                    ),
                ));
            }
            // Two members adding the same new name at once: the insert that loses the race
            // to the primary key (in a savepoint, so the transaction survives it) becomes the
            // update it would have been a moment later. Last writer wins, as for a replace.
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(team_endpoints::table)
                    .values(endpoint)
                    .execute(conn)
            });
            match inserted {
                Ok(_) => Ok(()),
                Err(diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                )) => Self::replace(conn, endpoint).map(drop),
                Err(e) => Err(e.into()),
            }
        })
    }

    /// Overwrites the URL of an existing endpoint; how many rows it changed (0 or 1).
    fn replace(conn: &mut DbConnection, endpoint: &TeamEndpoint) -> Result<usize> {
        Ok(diesel::update(
            team_endpoints::table
                .filter(team_endpoints::team_id.eq(&endpoint.team_id))
                .filter(team_endpoints::name.eq(&endpoint.name)),
        )
        .set((
            team_endpoints::url.eq(&endpoint.url),
            team_endpoints::updated_at.eq(endpoint.updated_at),
            team_endpoints::updated_by.eq(&endpoint.updated_by),
        ))
        .execute(conn)?)
    }

    /// Removes an endpoint; `false` when the team had none of that name.
    pub fn remove(conn: &mut DbConnection, team_id: &str, name: &str) -> Result<bool> {
        let removed = diesel::delete(
            team_endpoints::table
                .filter(team_endpoints::team_id.eq(team_id))
                .filter(team_endpoints::name.eq(name)),
        )
        .execute(conn)?;
        Ok(removed > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_manifests_rule() {
        for good in ["api", "a", "web-2", "db_primary", &"x".repeat(32)] {
            assert!(is_endpoint_name(good), "{good}");
        }
        for bad in ["", "API", "a b", "a.b", "é", "a/b", &"x".repeat(33)] {
            assert!(!is_endpoint_name(bad), "{bad:?}");
        }
    }
}
