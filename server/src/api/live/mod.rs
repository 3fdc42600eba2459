//! The live layer over HTTP: the three WebSocket endpoints, and REST for what the sockets
//! also do (documents, chat history, help calls, announcements) so that scripts and the
//! submission path need no socket. The socket endpoints' OpenAPI descriptions list their
//! message types; the README ("Live channels") gives every field.

use actix_web::{
    HttpRequest, HttpResponse, get,
    web::{self},
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access, actions,
    auth::{AuthUser, MaybeUser},
    error::{ErrorBody, Result},
    live,
    state::AppState,
};

mod announcements;
mod chat;
mod documents;
mod help;

pub use self::{announcements::*, chat::*, documents::*, help::*};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(team_ws)
        .service(document_ws)
        .service(event_ws)
        .service(list_documents)
        .service(create_document)
        .service(rename_document)
        .service(delete_document)
        .service(document_text)
        .service(chat_history)
        .service(list_help_calls)
        .service(raise_help)
        .service(acknowledge_help)
        .service(resolve_help)
        .service(event_help_calls)
        .service(list_announcements)
        .service(announce)
        .service(edit_announcement)
        .service(delete_announcement);
}

/// The team workspace channel (WebSocket): presence, chat, activity, help calls, documents.
///
/// Client → server: `chat {text}`, `chat_history {before?, after?, limit?}`,
/// `activity_history {after?, limit?}`, `presence {state: active|idle, document_id?}`,
/// `help_raise {context}`, `help_ack {id}`, `help_resolve {id}`, `doc_create {title}`,
/// `doc_rename {id, title}`, `doc_delete {id}`, `ping`.
/// Server → client: `hello`, `chat_history`, `activity_history`, `documents`, `help_calls`,
/// `announcements` (on join), then `presence {online}`, `chat {id, text, author, at}`,
/// `activity {id, kind, at, …}`, `help {call}`, `documents`, `announcement`, `doc_created`,
/// `pong`, `error {code, message}`.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("access_token" = Option<String>, Query, description = "the access token, for browsers")),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "`not_websocket`: not a WebSocket upgrade request", body = ErrorBody),
        (status = 429, description = "too many live sockets open for this user", body = ErrorBody),
        (status = 400, description = "`not_websocket`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such team, or not yours", body = ErrorBody),
    )
)]
#[get("/teams/{id}/ws")]
pub async fn team_ws(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    live::team::open(state, req, body, caller, id.into_inner()).await
}

/// A document's Yjs socket (WebSocket, binary y-protocols sync and awareness messages), as
/// y-websocket's `WebsocketProvider` speaks it. The document's text is the Yjs text `content`.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("doc" = String, Path, description = "document id"),
        ("access_token" = Option<String>, Query, description = "the access token, for browsers")),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "`not_websocket`: not a WebSocket upgrade request", body = ErrorBody),
        (status = 429, description = "too many live sockets open for this user", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such team or document, or not yours", body = ErrorBody),
    )
)]
#[get("/teams/{id}/documents/{doc}/ws")]
pub async fn document_ws(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, doc) = path.into_inner();
    live::document::open(state, req, body, caller, team, doc).await
}

/// Query of the event channel.
#[derive(Debug, serde::Deserialize)]
pub struct EventWsQuery {
    /// `deltas`: board updates as `leaderboard_delta` frames.
    pub board: Option<live::event::BoardUpdates>,
}

/// The event channel (WebSocket, no log-in needed): `hello`, `clock {server_time, starts_at,
/// ends_at, freeze_at, phase}`, `leaderboard {etag, …the HTTP leaderboard's fields}`,
/// `announcements`, then `clock`, `leaderboard` and `announcement` as they change; organizers
/// and coaches who send a token also get `help_calls` and `help {call}`. With
/// `?board=deltas`, board updates come as `leaderboard_delta {base, etag, frozen, freeze_at,
/// generated_at, rows, ranks, order?}` (only the rows that changed) where that is smaller.
/// Client → server: `ping`, and `leaderboard` (answered with the whole board).
#[utoipa::path(
    tag = "live",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("access_token" = Option<String>, Query, description = "optional: staff get help calls"),
        ("board" = Option<live::event::BoardUpdates>, Query,
            description = "`deltas`: board updates as `leaderboard_delta` frames (only the rows \
                that changed); `full` (default): every update a whole `leaderboard` frame")),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 400, description = "`not_websocket`: not a WebSocket upgrade request; \
            `invalid_query`: `board` is neither `full` nor `deltas`", body = ErrorBody),
        (status = 429, description = "too many live sockets open for this user", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/ws")]
pub async fn event_ws(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    slug: web::Path<String>,
    query: web::Query<EventWsQuery>,
    caller: MaybeUser,
) -> Result<HttpResponse> {
    let updates = query.board.unwrap_or_default();
    live::event::open(state, req, body, caller, slug.into_inner(), updates).await
}

/// The team the caller may see (404 otherwise), for the REST endpoints of its workspace.
async fn team_access(
    state: &AppState,
    caller: &AuthUser,
    team_id: String,
) -> Result<access::TeamAccess> {
    let user = caller.user.clone();
    state
        .db
        .run(move |conn| actions::reads::team(conn, &user, &team_id))
        .await
}
