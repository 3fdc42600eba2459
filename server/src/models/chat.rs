//! Team chat: raw text lines (Markdown, rendered safely by clients), persisted and paged.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{chat_messages, users},
    },
    error::{Error, Result},
    models::team::Person,
};

/// Longest chat line accepted, in characters.
pub const MAX_CHAT_CHARS: usize = 4_000;
/// Most lines one history page returns.
pub const MAX_HISTORY_PAGE: i64 = 200;

/// A stored chat line.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages)]
pub struct ChatMessage {
    /// UUIDv7: orders lines and pages the history.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// Who wrote it.
    pub author_id: String,
    /// Raw text, never rendered by the server.
    pub text: String,
    /// When it was posted.
    pub created_at: NaiveDateTime,
}

/// A chat line as clients see it (`{"type":"chat",…}` without the type).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChatLine {
    /// Identifier; pass it as `before`/`after` to page.
    pub id: String,
    /// Raw text (Markdown).
    pub text: String,
    /// Who wrote it.
    pub author: Person,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Which page of the history to read.
#[derive(Debug, Clone, Default)]
pub struct HistoryPage {
    /// Lines older than this id (paging back).
    pub before: Option<String>,
    /// Lines newer than this id (resuming after a reconnect).
    pub after: Option<String>,
    /// At most this many lines.
    pub limit: i64,
}

/// Trims a chat line and checks its length: 1 to [`MAX_CHAT_CHARS`] characters.
pub fn check_text(text: &str) -> Result<&str> {
    let text = text.trim_end();
    if text.trim().is_empty() {
        return Err(Error::bad_request("empty_message", "the message is empty"));
    }
    if text.chars().count() > MAX_CHAT_CHARS {
        return Err(Error::bad_request(
            "message_too_long",
            format!("a chat message has at most {MAX_CHAT_CHARS} characters"),
        ));
    }
    Ok(text)
}

type LineRow = (String, String, NaiveDateTime, String, String);

fn line((id, text, at, user_id, display_name): LineRow) -> ChatLine {
    ChatLine {
        id,
        text,
        author: Person {
            user_id,
            display_name,
        },
        at: at.and_utc(),
    }
}

impl ChatMessage {
    /// Stores a line (already checked with [`check_text`]).
    pub fn post(
        conn: &mut DbConnection,
        team_id: &str,
        author_id: &str,
        text: &str,
    ) -> Result<ChatMessage> {
        let message = ChatMessage {
            id: new_id(),
            team_id: team_id.to_owned(),
            author_id: author_id.to_owned(),
            text: text.to_owned(),
            created_at: now(),
        };
        diesel::insert_into(chat_messages::table)
            .values(&message)
            .execute(conn)?;
        Ok(message)
    }

    /// One line with its author, as clients see it.
    pub fn line(conn: &mut DbConnection, id: &str) -> Result<ChatLine> {
        chat_messages::table
            .inner_join(users::table)
            .filter(chat_messages::id.eq(id))
            .select((
                chat_messages::id,
                chat_messages::text,
                chat_messages::created_at,
                users::id,
                users::display_name,
            ))
            .first::<LineRow>(conn)
            .optional()?
            .map(line)
            .ok_or(Error::NotFound("chat message"))
    }

    /// A page of a team's history, oldest first, and whether more lines lie beyond it (before
    /// it when paging back or by default, after it when resuming with `after`).
    pub fn history(
        conn: &mut DbConnection,
        team_id: &str,
        page: &HistoryPage,
    ) -> Result<(Vec<ChatLine>, bool)> {
        let limit = page.limit.clamp(1, MAX_HISTORY_PAGE);
        let mut query = chat_messages::table
            .inner_join(users::table)
            .filter(chat_messages::team_id.eq(team_id))
            .select((
                chat_messages::id,
                chat_messages::text,
                chat_messages::created_at,
                users::id,
                users::display_name,
            ))
            .limit(limit + 1)
            .into_boxed();
        if let Some(before) = &page.before {
            query = query.filter(chat_messages::id.lt(before.clone()));
        }
        let forward = page.after.is_some();
        if let Some(after) = &page.after {
            query = query
                .filter(chat_messages::id.gt(after.clone()))
                .order(chat_messages::id.asc());
        } else {
            query = query.order(chat_messages::id.desc());
        }
        let mut rows: Vec<LineRow> = query.load(conn)?;
        let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
        rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        if !forward {
            rows.reverse();
        }
        Ok((rows.into_iter().map(line).collect(), more))
    }
}
