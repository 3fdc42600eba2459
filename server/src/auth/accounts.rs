//! Account creation: the organization, the user and the first session, in one transaction.

use diesel::Connection;

use crate::{
    auth::{
        sessions::{self, IssuedTokens, SessionPolicy},
        tokens::TokenKeys,
    },
    db::DbConnection,
    error::{Error, Result},
    models::{
        organization::Organization,
        user::{NewUser, User},
    },
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
}

/// Creates the account (and its organization if new) and starts its first session.
pub fn register(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    policy: SessionPolicy,
    registration: Registration<'_>,
) -> Result<(User, Organization, IssuedTokens)> {
    conn.transaction(|conn| {
        let organization = Organization::find_or_create(conn, registration.organization)?;
        let user = User::create(
            conn,
            NewUser {
                email: registration.email,
                password_hash: registration.password_hash,
                display_name: registration.display_name,
                organization_id: &organization.id,
                is_portal_organizer: false,
            },
        )?;
        let tokens = sessions::start(conn, keys, policy, &user.id)?;
        Ok::<_, Error>((user, organization, tokens))
    })
}
