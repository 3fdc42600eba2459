//! Personal API tokens: named secrets a user makes for scripts (`cohack challenge publish`),
//! sent as `Authorization: Bearer cohack_pat_…` where an access token goes.
//!
//! Each token belongs to a [`sessions`] row of its own, so the extractor's rule for access
//! tokens holds for it too: the token acts as its user, with exactly the user's rights read
//! at every request, and it stops the moment its session ends — revoked by its owner, or by
//! anything that ends all the user's sessions (a password reset). Only the SHA-256 of the
//! secret is stored; the secret is shown once, when it is made.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::{
    auth::sessions::{self, hash_token, random_token},
    db::{
        DbConnection, new_id, now,
        schema::{personal_tokens, sessions as sessions_table, users},
    },
    error::{Error, Result},
    models::user::User,
};

/// What every personal token starts with: it tells one from an access token (a JWT) at a
/// glance, and lets secret scanners recognise a leaked one.
pub const PREFIX: &str = "cohack_pat_";
/// Longest token name, in characters (after trimming).
pub const MAX_NAME_LEN: usize = 80;
/// Longest lifetime a token may be given, in days.
pub const MAX_EXPIRY_DAYS: u32 = 366;
/// The most live tokens one user may hold.
pub const MAX_PER_USER: i64 = 50;
/// `last_used_at` is written at most this often per token, so a busy script does not turn
/// every read into a write.
const LAST_USED_GRANULARITY: TimeDelta = TimeDelta::minutes(1);

/// A personal token as its owner sees it (never the secret).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = personal_tokens)]
pub struct PersonalToken {
    /// Identifier.
    pub id: String,
    /// The owner.
    pub user_id: String,
    /// The session the token acts in.
    pub session_id: String,
    /// The name its owner gave it.
    pub name: String,
    /// When it stops working by itself (never if `None`).
    pub expires_at: Option<NaiveDateTime>,
    /// When it was last presented (to the minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was made.
    pub created_at: NaiveDateTime,
}

/// A token just made: the row, and the secret shown this once.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    /// The stored token.
    pub token: PersonalToken,
    /// The secret to send as `Authorization: Bearer …`.
    pub secret: String,
}

/// Whether a presented bearer value is a personal token (rather than an access token).
pub fn is_personal(presented: &str) -> bool {
    presented.starts_with(PREFIX)
}

/// Makes a token named `name` for `user_id`, lasting `expires_in_days` days (or until
/// revoked). 400 `invalid_token_name`, 422 `invalid_expiry`, 409 `too_many_tokens`.
pub fn create(
    conn: &mut DbConnection,
    user_id: &str,
    name: &str,
    expires_in_days: Option<u32>,
) -> Result<CreatedToken> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN {
        return Err(Error::bad_request(
            "invalid_token_name",
            format!("a token's name must have 1 to {MAX_NAME_LEN} characters"),
        ));
    }
    let expires_at = match expires_in_days {
        None => None,
        Some(days @ 1..=MAX_EXPIRY_DAYS) => Some(now() + TimeDelta::days(i64::from(days))),
        Some(_) => {
            return Err(Error::unprocessable(
                "invalid_expiry",
                format!("a token lasts 1 to {MAX_EXPIRY_DAYS} days, or until revoked"),
            ));
        }
    };
    conn.transaction(|conn| {
        if list(conn, user_id)?.len() as i64 >= MAX_PER_USER {
            return Err(Error::conflict(
                "too_many_tokens",
                format!("you hold {MAX_PER_USER} tokens already: revoke one first"),
            ));
        }
        let session_id = sessions::insert(conn, user_id)?;
        let secret = format!("{PREFIX}{}", random_token()?);
        let token = PersonalToken {
            id: new_id(),
            user_id: user_id.to_owned(),
            session_id,
            name: name.to_owned(),
            expires_at,
            last_used_at: None,
            created_at: now(),
        };
        diesel::insert_into(personal_tokens::table)
            .values((
                personal_tokens::id.eq(&token.id),
                personal_tokens::user_id.eq(&token.user_id),
                personal_tokens::session_id.eq(&token.session_id),
                personal_tokens::name.eq(&token.name),
                personal_tokens::token_hash.eq(hash_token(&secret)),
                personal_tokens::expires_at.eq(token.expires_at),
                personal_tokens::created_at.eq(token.created_at),
            ))
            .execute(conn)?;
        Ok(CreatedToken { token, secret })
    })
}

/// The user's tokens that still work (or have merely expired), newest first. Tokens whose
/// session ended (revoked, or a password reset) are gone.
pub fn list(conn: &mut DbConnection, user_id: &str) -> Result<Vec<PersonalToken>> {
    Ok(personal_tokens::table
        .inner_join(sessions_table::table)
        .filter(personal_tokens::user_id.eq(user_id))
        .filter(sessions_table::revoked_at.is_null())
        .order((
            personal_tokens::created_at.desc(),
            personal_tokens::id.desc(),
        ))
        .select(PersonalToken::as_select())
        .load(conn)?)
}

/// Revokes the caller's token `id`: it stops working at once. Someone else's token, or one
/// already revoked, is a 404 (whether it exists is not the caller's business).
pub fn revoke(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<()> {
    conn.transaction(|conn| {
        let session_id = personal_tokens::table
            .find(id)
            .filter(personal_tokens::user_id.eq(user_id))
            .select(personal_tokens::session_id)
            .first::<String>(conn)
            .optional()?
            .ok_or(Error::NotFound("token"))?;
        sessions::revoke(conn, &session_id)?;
        diesel::delete(personal_tokens::table.find(id)).execute(conn)?;
        Ok(())
    })
}

/// The user and session behind a presented personal token, and whether its `last_used_at`
/// is due a write ([`touch`]). 401 when it is unknown, revoked or expired.
pub fn authenticate(
    conn: &mut DbConnection,
    presented: &str,
) -> Result<(User, String, Option<String>)> {
    let found = personal_tokens::table
        .inner_join(sessions_table::table.inner_join(users::table))
        .filter(personal_tokens::token_hash.eq(hash_token(presented)))
        .filter(sessions_table::revoked_at.is_null())
        .select((
            User::as_select(),
            personal_tokens::id,
            personal_tokens::session_id,
            personal_tokens::expires_at,
            personal_tokens::last_used_at,
        ))
        .first::<(
            User,
            String,
            String,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        )>(conn)
        .optional()?;
    let Some((user, id, session_id, expires_at, last_used_at)) = found else {
        return Err(Error::Unauthorized(
            "personal token unknown or revoked".into(),
        ));
    };
    let now = now();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(Error::Unauthorized("personal token expired".into()));
    }
    let due = last_used_at.is_none_or(|at| now - at >= LAST_USED_GRANULARITY);
    Ok((user, session_id, due.then_some(id)))
}

/// Records that the token `id` was used now.
pub fn touch(conn: &mut DbConnection, id: &str) -> Result<()> {
    diesel::update(personal_tokens::table.find(id))
        .set(personal_tokens::last_used_at.eq(now()))
        .execute(conn)?;
    Ok(())
}
