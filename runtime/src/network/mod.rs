//! The network of a 0.2.0 validator: what a run may reach, how it is checked, and what is
//! recorded.
//!
//! A validator targeting `cohack:validator@0.2.0` may import the standard
//! `wasi:http/outgoing-handler`. Every request it sends goes through this module's hook
//! (`hooks.rs`, the one wasmtime-wasi-http calls for sending): the URL is checked against the
//! run's [`Network`] (the team's endpoints, the challenge's allowed hosts, the scheme), the
//! name is resolved once here and checked (no loopback, private, link-local, multicast or
//! cloud-metadata address unless the server allows private ones; metadata never), and the
//! connection goes to that checked address (`send.rs`). Each request is bounded (a count per
//! run, a timeout, a response cap) and recorded as an [`Exchange`], which a rejudge can
//! replay instead of calling again ([`NetworkMode::Replay`]).
//!
//! Modules: `policy` (what may be reached: URLs, host patterns, addresses), `exchange` (the
//! record), `hooks` (the per-run ledger and the wasi-http hook), `send` (resolve, connect,
//! TLS, one HTTP/1.1 exchange).

mod exchange;
pub(crate) mod hooks;
mod policy;
mod send;

pub use exchange::{Body, Exchange, ExchangeOutcome, FailureKind};
pub use policy::{AddressClass, HostPattern, NetworkError, check_endpoint_url};

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An endpoint a team set for a challenge: its name (from the manifest's `team_endpoints`)
/// and an absolute URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    /// The name the manifest declares (`api`).
    pub name: String,
    /// Absolute `https://` (or, where the server allows it, `http://`) URL.
    pub url: String,
}

/// Where a run's requests go.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum NetworkMode {
    /// Requests are sent.
    #[default]
    Live,
    /// Requests are answered from these recorded exchanges, in order, and nothing is sent:
    /// the same validator on the same submission gets the same verdict with every service
    /// stopped. A request that does not match the next recorded one (method and URL) is
    /// refused.
    Replay {
        /// What an earlier run recorded.
        exchanges: Vec<Exchange>,
    },
}

/// What one run may reach, and how much of it: the manifest's `[network]` section capped by
/// the server, plus the team's endpoints. A [`RunContext`](crate::RunContext) without one
/// refuses every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// The team's endpoints for this challenge.
    pub endpoints: Vec<Endpoint>,
    /// Other hosts the validator may call: `api.example.net`, or `*.example.net` for any
    /// name below it (not the apex). Any port.
    pub allowed_hosts: Vec<HostPattern>,
    /// Requests one run may send.
    pub max_requests: u32,
    /// Each request's timeout, from connecting to the last byte of the response.
    pub request_timeout: Duration,
    /// The largest response body accepted.
    pub max_response_bytes: u64,
    /// Whether `http://` URLs are allowed (otherwise `https://` only).
    pub allow_http: bool,
    /// Whether loopback, private, link-local and multicast addresses may be reached (tests
    /// against a service on 127.0.0.1). Cloud-metadata addresses stay refused.
    pub allow_private: bool,
    /// Live, or replaying a recording.
    pub mode: NetworkMode,
}

impl Default for Network {
    fn default() -> Self {
        Self {
            endpoints: Vec::new(),
            allowed_hosts: Vec::new(),
            max_requests: 20,
            request_timeout: Duration::from_secs(2),
            max_response_bytes: 1 << 20,
            allow_http: false,
            allow_private: false,
            mode: NetworkMode::Live,
        }
    }
}

impl Network {
    /// The wall time a run may spend waiting on the network in all: every request at its
    /// timeout. Time waiting burns no fuel and does not count against the run's own wall
    /// time; this is its separate limit.
    pub fn wall_time(&self) -> Duration {
        self.request_timeout.saturating_mul(self.max_requests)
    }
}
