//! Who a provider's login is, and the sessions started through one.
//!
//! An identity is (issuer, `sub`): an e-mail can change hands or be claimed by anyone, a
//! provider's subject cannot. The rules, in the order [`sign_in`] applies them:
//!
//! 1. A provider with `allowed_domains` admits only verified e-mails in those domains.
//! 2. A known identity signs its account in (or, linking from the account page, is refused if
//!    it belongs to someone else).
//! 3. Linking from the account page adds the identity to the signed-in account.
//! 4. A new identity whose e-mail is an existing account's links to that account only when the
//!    provider says the e-mail is verified; an unverified e-mail never links to nor takes over
//!    an account. An account of the vendor's staff is never reached through a provider that is
//!    not a staff one. When the account's own e-mail had never been proven, its password (set
//!    by whoever typed that e-mail first) stops working and its sessions end: the verified
//!    owner now holds it, and a reset link gives them a password again.
//! 5. Otherwise a new account is created, without a password.
//!
//! Then the verified facts apply: a verified e-mail equal to the account's proves it (and its
//! domain's mapped organization applies, as after a mailed link); a staff provider makes the
//! person staff; the organization claim sets the organization. Organizations set so are marked
//! verified.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::{Connection, prelude::*};
use serde::Serialize;

use crate::{
    auth::{
        oidc::flow::Login,
        sessions,
        web_sessions::{self, StartedWebSession},
    },
    config::OidcProviderConfig,
    db::{
        DbConnection, new_id, now,
        schema::{identities, oidc_sessions, users},
    },
    error::{Error, Result},
    models::{
        organization::Organization,
        user::{MAX_DISPLAY_NAME_LEN, NewUser, User},
    },
};

/// A linked identity as the account page shows it.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct IdentityView {
    /// Identifier (to remove it).
    pub id: String,
    /// The `[[oidc]]` id it was linked through.
    pub provider: String,
    /// The e-mail the provider last gave.
    pub email: String,
    /// Whether the provider said that e-mail is verified.
    pub email_verified: bool,
    /// When it was linked.
    pub created_at: NaiveDateTime,
    /// When it last signed in.
    pub last_used_at: NaiveDateTime,
}

/// A browser signed in through a provider.
#[derive(Debug)]
pub struct SignedIn {
    /// The account.
    pub user: User,
    /// The browser's session.
    pub started: StartedWebSession,
    /// Whether the account was created by this sign-in.
    pub created: bool,
}

/// Whether (issuer, subject) is a known identity: a sign-in rather than a sign-up (which
/// goes through the sign-up throttles first).
pub fn is_known(conn: &mut DbConnection, issuer: &str, subject: &str) -> Result<bool> {
    Ok(identities::table
        .filter(identities::issuer.eq(issuer))
        .filter(identities::subject.eq(subject))
        .select(identities::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

fn domain_of(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, domain)| domain)
}

/// Signs `login` in under the rules above, starting a browser session of `ttl`, all in one
/// transaction: a refusal creates and links nothing.
pub fn sign_in(
    conn: &mut DbConnection,
    provider: &OidcProviderConfig,
    login: &Login,
    ttl: Duration,
) -> Result<SignedIn> {
    conn.transaction(|conn| {
        let label = &provider.label;
        if !provider.allowed_domains.is_empty() {
            let allowed = login.email_verified
                && login
                    .email
                    .as_deref()
                    .and_then(domain_of)
                    .is_some_and(|d| provider.allowed_domains.iter().any(|a| a == d));
            if !allowed {
                return Err(Error::forbidden(
                    "oidc_domain_not_allowed",
                    format!(
                        "{label} admits only verified e-mail addresses at {}; this account's \
                         e-mail is {}.",
                        provider.allowed_domains.join(", "),
                        match (&login.email, login.email_verified) {
                            (Some(email), true) => email.clone(),
                            (Some(email), false) => format!("{email} (not verified)"),
                            (None, _) => "not given".to_owned(),
                        }
                    ),
                ));
            }
        }
        let known = identities::table
            .filter(identities::issuer.eq(&login.issuer))
            .filter(identities::subject.eq(&login.subject))
            .select((identities::id, identities::user_id))
            .first::<(String, String)>(conn)
            .optional()?;
        let (identity_id, user, created) = match (known, &login.link_user_id) {
            (Some((_, owner)), Some(linking)) if owner != *linking => {
                return Err(Error::conflict(
                    "oidc_identity_taken",
                    format!(
                        "This {label} account is already linked to another cohack account. \
                         Sign in with it, or remove it there first."
                    ),
                ));
            }
            (Some((identity_id, owner)), _) => {
                diesel::update(identities::table.find(&identity_id))
                    .set((
                        identities::email.eq(login.email.clone().unwrap_or_default()),
                        identities::email_verified.eq(login.email_verified),
                        identities::last_used_at.eq(now()),
                    ))
                    .execute(conn)?;
                (identity_id, User::find(conn, &owner)?, false)
            }
            (None, Some(linking)) => {
                let user = User::find(conn, linking)?;
                (insert_identity(conn, &user.id, provider, login)?, user, false)
            }
            (None, None) => {
                let email = login.email.as_deref().ok_or_else(|| {
                    Error::bad_request(
                        "oidc_no_email",
                        format!(
                            "{label} did not give an e-mail address, and cohack needs one. Allow \
                             cohack to see your e-mail at {label} (the `email` scope) and try \
                             again."
                        ),
                    )
                })?;
                match User::find_by_email(conn, email)? {
                    Some(existing) => {
                        if !login.email_verified {
                            return Err(Error::conflict(
                                "oidc_email_unverified",
                                format!(
                                    "An account with the e-mail {email} already exists, and \
                                     {label} does not say this e-mail is verified, so this \
                                     sign-in is not linked to it. Sign in with that account's \
                                     password, then link {label} from your account page."
                                ),
                            ));
                        }
                        if existing.is_staff && !provider.staff {
                            return Err(Error::forbidden(
                                "oidc_staff_account",
                                format!(
                                    "{email} belongs to the vendor's staff, who sign in through \
                                     their company's provider, not through {label}."
                                ),
                            ));
                        }
                        if !existing.email_verified && !existing.password_hash.is_empty() {
                            // Whoever typed this e-mail first never proved it; its owner just
                            // did. The password they did not set must not keep a way in.
                            User::set_password(conn, &existing.id, "")?;
                            sessions::revoke_all_of(conn, &existing.id)?;
                            tracing::info!(
                                user = %existing.id,
                                provider = %provider.id,
                                "unverified account taken over by its verified owner: password cleared"
                            );
                        }
                        let identity = insert_identity(conn, &existing.id, provider, login)?;
                        (identity, existing, false)
                    }
                    None => {
                        let user = create_account(conn, provider, login, email)?;
                        (insert_identity(conn, &user.id, provider, login)?, user, true)
                    }
                }
            }
        };
        let user = apply_verified_facts(conn, provider, login, user)?;
        let started = web_sessions::start(conn, &user.id, ttl)?;
        diesel::insert_into(oidc_sessions::table)
            .values((
                oidc_sessions::session_id.eq(&started.session_id),
                oidc_sessions::identity_id.eq(&identity_id),
                oidc_sessions::sid.eq(&login.sid),
                oidc_sessions::id_token.eq(&login.id_token),
                oidc_sessions::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(SignedIn {
            user,
            started,
            created,
        })
    })
}

fn insert_identity(
    conn: &mut DbConnection,
    user_id: &str,
    provider: &OidcProviderConfig,
    login: &Login,
) -> Result<String> {
    let id = new_id();
    diesel::insert_into(identities::table)
        .values((
            identities::id.eq(&id),
            identities::user_id.eq(user_id),
            identities::provider.eq(&provider.id),
            identities::issuer.eq(&login.issuer),
            identities::subject.eq(&login.subject),
            identities::email.eq(login.email.clone().unwrap_or_default()),
            identities::email_verified.eq(login.email_verified),
            identities::created_at.eq(now()),
            identities::last_used_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

fn create_account(
    conn: &mut DbConnection,
    provider: &OidcProviderConfig,
    login: &Login,
    email: &str,
) -> Result<User> {
    let name = login
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email));
    let name: String = name.chars().take(MAX_DISPLAY_NAME_LEN).collect();
    // The organization is set from verified facts below when there are any; until then the
    // e-mail's domain names it (never a name the person typed: they typed none).
    let organization = Organization::find_or_create(conn, domain_of(email).unwrap_or(email))?;
    let user = User::create(
        conn,
        NewUser {
            email,
            password_hash: String::new(),
            display_name: &name,
            organization_id: &organization.id,
            is_portal_organizer: false,
        },
    )?;
    tracing::info!(user = %user.id, provider = %provider.id, "account created through OpenID Connect");
    Ok(user)
}

/// The verified facts of `login`: its verified e-mail, when it is the account's, proves the
/// account's (and applies the domain's mapped organization:
/// [`Organization::apply_verified_email`], as a mailed link does); a staff provider makes the
/// person staff; the organization claim, when given, names the organization (it wins over a
/// mapped domain: the provider said so of this person).
fn apply_verified_facts(
    conn: &mut DbConnection,
    provider: &OidcProviderConfig,
    login: &Login,
    mut user: User,
) -> Result<User> {
    let proves_email = login.email_verified && login.email.as_deref() == Some(user.email.as_str());
    if proves_email {
        user = Organization::apply_verified_email(conn, &user)?;
    }
    if provider.staff && !user.is_staff {
        diesel::update(users::table.find(&user.id))
            .set(users::is_staff.eq(true))
            .execute(conn)?;
        user.is_staff = true;
    }
    if let Some(name) = &login.organization {
        let organization = Organization::find_or_create(conn, name)?;
        diesel::update(users::table.find(&user.id))
            .set((
                users::organization_id.eq(&organization.id),
                users::organization_verified.eq(true),
            ))
            .execute(conn)?;
        user.organization_id = organization.id;
        user.organization_verified = true;
    }
    Ok(user)
}

/// The identities linked to `user_id`, oldest first.
pub fn of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<IdentityView>> {
    Ok(identities::table
        .filter(identities::user_id.eq(user_id))
        .order((identities::created_at.asc(), identities::id.asc()))
        .select((
            identities::id,
            identities::provider,
            identities::email,
            identities::email_verified,
            identities::created_at,
            identities::last_used_at,
        ))
        .load(conn)?)
}

/// Removes one of `user_id`'s identities, unless it is the last way to sign in (no password
/// and no other identity). Sessions started through it end.
pub fn remove(conn: &mut DbConnection, user_id: &str, identity_id: &str) -> Result<()> {
    conn.transaction(|conn| {
        let user = User::find(conn, user_id)?;
        let linked: Vec<String> = identities::table
            .filter(identities::user_id.eq(user_id))
            .select(identities::id)
            .load(conn)?;
        if !linked.iter().any(|id| id == identity_id) {
            return Err(Error::NotFound("identity"));
        }
        if user.password_hash.is_empty() && linked.len() == 1 {
            return Err(Error::conflict(
                "last_sign_in_method",
                "This is the only way you sign in: link another provider or set a password \
                 (ask an organizer for a reset link) before removing it.",
            ));
        }
        let through: Vec<String> = oidc_sessions::table
            .filter(oidc_sessions::identity_id.eq(identity_id))
            .select(oidc_sessions::session_id)
            .load(conn)?;
        for session in &through {
            sessions::revoke(conn, session)?;
        }
        diesel::delete(identities::table.find(identity_id)).execute(conn)?;
        Ok(())
    })
}

/// The identity and ID token a session was started through, if it was.
pub fn of_session(conn: &mut DbConnection, session_id: &str) -> Result<Option<(String, String)>> {
    Ok(oidc_sessions::table
        .inner_join(identities::table)
        .filter(oidc_sessions::session_id.eq(session_id))
        .select((identities::provider, oidc_sessions::id_token))
        .first(conn)
        .optional()?)
}
