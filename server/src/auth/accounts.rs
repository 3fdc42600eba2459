//! Accounts: creation (the organization, the user and the first session, in one
//! transaction), and checking a log-in's email and password. The JSON API and the web UI both
//! come through here.

use diesel::{Connection, prelude::*};

use crate::{
    auth::password,
    auth::{
        sessions::{self, IssuedTokens, SessionPolicy},
        tokens::TokenKeys,
    },
    db::{DbConnection, schema::users},
    error::{Error, Result},
    models::{
        organization::Organization,
        user::{NewUser, User},
    },
    state::AppState,
};

/// What a newcomer gives to register; the password is already hashed.
#[derive(Debug)]
pub struct Registration<'a> {
    /// Login.
    pub email: &'a str,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Name shown to others.
    pub display_name: &'a str,
    /// Organization name (created on first use).
    pub organization: &'a str,
    /// Whether the account organizes the whole portal (the first-run set-up only).
    pub portal_organizer: bool,
}

/// Creates the account (and its organization if new) and starts its first API session.
pub fn register(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    policy: SessionPolicy,
    registration: Registration<'_>,
) -> Result<(User, Organization, IssuedTokens)> {
    register_then(conn, registration, |conn, user| {
        sessions::start(conn, keys, policy, &user.id)
    })
}

/// Creates the account (and its organization if new), then runs `start_session` for it, all in
/// one transaction.
pub fn register_then<S>(
    conn: &mut DbConnection,
    registration: Registration<'_>,
    start_session: impl FnOnce(&mut DbConnection, &User) -> Result<S>,
) -> Result<(User, Organization, S)> {
    conn.transaction(|conn| {
        let organization = Organization::find_or_create(conn, registration.organization)?;
        let user = User::create(
            conn,
            NewUser {
                email: registration.email,
                password_hash: registration.password_hash,
                display_name: registration.display_name,
                organization_id: &organization.id,
                is_portal_organizer: registration.portal_organizer,
            },
        )?;
        let session = start_session(conn, &user)?;
        Ok::<_, Error>((user, organization, session))
    })
}

/// Whether any account organizes the portal (if not, the first-run set-up is open).
pub fn has_portal_organizer(conn: &mut DbConnection) -> Result<bool> {
    let found = users::table
        .filter(users::is_portal_organizer.eq(true))
        .select(users::id)
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Hashes a new password off the async executor (argon2id is deliberately slow).
pub async fn hash_password(secret: String) -> Result<String> {
    actix_web::web::block(move || password::hash(&secret))
        .await
        .map_err(Error::internal)?
}

/// Checks a log-in: throttled per email and per client address, an unknown email costing the
/// same time as a wrong password, and both answered with the same 401.
pub async fn check_credentials(
    state: &AppState,
    email: &str,
    secret: String,
    client: &str,
) -> Result<(User, Organization)> {
    let email = email.trim().to_lowercase();
    state.throttles.login.check(&format!("email:{email}"))?;
    state.throttles.login.check(&format!("ip:{client}"))?;
    let found = state
        .db
        .run(move |conn| match User::find_by_email(conn, &email) {
            Ok(Some(user)) => {
                let organization = Organization::find(conn, &user.organization_id)?;
                Ok(Some((user, organization)))
            }
            Ok(None) | Err(Error::BadRequest { .. }) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
    let stored = found.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |(u, _)| u.password_hash.clone(),
    );
    let matches = actix_web::web::block(move || password::verify(&secret, &stored))
        .await
        .map_err(Error::internal)?;
    match found {
        Some(found) if matches => Ok(found),
        _ => Err(Error::Unauthorized("invalid email or password".into())),
    }
}
