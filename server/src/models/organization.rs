//! Organizations: the companies users belong to. Competing customers share an event, so the
//! organization is what the insight reports and the leaderboard group people by.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{organization_domains, organizations, users},
    },
    error::{Error, Result},
    models::user::User,
};

/// Longest organization name accepted.
pub const MAX_NAME_LEN: usize = 120;

/// An organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    /// Identifier.
    pub id: String,
    /// Display name, unique; sign-ups and renames compare it case-insensitively
    /// ([`Organization::named`]).
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

    /// The organization called `name`, compared case-insensitively with runs of spaces as
    /// one ("acme  foods" is "Acme Foods"), so that sign-ups do not split a company in two.
    /// Compared here rather than in SQL, where SQLite's `lower` knows only ASCII.
    pub fn named(conn: &mut DbConnection, name: &str) -> Result<Option<Organization>> {
        let wanted = name_key(name);
        Ok(organizations::table
            .order(organizations::created_at.asc())
            .select(Organization::as_select())
            .load(conn)?
            .into_iter()
            .find(|org| name_key(&org.name) == wanted))
    }

    /// The names of every organization, by name (what sign-up offers).
    pub fn names(conn: &mut DbConnection) -> Result<Vec<String>> {
        Ok(organizations::table
            .order(organizations::name.asc())
            .select(organizations::name)
            .load(conn)?)
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
        if Self::named(conn, name)?.is_some_and(|other| other.id != org.id) {
            return Err(Error::conflict(
                "organization_name_taken",
                "another organization has this name; merge the two instead",
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

    /// Moves every account and e-mail domain of `from` into `into` and deletes `from`.
    pub fn merge(conn: &mut DbConnection, from: &str, into: &str) -> Result<usize> {
        let moved = diesel::update(users::table.filter(users::organization_id.eq(from)))
            .set(users::organization_id.eq(into))
            .execute(conn)?;
        diesel::update(
            organization_domains::table.filter(organization_domains::organization_id.eq(from)),
        )
        .set(organization_domains::organization_id.eq(into))
        .execute(conn)?;
        diesel::delete(organizations::table.find(from)).execute(conn)?;
        Ok(moved)
    }
}

/// What two organization names are compared by: lower case, runs of whitespace as one space.
fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Longest e-mail domain accepted.
pub const MAX_DOMAIN_LEN: usize = 253;

/// Checks an e-mail domain (`acme.com`: letters, digits and dashes in two or more
/// dot-separated labels) and lower-cases it; 400 `invalid_domain`.
pub fn normalize_domain(domain: &str) -> Result<String> {
    let valid = domain.len() <= MAX_DOMAIN_LEN
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if !valid {
        return Err(Error::bad_request(
            "invalid_domain",
            "a domain is like example.com: letters, digits and dashes between dots",
        ));
    }
    Ok(domain.to_ascii_lowercase())
}

impl Organization {
    /// The organization an e-mail address's domain is mapped to, if any.
    pub fn for_email(conn: &mut DbConnection, email: &str) -> Result<Option<Organization>> {
        let Some((_, domain)) = email.trim().rsplit_once('@') else {
            return Ok(None);
        };
        let domain = domain.to_ascii_lowercase();
        Ok(organization_domains::table
            .inner_join(organizations::table)
            .filter(organization_domains::domain.eq(domain))
            .select(Organization::as_select())
            .first(conn)
            .optional()?)
    }

    /// What a proven e-mail earns its account: call it once `user.email` is known to be its
    /// owner's (a mailed link was used, or a provider said the address is verified). The
    /// account is marked `email_verified`; if the address's domain is mapped to an
    /// organization, the account moves there whatever was typed at sign-up, and its
    /// organization is marked verified (`organization_verified`). An unmapped domain leaves
    /// the organization, and whether it was verified another way, as they are.
    ///
    /// Only while the account still has that address (409 `email_changed` otherwise, so a
    /// proof of an old address never vouches for a new one); the account as it is now.
    pub fn apply_verified_email(conn: &mut DbConnection, user: &User) -> Result<User> {
        conn.transaction(|conn| {
            let mapped = Self::for_email(conn, &user.email)?;
            let account = users::table
                .find(&user.id)
                .filter(users::email.eq(&user.email));
            let updated = match &mapped {
                Some(organization) => diesel::update(account)
                    .set((
                        users::email_verified.eq(true),
                        users::organization_id.eq(&organization.id),
                        users::organization_verified.eq(true),
                    ))
                    .execute(conn)?,
                None => diesel::update(account)
                    .set(users::email_verified.eq(true))
                    .execute(conn)?,
            };
            if updated == 0 {
                // Gone, or its address changed since the proof was made.
                User::find(conn, &user.id)?;
                return Err(Error::conflict(
                    "email_changed",
                    "the account's e-mail changed since this address was proven",
                ));
            }
            User::find(conn, &user.id)
        })
    }

    /// The e-mail domains mapped to each organization, by organization id.
    pub fn all_domains(
        conn: &mut DbConnection,
    ) -> Result<std::collections::HashMap<String, Vec<String>>> {
        let rows: Vec<(String, String)> = organization_domains::table
            .order(organization_domains::domain.asc())
            .select((
                organization_domains::organization_id,
                organization_domains::domain,
            ))
            .load(conn)?;
        let mut by_org = std::collections::HashMap::<String, Vec<String>>::new();
        for (org, domain) in rows {
            by_org.entry(org).or_default().push(domain);
        }
        Ok(by_org)
    }

    /// The e-mail domains mapped to this organization.
    pub fn domains(conn: &mut DbConnection, id: &str) -> Result<Vec<String>> {
        Ok(organization_domains::table
            .filter(organization_domains::organization_id.eq(id))
            .order(organization_domains::domain.asc())
            .select(organization_domains::domain)
            .load(conn)?)
    }

    /// Maps `domain` (already normalised) to this organization: sign-ups at it get the
    /// organization picked. Mapping it again is a no-op; 409 `domain_taken` when another
    /// organization has it.
    pub fn add_domain(conn: &mut DbConnection, id: &str, domain: &str) -> Result<()> {
        conn.transaction(|conn| {
            let owner = organization_domains::table
                .find(domain)
                .select(organization_domains::organization_id)
                .first::<String>(conn)
                .optional()?;
            match owner {
                Some(owner) if owner == id => Ok(()),
                Some(_) => Err(Error::conflict(
                    "domain_taken",
                    "another organization has this domain: remove it there first",
                )),
                None => {
                    diesel::insert_into(organization_domains::table)
                        .values((
                            organization_domains::domain.eq(domain),
                            organization_domains::organization_id.eq(id),
                            organization_domains::created_at.eq(now()),
                        ))
                        .execute(conn)?;
                    Ok(())
                }
            }
        })
    }

    /// Unmaps `domain` from this organization; 404 if it is not mapped to it.
    pub fn remove_domain(conn: &mut DbConnection, id: &str, domain: &str) -> Result<()> {
        let removed = diesel::delete(
            organization_domains::table
                .filter(organization_domains::domain.eq(domain.to_ascii_lowercase()))
                .filter(organization_domains::organization_id.eq(id)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(Error::NotFound("domain"));
        }
        Ok(())
    }
}
