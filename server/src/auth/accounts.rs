//! Accounts: signing up (the organization, the user, the first session and, with mail on,
//! the link that verifies the e-mail, in one transaction) and checking a sign-in's email and
//! password, both behind the throttles of [`crate::auth::throttle`]. The JSON API and the web
//! UI both come through here.

use diesel::{Connection, prelude::*};

use crate::{
    auth::password,
    auth::{email_verification, throttle::ClientAddress},
    db::{DbConnection, schema::users},
    error::{Error, Result},
    mail::Links,
    models::{
        organization::Organization,
        user::{NewUser, User},
    },
    state::AppState,
};

/// Creates the account (in the organization named, matched case-insensitively, created if
/// new; without mail, in the one its e-mail domain is mapped to), queues the link that
/// verifies its e-mail when `mail` is on, then runs `start_session` for it, all in one
/// transaction.
fn create_account<S>(
    conn: &mut DbConnection,
    sign_up: &SignUp,
    password_hash: String,
    mail: Option<&Links>,
    start_session: impl FnOnce(&mut DbConnection, &User) -> Result<S>,
) -> Result<(User, Organization, S)> {
    conn.transaction(|conn| {
        if sign_up.portal_organizer && has_portal_organizer(conn)? {
            return Err(Error::conflict(
                "already_set_up",
                "this portal is already set up: sign in instead",
            ));
        }
        // A domain a portal organizer mapped picks its organization, whatever was typed, once
        // the address is proven: with mail on, when its owner opens the link mailed below
        // (`Organization::apply_verified_email`). Without mail nothing can prove it, so the
        // mapping applies at once, as it always did, and the organization stays unverified.
        let mapped = match mail {
            Some(_) => None,
            None => Organization::for_email(conn, &sign_up.email)?,
        };
        let organization = match mapped {
            Some(mapped) => mapped,
            None => Organization::find_or_create(conn, &sign_up.organization)?,
        };
        let user = User::create(
            conn,
            NewUser {
                email: &sign_up.email,
                password_hash,
                display_name: &sign_up.display_name,
                organization_id: &organization.id,
                is_portal_organizer: sign_up.portal_organizer,
            },
        )?;
        if let Some(links) = mail {
            email_verification::issue(conn, links, &user)?;
        }
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

/// What someone gives to sign up, password in the clear (it is hashed here).
#[derive(Debug)]
pub struct SignUp {
    /// Login.
    pub email: String,
    /// The password chosen.
    pub password: String,
    /// Name shown to others.
    pub display_name: String,
    /// Organization name: an existing one matched case-insensitively, created on first use.
    /// Without mail, ignored when the e-mail's domain is mapped to an organization; with mail,
    /// the mapped organization replaces it once the e-mail is verified.
    pub organization: String,
    /// The first-run set-up: the account organizes the portal (409 `already_set_up` if an
    /// account does already).
    pub portal_organizer: bool,
}

/// Signs up from `client`: admitted by the sign-up throttles (a failed sign-up counts against
/// the client's failures), then the account is created, its e-mail verification link queued
/// (with mail on) and `start_session` run for it, in one transaction.
pub async fn sign_up<S: Send + 'static>(
    state: &AppState,
    client: ClientAddress,
    mut sign_up: SignUp,
    start_session: impl FnOnce(&mut DbConnection, &User) -> Result<S> + Send + 'static,
) -> Result<(User, Organization, S)> {
    if !state.config.password_sign_in {
        return Err(password_sign_in_off());
    }
    let account = sign_up.email.trim().to_lowercase();
    let attempt = state.throttles.sign_up(&account, client)?;
    let password = std::mem::take(&mut sign_up.password);
    let mail = state.mail.clone();
    let created = async {
        let password_hash = hash_password(password).await?;
        state
            .db
            .write(move |conn| {
                create_account(conn, &sign_up, password_hash, mail.as_ref(), start_session)
            })
            .await
    }
    .await;
    if created.is_ok() && state.mail.is_some() {
        state.outbox.wake();
    }
    attempt.finish(matches!(
        created,
        Err(Error::BadRequest { .. } | Error::Conflict { .. })
    ));
    created
}

/// Checks a sign-in from `client`, behind the sign-in throttles (only a wrong email or
/// password counts): an unknown email costs the same time as a wrong password, and both are
/// answered with the same 401.
pub async fn check_credentials(
    state: &AppState,
    email: &str,
    secret: String,
    client: ClientAddress,
) -> Result<(User, Organization)> {
    let email = email.trim().to_lowercase();
    let attempt = state.throttles.sign_in(&email, client)?;
    let checked = verify_credentials(state, email, secret).await;
    attempt.finish(matches!(checked, Err(Error::Unauthorized(_))));
    let (user, organization) = checked?;
    // With password sign-in off, a password still opens a portal organizer's account: the
    // command line's recovery (`cohack admin create-organizer`) sets one.
    if !state.config.password_sign_in && !user.is_portal_organizer {
        return Err(password_sign_in_off());
    }
    Ok((user, organization))
}

/// The refusal of a password sign-up or sign-in on a portal that signs people in through its
/// providers only.
pub fn password_sign_in_off() -> Error {
    Error::forbidden(
        "password_sign_in_off",
        "This portal signs people in through its sign-in providers only: use one of the \
         buttons on the sign-in page.",
    )
}

async fn verify_credentials(
    state: &AppState,
    email: String,
    secret: String,
) -> Result<(User, Organization)> {
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
    // An unknown e-mail, and an account without a password (made through a provider), cost
    // the same time as a wrong password.
    let stored = found
        .as_ref()
        .map(|(u, _)| u.password_hash.clone())
        .filter(|hash| !hash.is_empty());
    let has_password = stored.is_some();
    let stored = stored.unwrap_or_else(|| password::dummy_hash().to_owned());
    let matches = actix_web::web::block(move || password::verify(&secret, &stored))
        .await
        .map_err(Error::internal)?;
    match found {
        Some(found) if matches && has_password => Ok(found),
        _ => Err(Error::Unauthorized("invalid email or password".into())),
    }
}
