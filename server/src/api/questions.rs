//! Questions (clarifications) over REST: a team asks about a challenge; the team's coaches and
//! the event's organizers answer it to the team or to everyone, or mark it a duplicate of an
//! answered one; organizers keep canned answers per challenge. Who may do what is written in
//! [`crate::actions::questions`]; what follows (activity, the live queue, clarifications on
//! every team's channel) in [`crate::actions::announce`].

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::questions,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::question::{AnswerTo, CannedAnswer, QuestionList, QuestionView},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ask_question)
        .service(team_questions)
        .service(event_questions)
        .service(answer_question)
        .service(mark_duplicate_question)
        .service(list_canned_answers)
        .service(create_canned_answer)
        .service(delete_canned_answer);
}

/// `POST /teams/{id}/questions`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskQuestionRequest {
    /// The challenge's slug (open to the team).
    pub challenge: String,
    /// The question, 1–2000 characters after trimming.
    #[schema(schema_with = crate::api::schema::text::<2000>)]
    pub text: String,
}

/// `POST /questions/{id}/answer`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerQuestionRequest {
    /// The answer, 1–4000 characters after trimming.
    #[schema(schema_with = crate::api::schema::text::<4000>)]
    pub text: String,
    /// `team`: only the asking team reads it; `everyone`: every team of the event reads it as
    /// a clarification of the challenge, without who asked.
    pub to: AnswerTo,
}

/// `POST /questions/{id}/duplicate`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateQuestionRequest {
    /// The answered question (same event and challenge) this one repeats.
    pub of: String,
}

/// `POST /events/{slug}/challenges/{challenge}/canned-answers`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedAnswerRequest {
    /// A short title, 1–120 characters after trimming.
    #[schema(schema_with = crate::api::schema::text::<120>)]
    pub title: String,
    /// The answer's text, 1–4000 characters after trimming.
    #[schema(schema_with = crate::api::schema::text::<4000>)]
    pub text: String,
}

/// The states the queue can be filtered by (the schema of `?state=`).
#[derive(Debug, Clone, Copy, serde::Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStateFilter {
    /// Not answered yet.
    Open,
    /// Answered, to the team or to everyone.
    Answered,
    /// Marked a repeat of an answered question.
    Duplicate,
}

/// Query of the event's question queue.
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    /// Only questions in this state.
    pub state: Option<String>,
}

/// Asks a question about a challenge (the team's members; coaches and organizers 403,
/// anyone else 404). The challenge must be open to the team (404 otherwise, also before the
/// start); after the event's end 409 `event_ended`.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = AskQuestionRequest,
    responses(
        (status = 201, body = QuestionView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a member of the team", body = ErrorBody),
        (status = 404, description = "no such team (or not yours), or no such challenge open to the team", body = ErrorBody),
        (status = 409, description = "`event_ended`", body = ErrorBody),
        (status = 422, description = "`invalid_question`: empty or longer than 2000 characters", body = ErrorBody),
    )
)]
#[post("/teams/{id}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
    body: crate::http::Json<AskQuestionRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let view = questions::ask(&state, &caller.user, &id, &body.challenge, &body.text).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The team's own questions with their answers (open first, then oldest first), and every
/// answer to everyone in the event as clarifications naming no team (members, the team's
/// coaches, the event's organizers; 404 for anyone else).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    responses(
        (status = 200, body = QuestionList),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/questions")]
pub async fn team_questions(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| questions::of_team(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The event's question queue, open first, oldest first: every team's for organizers, their
/// own teams' for coaches; with every clarification (answer to everyone) of the event.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("state" = Option<QuestionStateFilter>, Query, description = "only `open`, `answered` or `duplicate` questions")),
    responses(
        (status = 200, body = QuestionList),
        (status = 400, description = "`invalid_state`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor engineer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/questions")]
pub async fn event_questions(
    state: web::Data<AppState>,
    caller: AuthUser,
    slug: web::Path<String>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse> {
    let (slug, wanted) = (slug.into_inner(), query.into_inner().state);
    let list = state
        .db
        .run(move |conn| questions::of_event(conn, &caller.user, &slug, wanted.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Answers a question to its team or to everyone (the team's coaches and the event's
/// organizers; its members 403, anyone else 404). An answer is final: answering again, or
/// answering a duplicate, is 409 `already_answered`.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "question id")),
    request_body = AnswerQuestionRequest,
    responses(
        (status = 200, body = QuestionView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member of the asking team", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_answered`", body = ErrorBody),
        (status = 422, description = "`invalid_answer`: empty or longer than 4000 characters", body = ErrorBody),
    )
)]
#[post("/questions/{id}/answer")]
pub async fn answer_question(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
    body: crate::http::Json<AnswerQuestionRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let view = questions::answer(&state, &caller.user, &id, &body.text, body.to).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Marks an open question a duplicate of an answered question about the same challenge: the
/// asking team then reads that answer (the other team's name never). The team's coaches and
/// the event's organizers; a question answered to its own team only may be named only by
/// staff who oversee that team as well.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "question id")),
    request_body = DuplicateQuestionRequest,
    responses(
        (status = 200, body = QuestionView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member of the asking team", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`already_answered`", body = ErrorBody),
        (status = 422, description = "`invalid_duplicate`: `of` is not another answered question about the same challenge that the caller may see", body = ErrorBody),
    )
)]
#[post("/questions/{id}/duplicate")]
pub async fn mark_duplicate_question(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
    body: crate::http::Json<DuplicateQuestionRequest>,
) -> Result<HttpResponse> {
    let view = questions::mark_duplicate(&state, &caller.user, &id, &body.of).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The canned answers of a challenge, oldest first (the event's organizers and engineers).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug")),
    responses(
        (status = 200, body = Vec<CannedAnswer>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor engineer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/challenges/{challenge}/canned-answers")]
pub async fn list_canned_answers(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let list = state
        .db
        .run(move |conn| questions::canned_answers(conn, &caller.user, &slug, &challenge))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Keeps a canned answer for a challenge (the event's organizers).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug")),
    request_body = CannedAnswerRequest,
    responses(
        (status = 201, body = CannedAnswer),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "`invalid_canned_answer`: an empty or too long title or text", body = ErrorBody),
    )
)]
#[post("/events/{slug}/challenges/{challenge}/canned-answers")]
pub async fn create_canned_answer(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
    body: crate::http::Json<CannedAnswerRequest>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let body = body.into_inner();
    let canned = state
        .db
        .write(move |conn| {
            questions::create_canned_answer(
                conn,
                &caller.user,
                &slug,
                &challenge,
                &body.title,
                &body.text,
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(canned))
}

/// Deletes a canned answer (the event's organizers).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "canned answer id")),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[delete("/canned-answers/{id}")]
pub async fn delete_canned_answer(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| questions::delete_canned_answer(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
