//! What people do in the live layer, authorized, stored and pushed: used by the sockets and
//! by the REST endpoints alike. Each action writes and announces to other instances in one
//! transaction ([`bus::notify`]), then pushes to this instance's clients.
//!
//! Who may do what (everyone here already passed [`crate::access::team_access`]): everyone in
//! the workspace chats and edits documents; members raise the team's hand; coaches and
//! organizers acknowledge and resolve; organizers announce.

use diesel::Connection;

use crate::{
    access::{TeamAccess, TeamRelation},
    actions::announce::{Outgoing, record_outgoing},
    db::DbConnection,
    error::{Error, Result},
    live::bus::{self, Notice},
    models::{
        chat::{self, ChatLine, ChatMessage},
        document::{Document, DocumentInfo},
        help_call::{HelpCall, HelpCallView},
        presence::{Presence, PresenceRow},
        user::User,
    },
    state::AppState,
};

/// `member`, `coach` or `organizer`.
pub fn relation_name(relation: TeamRelation) -> &'static str {
    match relation {
        TeamRelation::Member => "member",
        TeamRelation::Coach => "coach",
        TeamRelation::Organizer => "organizer",
    }
}

/// Posts a chat line to the team.
pub async fn post_chat(
    state: &AppState,
    user: &User,
    access: &TeamAccess,
    text: &str,
) -> Result<ChatLine> {
    let text = chat::check_text(text)?.to_owned();
    let (team, author, origin) = (
        access.team.id.clone(),
        user.id.clone(),
        state.live.instance_id().to_owned(),
    );
    let id = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let message = ChatMessage::post(conn, &team, &author, &text)?;
                bus::notify(
                    conn,
                    &Notice::Chat {
                        o: origin,
                        t: team,
                        id: message.id.clone(),
                    },
                )?;
                Ok::<_, Error>(message.id)
            })
        })
        .await?;
    state.live.deliver_chat(state, &access.team.id, &id).await?;
    let owned = id.clone();
    state
        .db
        .run(move |conn| ChatMessage::line(conn, &owned))
        .await
}

/// Records where a connection is and pushes the team's presence.
pub async fn set_presence(
    state: &AppState,
    connection_id: &str,
    user: &User,
    access: &TeamAccess,
    document_id: Option<String>,
    active: bool,
) -> Result<()> {
    if let Some(document) = &document_id {
        let (team, document) = (access.team.id.clone(), document.clone());
        state
            .db
            .run(move |conn| Document::find(conn, &team, &document))
            .await?;
    }
    let (connection, team, user_id, role, origin) = (
        connection_id.to_owned(),
        access.team.id.clone(),
        user.id.clone(),
        relation_name(access.relation),
        state.live.instance_id().to_owned(),
    );
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                Presence::upsert(
                    conn,
                    &PresenceRow {
                        connection_id: &connection,
                        instance_id: &origin,
                        team_id: &team,
                        user_id: &user_id,
                        role,
                        document_id: document_id.as_deref(),
                        state: if active { "active" } else { "idle" },
                    },
                )?;
                bus::notify(
                    conn,
                    &Notice::Presence {
                        o: origin.clone(),
                        t: team.clone(),
                    },
                )
            })
        })
        .await?;
    state
        .live
        .deliver_presence(state, &access.team.id, false)
        .await
}

/// A connection closed: it is no longer present.
pub async fn leave(state: &AppState, connection_id: &str, team_id: &str) -> Result<()> {
    let (connection, team, origin) = (
        connection_id.to_owned(),
        team_id.to_owned(),
        state.live.instance_id().to_owned(),
    );
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                Presence::remove(conn, &connection)?;
                bus::notify(conn, &Notice::Presence { o: origin, t: team })
            })
        })
        .await?;
    state.live.deliver_presence(state, team_id, false).await
}

async fn help_changed(state: &AppState, call: &HelpCall) -> Result<HelpCallView> {
    state
        .live
        .deliver_help(state, &call.team_id, &call.id)
        .await?;
    Ok(HelpCallView::from(call))
}

/// Raises the team's hand (members only).
pub async fn raise_help(
    state: &AppState,
    user: &User,
    access: &TeamAccess,
    context: &str,
) -> Result<HelpCallView> {
    if access.relation != TeamRelation::Member {
        return Err(Error::Forbidden(
            "only the team's members raise its hand".into(),
        ));
    }
    let (team, event, member, context) = (
        access.team.id.clone(),
        access.event.id.clone(),
        user.id.clone(),
        context.to_owned(),
    );
    let view = store_help(state, team.clone(), move |conn| {
        let call = HelpCall::raise(conn, &team, &event, &member, &context)?;
        // In the hand's own transaction (`store_help`'s): see `record_outgoing`.
        record_outgoing(conn, Outgoing::HelpRaised { call: &call })?;
        Ok(call)
    })
    .await?;
    state.outbox.wake();
    Ok(view)
}

/// Acknowledges (`resolve == false`) or resolves a help call (coaches and organizers).
pub async fn answer_help(
    state: &AppState,
    user: &User,
    access: &TeamAccess,
    call_id: &str,
    resolve: bool,
) -> Result<HelpCallView> {
    if access.relation == TeamRelation::Member {
        return Err(Error::Forbidden(
            "only the team's coaches and the event's organizers answer help calls".into(),
        ));
    }
    let (team, id, by) = (access.team.id.clone(), call_id.to_owned(), user.id.clone());
    store_help(state, team.clone(), move |conn| {
        if resolve {
            HelpCall::resolve(conn, &team, &id, &by)
        } else {
            HelpCall::acknowledge(conn, &team, &id, &by)
        }
    })
    .await
}

/// Makes `change` to a help call of `team_id` and tells the other instances, in one
/// transaction; then pushes it here.
async fn store_help(
    state: &AppState,
    team_id: String,
    change: impl FnOnce(&mut DbConnection) -> Result<HelpCall> + Send + 'static,
) -> Result<HelpCallView> {
    let origin = state.live.instance_id().to_owned();
    let call = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let call = change(conn)?;
                let notice = Notice::Help {
                    o: origin,
                    t: team_id,
                    id: call.id.clone(),
                };
                bus::notify(conn, &notice)?;
                Ok::<_, Error>(call)
            })
        })
        .await?;
    help_changed(state, &call).await
}

/// What changes a document's metadata.
#[derive(Debug, Clone)]
pub enum DocumentChange {
    /// A new, empty document with this title.
    Create(String),
    /// A new title for document `0`.
    Rename(String, String),
    /// Document `0` goes away.
    Delete(String),
}

/// Creates, renames or deletes a document of the team; returns it (`None` once deleted).
pub async fn change_document(
    state: &AppState,
    user: &User,
    access: &TeamAccess,
    change: DocumentChange,
) -> Result<Option<DocumentInfo>> {
    let (team, by, origin) = (
        access.team.id.clone(),
        user.id.clone(),
        state.live.instance_id().to_owned(),
    );
    let document = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let document = match change {
                    DocumentChange::Create(title) => {
                        Some(Document::create(conn, &team, &title, &by)?)
                    }
                    DocumentChange::Rename(id, title) => {
                        Some(Document::rename(conn, &team, &id, &title)?)
                    }
                    DocumentChange::Delete(id) => {
                        Document::delete(conn, &team, &id)?;
                        None
                    }
                };
                bus::notify(conn, &Notice::Docs { o: origin, t: team })?;
                Ok::<_, Error>(document)
            })
        })
        .await?;
    state.live.deliver_documents(state, &access.team.id).await?;
    Ok(document)
}
