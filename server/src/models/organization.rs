//! Organizations: the companies users belong to. Competing customers share an event, so the
//! organization is what the insight reports and the leaderboard group people by.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, new_id, now, schema::organizations},
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
    /// The organization called `name`, created if it does not exist yet.
    pub fn find_or_create(conn: &mut DbConnection, name: &str) -> Result<Organization> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
            return Err(Error::bad_request(
                "invalid_organization",
                format!("organization must have 1 to {MAX_NAME_LEN} characters"),
            ));
        }
        if let Some(found) = organizations::table
            .filter(organizations::name.eq(name))
            .select(Organization::as_select())
            .first(conn)
            .optional()?
        {
            return Ok(found);
        }
        let created = Organization {
            id: new_id(),
            name: name.to_owned(),
            created_at: now(),
        };
        diesel::insert_into(organizations::table)
            .values(&created)
            .execute(conn)?;
        Ok(created)
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
}
