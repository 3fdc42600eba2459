//! Organizers' announcements to everyone at an event (big screen and every team workspace).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{announcements, users},
    },
    error::{Error, Result},
    models::team::Person,
};

/// Longest announcement accepted, in characters.
pub const MAX_ANNOUNCEMENT_CHARS: usize = 2_000;

/// An announcement as everyone sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnnouncementView {
    /// Identifier (UUIDv7, time-ordered).
    pub id: String,
    /// Raw text (Markdown).
    pub text: String,
    /// The organizer who made it.
    pub author: Person,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: chrono::DateTime<chrono::Utc>,
}

type Row = (String, String, NaiveDateTime, String, String);

fn view((id, text, at, user_id, display_name): Row) -> AnnouncementView {
    AnnouncementView {
        id,
        text,
        author: Person {
            user_id,
            display_name,
        },
        at: at.and_utc(),
    }
}

/// `text` trimmed, or 400 `invalid_announcement` unless it has 1 to
/// [`MAX_ANNOUNCEMENT_CHARS`] characters.
fn checked_text(text: &str) -> Result<&str> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_ANNOUNCEMENT_CHARS {
        return Err(Error::bad_request(
            "invalid_announcement",
            format!("an announcement has 1 to {MAX_ANNOUNCEMENT_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// Announcements of an event.
pub struct Announcement;

impl Announcement {
    /// Stores an announcement; 1 to [`MAX_ANNOUNCEMENT_CHARS`] characters.
    pub fn create(
        conn: &mut DbConnection,
        event_id: &str,
        author_id: &str,
        text: &str,
    ) -> Result<String> {
        let text = checked_text(text)?;
        let id = new_id();
        diesel::insert_into(announcements::table)
            .values((
                announcements::id.eq(&id),
                announcements::event_id.eq(event_id),
                announcements::author_id.eq(author_id),
                announcements::text.eq(text),
                announcements::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(id)
    }

    /// Replaces the text of announcement `id` of the event `event_id`; 404 when the event has
    /// no such announcement. The same rule as [`Announcement::create`]. There is no edited
    /// time: an announcement keeps the time it was first made.
    pub fn update_text(
        conn: &mut DbConnection,
        event_id: &str,
        id: &str,
        text: &str,
    ) -> Result<()> {
        let text = checked_text(text)?;
        let changed = diesel::update(
            announcements::table
                .filter(announcements::id.eq(id))
                .filter(announcements::event_id.eq(event_id)),
        )
        .set(announcements::text.eq(text))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::NotFound("announcement"));
        }
        Ok(())
    }

    /// Deletes announcement `id` of the event `event_id`; 404 when the event has no such
    /// announcement.
    pub fn delete(conn: &mut DbConnection, event_id: &str, id: &str) -> Result<()> {
        let deleted = diesel::delete(
            announcements::table
                .filter(announcements::id.eq(id))
                .filter(announcements::event_id.eq(event_id)),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(Error::NotFound("announcement"));
        }
        Ok(())
    }

    /// One announcement.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<(String, AnnouncementView)> {
        let (event_id, row) = announcements::table
            .inner_join(users::table)
            .filter(announcements::id.eq(id))
            .select((
                announcements::event_id,
                (
                    announcements::id,
                    announcements::text,
                    announcements::created_at,
                    users::id,
                    users::display_name,
                ),
            ))
            .first::<(String, Row)>(conn)
            .optional()?
            .ok_or(Error::NotFound("announcement"))?;
        Ok((event_id, view(row)))
    }

    /// The event's announcements after `after` (all when `None`), oldest first, at most
    /// `limit` of the newest.
    pub fn of_event(
        conn: &mut DbConnection,
        event_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AnnouncementView>> {
        let mut query = announcements::table
            .inner_join(users::table)
            .filter(announcements::event_id.eq(event_id))
            .select((
                announcements::id,
                announcements::text,
                announcements::created_at,
                users::id,
                users::display_name,
            ))
            .order(announcements::id.desc())
            .limit(limit)
            .into_boxed();
        if let Some(after) = after {
            query = query.filter(announcements::id.gt(after.to_owned()));
        }
        let mut rows: Vec<Row> = query.load(conn)?;
        rows.reverse();
        Ok(rows.into_iter().map(view).collect())
    }
}
