//! The portal's organizations, for its organizers: list them, rename one, merge two. Names
//! are free text at sign-up, so "Acme foods" and "Acme Foods" become two; merging them makes
//! every figure grouped by organization (the cliffs report's, the results') count them as
//! one, because those figures are computed from each account's organization.

use diesel::Connection;

use crate::{
    db::DbConnection,
    error::{Error, Result},
    models::{organization::Organization, user::User},
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

/// Every organization with its number of accounts, by name.
pub fn list(conn: &mut DbConnection, caller: &User) -> Result<Vec<(Organization, i64)>> {
    require_portal_organizer(caller)?;
    Organization::all_with_counts(conn)
}

/// Renames the organization `id`; returns it with its number of accounts.
pub async fn rename(
    state: &AppState,
    caller: &User,
    id: &str,
    name: &str,
) -> Result<(Organization, i64)> {
    require_portal_organizer(caller)?;
    let (id, name) = (id.to_owned(), name.to_owned());
    state
        .db
        .write(move |conn| {
            let org = Organization::find(conn, &id)?;
            let org = Organization::rename(conn, &org, &name)?;
            let members = Organization::member_count(conn, &org.id)?;
            Ok((org, members))
        })
        .await
}

/// Merges the organization `id` into `into`: its accounts move, it is deleted. Returns the
/// organization kept, its number of accounts, and how many moved. 400 `invalid_merge` for the
/// same one, 404 when either is unknown.
pub async fn merge(
    state: &AppState,
    caller: &User,
    id: &str,
    into: &str,
) -> Result<(Organization, i64, usize)> {
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
                let members = Organization::member_count(conn, &kept.id)?;
                Ok((kept, members, moved))
            })
        })
        .await
}
