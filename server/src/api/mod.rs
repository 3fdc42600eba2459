//! The JSON API under `/api/v1`, one module per domain area. Handlers are thin: parse, call
//! one domain function, shape the response.

pub mod analytics;
pub mod auth;
pub mod brackets;
pub mod challenges;
pub mod endpoints;
pub mod events;
pub mod hints;
pub mod insights;
pub mod invitations;
pub mod leaderboard;
pub mod live;
pub mod me;
pub mod observations;
pub mod openings;
pub mod organizations;
pub mod progress;
pub mod questions;
pub mod rewards;
pub mod schema;
pub mod sign_offs;
pub mod submissions;
pub mod teams;
pub mod tokens;
pub mod trust;
pub mod webhooks;
pub mod whole;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Registers every `/api/v1` endpoint (and so its OpenAPI description).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            // First: the router and the route lookups of the request log and the metrics try
            // routes in registration order, and the public board is the most read route.
            .configure(leaderboard::configure)
            .configure(auth::configure)
            .configure(me::configure)
            .configure(events::configure)
            .configure(teams::configure)
            .configure(brackets::configure)
            .configure(organizations::configure)
            .configure(tokens::configure)
            .configure(endpoints::configure)
            .configure(challenges::configure)
            .configure(submissions::configure)
            .configure(sign_offs::configure)
            .configure(rewards::configure)
            .configure(live::configure)
            .configure(insights::configure)
            .configure(invitations::configure)
            .configure(analytics::configure)
            .configure(observations::configure)
            .configure(questions::configure)
            .configure(hints::configure)
            .configure(progress::configure)
            .configure(openings::configure)
            .configure(trust::configure)
            .configure(webhooks::configure),
    );
}
