//! The portal's organizations, for its organizers: list them, rename one, merge two, map
//! e-mail domains to one (a sign-up at a mapped domain joins that organization). Names
//! are free text at sign-up, so "Acme foods" and "Acme Foods" become two; merging them makes
//! every figure grouped by organization (the cliffs report's, the results') count them as
//! one, because those figures are computed from each account's organization.

use diesel::Connection;

use crate::{
    db::DbConnection,
    error::{Error, Result},
    models::{
        organization::{Organization, normalize_domain},
        user::User,
    },
    state::AppState,
};

/// 403 unless the caller organizes the portal.
fn require_portal_organizer(caller: &User) -> Result<()> {
    if !caller.is_portal_organizer {
        return Err(Error::Forbidden(
            "only the portal's organizers manage organizations".into(),
        ));
    }
    Ok(())
}

/// An organization as its organizers manage it.
#[derive(Debug, Clone)]
pub struct ManagedOrganization {
    /// The organization.
    pub organization: Organization,
    /// Its number of accounts.
    pub members: i64,
    /// The e-mail domains mapped to it, by name.
    pub domains: Vec<String>,
}

/// Every organization with its number of accounts and its domains, by name.
pub fn list(conn: &mut DbConnection, caller: &User) -> Result<Vec<ManagedOrganization>> {
    require_portal_organizer(caller)?;
    let mut domains = Organization::all_domains(conn)?;
    Ok(Organization::all_with_counts(conn)?
        .into_iter()
        .map(|(organization, members)| ManagedOrganization {
            domains: domains.remove(&organization.id).unwrap_or_default(),
            organization,
            members,
        })
        .collect())
}

fn managed(conn: &mut DbConnection, organization: Organization) -> Result<ManagedOrganization> {
    Ok(ManagedOrganization {
        members: Organization::member_count(conn, &organization.id)?,
        domains: Organization::domains(conn, &organization.id)?,
        organization,
    })
}

/// Maps the e-mail `domain` to the organization `id` (400 `invalid_domain`, 404, 409
/// `domain_taken`); returns the organization.
pub async fn add_domain(
    state: &AppState,
    caller: &User,
    id: &str,
    domain: &str,
) -> Result<ManagedOrganization> {
    require_portal_organizer(caller)?;
    let domain = normalize_domain(domain)?;
    let id = id.to_owned();
    state
        .db
        .write(move |conn| {
            let org = Organization::find(conn, &id)?;
            Organization::add_domain(conn, &org.id, &domain)?;
            managed(conn, org)
        })
        .await
}

/// Unmaps the e-mail `domain` from the organization `id` (404 when it is not mapped there).
pub async fn remove_domain(state: &AppState, caller: &User, id: &str, domain: &str) -> Result<()> {
    require_portal_organizer(caller)?;
    let (id, domain) = (id.to_owned(), domain.to_owned());
    state
        .db
        .write(move |conn| {
            let org = Organization::find(conn, &id)?;
            Organization::remove_domain(conn, &org.id, &domain)
        })
        .await
}

/// Renames the organization `id`; returns it.
pub async fn rename(
    state: &AppState,
    caller: &User,
    id: &str,
    name: &str,
) -> Result<ManagedOrganization> {
    require_portal_organizer(caller)?;
    let (id, name) = (id.to_owned(), name.to_owned());
    state
        .db
        .write(move |conn| {
            let org = Organization::find(conn, &id)?;
            let org = Organization::rename(conn, &org, &name)?;
            managed(conn, org)
        })
        .await
}

/// Merges the organization `id` into `into`: its accounts and domains move, it is deleted.
/// Returns the organization kept and how many accounts moved. 400 `invalid_merge` for the
/// same one, 404 when either is unknown.
pub async fn merge(
    state: &AppState,
    caller: &User,
    id: &str,
    into: &str,
) -> Result<(ManagedOrganization, usize)> {
    require_portal_organizer(caller)?;
    if id == into {
        return Err(Error::bad_request(
            "invalid_merge",
            "an organization cannot be merged into itself",
        ));
    }
    let (id, into) = (id.to_owned(), into.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                Organization::find(conn, &id)?;
                // An unknown `into` is a 404 like an unknown path id: the
                // request names a thing that is not there.
                let kept = Organization::find(conn, &into)?;
                let moved = Organization::merge(conn, &id, &into)?;
                Ok((managed(conn, kept)?, moved))
            })
        })
        .await
}
