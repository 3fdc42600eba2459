//! The OpenAPI 3.1 document, generated from the handlers' annotations and completed with
//! what the HTTP layer adds to every operation of a kind ([`statuses`]) and the links that
//! let a client walk from a created thing to what uses it ([`links`]). The same document
//! decides which methods a path answers ([`methods`]).

mod links;
mod methods;
mod statuses;
mod strings;

use actix_web::{HttpResponse, get, http::header::ContentType, web};
use utoipa::OpenApi;

pub use methods::MethodTable;

/// Top-level metadata; paths are collected from the registered handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cohack",
        description = "The cohack portal API: customer co-creation hacks with automatically \
                       validated challenges. Errors are always `{\"error\":{\"code\",\"message\"}}`.",
    ),
    // Enums used only as query parameters are referenced by `$ref`, so they are registered
    // here (a schema used in a body is collected with it).
    components(schemas(
        crate::error::ErrorBody,
        crate::error::ErrorDetail,
        crate::api::questions::QuestionStateFilter,
        crate::api::rewards::RewardDestination,
        crate::models::reward::RewardState,
        crate::live::event::BoardUpdates,
    )),
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

/// The document as built for this server, serialized once, and the methods each of its paths
/// answers.
pub struct Document {
    json: web::Bytes,
    methods: MethodTable,
}

impl Document {
    /// Completes the document collected from the handlers.
    ///
    /// # Panics
    /// When a link rule names an operation the document lacks (a bug caught at start-up).
    pub fn build(api: utoipa::openapi::OpenApi) -> Self {
        let mut doc = serde_json::to_value(&api).expect("the OpenAPI document serializes");
        statuses::complete(&mut doc);
        strings::forbid_nul(&mut doc);
        links::add(&mut doc);
        let methods = MethodTable::from_document(&doc);
        let json = serde_json::to_vec(&doc).expect("the OpenAPI document serializes");
        Self {
            json: json.into(),
            methods,
        }
    }

    /// The API's paths and the methods each answers.
    pub fn methods(&self) -> &MethodTable {
        &self.methods
    }
}

/// This API's OpenAPI 3.1 description.
#[get("/api/openapi.json")]
pub async fn openapi_json(doc: web::Data<Document>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(doc.json.clone())
}
