//! Announcements over REST: anyone reads an event's, its organizers post new ones.

use actix_web::{
    HttpResponse, get, post,
    web::{self},
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    actions::{reads, workspace as actions},
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
    let view = actions::announce(&state, &caller.user, &slug, &body.text).await?;
    Ok(HttpResponse::Created().json(view))
}
