//! Who is calling, by address: the one place the client address of a request is decided, for
//! every throttle.
//!
//! The address is the TCP peer's, unless the peer is one of `trusted_proxies`: then it is the
//! rightmost address of `X-Forwarded-For` that is not itself a trusted proxy (each proxy
//! appends the address it received the request from, so everything left of the last hop we
//! trust could have been written by the client). `X-Forwarded-For` is what nginx, Caddy,
//! Traefik, HAProxy and Envoy write; `Forwarded` (RFC 7239, its `for=`) is read only when no
//! `X-Forwarded-For` came. From any other peer both headers are ignored, so a client cannot
//! pick its own address to dodge a per-client budget.
//!
//! [`resolve`] (middleware) decides it once per request; handlers take [`ClientAddress`] as an
//! extractor, and actions read [`ClientAddress::current`].

use std::{
    future::{Ready, ready},
    net::IpAddr,
};

use actix_web::{
    Error as ActixError, FromRequest, HttpMessage, HttpRequest,
    body::MessageBody,
    dev::{Payload, ServiceRequest, ServiceResponse},
    http::header::{FORWARDED, HeaderMap, X_FORWARDED_FOR},
    middleware::Next,
    web,
};

pub use crate::auth::throttle::ClientAddress;
use crate::{config::TrustedProxies, error::Error, state::AppState};

/// How many addresses of a forwarding chain are looked at, from the right: more hops than
/// any real deployment has, few enough that a forged chain costs nothing.
const MAX_HOPS: usize = 32;

/// The client of a request from `peer` with `headers`, trusting `proxies`.
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    proxies: &TrustedProxies,
) -> ClientAddress {
    let Some(peer) = peer else {
        return ClientAddress::unknown();
    };
    let peer = peer.to_canonical();
    if proxies.is_empty() || !proxies.contains(peer) {
        return ClientAddress::new(peer);
    }
    let chain = forwarded_chain(headers);
    // Walk from the proxy we trust towards the client: the first hop not trusted is the
    // client. A hop that is not an address (garbage, `unknown`, an obfuscated name) was
    // written by whoever the last trusted hop received the request from: that hop's
    // address is then all we know.
    let mut client = peer;
    for hop in chain.iter().rev().take(MAX_HOPS) {
        match parse_hop(hop) {
            Some(ip) if proxies.contains(ip) => client = ip,
            Some(ip) => return ClientAddress::new(ip),
            None => break,
        }
    }
    ClientAddress::new(client)
}

/// The addresses of `X-Forwarded-For`, or of `Forwarded` if there is no `X-Forwarded-For`,
/// leftmost (the original client) first.
fn forwarded_chain(headers: &HeaderMap) -> Vec<String> {
    let values = |name| {
        headers
            .get_all(name)
            .map(|value| value.to_str().unwrap_or("invalid"))
            .collect::<Vec<_>>()
    };
    let xff = values(X_FORWARDED_FOR);
    if !xff.is_empty() {
        return xff
            .iter()
            .flat_map(|value| value.split(','))
            .map(|hop| hop.trim().to_owned())
            .collect();
    }
    values(FORWARDED)
        .iter()
        .flat_map(|value| value.split(','))
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .map_or_else(String::new, |(_, value)| value.trim().to_owned())
        })
        .collect()
}

/// One hop: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`, possibly
/// quoted (`Forwarded`); `None` for anything else.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    let host = match hop.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']')?.0,
        None => hop.rsplit_once(':')?.0,
    };
    host.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

fn of_request(req: &HttpRequest) -> ClientAddress {
    if let Some(client) = req.extensions().get::<ClientAddress>() {
        return *client;
    }
    let none = TrustedProxies::default();
    let state = req.app_data::<web::Data<AppState>>();
    let proxies = state.map_or(&none, |s| &s.config.trusted_proxies);
    client_address(req.peer_addr().map(|a| a.ip()), req.headers(), proxies)
}

/// Middleware: decides the request's client once, for the [`ClientAddress`] extractor and for
/// [`ClientAddress::current`] while the request is handled.
pub async fn resolve(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, ActixError> {
    let client = of_request(req.request());
    req.extensions_mut().insert(client);
    client.scope(async move { next.call(req).await }).await
}

impl FromRequest for ClientAddress {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(of_request(req)))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                (*name).clone(),
                HeaderValue::from_str(value).expect("header value"),
            );
        }
        map
    }

    fn resolve(peer: &str, pairs: &[(&HeaderName, &str)], proxies: &str) -> String {
        let proxies: TrustedProxies = proxies.parse().expect("ranges");
        client_address(Some(peer.parse().expect("peer")), &headers(pairs), &proxies).to_string()
    }

    #[test]
    fn untrusted_peers_cannot_name_themselves() {
        let forged = [
            (&X_FORWARDED_FOR, "192.0.2.1"),
            (&FORWARDED, "for=192.0.2.2"),
        ];
        assert_eq!(resolve("203.0.113.9", &forged, ""), "203.0.113.9");
        assert_eq!(resolve("203.0.113.9", &forged, "10.0.0.0/8"), "203.0.113.9");
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = "10.0.0.0/8, 2001:db8:ffff::/48";
        // The client forged the leftmost entry; the proxy appended the real peer.
        let xff = [(&X_FORWARDED_FOR, "1.1.1.1, 198.51.100.7")];
        assert_eq!(resolve("10.0.0.2", &xff, proxies), "198.51.100.7");
        // Two proxies, two lines.
        let two = [
            (&X_FORWARDED_FOR, "1.1.1.1, 198.51.100.7"),
            (&X_FORWARDED_FOR, "10.1.2.3"),
        ];
        assert_eq!(resolve("10.0.0.2", &two, proxies), "198.51.100.7");
        // Ports, brackets, IPv6.
        let v6 = [(&X_FORWARDED_FOR, "[2001:db8::5]:4711")];
        assert_eq!(resolve("2001:db8:ffff::1", &v6, proxies), "2001:db8::5");
        // No header: the proxy itself.
        assert_eq!(resolve("10.0.0.2", &[], proxies), "10.0.0.2");
        // Everything trusted: the leftmost.
        let inside = [(&X_FORWARDED_FOR, "10.9.9.9, 10.1.1.1")];
        assert_eq!(resolve("10.0.0.2", &inside, proxies), "10.9.9.9");
        // Garbage where the client should be: the last hop we trust.
        let junk = [(&X_FORWARDED_FOR, "198.51.100.7, unknown, 10.1.1.1")];
        assert_eq!(resolve("10.0.0.2", &junk, proxies), "10.1.1.1");
    }

    #[test]
    fn forwarded_is_read_only_without_x_forwarded_for() {
        let proxies = "10.0.0.0/8";
        let forwarded = [(
            &FORWARDED,
            "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
        )];
        assert_eq!(
            resolve("10.0.0.2", &forwarded, proxies),
            "2001:db8:cafe::17"
        );
        let both = [
            (&FORWARDED, "for=192.0.2.60"),
            (&X_FORWARDED_FOR, "198.51.100.7"),
        ];
        assert_eq!(resolve("10.0.0.2", &both, proxies), "198.51.100.7");
    }

    #[test]
    fn bad_ranges_are_refused_with_the_value() {
        let error = "10.0.0.0/33"
            .parse::<TrustedProxies>()
            .expect_err("refused");
        assert!(error.contains("10.0.0.0/33"), "{error}");
        assert!("".parse::<TrustedProxies>().expect("empty").is_empty());
        let single: TrustedProxies = "127.0.0.1".parse().expect("one address");
        assert!(single.contains("127.0.0.1".parse().expect("ip")));
        assert!(!single.contains("127.0.0.2".parse().expect("ip")));
    }
}
