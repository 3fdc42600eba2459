//! Delivery to this instance's clients: each kind of change read from the database (or
//! built once) and queued, as one shared frame, for every connection that should see it.

use std::collections::HashSet;

use bytestring::ByteString;
use serde_json::json;

use super::{
    LiveHub, lock, protocol,
    registry::{Frame, Topic},
};
use crate::{
    error::{Error, Result},
    models::{
        activity::Activity, announcement::Announcement, chat::ChatMessage, document::Document,
        help_call::HelpCall, presence::Presence,
    },
    state::AppState,
};

impl LiveHub {
    /// Pushes a stored chat line to the team's clients here.
    pub async fn deliver_chat(&self, state: &AppState, team_id: &str, id: &str) -> Result<()> {
        if !self.registry.has(&Topic::Team(team_id.to_owned())) {
            return Ok(());
        }
        let owned = id.to_owned();
        let line = state
            .db
            .run(move |conn| ChatMessage::line(conn, &owned))
            .await?;
        self.advance(format!("chat:{team_id}"), id);
        let frame = Frame::json(&protocol::with_type("chat", &line));
        self.registry
            .send(&Topic::Team(team_id.to_owned()), &frame, None, None);
        Ok(())
    }

    /// Pushes a stored activity item to the team's clients here.
    pub async fn deliver_activity(&self, state: &AppState, team_id: &str, id: &str) -> Result<()> {
        if !self.registry.has(&Topic::Team(team_id.to_owned())) {
            return Ok(());
        }
        let owned = id.to_owned();
        let activity = state
            .db
            .run(move |conn| Activity::find(conn, &owned))
            .await?;
        self.advance(format!("activity:{team_id}"), id);
        self.registry.send(
            &Topic::Team(team_id.to_owned()),
            &Frame::Text(ByteString::from(activity.payload)),
            None,
            None,
        );
        Ok(())
    }

    /// Pushes the team's presence to its clients here, if it changed (or `force`).
    pub async fn deliver_presence(
        &self,
        state: &AppState,
        team_id: &str,
        force: bool,
    ) -> Result<()> {
        if !self.registry.has(&Topic::Team(team_id.to_owned())) {
            lock(&self.presence).remove(team_id);
            return Ok(());
        }
        let owned = team_id.to_owned();
        let online = state
            .db
            .run(move |conn| Presence::of_team(conn, &owned))
            .await?;
        let text = serde_json::to_string(&json!({"type": "presence", "online": online}))
            .map_err(Error::internal)?;
        {
            let mut last = lock(&self.presence);
            if !force && last.get(team_id) == Some(&text) {
                return Ok(());
            }
            last.insert(team_id.to_owned(), text.clone());
        }
        self.registry.send(
            &Topic::Team(team_id.to_owned()),
            &Frame::Text(ByteString::from(text)),
            None,
            None,
        );
        Ok(())
    }

    /// Pushes a help call to its team's clients and to the event's staff here.
    pub async fn deliver_help(&self, state: &AppState, team_id: &str, id: &str) -> Result<()> {
        let (team, owned) = (team_id.to_owned(), id.to_owned());
        let call = state
            .db
            .run(move |conn| HelpCall::find(conn, &team, &owned))
            .await?;
        let frame = Frame::json(&json!({
            "type": "help",
            "call": crate::models::help_call::HelpCallView::from(&call),
        }));
        self.registry
            .send(&Topic::Team(team_id.to_owned()), &frame, None, None);
        self.registry.send(
            &Topic::Staff(call.event_id.clone()),
            &frame,
            Some(team_id),
            None,
        );
        Ok(())
    }

    /// Pushes the team's document list to its clients here, and closes the sockets of
    /// documents that no longer exist.
    pub async fn deliver_documents(&self, state: &AppState, team_id: &str) -> Result<()> {
        let owned = team_id.to_owned();
        let documents = state
            .db
            .run(move |conn| Document::of_team(conn, &owned))
            .await?;
        let live: HashSet<&str> = documents.iter().map(|d| d.id.as_str()).collect();
        for room in self.rooms.all() {
            if room.team_id == team_id && !live.contains(room.id.as_str()) {
                self.registry.send(
                    &Topic::Doc(room.id.clone()),
                    &Frame::Close(4404, "document deleted"),
                    None,
                    None,
                );
                self.rooms.remove(&room.id);
            }
        }
        let frame = Frame::json(&json!({"type": "documents", "documents": documents}));
        self.registry
            .send(&Topic::Team(team_id.to_owned()), &frame, None, None);
        Ok(())
    }

    /// Pushes an announcement to the event channel and every team channel of the event here.
    pub async fn deliver_announcement(&self, state: &AppState, id: &str) -> Result<()> {
        let owned = id.to_owned();
        let (event_id, view) = state
            .db
            .run(move |conn| Announcement::find(conn, &owned))
            .await?;
        self.advance(format!("announcement:{event_id}"), id);
        let frame = Frame::json(&protocol::with_type("announcement", &view));
        self.registry
            .send(&Topic::Event(event_id.clone()), &frame, None, None);
        self.registry
            .send(&Topic::EventTeams(event_id), &frame, None, None);
        Ok(())
    }

    /// Pushes an edited announcement (`announcement_edited`, the whole announcement) to the
    /// event channel and every team channel of the event here.
    pub async fn deliver_announcement_edited(&self, state: &AppState, id: &str) -> Result<()> {
        let owned = id.to_owned();
        let (event_id, view) = state
            .db
            .run(move |conn| Announcement::find(conn, &owned))
            .await?;
        let frame = Frame::json(&protocol::with_type("announcement_edited", &view));
        self.registry
            .send(&Topic::Event(event_id.clone()), &frame, None, None);
        self.registry
            .send(&Topic::EventTeams(event_id), &frame, None, None);
        Ok(())
    }

    /// Pushes `announcement_deleted {id}` to the event channel and every team channel of the
    /// event `event_id` here.
    pub fn deliver_announcement_deleted(&self, event_id: &str, id: &str) {
        let frame = Frame::json(&json!({"type": "announcement_deleted", "id": id}));
        self.registry
            .send(&Topic::Event(event_id.to_owned()), &frame, None, None);
        self.registry
            .send(&Topic::EventTeams(event_id.to_owned()), &frame, None, None);
    }
}
