//! Submissions: submit for a team, read one, list a team's.

use actix_web::{
    HttpRequest, HttpResponse, get, post,
    web::{self, Query},
};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::{
        submissions::{self as submit, SubmitOutcome, SubmitRequest},
        upload_gate,
    },
    auth::AuthUser,
    error::Result,
    http::read_json_body,
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_submission)
        .service(list_submissions)
        .service(get_submission);
}

/// Filters of a team's submission list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionsQuery {
    /// Only this challenge (slug).
    pub challenge: Option<String>,
    /// At most this many (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// Submits for a team (its members only, while the event runs, to an unlocked challenge).
/// The submission is stored first, then judged; the answer waits briefly for the verdict:
/// 201 with it (or with the validator's failure, which is not an attempt), else 202 while
/// it is still being judged — poll `GET /submissions/{id}`. Outsiders (404), coaches and
/// organizers (403) and late callers (409) are answered before the body is read.
#[utoipa::path(
    tag = "submissions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = SubmitRequest,
    responses(
        (status = 201, description = "judged", body = crate::judge::views::SubmissionView),
        (status = 202, description = "stored, still being judged", body = crate::judge::views::SubmissionView),
        (status = 400, description = "`invalid_path`, `duplicate_path`, `invalid_base64`, `empty_submission`, `too_many_files`", body = crate::error::ErrorBody),
        (status = 403, description = "coaches and organizers do not submit; `terms_not_accepted`: the event's terms changed and the caller has not accepted the current version (the message names it)", body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "`not_running`, `locked`", body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 429, description = "`rate_limited`, with Retry-After", body = crate::error::ErrorBody),
    )
)]
#[post("/teams/{id}/submissions")]
pub async fn create_submission(
    state: web::Data<AppState>,
    caller: AuthUser,
    team: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let (user, team_id) = (caller.user.clone(), team.clone());
    state
        .db
        .run(move |conn| upload_gate::may_submit(conn, &user, &team_id))
        .await?;
    let body: SubmitRequest =
        read_json_body(&request, payload, state.config.max_body_bytes).await?;
    let outcome = submit::submit(state, &caller.user, &team, body).await?;
    Ok(match outcome {
        SubmitOutcome::Judged(view) => HttpResponse::Created().json(view),
        SubmitOutcome::Pending(view) => HttpResponse::Accepted().json(view),
    })
}

/// A team's submissions, newest first, with their current outcome (members, coaches,
/// organizers).
#[utoipa::path(
    tag = "submissions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("challenge" = Option<String>, Query, description = "only this challenge (slug)"),
        ("limit" = Option<i64>, Query, description = "at most this many (default 100, at most 1000)"),
    ),
    responses(
        (status = 200, body = crate::judge::views::SubmissionList),
        (status = 404, body = crate::error::ErrorBody),
    )
)]
#[get("/teams/{id}/submissions")]
pub async fn list_submissions(
    state: web::Data<AppState>,
    caller: AuthUser,
    team: web::Path<String>,
    query: Query<SubmissionsQuery>,
) -> Result<HttpResponse> {
    let team = team.into_inner();
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let list = state
        .db
        .run(move |conn| {
            submit::team_submissions(conn, &caller.user, &team, query.challenge.as_deref(), limit)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// One submission with its files and current verdict (members, coaches, organizers);
/// organizers and authors also get the validator's notes, log and error detail.
#[utoipa::path(
    tag = "submissions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "submission id")),
    responses(
        (status = 200, body = crate::judge::views::SubmissionView),
        (status = 404, body = crate::error::ErrorBody),
    )
)]
#[get("/submissions/{id}")]
pub async fn get_submission(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<String>,
) -> Result<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db
        .run(move |conn| submit::submission_detail(conn, &caller.user, &id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
