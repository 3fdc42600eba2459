//! One-time password reset links: the way back from a forgotten password.
//!
//! A portal organizer issues a link for an account (the people page, `POST
//! /users/{id}/password-reset`, or `cohack admin reset-password`) and hands it over. The link
//! carries 256 random bits of which only the SHA-256 is stored; it works once, for
//! [`TTL`], and a newer link for the same account replaces the older ones. Using it sets the
//! new password (the sign-up rules, argon2id) and ends every session of the account: web
//! sign-ins, API log-ins with their refresh tokens, and personal tokens. Presenting an
//! unknown, used or expired link counts against the client's failure budget like a wrong
//! password ([`crate::auth::throttle`]).
//!
//! The account's owner can also ask for a link by mail ([`request_by_mail`], `POST
//! /api/v1/auth/password-reset`, the "Forgot password?" page): the answer is the same 202
//! whether or not an account has the address, and it comes before any lookup, so neither
//! its content nor its timing tells. A mailed link does not replace earlier ones (someone
//! asking for the owner's address cannot cancel the link the owner is about to use); using
//! any link ends all the others.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::{
    auth::{
        accounts::hash_password,
        sessions::{self, hash_token, random_token},
        throttle::ClientAddress,
    },
    db::{DbConnection, now, schema::password_resets},
    error::{Error, Result},
    models::user::User,
    state::AppState,
};

/// How long a link works.
pub const TTL: TimeDelta = TimeDelta::minutes(30);
/// The page a link opens; the secret follows as `?token=` (a name the request log redacts).
pub const PAGE: &str = "/reset-password";

/// A link just issued.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    /// The account whose password it resets.
    pub user: User,
    /// The link's secret (shown once; only its hash is stored).
    pub secret: String,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
}

impl IssuedLink {
    /// The link's path and query, to put after the portal's public address.
    pub fn path(&self) -> String {
        format!("{PAGE}?token={}", self.secret)
    }
}

/// What a presented link is.
#[derive(Debug, Clone)]
pub enum LinkState {
    /// It works: for this account, until then.
    Valid {
        /// The account's email.
        email: String,
        /// When it stops working.
        expires_at: NaiveDateTime,
    },
    /// It was used already.
    Used,
    /// Its time is up.
    Expired,
    /// No such link (mistyped, cut short, or replaced by a newer one).
    Unknown,
}

impl LinkState {
    /// The error an unusable link answers: 404 for an unknown one, 409 `reset_link_used` or
    /// `reset_link_expired`.
    pub fn refusal(&self) -> Option<Error> {
        match self {
            Self::Valid { .. } => None,
            Self::Used => Some(Error::conflict(
                "reset_link_used",
                "this reset link was used already: ask an organizer for a new one",
            )),
            Self::Expired => Some(Error::conflict(
                "reset_link_expired",
                "this reset link has expired: ask an organizer for a new one",
            )),
            Self::Unknown => Some(Error::NotFound("reset link")),
        }
    }
}

/// Issues a link for the account `user_id` (404 if unknown), replacing its unused ones.
/// `issued_by` is the portal organizer who asked (`None` from the command line).
pub fn issue(
    conn: &mut DbConnection,
    user_id: &str,
    issued_by: Option<&str>,
) -> Result<IssuedLink> {
    conn.transaction(|conn| {
        let user = User::find(conn, user_id)?;
        diesel::delete(
            password_resets::table
                .filter(password_resets::user_id.eq(&user.id))
                .filter(password_resets::used_at.is_null()),
        )
        .execute(conn)?;
        insert_link(conn, user, issued_by)
    })
}

/// Stores a new link for `user` beside its other ones.
fn insert_link(conn: &mut DbConnection, user: User, issued_by: Option<&str>) -> Result<IssuedLink> {
    let secret = random_token()?;
    let expires_at = now() + TTL;
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(hash_token(&secret)),
            password_resets::user_id.eq(&user.id),
            password_resets::issued_by.eq(issued_by),
            password_resets::expires_at.eq(expires_at),
            password_resets::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(IssuedLink {
        user,
        secret,
        expires_at,
    })
}

/// Issues a link for `user_id` on behalf of `caller`, who must organize the portal (403).
pub async fn issue_for(state: &AppState, caller: &User, user_id: &str) -> Result<IssuedLink> {
    if !caller.is_portal_organizer {
        return Err(Error::Forbidden(
            "only the portal's organizers issue password reset links".into(),
        ));
    }
    let (user_id, caller_id) = (user_id.to_owned(), caller.id.clone());
    state
        .db
        .write(move |conn| issue(conn, &user_id, Some(&caller_id)))
        .await
}

/// Like [`issue_for`], for the account with this email (404 if none has it).
pub async fn issue_for_email(state: &AppState, caller: &User, email: &str) -> Result<IssuedLink> {
    if !caller.is_portal_organizer {
        return Err(Error::Forbidden(
            "only the portal's organizers issue password reset links".into(),
        ));
    }
    let (email, caller_id) = (email.to_owned(), caller.id.clone());
    state
        .db
        .write(move |conn| {
            let user = User::find_by_email(conn, &email)?.ok_or(Error::NotFound("user"))?;
            issue(conn, &user.id, Some(&caller_id))
        })
        .await
}

/// What the link `secret` is (nothing is changed).
pub fn inspect(conn: &mut DbConnection, secret: &str) -> Result<LinkState> {
    let found = password_resets::table
        .find(hash_token(secret))
        .inner_join(
            crate::db::schema::users::table
                .on(crate::db::schema::users::id.eq(password_resets::user_id)),
        )
        .select((
            crate::db::schema::users::email,
            password_resets::expires_at,
            password_resets::used_at,
        ))
        .first::<(String, NaiveDateTime, Option<NaiveDateTime>)>(conn)
        .optional()?;
    Ok(match found {
        None => LinkState::Unknown,
        Some((_, _, Some(_))) => LinkState::Used,
        Some((_, expires_at, None)) if expires_at <= now() => LinkState::Expired,
        Some((email, expires_at, None)) => LinkState::Valid { email, expires_at },
    })
}

/// Inspects a link presented from `client`, behind the reset throttle: an unusable one
/// counts as a failure.
pub async fn check(state: &AppState, client: ClientAddress, secret: String) -> Result<LinkState> {
    let attempt = state.throttles.reset_link(client)?;
    let link = state.db.run(move |conn| inspect(conn, &secret)).await;
    attempt.finish(!matches!(link, Ok(LinkState::Valid { .. })));
    link
}

/// Uses the link `secret` from `client`: sets `password` (400 `weak_password`) and ends
/// every session of the account. An unusable link is refused as [`LinkState::refusal`]
/// says, also when two uses race (only one wins).
pub async fn complete(
    state: &AppState,
    client: ClientAddress,
    secret: String,
    password: String,
) -> Result<User> {
    let attempt = state.throttles.reset_link(client)?;
    let done = async {
        let probe = secret.clone();
        let link = state.db.run(move |conn| inspect(conn, &probe)).await?;
        if let Some(refusal) = link.refusal() {
            return Err(refusal);
        }
        let password_hash = hash_password(password).await?;
        state
            .db
            .write(move |conn| use_link(conn, &secret, &password_hash))
            .await
    }
    .await;
    attempt.finish(matches!(
        done,
        Err(Error::NotFound(_) | Error::Conflict { .. })
    ));
    done
}

fn use_link(conn: &mut DbConnection, secret: &str, password_hash: &str) -> Result<User> {
    conn.transaction(|conn| {
        let hash = hash_token(secret);
        let now = now();
        let claimed = diesel::update(
            password_resets::table
                .find(&hash)
                .filter(password_resets::used_at.is_null())
                .filter(password_resets::expires_at.gt(now)),
        )
        .set(password_resets::used_at.eq(now))
        .execute(conn)?;
        if claimed != 1 {
            let link = inspect(conn, secret)?;
            return Err(link
                .refusal()
                .unwrap_or_else(|| Error::internal(anyhow::anyhow!("reset link not claimed"))));
        }
        let user_id = password_resets::table
            .find(&hash)
            .select(password_resets::user_id)
            .first::<String>(conn)?;
        User::set_password(conn, &user_id, password_hash)?;
        sessions::revoke_all_of(conn, &user_id)?;
        // The other links of the account (mailed ones live side by side) end with this one.
        diesel::delete(
            password_resets::table
                .filter(password_resets::user_id.eq(&user_id))
                .filter(password_resets::used_at.is_null()),
        )
        .execute(conn)?;
        User::find(conn, &user_id)
    })
}

/// The owner's request for a link by mail to `email`, from `client`: 429 once the client's
/// budget is spent, otherwise done in the background and answered at once (the caller says
/// 202 either way). An address without an account, or past its own budget, gets nothing.
/// Without mail on, nothing is sent (the organizers issue links then).
pub fn request_by_mail(
    state: &actix_web::web::Data<AppState>,
    client: ClientAddress,
    email: &str,
) -> Result<()> {
    let address = email.trim().to_lowercase();
    if !state.throttles.reset_request(&address, client)? {
        return Ok(());
    }
    let Some(public) = state.mail.clone() else {
        return Ok(());
    };
    let state = state.clone();
    tokio::spawn(async move {
        let queued = state
            .db
            .write(move |conn| {
                conn.transaction(|conn| {
                    let Some(user) = User::find_by_email(conn, &address).ok().flatten() else {
                        return Ok(false);
                    };
                    let link = insert_link(conn, user, None)?;
                    let mail = crate::mail::compose::password_reset(
                        &link.user.email,
                        &public.link(&link.path()),
                        TTL.num_minutes(),
                    )?;
                    crate::mail::queue(conn, None, &link.user.email, &mail)?;
                    Ok::<_, Error>(true)
                })
            })
            .await;
        match queued {
            Ok(true) => state.outbox.wake(),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "password reset mail not queued"),
        }
    });
    Ok(())
}
