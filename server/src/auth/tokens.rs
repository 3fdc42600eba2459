//! Access tokens: JWTs signed with HS256, carrying the user and the session they belong to.
//!
//! Verification pins the algorithm (a token claiming `none`, RS256 or anything else is
//! refused), and requires issuer, audience, expiry and subject.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{
    db::{DbConnection, now, schema::settings},
    error::{Error, Result},
};

/// The `iss` of every token this portal issues.
pub const ISSUER: &str = "cohack";
/// The `aud` of access tokens.
pub const AUDIENCE: &str = "cohack-api";
/// Shortest accepted signing secret.
pub const MIN_SECRET_BYTES: usize = 32;
const SECRET_SETTING: &str = "jwt_secret";

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// The session (refresh-token family) the token was issued in.
    pub sid: String,
    /// Issued at (Unix seconds).
    pub iat: u64,
    /// Expires at (Unix seconds).
    pub exp: u64,
}

/// Signing and verification keys with the validation rules.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl TokenKeys {
    /// Keys from a secret; access tokens live for `ttl`.
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// Lifetime of the tokens issued.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Issues an access token for `user_id` in `session_id`.
    pub fn issue(&self, user_id: &str, session_id: &str) -> Result<String> {
        let iat = unix_now();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.into(),
            sid: session_id.into(),
            iat,
            exp: iat + self.ttl.as_secs(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(Error::internal)
    }

    /// Checks signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| {
                use jsonwebtoken::errors::ErrorKind;
                Error::Unauthorized(match e.kind() {
                    ErrorKind::ExpiredSignature => "access token expired".into(),
                    _ => "invalid access token".into(),
                })
            })
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The signing secret: the configured one, or the one stored in the database (generated and
/// stored on first start, so that every instance on the database shares it).
pub fn load_or_create_secret(conn: &mut DbConnection, configured: &str) -> Result<Vec<u8>> {
    if !configured.is_empty() {
        if configured.len() < MIN_SECRET_BYTES {
            return Err(Error::bad_request(
                "weak_secret",
                format!("jwt_secret must have at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        return Ok(configured.as_bytes().to_vec());
    }
    let stored = |conn: &mut DbConnection| -> Result<Option<String>> {
        Ok(settings::table
            .find(SECRET_SETTING)
            .select(settings::value)
            .first::<String>(conn)
            .optional()?)
    };
    if let Some(hex_secret) = stored(conn)? {
        return hex::decode(hex_secret).map_err(Error::internal);
    }
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    // Another instance may win the race: then its secret is the one to use.
    let _ = diesel::insert_into(settings::table)
        .values((
            settings::key.eq(SECRET_SETTING),
            settings::value.eq(hex::encode(secret)),
            settings::created_at.eq(now()),
        ))
        .execute(conn);
    let hex_secret = stored(conn)?.ok_or(Error::NotFound("signing secret"))?;
    hex::decode(hex_secret).map_err(Error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn issued_tokens_verify() {
        let keys = TokenKeys::new(SECRET, Duration::from_secs(60));
        let token = keys.issue("user-1", "session-1").expect("issue");
        let claims = keys.verify(&token).expect("verify");
        assert_eq!(claims.sub, "user-1");
        assert_eq!(claims.sid, "session-1");
    }

    #[test]
    fn foreign_and_tampered_tokens_are_refused() {
        let keys = TokenKeys::new(SECRET, Duration::from_secs(60));
        let other = TokenKeys::new(
            b"another secret, also 32 bytes long!",
            Duration::from_secs(60),
        );
        let token = other.issue("user-1", "s").expect("issue");
        assert!(keys.verify(&token).is_err());
        let mut tampered = keys.issue("user-1", "s").expect("issue");
        tampered.push('x');
        assert!(keys.verify(&tampered).is_err());
    }
}
