//! Challenges: publish a package version, the caller's ladder, organizers' settings, rejudge,
//! and a team's materials.

use std::collections::BTreeMap;

use actix_web::{
    HttpRequest, HttpResponse, get, patch, post,
    web::{self, Query},
};
use cohack_package::Upload;
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::challenges::{
        ladder,
        publish::{self, PublishOutcome},
        rejudge,
    },
    actions::upload_gate,
    auth::AuthUser,
    error::{Error, Result},
    models::challenge::{ChallengeChanges, Placement},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(publish_challenge)
        .service(list_challenges)
        .service(update_challenge)
        .service(rejudge_challenge)
        .service(team_materials);
}

/// Where a newly published challenge goes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishQuery {
    /// Place on the ladder (1 first); default: the next free position for a new challenge,
    /// the current one for a re-publish.
    pub position: Option<i32>,
    /// Open to every team regardless of the ladder; default: unchanged (`false` when new).
    pub always_open: Option<bool>,
}

/// The package upload form written by `cohack challenge publish` (`cohack-package`'s
/// `Upload`): documented here for the OpenAPI description.
#[derive(Debug, ToSchema)]
pub struct PackageUpload {
    /// The upload format version, 1.
    pub format: u32,
    /// `challenge.toml` as JSON.
    #[schema(schema_with = crate::api::schema::manifest)]
    pub manifest: serde_json::Value,
    /// The statement (Markdown).
    pub statement: String,
    /// The validator component, standard base64.
    pub validator_wasm: String,
    /// Hex sha256 of the component's bytes.
    pub validator_sha256: String,
    /// The samples the server re-runs before the version goes live.
    #[schema(schema_with = crate::api::schema::upload_samples)]
    pub samples: Vec<serde_json::Value>,
    /// The Markdown text of each of the manifest's `[[hints]]`, in its order; default none.
    #[schema(schema_with = crate::api::schema::upload_hints)]
    pub hints: Option<Vec<String>>,
    /// The package's `coach.md` (Markdown): the expected approach, common mistakes, the shape
    /// of a solution, how long teams usually take. The event's coaches and organizers read it
    /// beside the statement, never a participant; default none.
    #[schema(schema_with = crate::api::schema::upload_coach_guide)]
    pub coach_guide: Option<String>,
}

/// `PATCH /events/{slug}/challenges/{challenge}`: every field optional.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChallengeRequest {
    /// Display title: one line, 1–100 characters.
    #[schema(schema_with = crate::api::schema::line_or_null::<100>)]
    pub title: Option<String>,
    /// One line for the ladder, 1–200 characters.
    #[schema(schema_with = crate::api::schema::line_or_null::<200>)]
    pub summary: Option<String>,
    /// Place on the ladder, 1 to 10000.
    #[serde(default, deserialize_with = "crate::api::whole::optional")]
    #[schema(minimum = 1, maximum = 10000)]
    pub position: Option<i32>,
    /// Open regardless of the ladder.
    pub always_open: Option<bool>,
    /// Replaces all overrides of the manifest's `[config]` defaults; keys must be declared
    /// by the manifest; `{}` restores the defaults.
    pub config: Option<BTreeMap<String, String>>,
}

/// Reads a JSON body of at most `limit` bytes (package uploads are larger than the server's
/// general body limit), parsed off the executor. A body declared larger than `limit` is
/// refused before any of it is read.
async fn read_json<T: serde::de::DeserializeOwned + Send + 'static>(
    request: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T> {
    let body = read_body(request, payload, limit).await?;
    web::block(move || crate::http::json::from_slice::<T>(&body))
        .await
        .map_err(Error::internal)?
}

/// Reads a body of at most `limit` bytes; one declared larger is refused before any of it
/// is read.
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut> {
    let declared = request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(Error::PayloadTooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Error::bad_request("invalid_body", e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(Error::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Publishes a challenge version from a package upload (authors and organizers of the
/// event). The server re-runs every sample on its own sandbox: the version goes live only if
/// each gets its declared outcome, otherwise 422 with the table and nothing is stored.
/// Re-publishing a slug adds a version (v2, v3, …) and makes it live. A caller who may not
/// publish (403, or 404 for an unknown event) is answered before the package is read.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("position" = Option<i32>, Query, minimum = 1, maximum = 10000, description = "place on the ladder, 1 first (default: next free, or unchanged)"),
        ("always_open" = Option<bool>, Query, description = "open regardless of the ladder (default: unchanged, false when new)"),
    ),
    request_body = PackageUpload,
    responses(
        (status = 201, description = "live", body = crate::judge::views::Published),
        (status = 400, description = "`invalid_package`, `invalid_validator` (not a component, foreign import, …), `invalid_position`", body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "`position_taken`", body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 422, description = "`samples_mismatch`: the server's sample table", body = crate::judge::views::PublishRefused),
    )
)]
#[post("/events/{slug}/challenges")]
pub async fn publish_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    slug: web::Path<String>,
    query: Query<PublishQuery>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let (user, event) = (caller.user.clone(), slug.clone());
    state
        .db
        .run(move |conn| upload_gate::may_publish(conn, &user, &event))
        .await?;
    let upload: Upload = read_json(&request, payload, state.config.max_upload_bytes).await?;
    let placement = Placement {
        position: query.position,
        always_open: query.always_open,
    };
    match publish::publish(&state, &caller.user, &slug, upload, placement).await? {
        PublishOutcome::Live(published) => Ok(HttpResponse::Created().json(published)),
        PublishOutcome::Refused(refused) => Ok(HttpResponse::UnprocessableEntity().json(refused)),
    }
}

/// The caller's ladder: every challenge with `locked`/`solved` for the caller's team, and the
/// statement of those open to it. Organizers, authors and coaches see everything; before the
/// start participants see no challenge (`phase: upcoming`).
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = crate::judge::views::Ladder),
        (status = 403, description = "not registered for the event", body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
    )
)]
#[get("/events/{slug}/challenges")]
pub async fn list_challenges(
    state: web::Data<AppState>,
    caller: AuthUser,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = state
        .db
        .run(move |conn| ladder::ladder(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Changes a challenge's settings for this event (organizers): title, summary, position,
/// `always_open`, and the validator's config overrides.
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    request_body = UpdateChallengeRequest,
    responses(
        (status = 200, body = crate::judge::views::ChallengeAdmin),
        (status = 400, description = "`unknown_config_key`, `invalid_challenge`, `invalid_position`", body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "`position_taken`", body = crate::error::ErrorBody),
    )
)]
#[patch("/events/{slug}/challenges/{challenge}")]
pub async fn update_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
    body: crate::http::Json<UpdateChallengeRequest>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let body = body.into_inner();
    let changes = ChallengeChanges {
        title: body.title,
        summary: body.summary,
        position: body.position,
        always_open: body.always_open,
        config: body.config,
    };
    let view = ladder::update_challenge(&state, &caller.user, &slug, &challenge, changes).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /events/{slug}/challenges/{challenge}/rejudge`: the body is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejudgeRequest {
    /// How the teams' services are reached (challenges with `[network]`): `replay` (the
    /// default: each submission's recorded exchanges answer, nothing is called) or `live`
    /// (the endpoints each submission copied are called again).
    #[schema(value_type = Option<crate::judge::RejudgeMode>)]
    pub mode: Option<String>,
}

/// The largest rejudge request body: it holds one short field.
const REJUDGE_BODY_LIMIT: usize = 4096;

/// Re-runs every judged submission of the challenge on its live version (authors and
/// organizers); old verdicts are kept, the new ones count. For a challenge judged against
/// the teams' services, `mode` says whether their recorded exchanges are replayed (the
/// default: deterministic, nothing is called) or their endpoints called again (`live`).
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    request_body(content = Option<RejudgeRequest>, description = "optional; `{\"mode\": \"replay\"}` when absent"),
    responses(
        (status = 200, body = crate::judge::views::RejudgeReport),
        (status = 400, description = "`invalid_json`", body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "`no_live_version`", body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 422, description = "`invalid_mode`", body = crate::error::ErrorBody),
    )
)]
#[post("/events/{slug}/challenges/{challenge}/rejudge")]
pub async fn rejudge_challenge(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let body = read_body(&request, payload, REJUDGE_BODY_LIMIT).await?;
    // No body, or `null`, asks for the defaults.
    let body: RejudgeRequest = if body.iter().all(u8::is_ascii_whitespace) {
        RejudgeRequest::default()
    } else {
        serde_json::from_slice::<Option<RejudgeRequest>>(&body)
            .map_err(|e| Error::bad_request("invalid_json", e.to_string()))?
            .unwrap_or_default()
    };
    let mode = rejudge::parse_mode(body.mode.as_deref())?;
    let report = rejudge::rejudge_with(&state, &caller.user, &slug, &challenge, mode).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The team's starting material for a challenge, from the validator's `materials(team)`:
/// different per team for team-specific challenges. Members need the challenge unlocked
/// (409 `locked`) and the event started (409 `not_running`).
#[utoipa::path(
    tag = "challenges",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    responses(
        (status = 200, body = crate::judge::views::Materials),
        (status = 404, description = "no such team for the caller, or no such challenge", body = crate::error::ErrorBody),
        (status = 409, description = "`locked`, `not_running`, `materials_unavailable`", body = crate::error::ErrorBody),
        (status = 429, description = "the team's materials budget is spent (each request runs the validator)", body = crate::error::ErrorBody),
    )
)]
#[get("/teams/{id}/challenges/{challenge}/materials")]
pub async fn team_materials(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (team, challenge) = path.into_inner();
    let materials = ladder::materials(&state, &caller.user, &team, &challenge).await?;
    crate::insights::opens::record_member_open(&state, &caller.user, &team, &challenge).await;
    Ok(HttpResponse::Ok().json(materials))
}
