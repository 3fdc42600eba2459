//! Liveness and readiness probes for load balancers and orchestrators.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;

use crate::{error::Error, state::AppState};

/// How long `/readyz` waits for a database connection before answering 503.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// The body of a successful probe.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}

/// Alive: the process serves HTTP. Never touches the database.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// Ready: the database answers and every migration is applied; 503 otherwise.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "database unreachable or migrations pending", body = crate::error::ErrorBody)
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || db.check_ready(READY_TIMEOUT))
        .await
        .map_err(Error::internal)?
        .map_err(|e| Error::Unavailable(e.to_string()))?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
