//! Browser log-ins: a random token in an HttpOnly cookie, stored hashed, tied to a session.
//!
//! A browser session is a [`sessions`] row like an API log-in, so everything that ends a
//! session (signing out, revocation) ends the cookie and every access token the page was given
//! for its live channels. The cookie itself never reaches JavaScript.

use std::time::Duration;

use chrono::TimeDelta;
use diesel::prelude::*;

use crate::{
    auth::sessions::{self, hash_token, random_token},
    db::{
        DbConnection, now,
        schema::{sessions as sessions_table, users, web_sessions},
    },
    error::Result,
    models::user::User,
};

/// A browser session just started: the cookie's value and the session it belongs to.
#[derive(Debug, Clone)]
pub struct StartedWebSession {
    /// The cookie's value (shown once; only its hash is stored).
    pub cookie_token: String,
    /// The session id (access tokens for the page's sockets name it).
    pub session_id: String,
}

/// Starts a browser session for `user_id` lasting `ttl`.
pub fn start(conn: &mut DbConnection, user_id: &str, ttl: Duration) -> Result<StartedWebSession> {
    conn.transaction(|conn| {
        let session_id = sessions::insert(conn, user_id)?;
        let cookie_token = random_token()?;
        let ttl = TimeDelta::from_std(ttl).unwrap_or(TimeDelta::days(30));
        diesel::insert_into(web_sessions::table)
            .values((
                web_sessions::token_hash.eq(hash_token(&cookie_token)),
                web_sessions::session_id.eq(&session_id),
                web_sessions::expires_at.eq(now() + ttl),
                web_sessions::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(StartedWebSession {
            cookie_token,
            session_id,
        })
    })
}

/// The user and session behind a cookie, if it is known, unexpired and its session live.
pub fn resolve(conn: &mut DbConnection, cookie_token: &str) -> Result<Option<(User, String)>> {
    let found = web_sessions::table
        .inner_join(sessions_table::table.inner_join(users::table))
        .filter(web_sessions::token_hash.eq(hash_token(cookie_token)))
        .filter(web_sessions::expires_at.gt(now()))
        .filter(sessions_table::revoked_at.is_null())
        .select((User::as_select(), sessions_table::id))
        .first::<(User, String)>(conn)
        .optional()?;
    Ok(found)
}

/// Ends the session behind a cookie (signing out). Unknown cookies are ignored.
pub fn end(conn: &mut DbConnection, cookie_token: &str) -> Result<()> {
    let session = web_sessions::table
        .filter(web_sessions::token_hash.eq(hash_token(cookie_token)))
        .select(web_sessions::session_id)
        .first::<String>(conn)
        .optional()?;
    if let Some(session_id) = session {
        sessions::revoke(conn, &session_id)?;
        diesel::delete(web_sessions::table.filter(web_sessions::session_id.eq(&session_id)))
            .execute(conn)?;
    }
    Ok(())
}
