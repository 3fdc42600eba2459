//! What coaches and participants tell the insight loop: coaches' notes on a team and a
//! challenge, and participants' feedback. Both exist only for the team's coaches and the
//! event's organizers (members may write feedback but not read it back; others get 404).

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::observations,
    auth::AuthUser,
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_note)
        .service(list_notes)
        .service(create_feedback)
        .service(list_feedback);
}

/// `POST /teams/{id}/notes`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// Challenge slug.
    pub challenge: String,
    /// What the coach observed, 1–4000 characters.
    #[schema(schema_with = crate::api::schema::text::<4000>)]
    pub text: String,
    /// Free-form tags (letters, digits, `-_.:`), at most 10.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::tags)]
    pub tags: Vec<String>,
}

/// `POST /teams/{id}/feedback`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// Challenge slug.
    pub challenge: String,
    /// 1 (easy) to 5 (very hard).
    #[serde(deserialize_with = "crate::api::whole::number")]
    #[schema(minimum = 1, maximum = 5)]
    pub difficulty: i32,
    /// One line, at most 1000 characters; may be empty.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::optional_line::<1000>)]
    pub text: String,
}

/// Writes a note on the team (its coaches and the event's organizers; 404 for anyone else,
/// the team's members included).
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = NoteRequest,
    responses(
        (status = 201, body = crate::models::note::NoteView),
        (status = 400, description = "`invalid_note`, `invalid_tag`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/teams/{id}/notes")]
pub async fn create_note(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
    body: crate::http::Json<NoteRequest>,
) -> Result<HttpResponse> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let note = state
        .db
        .write(move |conn| {
            observations::write_note(
                conn,
                &caller.user,
                &id,
                &body.challenge,
                &body.text,
                &body.tags,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(note))
}

/// The team's notes, oldest first (its coaches and the event's organizers).
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = Vec<crate::models::note::NoteView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let notes = state
        .db
        .run(move |conn| observations::notes(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(notes))
}

/// Leaves feedback on a challenge (the team's members; coaches and organizers 403, anyone
/// else 404). Any time, as often as wished: each one is kept.
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = FeedbackRequest,
    responses(
        (status = 201, body = crate::models::feedback::FeedbackView),
        (status = 400, description = "`invalid_difficulty`, `invalid_feedback`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/teams/{id}/feedback")]
pub async fn create_feedback(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
    body: crate::http::Json<FeedbackRequest>,
) -> Result<HttpResponse> {
    let (id, body) = (id.into_inner(), body.into_inner());
    let feedback = state
        .db
        .write(move |conn| {
            observations::give_feedback(
                conn,
                &caller.user,
                &id,
                &body.challenge,
                body.difficulty,
                &body.text,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(feedback))
}

/// The team's feedback, oldest first (its coaches and the event's organizers; 404 for anyone
/// else, members included).
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = Vec<crate::models::feedback::FeedbackView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/feedback")]
pub async fn list_feedback(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| observations::feedback(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
