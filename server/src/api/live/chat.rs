//! A team's chat history over REST, paged.

use actix_web::{
    HttpResponse, get,
    web::{self, Query},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    actions::reads,
    auth::AuthUser,
    error::{ErrorBody, Result},
    models::chat::{ChatLine, HistoryPage},
    state::AppState,
};

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
    let (id, query) = (id.into_inner(), query.into_inner());
    let page = HistoryPage {
        before: query.before,
        after: query.after,
        limit: query.limit.unwrap_or(50),
    };
    let (messages, has_more) = state
        .db
        .run(move |conn| reads::chat_history(conn, &caller.user, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(ChatPage { messages, has_more }))
}
