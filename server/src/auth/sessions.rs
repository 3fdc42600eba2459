//! Log-in sessions and their refresh tokens.
//!
//! A log-in starts a session and issues the first refresh token of its family. Using a
//! refresh token rotates it: it is marked used and the next one is issued. Presenting a used
//! token again means it was stolen (or replayed): the whole session is revoked, which also ends
//! the access tokens issued in it, since the extractor checks the session on every request.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::TimeDelta;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::{
    auth::tokens::TokenKeys,
    db::{
        DbConnection, new_id, now,
        schema::{refresh_tokens, sessions, users},
    },
    error::{Error, Result},
    models::user::User,
};

/// Tokens handed to a client after log-in or refresh.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    /// The JWT to send as `Authorization: Bearer`.
    pub access_token: String,
    /// The one-time token to trade for new tokens.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// Lifetimes of the tokens a session issues.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// How long a refresh token stays usable.
    pub refresh_ttl: Duration,
}

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn random_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn issue_refresh(
    conn: &mut DbConnection,
    session_id: &str,
    policy: SessionPolicy,
) -> Result<String> {
    let token = random_token()?;
    let ttl = TimeDelta::from_std(policy.refresh_ttl).unwrap_or(TimeDelta::days(30));
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(hash_token(&token)),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::expires_at.eq(now() + ttl),
            refresh_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Records a new session for `user_id` and returns its id.
pub(crate) fn insert(conn: &mut DbConnection, user_id: &str) -> Result<String> {
    let session_id = new_id();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(session_id)
}

/// Starts a session for `user_id` and issues its first tokens.
pub fn start(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    policy: SessionPolicy,
    user_id: &str,
) -> Result<IssuedTokens> {
    conn.transaction(|conn| {
        let session_id = insert(conn, user_id)?;
        Ok(IssuedTokens {
            access_token: keys.issue(user_id, &session_id)?,
            refresh_token: issue_refresh(conn, &session_id, policy)?,
            expires_in: keys.ttl().as_secs(),
        })
    })
}

/// Trades a refresh token for new tokens, rotating it. A reused token revokes its session.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &TokenKeys,
    policy: SessionPolicy,
    presented: &str,
) -> Result<(User, IssuedTokens)> {
    let invalid = || Error::Unauthorized("invalid refresh token".into());
    let outcome = conn.transaction(|conn| {
        let row = refresh_tokens::table
            .inner_join(sessions::table)
            .filter(refresh_tokens::token_hash.eq(hash_token(presented)))
            .select((
                refresh_tokens::token_hash,
                refresh_tokens::session_id,
                refresh_tokens::expires_at,
                refresh_tokens::rotated_at,
                sessions::user_id,
                sessions::revoked_at,
            ))
            .first::<(
                String,
                String,
                chrono::NaiveDateTime,
                Option<chrono::NaiveDateTime>,
                String,
                Option<chrono::NaiveDateTime>,
            )>(conn)
            .optional()?;
        let Some((hash, session_id, expires_at, rotated_at, user_id, revoked_at)) = row else {
            return Ok(Err(invalid()));
        };
        if revoked_at.is_some() {
            return Ok(Err(invalid()));
        }
        if rotated_at.is_some() {
            revoke(conn, &session_id)?;
            tracing::warn!(session = %session_id, "refresh token reused: session revoked");
            return Ok(Err(Error::Unauthorized(
                "refresh token already used: the session is revoked, log in again".into(),
            )));
        }
        if expires_at <= now() {
            return Ok(Err(Error::Unauthorized("refresh token expired".into())));
        }
        diesel::update(refresh_tokens::table.find(&hash))
            .set(refresh_tokens::rotated_at.eq(now()))
            .execute(conn)?;
        let user = User::find(conn, &user_id)?;
        let tokens = IssuedTokens {
            access_token: keys.issue(&user_id, &session_id)?,
            refresh_token: issue_refresh(conn, &session_id, policy)?,
            expires_in: keys.ttl().as_secs(),
        };
        Ok::<_, Error>(Ok((user, tokens)))
    })?;
    // The revocation above must commit even though the caller gets an error.
    outcome
}

/// Revokes a session: its refresh tokens and access tokens stop working at once.
pub fn revoke(conn: &mut DbConnection, session_id: &str) -> Result<()> {
    diesel::update(sessions::table.find(session_id))
        .filter(sessions::revoked_at.is_null())
        .set(sessions::revoked_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Revokes every live session of `user_id` (a password reset): web sign-ins, API log-ins and
/// personal tokens all stop at once.
pub fn revoke_all_of(conn: &mut DbConnection, user_id: &str) -> Result<usize> {
    Ok(diesel::update(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .set(sessions::revoked_at.eq(now()))
        .execute(conn)?)
}

/// Of `ids`, the sessions that have ended (revoked: signed out, their refresh token reused,
/// or ended by an organizer). Asked in chunks, so that any number of ids fits a query.
pub fn ended_among(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<String>> {
    let mut ended = Vec::new();
    for chunk in ids.chunks(500) {
        ended.extend(
            sessions::table
                .filter(sessions::id.eq_any(chunk))
                .filter(sessions::revoked_at.is_not_null())
                .select(sessions::id)
                .load::<String>(conn)?,
        );
    }
    Ok(ended)
}

/// The user of a live session, or 401 if the session is revoked or unknown.
pub fn user_of_live_session(
    conn: &mut DbConnection,
    session_id: &str,
    user_id: &str,
) -> Result<User> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(session_id))
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Unauthorized("session ended, log in again".into()))
}
