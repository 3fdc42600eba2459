//! The metrics' HTTP side: the middleware that records every request into
//! [`crate::telemetry::metrics::Metrics`], and `GET /metrics` that serves them.

use std::time::Instant;

use crate::{error::Error, state::AppState, telemetry::metrics::PoolUsage};
use actix_web::{
    Error as ActixError, HttpMessage, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    get,
    http::header::{CONTENT_TYPE, HeaderName, HeaderValue},
    middleware::Next,
    web,
};

/// Middleware: records every request and echoes the request id as `x-request-id`.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, ActixError> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let mut response = next.call(req).await?;
    if let Some(state) = state {
        let request = response.request();
        let route = request.match_pattern();
        state.metrics.observe(
            request.method().as_str(),
            route.as_deref().unwrap_or("unmatched"),
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), id);
    }
    Ok(response)
}

/// Prometheus text exposition of every metric.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain"))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let (connections, idle) = state.db.pool_state();
    let pool = PoolUsage {
        connections,
        idle,
        max: state.db.pool_max(),
    };
    let body = state.metrics.render(pool).map_err(Error::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .body(body))
}
