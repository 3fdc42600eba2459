//! What a team's workspace and an event show, read with the caller's access checked: the
//! REST side of the live layer (the sockets send the same rows as they change).
//!
//! Each function takes a connection, so that an edge reads in one trip to the database.

use crate::{
    access::{self, TeamAccess},
    db::DbConnection,
    error::{Error, Result},
    models::{
        announcement::{Announcement, AnnouncementView},
        chat::{ChatLine, ChatMessage, HistoryPage},
        document::{Document, DocumentInfo},
        event::Event,
        help_call::HelpCall,
        user::User,
    },
};

/// The team `team_id` as `caller` may see it (404 when they may not).
pub fn team(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<TeamAccess> {
    access::team_access(conn, caller, team_id)
}

/// The team's documents.
pub fn documents(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
) -> Result<Vec<DocumentInfo>> {
    let access = team(conn, caller, team_id)?;
    Document::of_team(conn, &access.team.id)
}

/// One document of the team and its text as it stands now.
pub fn document_text(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    document_id: &str,
) -> Result<(DocumentInfo, String)> {
    let access = team(conn, caller, team_id)?;
    let info = Document::find(conn, &access.team.id, document_id)?;
    let text = Document::text(conn, &access.team.id, document_id)?;
    Ok((info, text))
}

/// A page of the team's chat, and whether more lines lie beyond it.
pub fn chat_history(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    page: &HistoryPage,
) -> Result<(Vec<ChatLine>, bool)> {
    let access = team(conn, caller, team_id)?;
    ChatMessage::history(conn, &access.team.id, page)
}

/// The team's help calls, oldest first (only unresolved ones when `open_only`).
pub fn team_help_calls(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    open_only: bool,
) -> Result<Vec<HelpCall>> {
    let access = team(conn, caller, team_id)?;
    HelpCall::of_event(
        conn,
        &access.event.id,
        open_only,
        Some(std::slice::from_ref(&access.team.id)),
    )
}

/// The help calls of the event's teams that `caller` oversees (all of them for organizers,
/// their own teams for coaches); 403 for anyone else.
pub fn event_help_calls(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    open_only: bool,
) -> Result<Vec<HelpCall>> {
    let access = access::event_access(conn, caller, slug)?;
    let Some(oversight) = access::oversight(conn, caller, &access)? else {
        return Err(Error::Forbidden(
            "only the event's organizers and engineers see its help calls".into(),
        ));
    };
    HelpCall::of_event(conn, &access.event.id, open_only, oversight.team_ids())
}

/// The event's latest announcements (public, like the big screen), oldest first.
pub fn announcements(conn: &mut DbConnection, slug: &str) -> Result<Vec<AnnouncementView>> {
    let event = Event::find_by_slug(conn, slug)?;
    Announcement::of_event(conn, &event.id, None, 100)
}
