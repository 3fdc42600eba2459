//! What every request handler shares: configuration, the database, keys, throttles, metrics.

use std::sync::Arc;

use crate::{
    auth::{sessions::SessionPolicy, throttle::Throttles, tokens::TokenKeys},
    config::Config,
    db::Database,
    judge::Judge,
    live::{LiveHub, caps::SocketCaps},
    outbox::Outbox,
    scoring::LeaderboardCache,
    telemetry::metrics::Metrics,
    web::pages::board::{race::BoardRaces, state::BoardStates},
};

/// Shared application state, wrapped in `web::Data` (an `Arc`) once per server.
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: Database,
    /// Access-token signing and verification.
    pub tokens: TokenKeys,
    /// Refresh-token lifetimes.
    pub session_policy: SessionPolicy,
    /// Rate limits (sign-in, sign-up, invite codes, materials, submissions).
    pub throttles: Throttles,
    /// Open live sockets per user.
    pub socket_caps: SocketCaps,
    /// Cached leaderboards. Only [`crate::actions::announce`] (changes made here) and the
    /// live layer (changes made on other instances) invalidate them.
    pub leaderboard: Arc<LeaderboardCache>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// The validator sandbox and the loaded validators.
    pub judge: Judge,
    /// The live layer: WebSocket channels, and `publish` for everything pushed live.
    pub live: LiveHub,
    /// The big screens' board state, computed once per change and shared.
    pub board_states: BoardStates,
    /// The big screens' score race, drawn once per board and shared.
    pub board_races: BoardRaces,
    /// The delivery queue of mail and webhooks: `wake` it after committing an enqueue.
    pub outbox: Outbox,
    /// Where mail links point, when mail is on (`smtp_url`); `None`: nothing is mailed and the
    /// pages show links to copy.
    pub mail: Option<crate::mail::Links>,
    /// The OpenID Connect providers people may sign in through (`[[oidc]]`).
    pub oidc: crate::auth::oidc::Providers,
}
