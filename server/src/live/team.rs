//! The team workspace channel (`GET /api/v1/teams/{id}/ws`): presence, chat, activity, help
//! calls and the document list of one team, for its members, coaches and organizers.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::{
    board::BoardChannel,
    protocol::{self, TEAM_LIMITS, TeamRequest, error_of, parse, pong_frame, with_type},
    registry::{Frame, Topic},
    socket::{self, Channel},
};
use crate::{
    access::{self, TeamAccess},
    actions::workspace::{self as actions, DocumentChange},
    auth::AuthUser,
    error::{Error, Result},
    models::{
        activity::Activity,
        announcement::Announcement,
        chat::{ChatMessage, HistoryPage},
        document::Document,
        help_call::{HelpCall, HelpCallView},
        user::User,
    },
    state::AppState,
};

/// One team-channel connection.
struct TeamChannel {
    connection_id: String,
    user: User,
    access: TeamAccess,
    document_id: Option<String>,
}

/// Opens a team channel: access is checked before the upgrade (404 to outsiders).
pub async fn open(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    caller: AuthUser,
    team_id: String,
) -> Result<HttpResponse> {
    let (user, session_id) = (caller.user, caller.session_id);
    let access = {
        let user = user.clone();
        state
            .db
            .run(move |conn| access::team_access(conn, &user, &team_id))
            .await?
    };
    let permit = state.socket_caps.admit(&user.id)?;
    let (response, session, stream) = actix_ws::handle(&req, body)
        .map_err(|e| Error::bad_request("not_websocket", e.to_string()))?;
    let (conn, tx, rx) = state.live.registry.open(TEAM_LIMITS.queue);
    let registry = &state.live.registry;
    registry.subscribe(Topic::Team(access.team.id.clone()), conn, &tx, None);
    registry.subscribe(Topic::EventTeams(access.event.id.clone()), conn, &tx, None);
    registry.set_user(conn, &user.id, &session_id);
    drop(tx);
    let channel = TeamChannel {
        connection_id: format!("{}-{conn}", state.live.instance_id()),
        user,
        access,
        document_id: None,
    };
    actix_web::rt::spawn(async move {
        let _permit = permit;
        let greeting = match channel.join(&state).await {
            Ok(frames) => frames,
            Err(e) => vec![error_of(&e), Frame::Close(1011, "cannot join")],
        };
        socket::run(
            state,
            conn,
            session,
            stream,
            rx,
            greeting,
            channel,
            TEAM_LIMITS,
        )
        .await;
    });
    Ok(response)
}

impl TeamChannel {
    /// Records presence and builds the greeting: `hello`, `chat_history`, `activity_history`,
    /// `documents`, `help_calls`, `announcements`, `clock`; `presence`, pushed to everyone by
    /// `set_presence`, is queued meanwhile and follows it.
    async fn join(&self, state: &AppState) -> Result<Vec<Frame>> {
        actions::set_presence(
            state,
            &self.connection_id,
            &self.user,
            &self.access,
            None,
            true,
        )
        .await?;
        let (team, event) = (self.access.team.id.clone(), self.access.event.id.clone());
        let (chat, activity, documents, calls, announcements) = state
            .db
            .run(move |conn| {
                let page = HistoryPage {
                    limit: 50,
                    ..HistoryPage::default()
                };
                Ok::<_, Error>((
                    ChatMessage::history(conn, &team, &page)?,
                    Activity::of_team(conn, &team, None, 50)?,
                    Document::of_team(conn, &team)?,
                    HelpCall::open_of_team(conn, &team)?,
                    Announcement::of_event(conn, &event, None, 20)?,
                ))
            })
            .await?;
        let team = &self.access.team.id;
        if let Some(last) = chat.0.last() {
            state.live.seen("chat", team, &last.id);
        }
        if let Some(last) = activity.last() {
            state.live.seen("activity", team, &last.id);
        }
        let activity: Vec<serde_json::Value> = activity
            .iter()
            .filter_map(|a| serde_json::from_str(&a.payload).ok())
            .collect();
        let calls: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
        Ok(vec![
            Frame::json(&json!({
                "type": "hello",
                "connection_id": self.connection_id,
                "server_time": chrono::Utc::now(),
                "team": {"id": self.access.team.id, "name": self.access.team.name},
                "event": {"id": self.access.event.id, "slug": self.access.event.slug},
                "you": {
                    "user_id": self.user.id,
                    "display_name": self.user.display_name,
                    "role": actions::relation_name(self.access.relation),
                },
            })),
            Frame::json(&json!({"type": "chat_history", "messages": chat.0, "has_more": chat.1})),
            Frame::json(&json!({"type": "activity_history", "items": activity})),
            Frame::json(&json!({"type": "documents", "documents": documents})),
            Frame::json(&json!({"type": "help_calls", "calls": calls})),
            Frame::json(&json!({"type": "announcements", "announcements": announcements})),
            // The schedule, as the event channel's: pushed again when an organizer moves it.
            BoardChannel::clock_frame(&self.access.event),
        ])
    }

    async fn handle(&mut self, state: &AppState, request: TeamRequest) -> Result<Vec<Frame>> {
        let (user, access) = (&self.user, &self.access);
        Ok(match request {
            TeamRequest::Chat { text } => {
                actions::post_chat(state, user, access, &text).await?;
                Vec::new()
            }
            TeamRequest::ChatHistory {
                before,
                after,
                limit,
            } => {
                let team = access.team.id.clone();
                let page = HistoryPage {
                    before: before.clone(),
                    after: after.clone(),
                    limit: limit.unwrap_or(50),
                };
                let (messages, more) = state
                    .db
                    .run(move |conn| ChatMessage::history(conn, &team, &page))
                    .await?;
                vec![Frame::json(&json!({
                    "type": "chat_history", "messages": messages, "has_more": more,
                    "before": before, "after": after,
                }))]
            }
            TeamRequest::ActivityHistory { after, limit } => {
                let (team, since) = (access.team.id.clone(), after.clone());
                let limit = limit.unwrap_or(50).clamp(1, 200);
                let items = state
                    .db
                    .run(move |conn| Activity::of_team(conn, &team, since.as_deref(), limit))
                    .await?;
                let items: Vec<serde_json::Value> = items
                    .iter()
                    .filter_map(|a| serde_json::from_str(&a.payload).ok())
                    .collect();
                vec![Frame::json(
                    &json!({"type": "activity_history", "items": items, "after": after}),
                )]
            }
            TeamRequest::Presence {
                state: activity,
                document_id,
            } => {
                let active = match activity.as_deref() {
                    None | Some("active") => true,
                    Some("idle") => false,
                    Some(_) => {
                        return Err(Error::bad_request(
                            "invalid_message",
                            "presence state is `active` or `idle`",
                        ));
                    }
                };
                actions::set_presence(
                    state,
                    &self.connection_id,
                    user,
                    access,
                    document_id.clone(),
                    active,
                )
                .await?;
                self.document_id = document_id;
                Vec::new()
            }
            TeamRequest::HelpRaise { context } => {
                actions::raise_help(state, user, access, &context).await?;
                Vec::new()
            }
            TeamRequest::HelpAck { id } => {
                actions::answer_help(state, user, access, &id, false).await?;
                Vec::new()
            }
            TeamRequest::HelpResolve { id } => {
                actions::answer_help(state, user, access, &id, true).await?;
                Vec::new()
            }
            TeamRequest::DocCreate { title } => {
                let document =
                    actions::change_document(state, user, access, DocumentChange::Create(title))
                        .await?;
                vec![Frame::json(&with_type(
                    "doc_created",
                    &json!({"document": document}),
                ))]
            }
            TeamRequest::DocRename { id, title } => {
                actions::change_document(state, user, access, DocumentChange::Rename(id, title))
                    .await?;
                Vec::new()
            }
            TeamRequest::DocDelete { id } => {
                actions::change_document(state, user, access, DocumentChange::Delete(id)).await?;
                Vec::new()
            }
            TeamRequest::Ping => vec![pong_frame()],
        })
    }
}

impl Channel for TeamChannel {
    async fn on_text(&mut self, state: &AppState, text: &str) -> Vec<Frame> {
        let request = match parse::<TeamRequest>(text) {
            Ok(request) => request,
            Err(frame) => return vec![frame],
        };
        match self.handle(state, request).await {
            Ok(frames) => frames,
            Err(e) => vec![error_of(&e)],
        }
    }

    async fn on_binary(&mut self, _state: &AppState, _data: web::Bytes) -> Vec<Frame> {
        vec![protocol::error_frame(
            "binary_not_accepted",
            "the team channel speaks JSON text frames; Yjs goes to the document's socket",
        )]
    }

    async fn on_close(&mut self, state: &AppState) {
        if let Err(e) = actions::leave(state, &self.connection_id, &self.access.team.id).await {
            tracing::warn!(error = %e, "presence not cleared");
        }
    }
}
