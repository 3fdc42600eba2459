//! A team's shared documents over REST: list, create, rename, delete, read as text.

use actix_web::{
    HttpResponse, delete, get, patch, post,
    web::{self},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::team_access;
use crate::{
    actions::reads,
    actions::workspace::{self as actions, DocumentChange},
    auth::AuthUser,
    error::{Error, ErrorBody, Result},
    models::document::DocumentInfo,
    state::AppState,
};

/// `POST /teams/{id}/documents`, `PATCH /teams/{id}/documents/{doc}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentTitle {
    /// 1–120 characters.
    #[schema(schema_with = crate::api::schema::text::<120>)]
    pub title: String,
}

/// A document's current text.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentText {
    /// The document.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The Yjs text `content`, as it stands now.
    pub text: String,
}

/// The team's documents.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = Vec<DocumentInfo>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/documents")]
pub async fn list_documents(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let documents = state
        .db
        .run(move |conn| reads::documents(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(documents))
}

/// Creates an empty document in the team's workspace.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = DocumentTitle,
    responses(
        (status = 201, body = DocumentInfo),
        (status = 400, description = "`invalid_title`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`too_many_documents`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/documents")]
pub async fn create_document(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<DocumentTitle>,
) -> Result<HttpResponse> {
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let change = DocumentChange::Create(body.into_inner().title);
    let document = actions::change_document(&state, &caller.user, &access, change)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("created document missing")))?;
    Ok(HttpResponse::Created().json(document))
}

/// Renames a document.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("doc" = String, Path, description = "document id")),
    request_body = DocumentTitle,
    responses(
        (status = 200, body = DocumentInfo),
        (status = 400, description = "`invalid_title`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[patch("/teams/{id}/documents/{doc}")]
pub async fn rename_document(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
    body: crate::http::Json<DocumentTitle>,
) -> Result<HttpResponse> {
    let (team, doc) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    let change = DocumentChange::Rename(doc, body.into_inner().title);
    let document = actions::change_document(&state, &caller.user, &access, change)
        .await?
        .ok_or_else(|| Error::internal(anyhow::anyhow!("renamed document missing")))?;
    Ok(HttpResponse::Ok().json(document))
}

/// Deletes a document; its open sockets are closed with code 4404.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("doc" = String, Path, description = "document id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[delete("/teams/{id}/documents/{doc}")]
pub async fn delete_document(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, doc) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    actions::change_document(&state, &caller.user, &access, DocumentChange::Delete(doc)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A document's current text (the Yjs text `content`), e.g. to submit it.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("doc" = String, Path, description = "document id")),
    responses(
        (status = 200, body = DocumentText),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/documents/{doc}/text")]
pub async fn document_text(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, doc) = path.into_inner();
    let (info, text) = state
        .db
        .run(move |conn| reads::document_text(conn, &caller.user, &team, &doc))
        .await?;
    Ok(HttpResponse::Ok().json(DocumentText {
        id: info.id,
        title: info.title,
        text,
    }))
}
