//! The HTTP surface: routing, middleware, the OpenAPI document, and how actix's own
//! extractor failures (bad JSON, bodies too large, unknown routes) become cohack errors.
//!
//! Handlers are thin: they parse the request into domain types, call one domain function and
//! map the result to a response. Every handler is registered through `utoipa_actix_web`, so
//! `/api/openapi.json` always lists every endpoint.

pub mod client;
pub mod health;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod redact;

use actix_web::{
    App, Error as ActixError, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceFactory, ServiceRequest, ServiceResponse},
    error::{JsonPayloadError, PathError, QueryPayloadError},
    middleware::from_fn,
    web,
};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::{error::Error, state::AppState};

/// Builds the application for one worker: routes, limits, middleware and error mapping.
pub fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = ActixError,
        InitError = (),
    >,
> {
    let limit = state.config.max_body_bytes;
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(state)
        .app_data(json_config(limit))
        .app_data(web::PayloadConfig::new(limit))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .configure(crate::api::configure)
        .split_for_parts();
    app.app_data(web::Data::new(openapi::Document::build(api)))
        .app_data(form_config(limit))
        .service(openapi::openapi_json)
        .configure(crate::web::configure)
        .default_service(web::to(not_found))
        .wrap(from_fn(client::resolve))
        .wrap(crate::web::security::headers())
        .wrap(from_fn(metrics::observe))
        .wrap(TracingLogger::<redact::RedactingRootSpan>::new())
}

fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _req| json_error(error, limit).into())
}

fn form_config(limit: usize) -> web::FormConfig {
    web::FormConfig::default()
        .limit(limit)
        .error_handler(|error, _req| Error::bad_request("invalid_form", error.to_string()).into())
}

pub use json::{Json, read_json_body};

fn json_error(error: JsonPayloadError, limit: usize) -> Error {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            Error::PayloadTooLarge { limit }
        }
        JsonPayloadError::ContentType => {
            Error::UnsupportedMediaType("expected Content-Type: application/json".into())
        }
        JsonPayloadError::Deserialize(e) => Error::bad_request("invalid_json", e.to_string()),
        other => Error::bad_request("invalid_body", other.to_string()),
    }
}

fn path_error(error: PathError, _req: &HttpRequest) -> ActixError {
    Error::bad_request("invalid_path", error.to_string()).into()
}

fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> ActixError {
    Error::bad_request("invalid_query", error.to_string()).into()
}

/// No handler took the request: 405 with `Allow` when the path exists under other methods
/// (per the OpenAPI document), 404 otherwise.
async fn not_found(req: HttpRequest) -> Result<HttpResponse, Error> {
    let allowed = req
        .app_data::<web::Data<openapi::Document>>()
        .and_then(|doc| doc.methods().allowed(req.path()));
    match allowed {
        Some(methods) => Err(Error::MethodNotAllowed(methods)),
        None => {
            tracing::debug!(path = req.path(), "no route");
            Err(Error::NotFound("route"))
        }
    }
}
