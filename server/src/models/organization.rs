//! Organizations: the companies users belong to. Competing customers share an event, so the
//! organization is what the insight reports and the leaderboard group people by.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{organizations, users},
    },
    error::{Error, Result},
};

/// Longest organization name accepted.
pub const MAX_NAME_LEN: usize = 120;

/// An organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    /// Identifier.
    pub id: String,
    /// Display name, unique (compared as given, after trimming).
    pub name: String,
    /// When it was first named.
    pub created_at: NaiveDateTime,
}

impl Organization {
    /// The organization called `name`, created if it does not exist yet. Safe when several
    /// sign-ups name the same new organization at once: the insert runs in a savepoint, and
    /// one that loses the race to the unique name reads the winner's row instead (a failed
    /// statement would otherwise abort the caller's whole transaction on PostgreSQL).
    pub fn find_or_create(conn: &mut DbConnection, name: &str) -> Result<Organization> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(Error::bad_request(
                "invalid_organization",
                format!("organization must have 1 to {MAX_NAME_LEN} characters"),
            ));
        }
        if let Some(found) = Self::named(conn, name)? {
            return Ok(found);
        }
        let created = Organization {
            id: new_id(),
            name: name.to_owned(),
            created_at: now(),
        };
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(organizations::table)
                .values(&created)
                .execute(conn)
        });
        match inserted {
            Ok(_) => Ok(created),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Self::named(conn, name)?.ok_or_else(|| {
                Error::internal(anyhow::anyhow!(
                    "organization {name:?} was taken and then vanished"
                ))
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn named(conn: &mut DbConnection, name: &str) -> Result<Option<Organization>> {
        Ok(organizations::table
            .filter(organizations::name.eq(name))
            .select(Organization::as_select())
            .first(conn)
            .optional()?)
    }

    /// The organization with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Organization> {
        organizations::table
            .find(id)
            .select(Organization::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("organization"))
    }

    /// Every organization with how many accounts belong to it, by name.
    pub fn all_with_counts(conn: &mut DbConnection) -> Result<Vec<(Organization, i64)>> {
        let all = organizations::table
            .order(organizations::name.asc())
            .select(Organization::as_select())
            .load(conn)?;
        let counts: Vec<(String, i64)> = users::table
            .group_by(users::organization_id)
            .select((users::organization_id, diesel::dsl::count_star()))
            .load(conn)?;
        let counts: std::collections::HashMap<String, i64> = counts.into_iter().collect();
        Ok(all
            .into_iter()
            .map(|org| {
                let members = counts.get(&org.id).copied().unwrap_or(0);
                (org, members)
            })
            .collect())
    }

    /// Renames an organization (400 `invalid_organization`, 409 `organization_name_taken`:
    /// merge the two instead).
    pub fn rename(conn: &mut DbConnection, org: &Organization, name: &str) -> Result<Organization> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(Error::bad_request(
                "invalid_organization",
                format!("organization must have 1 to {MAX_NAME_LEN} characters"),
            ));
        }
        let renamed = conn.transaction(|conn| {
            diesel::update(organizations::table.find(&org.id))
                .set(organizations::name.eq(name))
                .execute(conn)
        });
        match renamed {
            Ok(_) => Ok(Organization {
                name: name.to_owned(),
                ..org.clone()
            }),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Err(Error::conflict(
                "organization_name_taken",
                "another organization has this name; merge the two instead",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// How many accounts belong to the organization.
    pub fn member_count(conn: &mut DbConnection, id: &str) -> Result<i64> {
        Ok(users::table
            .filter(users::organization_id.eq(id))
            .count()
            .get_result(conn)?)
    }

    /// Moves every account of `from` into `into` and deletes `from`.
    pub fn merge(conn: &mut DbConnection, from: &str, into: &str) -> Result<usize> {
        let moved = diesel::update(users::table.filter(users::organization_id.eq(from)))
            .set(users::organization_id.eq(into))
            .execute(conn)?;
        diesel::delete(organizations::table.find(from)).execute(conn)?;
        Ok(moved)
    }
}
