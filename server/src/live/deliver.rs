//! Delivery to this instance's clients: each kind of change read from the database (or
//! built once) and queued, as one shared frame, for every connection that should see it.

use std::collections::HashSet;

use bytestring::ByteString;
use serde_json::json;

use super::{
    CLOCK_EVERY, LiveHub, lock, next_boundary, protocol,
    registry::{Frame, Topic},
};
use crate::{
    db::now,
    error::{Error, Result},
    models::{
        activity::Activity, announcement::Announcement, chat::ChatMessage, document::Document,
        event::Event, help_call::HelpCall, presence::Presence,
    },
    scoring::BoardView,
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

    /// The slug of an event (cached; slugs never change).
    pub async fn slug_of(&self, state: &AppState, event_id: &str) -> Result<String> {
        if let Some(slug) = lock(&self.slugs).get(event_id) {
            return Ok(slug.clone());
        }
        let owned = event_id.to_owned();
        let event = state.db.run(move |conn| Event::find(conn, &owned)).await?;
        lock(&self.slugs).insert(event_id.to_owned(), event.slug.clone());
        Ok(event.slug)
    }

    /// The `leaderboard` frame of an event: the public board, as the HTTP endpoint serves it.
    /// Built once per board (the cache hands out the same buffer until it changes) and
    /// shared by every connection.
    pub async fn board_frame(&self, state: &AppState, event_id: &str) -> Result<Frame> {
        let slug = self.slug_of(state, event_id).await?;
        let board = state
            .leaderboard
            .get_current(&slug, BoardView::Public)
            .await?;
        if let Some((source, frame)) = lock(&self.board_frames).get(event_id)
            && source.as_ptr() == board.as_ptr()
            && source.len() == board.len()
        {
            return Ok(frame.clone());
        }
        // `{"event":…}` becomes `{"type":"leaderboard","event":…}` without re-serializing.
        let body = std::str::from_utf8(&board).map_err(Error::internal)?;
        let rest = body.strip_prefix('{').unwrap_or(body);
        let separator = if rest.trim_start().starts_with('}') {
            ""
        } else {
            ","
        };
        let frame = Frame::Text(ByteString::from(format!(
            "{{\"type\":\"leaderboard\"{separator}{rest}"
        )));
        lock(&self.board_frames).insert(event_id.to_owned(), (board, frame.clone()));
        Ok(frame)
    }

    /// Pushes the event's public board to its channel here. Concurrent calls coalesce: while
    /// one push runs, further changes cause exactly one more.
    pub fn deliver_board(&self, event_id: &str) {
        if !self.registry.has(&Topic::Event(event_id.to_owned())) {
            return;
        }
        {
            let mut boards = lock(&self.boards);
            let push = boards.entry(event_id.to_owned()).or_default();
            if push.running {
                push.dirty = true;
                return;
            }
            push.running = true;
            push.dirty = false;
        }
        let Some(state) = self.state() else { return };
        let event_id = event_id.to_owned();
        tokio::spawn(async move {
            let hub = &state.live;
            let mut pushed: Option<ByteString> = None;
            loop {
                match hub.board_frame(&state, &event_id).await {
                    Ok(frame) => {
                        let text = match &frame {
                            Frame::Text(text) => Some(text.clone()),
                            _ => None,
                        };
                        if text != pushed {
                            hub.registry
                                .send(&Topic::Event(event_id.clone()), &frame, None, None);
                            pushed = text;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, event = %event_id, "board not pushed"),
                }
                {
                    let mut boards = lock(&hub.boards);
                    let push = boards.entry(event_id.clone()).or_default();
                    if push.dirty {
                        push.dirty = false;
                        continue;
                    }
                    push.running = false;
                    break;
                }
            }
        });
    }

    /// The `clock` frame of an event: the server's time and the schedule.
    pub fn clock_frame(event: &Event) -> Frame {
        let at = now();
        Frame::json(&json!({
            "type": "clock",
            "server_time": at.and_utc(),
            "starts_at": event.starts_at.and_utc(),
            "ends_at": event.ends_at.and_utc(),
            "freeze_at": event.freeze_at.map(|f| f.and_utc()),
            "phase": event.phase_at(at),
        }))
    }

    /// Pushes the clock to the event channel here.
    pub async fn deliver_clock(&self, state: &AppState, event_id: &str) -> Result<()> {
        let owned = event_id.to_owned();
        let event = state.db.run(move |conn| Event::find(conn, &owned)).await?;
        self.registry.send(
            &Topic::Event(event_id.to_owned()),
            &Self::clock_frame(&event),
            None,
            None,
        );
        Ok(())
    }

    /// Keeps the event's clock ticking while anyone watches it here: a push at every schedule
    /// boundary (with the board, which may change then) and at least every minute.
    pub fn ensure_clock(&self, event_id: &str) {
        if !lock(&self.clocks).insert(event_id.to_owned()) {
            return;
        }
        let Some(state) = self.state() else { return };
        let event_id = event_id.to_owned();
        tokio::spawn(async move {
            let hub = &state.live;
            loop {
                let owned = event_id.clone();
                let wait = match state.db.run(move |conn| Event::find(conn, &owned)).await {
                    Ok(event) => {
                        next_boundary(&event).map_or(CLOCK_EVERY, |(d, _)| d.min(CLOCK_EVERY))
                    }
                    Err(_) => CLOCK_EVERY,
                };
                tokio::time::sleep(wait).await;
                if !hub.registry.has(&Topic::Event(event_id.clone())) {
                    lock(&hub.clocks).remove(&event_id);
                    break;
                }
                if let Err(e) = hub.deliver_clock(&state, &event_id).await {
                    tracing::warn!(error = %e, "clock not pushed");
                }
                state.leaderboard.invalidate(&event_id);
                hub.deliver_board(&event_id);
            }
        });
    }
}
