//! Where a webhook may be sent: the outbound rules of the validators' network feature
//! (`cohack_runtime`'s address classes), checked when the webhook is made AND at every
//! delivery, on the addresses the name resolves to then (DNS can change in between).
//!
//! - `https://` only; `http://` too when `webhook_allow_private` is on (a closed network);
//! - no credentials, no `#fragment`, at most 2,048 bytes;
//! - no loopback, private or link-local address unless `webhook_allow_private` is on; never a
//!   cloud-metadata, multicast, unspecified or reserved one;
//! - at delivery, the connection goes only to the addresses checked ([`CheckedResolver`]):
//!   no second lookup between the check and the connect.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use cohack_runtime::AddressClass;
use url::Url;

/// How long a name may take to resolve when a webhook is made.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a destination is refused, for the organizer (422 `webhook_url_refused`) and for the
/// delivery's `last_error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    /// Not a URL webhooks are sent to (scheme, credentials, fragment, length).
    #[error("{0}")]
    Url(String),
    /// The name does not resolve.
    #[error("{host} does not resolve: {why}")]
    Unresolvable {
        /// The host.
        host: String,
        /// The resolver's complaint.
        why: String,
    },
    /// An address of a class webhooks may not reach.
    #[error("{host} is {address}, {class}{hint}")]
    Address {
        /// The host.
        host: String,
        /// The address.
        address: std::net::IpAddr,
        /// Its class.
        class: AddressClass,
        /// How to allow it, if it can be.
        hint: &'static str,
    },
}

/// Checks a webhook URL's form; returns it parsed.
pub fn check_url(url: &str, allow_private: bool) -> Result<Url, DestinationError> {
    cohack_runtime::check_endpoint_url(url, allow_private)
        .map_err(|e| DestinationError::Url(e.to_string()))
}

/// Checks one address `host` is (or resolved to).
pub fn check_address(
    host: &str,
    address: std::net::IpAddr,
    allow_private: bool,
) -> Result<(), DestinationError> {
    let class = AddressClass::of(address);
    let allowed = match class {
        AddressClass::Public => true,
        AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => allow_private,
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    let hint = match class {
        AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => {
            " (the server setting webhook_allow_private is off)"
        }
        _ => " (never reachable by a webhook)",
    };
    Err(DestinationError::Address {
        host: host.to_owned(),
        address,
        class,
        hint,
    })
}

/// The host of `url` without IPv6 brackets.
fn host_of(url: &Url) -> String {
    match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string(),
        None => String::new(),
    }
}

/// Resolves `host` and checks every address it has: all must be allowed.
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, DestinationError> {
    let unresolvable = |why: String| DestinationError::Unresolvable {
        host: host.to_owned(),
        why,
    };
    let addresses: Vec<SocketAddr> =
        tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
            .await
            .map_err(|_| unresolvable("timed out".into()))?
            .map_err(|e| unresolvable(e.to_string()))?
            .collect();
    if addresses.is_empty() {
        return Err(unresolvable("no address".into()));
    }
    for address in &addresses {
        check_address(host, address.ip(), allow_private)?;
    }
    Ok(addresses)
}

/// Checks a whole destination now: its form, then its host (an address, or a name resolved
/// and every address checked).
pub async fn check(url: &str, allow_private: bool) -> Result<Url, DestinationError> {
    let parsed = check_url(url, allow_private)?;
    let host = host_of(&parsed);
    match host.parse::<std::net::IpAddr>() {
        Ok(address) => check_address(&host, address, allow_private)?,
        Err(_) => {
            let port = parsed.port_or_known_default().unwrap_or(443);
            resolve_checked(&host, port, allow_private).await?;
        }
    }
    Ok(parsed)
}

/// The resolver the delivery client uses: every address a name resolves to is checked, and
/// only checked addresses are connected to. (An address written in the URL never reaches a
/// resolver: [`check`] covers it before each delivery.)
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    /// Whether loopback, private and link-local addresses are allowed.
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addresses = resolve_checked(name.as_str(), 0, allow_private)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?;
            let addrs: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addrs)
        })
    }
}

/// The client webhooks are sent with: no redirects followed, a whole-call timeout, the
/// checked resolver, no proxy from the environment (it would connect elsewhere than checked).
pub fn client(timeout: Duration, allow_private: bool) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .no_proxy()
        .dns_resolver(Arc::new(CheckedResolver { allow_private }))
        .user_agent(concat!("cohack-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn loopback_private_and_metadata_are_refused_by_default() {
        for url in [
            "https://127.0.0.1/hook",
            "https://10.0.0.8/hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest",
            "https://[::ffff:127.0.0.1]/hook",
        ] {
            assert!(
                matches!(
                    check(url, false).await,
                    Err(DestinationError::Address { .. })
                ),
                "{url}"
            );
        }
        assert!(check("https://127.0.0.1/hook", true).await.is_ok());
        assert!(check("http://127.0.0.1/hook", true).await.is_ok());
        assert!(matches!(
            check("http://127.0.0.1/hook", false).await,
            Err(DestinationError::Url(_))
        ));
        // Metadata stays refused even when private addresses are allowed.
        assert!(check("https://169.254.169.254/", true).await.is_err());
        assert!(check("https://user:pw@93.184.215.14/", true).await.is_err());
    }
}
