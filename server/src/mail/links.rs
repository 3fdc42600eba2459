//! The links mail carries: every one on `public_url`, and the one-click unsubscribe link of a
//! reminder, which must work without signing in (RFC 8058: the mail client posts to it) and
//! so carries its own proof: a token signed with the portal's secret (HS256), naming the
//! account and a purpose no other token has, so that it cannot be used as anything else.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{Error, Result};

/// The audience of unsubscribe tokens: access tokens have another, so neither passes for the
/// other.
const AUDIENCE: &str = "cohack-unsubscribe";
/// The page (and one-click target) that stops an account's reminders.
pub const UNSUBSCRIBE_PAGE: &str = "/reminders/unsubscribe";

#[derive(Debug, Serialize, Deserialize)]
struct UnsubscribeClaims {
    /// The account.
    sub: String,
    aud: String,
}

/// Where mail links point, and the key of unsubscribe tokens. Present in the state only
/// when mail is on.
#[derive(Clone)]
pub struct Links {
    public: Url,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("public", &self.public.as_str())
            .finish()
    }
}

impl Links {
    /// Links on `public`, unsubscribe tokens signed with `secret` (the portal's token secret).
    pub fn new(public: Url, secret: &[u8]) -> Self {
        Self {
            public,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// `path` (with its query) on the portal's public address.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public.as_str().trim_end_matches('/'))
    }

    /// The one-click link that stops the reminders of `user_id`.
    pub fn unsubscribe(&self, user_id: &str) -> Result<String> {
        let claims = UnsubscribeClaims {
            sub: user_id.to_owned(),
            aud: AUDIENCE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(Error::internal)?;
        Ok(self.link(&format!("{UNSUBSCRIBE_PAGE}?token={token}")))
    }

    /// The account an unsubscribe token names; 404 for anything else (a forged, cut or other
    /// kind of token).
    pub fn unsubscriber(&self, token: &str) -> Result<String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_audience(&[AUDIENCE]);
        // The link in a mail of last year still stops reminders: no expiry.
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        jsonwebtoken::decode::<UnsubscribeClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims.sub)
            .map_err(|_| Error::NotFound("unsubscribe link"))
    }
}
