//! The live layer over HTTP: the three WebSocket endpoints, and REST for what the sockets
//! also do (documents, chat history, help calls, announcements) so that scripts and the
//! submission path need no socket. The socket endpoints' OpenAPI descriptions list their
//! message types; the README ("Live channels") gives every field.

use actix_web::{
    HttpRequest, HttpResponse, delete, get, patch, post,
    web::{self, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    access,
    auth::{AuthUser, MaybeUser},
    error::{Error, ErrorBody, Result},
    live::{
        self,
        actions::{self, DocumentChange},
    },
    models::{
        announcement::{Announcement, AnnouncementView},
        chat::{ChatLine, ChatMessage, HistoryPage},
        document::{Document, DocumentInfo},
        help_call::{HelpCall, HelpCallView},
        team::Team,
    },
    state::AppState,
};

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
        .service(announce);
}

/// `POST /teams/{id}/documents`, `PATCH /teams/{id}/documents/{doc}`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentTitle {
    /// 1–120 characters.
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

/// Query of the chat history.
#[derive(Debug, Deserialize)]
pub struct ChatQuery {
    /// Lines older than this id.
    pub before: Option<String>,
    /// Lines newer than this id.
    pub after: Option<String>,
    /// At most this many (default 50, at most 200).
    pub limit: Option<i64>,
}

/// A page of chat history, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatPage {
    /// The lines.
    pub messages: Vec<ChatLine>,
    /// More lines lie beyond this page.
    pub has_more: bool,
}

/// `POST /teams/{id}/help-calls`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseHelp {
    /// A line of context, at most 500 characters.
    #[serde(default)]
    pub context: String,
}

/// Query of help-call lists.
#[derive(Debug, Deserialize)]
pub struct HelpQuery {
    /// Only calls not yet resolved.
    #[serde(default)]
    pub open: bool,
}

/// `POST /events/{slug}/announcements`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementRequest {
    /// 1–2,000 characters (Markdown).
    pub text: String,
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

/// The event channel (WebSocket, no log-in needed): `hello`, `clock {server_time, starts_at,
/// ends_at, freeze_at, phase}`, `leaderboard {…the HTTP leaderboard's fields}`,
/// `announcements`, then `clock`, `leaderboard` and `announcement` as they change; organizers
/// and coaches who send a token also get `help_calls` and `help {call}`. Client → server:
/// `ping`.
#[utoipa::path(
    tag = "live",
    params(("slug" = String, Path, description = "event slug"),
        ("access_token" = Option<String>, Query, description = "optional: staff get help calls")),
    responses(
        (status = 101, description = "switching to the WebSocket protocol"),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/ws")]
pub async fn event_ws(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    slug: web::Path<String>,
    caller: MaybeUser,
) -> Result<HttpResponse> {
    live::event::open(state, req, body, caller, slug.into_inner()).await
}

async fn team_access(
    state: &AppState,
    caller: &AuthUser,
    team_id: String,
) -> Result<access::TeamAccess> {
    let user = caller.user.clone();
    state
        .db
        .run(move |conn| access::team_access(conn, &user, &team_id))
        .await
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
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let documents = state
        .db
        .run(move |conn| Document::of_team(conn, &access.team.id))
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
    body: web::Json<DocumentTitle>,
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
    body: web::Json<DocumentTitle>,
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
    let access = team_access(&state, &caller, team).await?;
    let text = state
        .db
        .run(move |conn| {
            let info = Document::find(conn, &access.team.id, &doc)?;
            let text = Document::text(conn, &access.team.id, &doc)?;
            Ok::<_, Error>(DocumentText {
                id: info.id,
                title: info.title,
                text,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(text))
}

/// A page of the team's chat, oldest first: the latest by default, `before` an id to page
/// back, `after` an id to resume.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("before" = Option<String>, Query, description = "lines older than this id"),
        ("after" = Option<String>, Query, description = "lines newer than this id"),
        ("limit" = Option<i64>, Query, description = "at most this many (default 50, max 200)")),
    responses(
        (status = 200, body = ChatPage),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/chat")]
pub async fn chat_history(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: Query<ChatQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let query = query.into_inner();
    let page = HistoryPage {
        before: query.before,
        after: query.after,
        limit: query.limit.unwrap_or(50),
    };
    let (messages, has_more) = state
        .db
        .run(move |conn| ChatMessage::history(conn, &access.team.id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ChatPage { messages, has_more }))
}

/// The team's help calls, oldest first.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("open" = Option<bool>, Query, description = "only calls not yet resolved")),
    responses(
        (status = 200, body = Vec<HelpCallView>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/teams/{id}/help-calls")]
pub async fn list_help_calls(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: Query<HelpQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let open = query.open;
    let calls = state
        .db
        .run(move |conn| {
            HelpCall::of_event(
                conn,
                &access.event.id,
                open,
                Some(std::slice::from_ref(&access.team.id)),
            )
        })
        .await?;
    let views: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Raises the team's hand (members).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id")),
    request_body = RaiseHelp,
    responses(
        (status = 201, body = HelpCallView),
        (status = 400, description = "`context_too_long`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`help_already_raised`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls")]
pub async fn raise_help(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
    body: web::Json<RaiseHelp>,
) -> Result<HttpResponse> {
    let access = team_access(&state, &caller, id.into_inner()).await?;
    let call = actions::raise_help(&state, &caller.user, &access, &body.context).await?;
    Ok(HttpResponse::Created().json(call))
}

/// Acknowledges a help call (the team's coaches, the event's organizers).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("call" = String, Path, description = "help call id")),
    responses(
        (status = 200, body = HelpCallView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`help_resolved`", body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls/{call}/acknowledge")]
pub async fn acknowledge_help(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, call) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    let call = actions::answer_help(&state, &caller.user, &access, &call, false).await?;
    Ok(HttpResponse::Ok().json(call))
}

/// Resolves a help call (the team's coaches, the event's organizers).
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "team id"),
        ("call" = String, Path, description = "help call id")),
    responses(
        (status = 200, body = HelpCallView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "a member", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/teams/{id}/help-calls/{call}/resolve")]
pub async fn resolve_help(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (team, call) = path.into_inner();
    let access = team_access(&state, &caller, team).await?;
    let call = actions::answer_help(&state, &caller.user, &access, &call, true).await?;
    Ok(HttpResponse::Ok().json(call))
}

/// The event's help calls with their raised/acknowledged/resolved times: every team's for
/// organizers, their teams' for coaches.
#[utoipa::path(
    tag = "live",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("open" = Option<bool>, Query, description = "only calls not yet resolved")),
    responses(
        (status = 200, body = Vec<HelpCallView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither organizer nor engineer", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/help-calls")]
pub async fn event_help_calls(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: Query<HelpQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, open) = (slug.into_inner(), query.open);
    let calls = state
        .db
        .run(move |conn| {
            let access = access::event_access(conn, &caller.user, &slug)?;
            let teams = if access.is_organizer() {
                None
            } else if access.is_engineer() {
                Some(
                    Team::coached_by(conn, &access.event.id, &caller.user.id)?
                        .into_iter()
                        .map(|t| t.id)
                        .collect::<Vec<_>>(),
                )
            } else {
                return Err(Error::Forbidden(
                    "only the event's organizers and engineers see its help calls".into(),
                ));
            };
            HelpCall::of_event(conn, &access.event.id, open, teams.as_deref())
        })
        .await?;
    let views: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
    Ok(HttpResponse::Ok().json(views))
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
        .run(move |conn| {
            let event = crate::models::event::Event::find_by_slug(conn, &slug)?;
            Announcement::of_event(conn, &event.id, None, 100)
        })
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
    body: web::Json<AnnouncementRequest>,
) -> Result<HttpResponse> {
    let view = actions::announce(&state, &caller.user, &slug, &body.text).await?;
    Ok(HttpResponse::Created().json(view))
}
