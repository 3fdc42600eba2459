//! One configured provider: its `[[oidc]]` table, and its discovery document and keys, fetched
//! when first needed, kept, and fetched again when a token names a key we do not have.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use openidconnect::{
    AdditionalClaims, ClientId, ClientSecret, EmptyAdditionalProviderMetadata,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl,
    LogoutProviderMetadata, ProviderMetadata, RedirectUrl, StandardErrorResponse,
    StandardTokenResponse,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClientAuthMethod,
        CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
        CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
        CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
        CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::{config::OidcProviderConfig, error::Error};

/// Claims beyond the standard ones (the organization claim is read from here).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    /// Every claim the standard ones leave, by name.
    #[serde(flatten)]
    pub claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

/// What the token endpoint answers, with our claims type.
pub type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// The discovery document, with RP-initiated logout's `end_session_endpoint`.
pub type Metadata = ProviderMetadata<
    LogoutProviderMetadata<EmptyAdditionalProviderMetadata>,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// A client for one provider, built from its discovery document.
pub type OidcClient = openidconnect::Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long a failed discovery is remembered before trying again (a provider that is down is
/// not asked on every click).
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// The least time between two fetches of the keys because a token named an unknown one.
const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(10);

/// A provider's discovery document and keys as last fetched.
#[derive(Clone)]
pub struct Discovered {
    /// The document (its `jwks` filled with the keys).
    pub metadata: Arc<Metadata>,
    fetched_at: Instant,
}

enum Cached {
    Empty,
    Ready(Discovered),
    Failed { at: Instant, reason: String },
}

/// One configured provider.
pub struct Provider {
    /// Its `[[oidc]]` table.
    pub config: OidcProviderConfig,
    /// `{public_url}/auth/oidc/{id}/callback`.
    pub redirect: RedirectUrl,
    issuer: IssuerUrl,
    http: reqwest::Client,
    cached: Mutex<Cached>,
}

impl Provider {
    pub(super) fn new(
        config: OidcProviderConfig,
        public_url: &str,
        http: reqwest::Client,
    ) -> anyhow::Result<Self> {
        let redirect = RedirectUrl::new(format!(
            "{}/auth/oidc/{}/callback",
            public_url.trim().trim_end_matches('/'),
            config.id
        ))
        .map_err(|e| anyhow::anyhow!("[[oidc]] {}: redirect address: {e}", config.id))?;
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(|e| {
            anyhow::anyhow!("[[oidc]] {}: issuer {:?}: {e}", config.id, config.issuer)
        })?;
        Ok(Self {
            config,
            redirect,
            issuer,
            http,
            cached: Mutex::new(Cached::Empty),
        })
    }

    /// The HTTP client every call to the provider goes through (no redirects, bounded time).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The issuer, exactly as configured (ID tokens must name it).
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The discovery document and keys: fetched on first use, then kept.
    pub async fn discovered(&self) -> Result<Discovered, Error> {
        let mut cached = self.cached.lock().await;
        match &*cached {
            Cached::Ready(found) => return Ok(found.clone()),
            Cached::Failed { at, reason } if at.elapsed() < RETRY_AFTER_FAILURE => {
                return Err(self.unreachable(reason));
            }
            _ => {}
        }
        self.fetch(&mut cached).await
    }

    /// Fetches the document and keys again because a token named a key we lack; at most once
    /// per [`KEY_REFRESH_INTERVAL`], so that a stream of forged key ids cannot make us hammer
    /// the provider. Returns whether newer keys were fetched.
    pub async fn refresh_keys(&self, seen: &Discovered) -> Result<Option<Discovered>, Error> {
        let mut cached = self.cached.lock().await;
        if let Cached::Ready(current) = &*cached {
            if current.fetched_at > seen.fetched_at {
                return Ok(Some(current.clone()));
            }
            if current.fetched_at.elapsed() < KEY_REFRESH_INTERVAL {
                return Ok(None);
            }
        }
        self.fetch(&mut cached).await.map(Some)
    }

    async fn fetch(&self, cached: &mut Cached) -> Result<Discovered, Error> {
        match Metadata::discover_async(self.issuer.clone(), &self.http).await {
            Ok(metadata) => {
                let found = Discovered {
                    metadata: Arc::new(metadata),
                    fetched_at: Instant::now(),
                };
                *cached = Cached::Ready(found.clone());
                Ok(found)
            }
            Err(e) => {
                let reason = describe_error(&e);
                tracing::warn!(provider = %self.config.id, error = %reason, "OpenID provider discovery failed");
                *cached = Cached::Failed {
                    at: Instant::now(),
                    reason: reason.clone(),
                };
                Err(self.unreachable(&reason))
            }
        }
    }

    /// The answer while the provider cannot be reached: a 503 saying so (never a 500), with
    /// the other ways in still open.
    /// The reason (addresses, system errors) is logged, not shown.
    pub fn unreachable(&self, reason: &str) -> Error {
        tracing::warn!(provider = %self.config.id, %reason, "OpenID provider unreachable");
        Error::Upstream(format!(
            "{} cannot be reached right now. Try again in a minute, or sign in another way.",
            self.config.label
        ))
    }

    /// A client for the provider as discovered.
    pub fn client(&self, discovered: &Discovered) -> OidcClient {
        let metadata = (*discovered.metadata).clone();
        let post_only = metadata
            .token_endpoint_auth_methods_supported()
            .is_some_and(|methods| {
                !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
                    && methods.contains(&CoreClientAuthMethod::ClientSecretPost)
            });
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect.clone());
        if post_only {
            client.set_auth_type(openidconnect::AuthType::RequestBody)
        } else {
            client
        }
    }

    /// The signature algorithms ID tokens may use: the asymmetric ones the provider lists (RS256
    /// when it lists none). Never `none`, never an HMAC (a provider's HMAC would be keyed with
    /// our client secret, and an attacker holding only public keys must not be able to pass
    /// one off).
    pub fn allowed_algs(discovered: &Discovered) -> Vec<CoreJwsSigningAlgorithm> {
        use CoreJwsSigningAlgorithm as A;
        let listed: Vec<A> = discovered
            .metadata
            .id_token_signing_alg_values_supported()
            .iter()
            .filter(|alg| {
                matches!(
                    alg,
                    A::RsaSsaPkcs1V15Sha256
                        | A::RsaSsaPkcs1V15Sha384
                        | A::RsaSsaPkcs1V15Sha512
                        | A::RsaSsaPssSha256
                        | A::RsaSsaPssSha384
                        | A::RsaSsaPssSha512
                        | A::EcdsaP256Sha256
                        | A::EcdsaP384Sha384
                        | A::EdDsa
                )
            })
            .cloned()
            .collect();
        if listed.is_empty() {
            vec![A::RsaSsaPkcs1V15Sha256]
        } else {
            listed
        }
    }
}

/// A discovery error as one line: what failed, and why (the underlying cause included).
pub(super) fn describe_error(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}
