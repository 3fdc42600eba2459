//! The JSON API under `/api/v1`, one module per domain area. Handlers are thin: parse, call
//! one domain function, shape the response.

pub mod auth;
pub mod challenges;
pub mod endpoints;
pub mod events;
pub mod insights;
pub mod leaderboard;
pub mod live;
pub mod observations;
pub mod organizations;
pub mod schema;
pub mod submissions;
pub mod teams;
pub mod tokens;
pub mod whole;

use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// Registers every `/api/v1` endpoint (and so its OpenAPI description).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .configure(auth::configure)
            .configure(events::configure)
            .configure(teams::configure)
            .configure(organizations::configure)
            .configure(tokens::configure)
            .configure(endpoints::configure)
            .configure(leaderboard::configure)
            .configure(challenges::configure)
            .configure(submissions::configure)
            .configure(live::configure)
            .configure(insights::configure)
            .configure(observations::configure),
    );
}
