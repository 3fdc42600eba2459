//! What every request handler shares: configuration, the database, metrics.

use std::sync::Arc;

use crate::{config::Config, db::Database, http::metrics::Metrics};

/// Shared application state, wrapped in `web::Data` (an `Arc`) once per server.
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: Database,
    /// Prometheus metrics.
    pub metrics: Metrics,
}
