//! Proving that an account's e-mail address is its owner's: a one-time link mailed to it.
//!
//! With mail on (`smtp_url`), a password sign-up queues the link in its own transaction
//! ([`issue`], from [`crate::auth::accounts`]): `{public_url}/verify-email?token=…`. The link
//! carries 256 random bits of which only the SHA-256 is stored; it works once, for [`TTL`],
//! and only while the account still has the address it was mailed to; a newer link replaces
//! the account's unused ones. Opening it shows a page with one button, because mail scanners
//! fetch the links in a mail: the `GET` changes nothing, the `POST` (with the page's CSRF
//! token) confirms ([`confirm`]). Confirming marks the address verified and gives the account
//! what a verified address earns ([`Organization::apply_verified_email`]): the organization
//! its domain is mapped to, marked verified. Unknown, used and expired links count against
//! the client's failure budget, as reset links do ([`crate::auth::throttle`]).
//!
//! Its owner, signed in, may ask for a new link ([`request_again`], `POST
//! /api/v1/auth/email-verification`, the button of `/account/email-verification`), three
//! times and then once every ten minutes.
//!
//! Without mail nothing is sent and no address is verified: sign-up then applies the domain
//! mapping at once, as it always did, but the organization is not marked verified.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::{
    auth::{
        sessions::{hash_token, random_token},
        throttle::ClientAddress,
    },
    db::{
        DbConnection, now,
        schema::{email_verifications, users},
    },
    error::{Error, Result},
    mail::{self, Links, compose},
    models::{organization::Organization, user::User},
    state::AppState,
};

/// How long a link works.
pub const TTL: TimeDelta = TimeDelta::hours(48);
/// The page a link opens; the secret follows as `?token=` (a name the request log redacts).
pub const PAGE: &str = "/verify-email";

/// What a presented link is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// It works: it proves this address (the account's own).
    Valid {
        /// The address it proves.
        email: String,
    },
    /// It was used already.
    Used,
    /// Its time is up.
    Expired,
    /// The account's address is no longer the one it was mailed to.
    Stale,
    /// No such link (mistyped, cut short, or replaced by a newer one).
    Unknown,
}

impl LinkState {
    /// The error an unusable link answers: 404 for an unknown one, 409
    /// `verification_link_used`, `verification_link_expired` or `verification_link_stale`.
    pub fn refusal(&self) -> Option<Error> {
        match self {
            Self::Valid { .. } => None,
            Self::Used => Some(Error::conflict(
                "verification_link_used",
                "this verification link was used already",
            )),
            Self::Expired => Some(Error::conflict(
                "verification_link_expired",
                "this verification link has expired: ask for a new one on your account page",
            )),
            Self::Stale => Some(Error::conflict(
                "verification_link_stale",
                "this verification link was mailed to an address the account no longer has",
            )),
            Self::Unknown => Some(Error::NotFound("verification link")),
        }
    }

    /// The state a refusal of [`LinkState::refusal`] stands for (`None` for other errors).
    pub fn of_refusal(error: &Error) -> Option<LinkState> {
        match error {
            Error::NotFound("verification link") => Some(Self::Unknown),
            Error::Conflict { code, .. } => match *code {
                "verification_link_used" => Some(Self::Used),
                "verification_link_expired" => Some(Self::Expired),
                "verification_link_stale" => Some(Self::Stale),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Queues a new link to `user`'s address, inside the caller's transaction, replacing the
/// account's unused links. Call `state.outbox.wake()` after the commit.
pub fn issue(conn: &mut DbConnection, links: &Links, user: &User) -> Result<()> {
    diesel::delete(
        email_verifications::table
            .filter(email_verifications::user_id.eq(&user.id))
            .filter(email_verifications::used_at.is_null()),
    )
    .execute(conn)?;
    let secret = random_token()?;
    let created_at = now();
    diesel::insert_into(email_verifications::table)
        .values((
            email_verifications::token_hash.eq(hash_token(&secret)),
            email_verifications::user_id.eq(&user.id),
            email_verifications::email.eq(&user.email),
            email_verifications::expires_at.eq(created_at + TTL),
            email_verifications::created_at.eq(created_at),
        ))
        .execute(conn)?;
    let link = links.link(&format!("{PAGE}?token={secret}"));
    let mail = compose::email_verification(&user.email, &link, TTL.num_hours())?;
    mail::queue(conn, None, &user.email, &mail)?;
    Ok(())
}

/// What the link `secret` is (nothing is changed).
pub fn inspect(conn: &mut DbConnection, secret: &str) -> Result<LinkState> {
    let found = email_verifications::table
        .find(hash_token(secret))
        .inner_join(users::table.on(users::id.eq(email_verifications::user_id)))
        .select((
            email_verifications::email,
            users::email,
            email_verifications::expires_at,
            email_verifications::used_at,
        ))
        .first::<(String, String, NaiveDateTime, Option<NaiveDateTime>)>(conn)
        .optional()?;
    Ok(match found {
        None => LinkState::Unknown,
        Some((_, _, _, Some(_))) => LinkState::Used,
        Some((_, _, expires_at, None)) if expires_at <= now() => LinkState::Expired,
        Some((mailed, current, _, None)) if mailed != current => LinkState::Stale,
        Some((email, _, _, None)) => LinkState::Valid { email },
    })
}

/// Inspects a link presented from `client`, behind the client's failure budget: an unusable
/// one counts.
pub async fn check(state: &AppState, client: ClientAddress, secret: String) -> Result<LinkState> {
    let attempt = state.throttles.reset_link(client)?;
    let link = state.db.run(move |conn| inspect(conn, &secret)).await;
    attempt.finish(!matches!(link, Ok(LinkState::Valid { .. })));
    link
}

/// Uses the link `secret` from `client`: the address is verified, and the account moves to
/// the organization its domain is mapped to, if any; the account and its organization as
/// they are now. An unusable link is refused as [`LinkState::refusal`] says, also when two
/// uses race (only one wins).
pub async fn confirm(
    state: &AppState,
    client: ClientAddress,
    secret: String,
) -> Result<(User, Organization)> {
    let attempt = state.throttles.reset_link(client)?;
    let done = state.db.write(move |conn| use_link(conn, &secret)).await;
    attempt.finish(matches!(
        done,
        Err(Error::NotFound(_) | Error::Conflict { .. })
    ));
    done
}

fn use_link(conn: &mut DbConnection, secret: &str) -> Result<(User, Organization)> {
    conn.transaction(|conn| {
        let refused = |conn: &mut DbConnection| -> Error {
            match inspect(conn, secret) {
                Ok(link) => link.refusal().unwrap_or_else(|| {
                    Error::internal(anyhow::anyhow!("verification link not claimed"))
                }),
                Err(e) => e,
            }
        };
        let hash = hash_token(secret);
        let at = now();
        let claimed = diesel::update(
            email_verifications::table
                .find(&hash)
                .filter(email_verifications::used_at.is_null())
                .filter(email_verifications::expires_at.gt(at)),
        )
        .set(email_verifications::used_at.eq(at))
        .execute(conn)?;
        if claimed != 1 {
            return Err(refused(conn));
        }
        let (user_id, mailed) = email_verifications::table
            .find(&hash)
            .select((email_verifications::user_id, email_verifications::email))
            .first::<(String, String)>(conn)?;
        let user = User::find(conn, &user_id)?;
        if user.email != mailed {
            return Err(LinkState::Stale
                .refusal()
                .unwrap_or_else(|| Error::internal(anyhow::anyhow!("stale link accepted"))));
        }
        let user = Organization::apply_verified_email(conn, &user)?;
        // Any other link of the account has nothing left to prove.
        diesel::delete(
            email_verifications::table
                .filter(email_verifications::user_id.eq(&user.id))
                .filter(email_verifications::used_at.is_null()),
        )
        .execute(conn)?;
        let organization = Organization::find(conn, &user.organization_id)?;
        Ok((user, organization))
    })
}

/// The refusal of a link asked for with mail off.
fn mail_off() -> Error {
    Error::conflict(
        "mail_off",
        "this portal sends no mail, so it cannot verify e-mail addresses",
    )
}

/// The refusal of a link asked for an address verified already.
fn already_verified() -> Error {
    Error::conflict(
        "email_already_verified",
        "your e-mail address is verified already",
    )
}

/// `caller` asks for a new link to their address: 409 `mail_off` without mail, 409
/// `email_already_verified`, 429 past the account's budget; else a new link is queued (the
/// older ones stop working).
pub async fn request_again(state: &AppState, caller: &User) -> Result<()> {
    let Some(links) = state.mail.clone() else {
        return Err(mail_off());
    };
    if caller.email_verified {
        return Err(already_verified());
    }
    state.throttles.verification_mail(&caller.id)?;
    let id = caller.id.clone();
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let user = User::find(conn, &id)?;
                if user.email_verified {
                    return Err(already_verified());
                }
                issue(conn, &links, &user)
            })
        })
        .await?;
    state.outbox.wake();
    Ok(())
}
