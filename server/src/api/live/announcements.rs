//! Announcements over REST: anyone reads an event's, its organizers post new ones, edit and
//! delete them.

use actix_web::{
    HttpResponse, delete, get, patch, post,
    web::{self},
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    actions::{announcements, reads},
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::announcement::AnnouncementView,
    state::AppState,
};

/// `POST /events/{slug}/announcements`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementRequest {
    /// 1–2,000 characters (Markdown).
    #[schema(schema_with = crate::api::schema::text::<2000>)]
    pub text: String,
}

/// The event's latest announcements, oldest first (anyone).
#[utoipa::path(
    tag = "live",
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = Vec<AnnouncementView>),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/announcements")]
pub async fn list_announcements(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let list = state
        .db
        .run(move |conn| reads::announcements(conn, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Announces something to everyone at the event: the event channel and every team channel
/// get it live (the event's organizers).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = AnnouncementRequest,
    responses(
        (status = 201, body = AnnouncementView),
        (status = 400, description = "`invalid_announcement`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/events/{slug}/announcements")]
pub async fn announce(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<AnnouncementRequest>,
) -> Result<HttpResponse> {
    let view = announcements::post(&state, &caller.user, &slug, &body.text).await?;
    Ok(HttpResponse::Created().json(view))
}

/// `PATCH /events/{slug}/announcements/{id}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementEditRequest {
    /// The new text: 1–2,000 characters (Markdown).
    #[schema(schema_with = crate::api::schema::text::<2000>)]
    pub text: String,
}

/// Replaces an announcement's text (the event's organizers); every big screen and workspace
/// of the event gets `announcement_edited` live. The announcement keeps its time.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "announcement id")),
    request_body = AnnouncementEditRequest,
    responses(
        (status = 200, body = AnnouncementView),
        (status = 400, description = "`invalid_announcement`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer", body = ErrorBody),
        (status = 404, description = "no such event, or no such announcement in it", body = ErrorBody),
    )
)]
#[patch("/events/{slug}/announcements/{id}")]
pub async fn edit_announcement(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
    body: crate::http::Json<AnnouncementEditRequest>,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    let view = announcements::edit(&state, &caller.user, &slug, &id, &body.text).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Deletes an announcement (the event's organizers); every big screen and workspace of the
/// event gets `announcement_deleted {id}` live.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "announcement id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer", body = ErrorBody),
        (status = 404, description = "no such event, or no such announcement in it", body = ErrorBody),
    )
)]
#[delete("/events/{slug}/announcements/{id}")]
pub async fn delete_announcement(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    announcements::delete(&state, &caller.user, &slug, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
