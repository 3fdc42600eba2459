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
    modifiers(&BearerAuth),
    tags(
        (name = "operations", description = "Health, readiness, metrics"),
        (name = "auth", description = "Accounts and tokens"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` security scheme the protected endpoints refer to.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as built for this server.
pub struct Document(pub utoipa::openapi::OpenApi);

/// This API's OpenAPI 3.1 description.
#[get("/api/openapi.json")]
pub async fn openapi_json(doc: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok().json(&doc.0)
}
