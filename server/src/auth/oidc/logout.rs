//! Leaving: OpenID Connect Back-Channel Logout 1.0 (the provider tells us a person signed out
//! or left; their sessions end on every instance, and the session sweep closes their sockets)
//! and RP-Initiated Logout 1.0 (signing out of cohack also signs out at the provider, when the
//! provider's table asks for it).

use std::collections::HashSet;

use diesel::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
use serde::Deserialize;
use url::Url;

use crate::{
    auth::{
        oidc::{Provider, provider::Discovered},
        sessions,
    },
    db::{
        DbConnection,
        schema::{identities, oidc_sessions},
    },
    error::{Error, Result},
    state::AppState,
};

/// The event a logout token must carry.
const BACKCHANNEL_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How old (or how far in the future) a logout token's `iat` may be, in seconds.
const MAX_AGE_SECS: i64 = 600;

/// The claims of a logout token.
#[derive(Debug, Deserialize)]
struct LogoutClaims {
    sub: Option<String>,
    sid: Option<String>,
    iat: i64,
    jti: Option<String>,
    #[serde(default)]
    events: serde_json::Map<String, serde_json::Value>,
    nonce: Option<serde_json::Value>,
}

fn invalid(why: &str) -> Error {
    Error::bad_request(
        "invalid_logout_token",
        format!("logout token refused: {why}"),
    )
}

/// Verifies a back-channel logout token from `provider` and ends the sessions it names: every
/// session of the person its `sub` names (they are out of every event at once), and the
/// sessions started in the provider session its `sid` names. Returns how many ended.
pub async fn backchannel(state: &AppState, provider: &Provider, token: &str) -> Result<usize> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("not a signed JWT"))?;
    let asymmetric = matches!(
        header.alg,
        Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512
            | Algorithm::ES256
            | Algorithm::ES384
            | Algorithm::EdDSA
    );
    if !asymmetric {
        return Err(invalid(
            "only the provider's asymmetric signatures are accepted",
        ));
    }
    let discovered = provider.discovered().await?;
    let key = match key_for(&discovered, header.kid.as_deref(), header.alg) {
        Some(key) => key,
        None => provider
            .refresh_keys(&discovered)
            .await?
            .and_then(|newer| key_for(&newer, header.kid.as_deref(), header.alg))
            .ok_or_else(|| invalid("signed with an unknown key"))?,
    };
    let mut validation = Validation::new(header.alg);
    validation.set_issuer(&[provider.issuer()]);
    validation.set_audience(&[&provider.config.client_id]);
    validation.set_required_spec_claims(&["iss", "aud", "iat"]);
    validation.leeway = 60;
    let claims = jsonwebtoken::decode::<LogoutClaims>(token, &key, &validation)
        .map_err(|e| invalid(&format!("{e}")))?
        .claims;
    let age = chrono::Utc::now().timestamp() - claims.iat;
    if !(-MAX_AGE_SECS..=MAX_AGE_SECS).contains(&age) {
        return Err(invalid("issued too long ago or in the future"));
    }
    if !claims.events.contains_key(BACKCHANNEL_EVENT) {
        return Err(invalid("it does not carry the back-channel logout event"));
    }
    if claims.nonce.is_some() {
        return Err(invalid(
            "a logout token carries no nonce (this looks like an ID token)",
        ));
    }
    if claims.jti.as_deref().is_none_or(str::is_empty) {
        return Err(invalid("it has no jti"));
    }
    if claims.sub.is_none() && claims.sid.is_none() {
        return Err(invalid("it names neither a subject nor a session"));
    }
    let issuer = provider.issuer().to_owned();
    let ended = state
        .db
        .write(move |conn| {
            end_sessions(conn, &issuer, claims.sub.as_deref(), claims.sid.as_deref())
        })
        .await?;
    tracing::info!(provider = %provider.config.id, ended, "back-channel logout");
    Ok(ended)
}

fn end_sessions(
    conn: &mut DbConnection,
    issuer: &str,
    sub: Option<&str>,
    sid: Option<&str>,
) -> Result<usize> {
    conn.transaction(|conn| {
        let mut ended = 0;
        if let Some(sid) = sid {
            let named: Vec<String> = oidc_sessions::table
                .inner_join(identities::table)
                .filter(identities::issuer.eq(issuer))
                .filter(oidc_sessions::sid.eq(sid))
                .select(oidc_sessions::session_id)
                .load(conn)?;
            for session in &named {
                sessions::revoke(conn, session)?;
            }
            ended += named.len();
        }
        if let Some(sub) = sub {
            let owners: HashSet<String> = identities::table
                .filter(identities::issuer.eq(issuer))
                .filter(identities::subject.eq(sub))
                .select(identities::user_id)
                .load::<String>(conn)?
                .into_iter()
                .collect();
            for user in &owners {
                ended += sessions::revoke_all_of(conn, user)?;
            }
        }
        Ok(ended)
    })
}

/// The provider's key `kid` names (or its only key for `alg` when the token names none).
fn key_for(discovered: &Discovered, kid: Option<&str>, alg: Algorithm) -> Option<DecodingKey> {
    let keys = serde_json::to_value(discovered.metadata.jwks()).ok()?;
    let candidates: Vec<Jwk> = keys
        .get("keys")?
        .as_array()?
        .iter()
        .filter_map(|key| serde_json::from_value::<Jwk>(key.clone()).ok())
        .filter(|jwk| match kid {
            Some(kid) => jwk.common.key_id.as_deref() == Some(kid),
            None => true,
        })
        .filter(|jwk| {
            jwk.common
                .key_algorithm
                .is_none_or(|a| serde_json::to_value(a).ok() == serde_json::to_value(alg).ok())
        })
        .filter(|jwk| {
            jwk.common
                .public_key_use
                .as_ref()
                .is_none_or(|u| *u == jsonwebtoken::jwk::PublicKeyUse::Signature)
        })
        .collect();
    match candidates.as_slice() {
        [only] => DecodingKey::from_jwk(only).ok(),
        _ => None,
    }
}

/// Where to send the browser to sign out at the provider too: its end-session address with
/// the ID token as hint and the portal's home as the way back, when the provider's table asks
/// for it and the provider offers one.
pub async fn provider_signout(
    state: &AppState,
    provider: &Provider,
    id_token: &str,
) -> Option<Url> {
    if !provider.config.logout_at_provider {
        return None;
    }
    let discovered = provider.discovered().await.ok()?;
    let endpoint = discovered
        .metadata
        .additional_metadata()
        .end_session_endpoint
        .as_ref()?;
    let mut url = endpoint.url().clone();
    let back = format!("{}/", state.config.public_url.trim().trim_end_matches('/'));
    url.query_pairs_mut()
        .append_pair("id_token_hint", id_token)
        .append_pair("client_id", &provider.config.client_id)
        .append_pair("post_logout_redirect_uri", &back);
    Some(url)
}
