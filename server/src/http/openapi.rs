//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use actix_web::{HttpResponse, get, web};
use utoipa::OpenApi;

/// Top-level metadata; paths are collected from the registered handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cohack",
        description = "The cohack portal API: customer co-creation hacks with automatically \
                       validated challenges. Errors are always `{\"error\":{\"code\",\"message\"}}`.",
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    tags(
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

/// The document as built for this server.
pub struct Document(pub utoipa::openapi::OpenApi);

/// This API's OpenAPI 3.1 description.
#[get("/api/openapi.json")]
pub async fn openapi_json(doc: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().json(&doc.0)
}
