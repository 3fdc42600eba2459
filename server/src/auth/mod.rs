//! Authentication and throttling: who is calling, and whether they may try again yet.
//!
//! - [`password`]: argon2id hashing.
//! - [`tokens`]: short-lived access tokens (JWT, HS256 pinned, issuer/audience/expiry checked).
//! - [`sessions`]: log-in sessions and their rotating refresh tokens (stored hashed; reusing a
//!   rotated one revokes the whole session).
//! - [`extract`]: the [`AuthUser`] extractor every protected handler takes.
//! - [`web_sessions`]: browser log-ins kept in an HttpOnly cookie, tied to a session.
//! - [`personal_tokens`]: named tokens a user makes for scripts, each acting in a session of
//!   its own.
//! - [`password_reset`]: one-time links a portal organizer issues for a forgotten password.
//! - [`email_verification`]: one-time links mailed to prove an account's e-mail address.
//! - [`oidc`]: signing in through OpenID Connect providers, linked identities, leaving.
//! - [`throttle`]: per-key rate limits answering 429 with `Retry-After`.

pub mod accounts;
pub mod email_verification;
pub mod extract;
pub mod oidc;
pub mod password;
pub mod password_reset;
pub mod personal_tokens;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod web_sessions;

pub use extract::{AuthUser, MaybeUser};

/// Compares secrets (invite codes, CSRF tokens) without leaking through timing where they
/// differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
