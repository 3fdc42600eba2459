//! The authorization code flow: [`start`] sends the browser to the provider, [`finish`] takes
//! it back and returns what the provider verifiably said about the person.

use chrono::{DateTime, TimeDelta, Utc};
use diesel::prelude::*;
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, CsrfToken, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RequestTokenError, Scope, SubjectIdentifier,
    TokenResponse as _,
    core::{CoreGenderClaim, CoreResponseType},
};
use url::Url;

use crate::{
    auth::{
        oidc::provider::{Discovered, OtherClaims, Provider, describe_error},
        sessions::{hash_token, random_token},
    },
    db::{DbConnection, now, schema::oidc_flows},
    error::{Error, Result},
    state::AppState,
};

/// How long a started sign-in may take at the provider.
const FLOW_TTL: TimeDelta = TimeDelta::minutes(10);
/// How far an ID token's `iat` may be from our clock (the provider's clock drifts).
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// A sign-in just started: where to send the browser, and the cookie that binds the flow to it.
#[derive(Debug)]
pub struct Started {
    /// The provider's authorization address with this flow's parameters.
    pub authorize_url: Url,
    /// The value of the browser's flow cookie.
    pub browser_token: String,
}

/// What a provider verifiably said about the person who just signed in.
#[derive(Debug, Clone)]
pub struct Login {
    /// The `[[oidc]]` id it came through.
    pub provider: String,
    /// The ID token's `iss`.
    pub issuer: String,
    /// The ID token's `sub`.
    pub subject: String,
    /// The e-mail, lower-cased, if the provider gave one.
    pub email: Option<String>,
    /// Whether the provider says the e-mail is verified.
    pub email_verified: bool,
    /// The person's name, if given.
    pub name: Option<String>,
    /// The configured organization claim's value, if the provider gave it.
    pub organization: Option<String>,
    /// The provider's session id (`sid`), named by back-channel logout.
    pub sid: Option<String>,
    /// The ID token itself (the hint of RP-initiated logout).
    pub id_token: String,
    /// Where to go afterwards.
    pub next: String,
    /// A signed-in person linking this identity from their account page.
    pub link_user_id: Option<String>,
}

/// Starts a sign-in through `provider`: records the flow and returns the provider's address.
/// `browser_token` is the browser's flow cookie if it has one (several tabs may sign in at
/// once), `link_user_id` the signed-in person when linking from the account page.
pub async fn start(
    state: &AppState,
    provider: &Provider,
    next: String,
    link_user_id: Option<String>,
    browser_token: Option<String>,
) -> Result<Started> {
    let discovered = provider.discovered().await?;
    let client = provider.client(&discovered);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in provider.config.scope_list() {
        if scope != "openid" {
            request = request.add_scope(Scope::new(scope));
        }
    }
    let (authorize_url, csrf, nonce) = request.set_pkce_challenge(challenge).url();
    let browser_token = match browser_token {
        Some(token) => token,
        None => random_token()?,
    };
    let row = (
        oidc_flows::state_hash.eq(hash_token(csrf.secret())),
        oidc_flows::provider.eq(provider.config.id.clone()),
        oidc_flows::browser_hash.eq(hash_token(&browser_token)),
        oidc_flows::nonce.eq(nonce.secret().clone()),
        oidc_flows::pkce_verifier.eq(verifier.secret().clone()),
        oidc_flows::next_path.eq(next),
        oidc_flows::link_user_id.eq(link_user_id),
        oidc_flows::expires_at.eq(now() + FLOW_TTL),
        oidc_flows::created_at.eq(now()),
    );
    state
        .db
        .write(move |conn| {
            // Flows nobody finished are of no use to anyone once expired.
            diesel::delete(oidc_flows::table.filter(oidc_flows::expires_at.lt(now())))
                .execute(conn)?;
            diesel::insert_into(oidc_flows::table)
                .values(row)
                .execute(conn)?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(Started {
        authorize_url,
        browser_token,
    })
}

/// A flow as stored.
#[derive(Debug, Queryable)]
struct Flow {
    provider: String,
    browser_hash: String,
    nonce: String,
    pkce_verifier: String,
    next_path: String,
    link_user_id: Option<String>,
    expires_at: chrono::NaiveDateTime,
}

/// Takes the flow `state` names out of the database: whoever deletes it owns it, so a `state`
/// works once even when two instances get the same callback at the same moment.
fn take(conn: &mut DbConnection, state: &str) -> Result<Option<Flow>> {
    let hash = hash_token(state);
    conn.transaction(|conn| {
        let flow = oidc_flows::table
            .find(&hash)
            .select((
                oidc_flows::provider,
                oidc_flows::browser_hash,
                oidc_flows::nonce,
                oidc_flows::pkce_verifier,
                oidc_flows::next_path,
                oidc_flows::link_user_id,
                oidc_flows::expires_at,
            ))
            .first::<Flow>(conn)
            .optional()?;
        let claimed = diesel::delete(oidc_flows::table.find(&hash)).execute(conn)? == 1;
        Ok(flow.filter(|_| claimed))
    })
}

fn stale() -> Error {
    Error::bad_request(
        "oidc_state_invalid",
        "This sign-in was already used, has expired, or was started in another browser. \
         Start again from the sign-in page.",
    )
}

/// A refusal saying `what` on the page, with the error's details (parser text, addresses)
/// in the log only.
fn logged(provider: &Provider, error: &dyn std::error::Error, what: &str) -> Error {
    tracing::warn!(provider = %provider.config.id, error = %describe_error(error), "{what}");
    refused(what)
}

/// A refusal of what the provider sent: the page says why, nothing is created.
pub fn refused(why: impl std::fmt::Display) -> Error {
    Error::bad_request(
        "oidc_refused",
        format!("The sign-in could not be verified: {why}. Nothing was changed; try again."),
    )
}

/// What the provider's redirect back carries.
#[derive(Debug, Default)]
pub struct Callback {
    /// `code`.
    pub code: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `error`, when the person cancelled or the provider refused.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

/// Ends the flow the callback names: takes it (once), exchanges the code, verifies the ID
/// token and reads the claims. `browser_token` is the browser's flow cookie.
pub async fn finish(
    state: &AppState,
    provider: &Provider,
    callback: Callback,
    browser_token: Option<String>,
) -> Result<Login> {
    let Some(state_param) = callback.state.filter(|s| !s.is_empty() && s.len() <= 512) else {
        return Err(stale());
    };
    let flow = state
        .db
        .write(move |conn| take(conn, &state_param))
        .await?
        .ok_or_else(stale)?;
    let same_browser = browser_token.is_some_and(|token| {
        crate::auth::constant_time_eq(hash_token(&token).as_bytes(), flow.browser_hash.as_bytes())
    });
    if flow.provider != provider.config.id || !same_browser || flow.expires_at <= now() {
        return Err(stale());
    }
    if let Some(error) = callback.error {
        let detail = callback
            .error_description
            .map(|d| format!(" ({})", d.chars().take(200).collect::<String>()))
            .unwrap_or_default();
        return Err(Error::bad_request(
            "oidc_cancelled",
            format!(
                "{} did not sign you in: {}{detail}. Nothing was changed; try again.",
                provider.config.label,
                error.chars().take(100).collect::<String>()
            ),
        ));
    }
    let code = callback
        .code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| refused("the provider sent no authorization code"))?;
    let discovered = provider.discovered().await?;
    let client = provider.client(&discovered);
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| refused(format!("the provider has no token endpoint ({e})")))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier))
        .request_async(provider.http())
        .await
        .map_err(|e| match &e {
            RequestTokenError::Request(_) => provider.unreachable(&describe_error(&e)),
            RequestTokenError::ServerResponse(answer) => {
                logged(provider, &e, "the provider refused the code");
                refused(format!(
                    "the provider refused the code ({})",
                    answer.error().as_ref()
                ))
            }
            _ => logged(
                provider,
                &e,
                "the provider's answer to the code could not be read",
            ),
        })?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| refused("the provider sent no ID token"))?
        .clone();
    let nonce = Nonce::new(flow.nonce);
    let (claims, keys) = match verify(provider, &discovered, &id_token, &nonce) {
        Ok(claims) => (claims, discovered),
        // A key we have not seen: the provider may have rotated its keys. Fetch them again
        // (at most every few seconds) and try once more.
        Err(Unverified::UnknownKey) => match provider.refresh_keys(&discovered).await? {
            Some(newer) => (
                verify(provider, &newer, &id_token, &nonce).map_err(|e| refused(e.to_string()))?,
                newer,
            ),
            None => return Err(refused("the ID token is signed with an unknown key")),
        },
        Err(other) => return Err(refused(other.to_string())),
    };
    check_access_token_hash(provider, &keys, &id_token, &claims, tokens.access_token())?;
    let subject = claims.subject().clone();
    let mut login = Login {
        provider: provider.config.id.clone(),
        issuer: claims.issuer().to_string(),
        subject: subject.to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        organization: organization_of(
            &provider.config.organization_claim,
            claims.additional_claims(),
        ),
        sid: claims
            .additional_claims()
            .claims
            .get("sid")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        id_token: id_token.to_string(),
        next: flow.next_path,
        link_user_id: flow.link_user_id,
    };
    let wants_more = login.email.is_none()
        || !login.email_verified
        || login.name.is_none()
        || (!provider.config.organization_claim.is_empty() && login.organization.is_none());
    if wants_more && client.user_info_url().is_some() {
        read_userinfo(
            provider,
            &client,
            tokens.access_token().clone(),
            subject,
            &mut login,
        )
        .await?;
    }
    login.email = login
        .email
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty());
    Ok(login)
}

enum Unverified {
    UnknownKey,
    Other(String),
}

impl std::fmt::Display for Unverified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownKey => f.write_str("the ID token is signed with an unknown key"),
            Self::Other(why) => f.write_str(why),
        }
    }
}

type IdToken = openidconnect::IdToken<
    OtherClaims,
    CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJwsSigningAlgorithm,
>;
type IdTokenClaims = openidconnect::IdTokenClaims<OtherClaims, CoreGenderClaim>;

/// Verifies the ID token against `discovered`'s keys: signature (asymmetric algorithms the
/// provider lists only), `iss`, `aud` (and `azp` when several audiences), `exp`, `iat` within
/// the clock skew, `nonce`, and `at_hash` when present.
fn verify(
    provider: &Provider,
    discovered: &Discovered,
    id_token: &IdToken,
    nonce: &Nonce,
) -> std::result::Result<IdTokenClaims, Unverified> {
    use openidconnect::{ClaimsVerificationError as C, SignatureVerificationError as S};
    let client = provider.client(discovered);
    let verifier = client
        .id_token_verifier()
        .set_allowed_algs(Provider::allowed_algs(discovered))
        .set_issue_time_verifier_fn(|iat: DateTime<Utc>| {
            let now = Utc::now();
            if iat > now + CLOCK_SKEW {
                Err(format!("issued in the future ({iat})"))
            } else if iat < now - FLOW_TTL - CLOCK_SKEW {
                Err(format!("issued too long ago ({iat})"))
            } else {
                Ok(())
            }
        });
    let claims = id_token.claims(&verifier, nonce).map_err(|e| {
        tracing::info!(provider = %provider.config.id, error = %e, "ID token refused");
        e
    });
    let claims = claims.map_err(|e| match e {
        C::SignatureVerification(S::NoMatchingKey) => Unverified::UnknownKey,
        C::Expired(_) => Unverified::Other(
            "the ID token has expired, or was issued at a time that is not now".into(),
        ),
        C::InvalidAudience(_) => Unverified::Other("the ID token is for another client".into()),
        C::InvalidIssuer(_) => Unverified::Other("the ID token names another issuer".into()),
        C::InvalidNonce(_) => {
            Unverified::Other("the ID token does not belong to this sign-in (nonce)".into())
        }
        C::SignatureVerification(_) => {
            Unverified::Other("the ID token's signature is not valid".into())
        }
        _ => Unverified::Other("the ID token is not valid".into()),
    })?;
    // `azp`: when present it must name this client (the crate leaves this check to us).
    if let Some(party) = claims.authorized_party()
        && party.as_str() != provider.config.client_id
    {
        return Err(Unverified::Other(
            "the ID token was issued to another client (azp)".into(),
        ));
    }
    Ok(claims.clone())
}

/// Checks `at_hash` against the access token when the ID token carries one.
fn check_access_token_hash(
    provider: &Provider,
    discovered: &Discovered,
    id_token: &IdToken,
    claims: &IdTokenClaims,
    access_token: &openidconnect::AccessToken,
) -> Result<()> {
    let Some(expected) = claims.access_token_hash() else {
        return Ok(());
    };
    let client = provider.client(discovered);
    let verifier = client.id_token_verifier();
    let alg = id_token
        .signing_alg()
        .map_err(|e| refused(format!("the ID token's algorithm ({e})")))?;
    let key = id_token
        .signing_key(&verifier)
        .map_err(|e| refused(format!("the ID token's key ({e})")))?;
    let actual = AccessTokenHash::from_token(access_token, alg, key)
        .map_err(|e| refused(format!("the access token's hash ({e})")))?;
    if actual != *expected {
        return Err(refused(
            "the access token does not match the ID token (at_hash)",
        ));
    }
    Ok(())
}

async fn read_userinfo(
    provider: &Provider,
    client: &crate::auth::oidc::provider::OidcClient,
    access_token: openidconnect::AccessToken,
    subject: SubjectIdentifier,
    login: &mut Login,
) -> Result<()> {
    let request = client
        .user_info(access_token, Some(subject))
        .map_err(|e| refused(format!("userinfo ({e})")))?;
    let info: openidconnect::UserInfoClaims<OtherClaims, CoreGenderClaim> = request
        .request_async(provider.http())
        .await
        .map_err(|e| match &e {
            openidconnect::UserInfoError::Request(_) => provider.unreachable(&describe_error(&e)),
            openidconnect::UserInfoError::ClaimsVerification(_) => {
                refused("userinfo is about someone else (its sub differs from the ID token's)")
            }
            _ => logged(provider, &e, "the provider's userinfo could not be read"),
        })?;
    if let Some(email) = info.email().map(|e| e.to_string()) {
        let verified = info.email_verified().unwrap_or(false);
        match &login.email {
            None => {
                login.email = Some(email);
                login.email_verified = verified;
            }
            // The token named the address without saying it is verified; userinfo may.
            Some(known) if known.eq_ignore_ascii_case(&email) && !login.email_verified => {
                login.email_verified = verified;
            }
            Some(_) => {}
        }
    }
    if login.name.is_none() {
        login.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
    }
    if login.organization.is_none() {
        login.organization = organization_of(
            &provider.config.organization_claim,
            info.additional_claims(),
        );
    }
    Ok(())
}

/// The organization claim's value: a non-empty string (or the first of a list), trimmed.
fn organization_of(claim: &str, claims: &OtherClaims) -> Option<String> {
    if claim.is_empty() {
        return None;
    }
    let value = claims.claims.get(claim)?;
    let text = match value {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Array(items) => items.first()?.as_str()?,
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(100).collect())
}
