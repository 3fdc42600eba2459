//! Standard Webhooks signing (<https://www.standardwebhooks.com>): a `whsec_` secret (base64
//! of 32 random bytes), and the `webhook-signature` header `v1,<base64 HMAC-SHA256>` over
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the secret's decoded bytes.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a secret, as the specification writes it.
pub const SECRET_PREFIX: &str = "whsec_";

/// A new signing secret: `whsec_` and the base64 of 32 random bytes.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(key)))
}

/// The `webhook-signature` value for `body` sent as delivery `id` at `timestamp` (Unix
/// seconds); `None` for a secret that is not `whsec_` and base64 (never stored so).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_prefixed_base64_of_32_bytes() {
        let secret = new_secret().expect("randomness");
        let key = STANDARD
            .decode(secret.strip_prefix(SECRET_PREFIX).expect("prefix"))
            .expect("base64");
        assert_eq!(key.len(), 32);
        assert_ne!(secret, new_secret().expect("randomness"));
    }

    #[test]
    fn the_signature_covers_id_timestamp_and_body() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let one = signature(secret, "msg_1", 1_700_000_000, b"{}").expect("signs");
        assert!(one.starts_with("v1,"));
        assert_ne!(
            one,
            signature(secret, "msg_2", 1_700_000_000, b"{}").expect("signs")
        );
        assert_ne!(
            one,
            signature(secret, "msg_1", 1_700_000_001, b"{}").expect("signs")
        );
        assert_ne!(
            one,
            signature(secret, "msg_1", 1_700_000_000, b"{ }").expect("signs")
        );
        assert!(signature("whsec_not base64!", "msg_1", 1, b"{}").is_none());
    }
}
