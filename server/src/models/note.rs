//! Coaches' notes: what a coach (or organizer) observed a team struggle with on a challenge,
//! with optional free-form tags. Notes feed the cliffs report as evidence; they are visible to
//! the team's coaches and the event's organizers only — to the team's own members and to
//! everyone else they do not exist (404).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{challenges, coach_notes, users},
    },
    error::{Error, Result},
};

/// Longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Most tags on one note.
pub const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// A stored note.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coach_notes)]
pub struct CoachNote {
    /// Identifier.
    pub id: String,
    /// The team observed.
    pub team_id: String,
    /// The challenge it was working on.
    pub challenge_id: String,
    /// The coach or organizer who wrote it.
    pub author_id: String,
    /// What they observed.
    pub text: String,
    /// JSON array of normalized tags.
    pub tags: String,
    /// When it was written.
    pub created_at: NaiveDateTime,
}

/// A note as coaches and organizers read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// Challenge slug.
    pub challenge: String,
    /// Author's user id.
    pub author_id: String,
    /// Author's display name.
    pub author: String,
    /// The note.
    pub text: String,
    /// Tags, lower case.
    pub tags: Vec<String>,
    /// When it was written (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl CoachNote {
    /// The tags, parsed.
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    /// Stores a note; `text` and `tags` as [`CoachNote::checked`] returns them.
    pub fn insert(conn: &mut DbConnection, note: &CoachNote) -> Result<()> {
        diesel::insert_into(coach_notes::table)
            .values(note)
            .execute(conn)?;
        Ok(())
    }

    /// A new note, its text trimmed and tags normalized; 400 `invalid_note` / `invalid_tag`.
    pub fn checked(
        team_id: &str,
        challenge_id: &str,
        author_id: &str,
        text: &str,
        tags: &[String],
    ) -> Result<(CoachNote, Vec<String>)> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::bad_request(
                "invalid_note",
                format!("a note has 1 to {MAX_NOTE_CHARS} characters"),
            ));
        }
        let tags = normalize_tags(tags)?;
        let note = CoachNote {
            id: new_id(),
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            author_id: author_id.to_owned(),
            text: text.to_owned(),
            tags: serde_json::to_string(&tags).map_err(Error::internal)?,
            created_at: now(),
        };
        Ok((note, tags))
    }

    /// A team's notes with their challenge and author, oldest first.
    pub fn views_of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<NoteView>> {
        let rows: Vec<(CoachNote, String, String)> = coach_notes::table
            .inner_join(challenges::table)
            .inner_join(users::table.on(users::id.eq(coach_notes::author_id)))
            .filter(coach_notes::team_id.eq(team_id))
            .order((coach_notes::created_at.asc(), coach_notes::id.asc()))
            .select((
                CoachNote::as_select(),
                challenges::slug,
                users::display_name,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(note, challenge, author)| NoteView {
                tags: note.tag_list(),
                id: note.id,
                team_id: note.team_id,
                challenge,
                author_id: note.author_id,
                author,
                text: note.text,
                created_at: note.created_at.and_utc(),
            })
            .collect())
    }

    /// Every note on the challenges of `event_id`.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<CoachNote>> {
        Ok(coach_notes::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event_id))
            .order((coach_notes::created_at.asc(), coach_notes::id.asc()))
            .select(CoachNote::as_select())
            .load(conn)?)
    }
}

/// Trims and lower-cases tags, drops duplicates, and refuses bad ones.
fn normalize_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags {
        let tag = tag.trim().to_lowercase();
        let valid = !tag.is_empty()
            && tag.chars().count() <= MAX_TAG_CHARS
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !valid {
            return Err(Error::bad_request(
                "invalid_tag",
                format!(
                    "a tag has 1 to {MAX_TAG_CHARS} letters, digits, `-`, `_`, `.` or `:`: {tag:?}"
                ),
            ));
        }
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::bad_request(
            "invalid_tag",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    Ok(out)
}
