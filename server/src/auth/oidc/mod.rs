//! Signing in through OpenID Connect providers (the `[[oidc]]` tables of the configuration).
//!
//! - [`provider`]: one provider, its discovery document and keys (fetched when first needed,
//!   kept, fetched again when a token names a key we lack).
//! - [`flow`]: the authorization code flow with PKCE, `state` and `nonce`. A flow is a row in
//!   the database (its `state` hashed, used once, ten minutes), bound to the browser that
//!   started it by a cookie, so the callback may reach any instance. Its end is a verified
//!   [`flow::Login`]: the ID token's signature, `iss`, `aud`, `azp`, `exp`, `iat` and `nonce`
//!   checked by the `openidconnect` crate, the e-mail, name and organization read from the
//!   token or from userinfo (whose `sub` must match).
//! - [`identities`]: who a login is. An identity is (issuer, `sub`), never an e-mail; the rules
//!   that create an account, link one, or refuse, and the sessions started through one.
//! - [`logout`]: back-channel logout tokens (verified with `jsonwebtoken` against the
//!   provider's keys) and the provider's sign-out address for RP-initiated logout.

pub mod flow;
pub mod identities;
pub mod logout;
pub mod provider;

use std::time::Duration;

pub use provider::Provider;
use serde::Serialize;

use crate::{config::Config, error::Error};

/// How long a call to a provider may take, connecting included.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The configured providers, in the configuration's order.
pub struct Providers {
    providers: Vec<Provider>,
}

/// A provider as pages and clients list it (`GET /api/v1/auth/providers`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProviderView {
    /// The provider's id, as in `/auth/oidc/{id}`.
    pub id: String,
    /// The button's text.
    pub label: String,
}

impl Providers {
    /// The providers of `config` (already checked by [`Config::check_oidc`]), with one HTTP
    /// client for all of them: no redirects followed (a provider's endpoints are named by its
    /// discovery document, and a redirect could point anywhere), bounded time.
    pub fn new(config: &Config) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .connect_timeout(PROVIDER_TIMEOUT)
            .user_agent(concat!("cohack/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the OpenID Connect HTTP client: {e}"))?;
        let providers = config
            .oidc
            .iter()
            .map(|p| Provider::new(p.clone(), &config.public_url, http.clone()))
            .collect::<anyhow::Result<_>>()?;
        Ok(Self { providers })
    }

    /// The provider with this id, or 404.
    pub fn get(&self, id: &str) -> Result<&Provider, Error> {
        self.providers
            .iter()
            .find(|p| p.config.id == id)
            .ok_or(Error::NotFound("sign-in provider"))
    }

    /// Every provider, as buttons show them.
    pub fn views(&self) -> Vec<ProviderView> {
        self.providers
            .iter()
            .map(|p| ProviderView {
                id: p.config.id.clone(),
                label: p.config.label.clone(),
            })
            .collect()
    }

    /// Whether any provider is configured.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    /// The provider whose issuer this is.
    pub fn by_issuer(&self, issuer: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.issuer() == issuer)
    }
}
