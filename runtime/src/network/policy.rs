//! What a run may reach: the URL rules (scheme, the team's endpoints, the challenge's allowed
//! hosts) and the address rules (no loopback, private, link-local, multicast, reserved or
//! cloud-metadata address unless allowed; metadata never).
//!
//! The checks are on the URL the request is sent to and on the address the host itself
//! resolved and then connects to: never on a `Host` header (the host sets that one), never on
//! a second resolution.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use super::Network;

/// Longest endpoint URL accepted.
pub const MAX_URL_BYTES: usize = 2048;

/// Why a URL or a destination is not acceptable. The messages are for the person who can fix
/// it: the team (an endpoint URL) or the challenge's authors (a refused request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkError {
    /// Not an absolute URL.
    #[error("`{url}` is not an absolute URL ({why})")]
    NotAUrl {
        /// What was given (cut).
        url: String,
        /// The parser's complaint.
        why: String,
    },
    /// A scheme other than https (or http where allowed).
    #[error("`{scheme}://` is not allowed: use {allowed}")]
    Scheme {
        /// The scheme given.
        scheme: String,
        /// What is allowed, for the message.
        allowed: &'static str,
    },
    /// Credentials in the URL.
    #[error("a URL must not carry a user name or password")]
    Credentials,
    /// A fragment, which is never sent.
    #[error("a URL must not have a `#fragment`")]
    Fragment,
    /// Longer than [`MAX_URL_BYTES`].
    #[error("the URL is {len} bytes long, above the limit of {MAX_URL_BYTES}")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// A host pattern that is not a host name or `*.` plus one.
    #[error("`{0}` is not a host name or a `*.domain` pattern")]
    BadPattern(String),
    /// Neither a team endpoint nor an allowed host.
    #[error("{host} is neither one of the team's endpoints nor in the challenge's `allowed_hosts`")]
    NotAllowed {
        /// The host asked for.
        host: String,
    },
    /// A request body the sandbox does not send (failed, or too large).
    #[error("the request body {0}")]
    RequestBody(String),
    /// A refusal replayed from a recording.
    #[error("{0} (as recorded)")]
    Recorded(String),
    /// An address of a class the run may not reach.
    #[error("{host} is {address}, {class}{hint}")]
    Address {
        /// The host asked for.
        host: String,
        /// The address it is (or resolved to).
        address: IpAddr,
        /// Its class.
        class: AddressClass,
        /// How to allow it, if it can be.
        hint: &'static str,
    },
}

/// A host name the challenge allows: `api.example.net` exactly, or `*.example.net` for any
/// name below `example.net` (not `example.net` itself). Lower-case; any port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPattern(String);

impl HostPattern {
    /// Parses and checks a pattern.
    pub fn parse(pattern: &str) -> Result<Self, NetworkError> {
        let lower = pattern.trim().to_ascii_lowercase();
        let name = lower.strip_prefix("*.").unwrap_or(&lower);
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if let (Ok(ip), false) = (name.parse::<IpAddr>(), lower.starts_with("*.")) {
            // One spelling per address, as `host_of` writes it.
            return Ok(Self(ip.to_string()));
        }
        if lower.len() > 253 || !name.split('.').all(label_ok) {
            return Err(NetworkError::BadPattern(pattern.to_owned()));
        }
        Ok(Self(lower))
    }

    /// Whether `host` (a name or an IP literal, without port) is allowed by this pattern.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Ok(ip) = host.parse::<IpAddr>() {
            return ip.to_string() == self.0;
        }
        match self.0.strip_prefix("*.") {
            Some(domain) => host
                .strip_suffix(domain)
                .is_some_and(|head| head.len() > 1 && head.ends_with('.')),
            None => host == self.0,
        }
    }

    /// The pattern as written (lower-case).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for HostPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HostPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        HostPattern::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Checks a URL a team gives as an endpoint (or a request's URL): absolute, `https` (or
/// `http` when `allow_http`), a host, no credentials, no fragment, not too long. Returns it
/// parsed.
pub fn check_endpoint_url(url: &str, allow_http: bool) -> Result<Url, NetworkError> {
    if url.len() > MAX_URL_BYTES {
        return Err(NetworkError::TooLong { len: url.len() });
    }
    let parsed = Url::parse(url.trim()).map_err(|e| NetworkError::NotAUrl {
        url: url.chars().take(100).collect(),
        why: e.to_string(),
    })?;
    check_scheme(parsed.scheme(), allow_http)?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(NetworkError::NotAUrl {
            url: url.chars().take(100).collect(),
            why: "it has no host".into(),
        });
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(NetworkError::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(NetworkError::Fragment);
    }
    Ok(parsed)
}

fn check_scheme(scheme: &str, allow_http: bool) -> Result<(), NetworkError> {
    match (scheme, allow_http) {
        ("https", _) | ("http", true) => Ok(()),
        (other, _) => Err(NetworkError::Scheme {
            scheme: other.to_owned(),
            allowed: if allow_http {
                "https:// or http://"
            } else {
                "https:// (this server does not allow http://)"
            },
        }),
    }
}

/// The host of a parsed URL without IPv6 brackets, lower-case.
pub(crate) fn host_of(url: &Url) -> String {
    match url.host() {
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(host) => host.to_string().to_ascii_lowercase(),
        None => String::new(),
    }
}

impl Network {
    /// Checks a request's URL against the run's rules, before anything is resolved: the
    /// scheme, then whether it is under one of the team's endpoints (same scheme, host and
    /// port, and below its path) or on an allowed host.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), NetworkError> {
        check_scheme(url.scheme(), self.allow_http)?;
        let host = host_of(url);
        let under_endpoint = self.endpoints.iter().any(|endpoint| {
            Url::parse(&endpoint.url).is_ok_and(|base| {
                base.scheme() == url.scheme()
                    && host_of(&base) == host
                    && base.port_or_known_default() == url.port_or_known_default()
                    && under_path(url.path(), base.path())
            })
        });
        if under_endpoint || self.allowed_hosts.iter().any(|p| p.matches(&host)) {
            Ok(())
        } else {
            Err(NetworkError::NotAllowed { host })
        }
    }

    /// Checks an address `host` resolved to (or is).
    pub(crate) fn check_address(&self, host: &str, address: IpAddr) -> Result<(), NetworkError> {
        let class = AddressClass::of(address);
        let allowed = match class {
            AddressClass::Public => true,
            AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => {
                self.allow_private
            }
            AddressClass::Metadata
            | AddressClass::Multicast
            | AddressClass::Unspecified
            | AddressClass::Reserved => false,
        };
        if allowed {
            return Ok(());
        }
        let hint = match class {
            AddressClass::Loopback | AddressClass::Private | AddressClass::LinkLocal => {
                " (the server setting validator_network_allow_private is off)"
            }
            _ => " (never reachable from a validator)",
        };
        Err(NetworkError::Address {
            host: host.to_owned(),
            address,
            class,
            hint,
        })
    }
}

/// Whether `path` is `base` or below it (`/v1`, `/v1/x`; not `/v1x`).
fn under_path(path: &str, base: &str) -> bool {
    let base = base.trim_end_matches('/');
    path == base
        || path
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The kind of an IP address, as far as reaching it from a validator goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// A public unicast address.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10 (carrier-grade NAT), fc00::/7.
    Private,
    /// 169.254/16, fe80::/10 (except the metadata addresses).
    LinkLocal,
    /// The cloud instance-metadata services: 169.254.169.254, 169.254.170.2, fd00:ec2::254.
    Metadata,
    /// Multicast and broadcast.
    Multicast,
    /// 0.0.0.0, :: (which reach the local machine on Linux).
    Unspecified,
    /// Documentation, benchmarking, reserved and "this network" ranges.
    Reserved,
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Public => "a public address",
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::LinkLocal => "a link-local address",
            Self::Metadata => "a cloud metadata address",
            Self::Multicast => "a multicast or broadcast address",
            Self::Unspecified => "the unspecified address",
            Self::Reserved => "a reserved address",
        })
    }
}

impl AddressClass {
    /// Classifies an address; an IPv4-mapped or -compatible IPv6 address as its IPv4 one.
    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self::of_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::of_v4(v4),
                None => Self::of_v6(v6),
            },
        }
    }

    fn of_v4(ip: Ipv4Addr) -> Self {
        let [a, b, c, d] = ip.octets();
        if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(169, 254, 170, 2) {
            Self::Metadata
        } else if ip.is_unspecified() {
            Self::Unspecified
        } else if ip.is_loopback() {
            Self::Loopback
        } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
            Self::Private
        } else if ip.is_link_local() {
            Self::LinkLocal
        } else if ip.is_multicast() || ip.is_broadcast() {
            Self::Multicast
        } else if a == 0
            || a >= 240
            || ip.is_documentation()
            || (a == 198 && (b & 0xfe) == 18)
            || (a == 192 && b == 0 && c == 0 && d != 9 && d != 10)
        {
            Self::Reserved
        } else {
            Self::Public
        }
    }

    fn of_v6(ip: Ipv6Addr) -> Self {
        let segments = ip.segments();
        if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
            Self::Metadata
        } else if ip.is_unspecified() {
            Self::Unspecified
        } else if ip.is_loopback() {
            Self::Loopback
        } else if ip.is_unique_local() {
            Self::Private
        } else if ip.is_unicast_link_local() {
            Self::LinkLocal
        } else if ip.is_multicast() {
            Self::Multicast
        } else if segments[0] == 0x2001 && segments[1] == 0x0db8 || segments[0] == 0x0064 {
            // Documentation (2001:db8::/32) and NAT64 (64:ff9b::/96, which reaches IPv4
            // addresses this check cannot see).
            Self::Reserved
        } else if ip.to_ipv4().is_some() {
            // IPv4-compatible (deprecated) ::a.b.c.d.
            ip.to_ipv4().map_or(Self::Reserved, Self::of_v4)
        } else {
            Self::Public
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Endpoint;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn addresses_are_classified_including_mapped_and_metadata_ones() {
        let cases = [
            ("127.0.0.1", AddressClass::Loopback),
            ("::1", AddressClass::Loopback),
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("10.1.2.3", AddressClass::Private),
            ("172.16.0.1", AddressClass::Private),
            ("192.168.1.1", AddressClass::Private),
            ("100.64.0.1", AddressClass::Private),
            ("fd12::1", AddressClass::Private),
            ("169.254.169.254", AddressClass::Metadata),
            ("::ffff:169.254.169.254", AddressClass::Metadata),
            ("fd00:ec2::254", AddressClass::Metadata),
            ("169.254.1.1", AddressClass::LinkLocal),
            ("fe80::1", AddressClass::LinkLocal),
            ("0.0.0.0", AddressClass::Unspecified),
            ("::", AddressClass::Unspecified),
            ("224.0.0.1", AddressClass::Multicast),
            ("255.255.255.255", AddressClass::Multicast),
            ("192.0.2.1", AddressClass::Reserved),
            ("64:ff9b::7f00:1", AddressClass::Reserved),
            ("93.184.215.14", AddressClass::Public),
            ("2606:4700::1111", AddressClass::Public),
        ];
        for (address, class) in cases {
            assert_eq!(AddressClass::of(ip(address)), class, "{address}");
        }
    }

    #[test]
    fn private_addresses_need_the_setting_and_metadata_is_never_allowed() {
        let mut network = Network::default();
        assert!(network.check_address("x", ip("127.0.0.1")).is_err());
        assert!(network.check_address("x", ip("93.184.215.14")).is_ok());
        network.allow_private = true;
        assert!(network.check_address("x", ip("127.0.0.1")).is_ok());
        let metadata = network.check_address("x", ip("169.254.169.254"));
        assert!(
            matches!(
                metadata,
                Err(NetworkError::Address {
                    class: AddressClass::Metadata,
                    ..
                })
            ),
            "{metadata:?}"
        );
    }

    #[test]
    fn patterns_match_names_below_a_domain_but_not_the_apex_or_lookalikes() {
        let pattern = HostPattern::parse("*.Example-Cloud.net").expect("valid");
        assert!(pattern.matches("a.example-cloud.net"));
        assert!(pattern.matches("a.b.example-cloud.net."));
        assert!(!pattern.matches("example-cloud.net"));
        assert!(!pattern.matches("evilexample-cloud.net"));
        assert!(!pattern.matches("example-cloud.net.evil.com"));
        let exact = HostPattern::parse("api.example.net").expect("valid");
        assert!(exact.matches("API.example.net") && !exact.matches("x.api.example.net"));
        for bad in ["", "*", "*.", "a..b", "http://x", "x/y", "-a.b", "*.*.b"] {
            assert!(HostPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_must_be_under_an_endpoint_or_on_an_allowed_host() {
        let network = Network {
            endpoints: vec![Endpoint {
                name: "api".into(),
                url: "https://team7.example.net/v1/".into(),
            }],
            allowed_hosts: vec![HostPattern::parse("*.cloud.test").expect("valid")],
            ..Network::default()
        };
        let check = |u: &str| network.check_url(&Url::parse(u).expect("test url"));
        assert!(check("https://team7.example.net/v1/health").is_ok());
        assert!(check("https://team7.example.net:443/v1").is_ok());
        assert!(check("https://team7.example.net/admin").is_err());
        assert!(check("https://team7.example.net/v1x").is_err());
        assert!(check("https://team7.example.net:8443/v1/health").is_err());
        assert!(check("http://team7.example.net/v1/health").is_err());
        assert!(check("https://x.cloud.test:9000/anything").is_ok());
        assert!(check("https://team8.example.net/v1/health").is_err());
    }

    #[test]
    fn endpoint_urls_are_absolute_https_without_credentials() {
        assert!(check_endpoint_url("https://api.example.net/", false).is_ok());
        assert!(check_endpoint_url("http://127.0.0.1:8080/", true).is_ok());
        for (bad, allow_http) in [
            ("http://api.example.net/", false),
            ("ftp://api.example.net/", true),
            ("api.example.net", true),
            ("https://user:pw@api.example.net/", true),
            ("https://api.example.net/#x", true),
            ("file:///etc/passwd", true),
        ] {
            assert!(check_endpoint_url(bad, allow_http).is_err(), "{bad}");
        }
        let long = format!("https://a.net/{}", "x".repeat(MAX_URL_BYTES));
        assert!(matches!(
            check_endpoint_url(&long, true),
            Err(NetworkError::TooLong { .. })
        ));
    }
}
