//! Notices from other instances, and catching up after the listener was down: whatever
//! another instance changed is read from the database and pushed to this one's clients.

use std::collections::HashSet;

use bytestring::ByteString;
use serde_json::json;

use super::{
    LiveHub,
    bus::Notice,
    protocol,
    registry::{Frame, Topic},
};
use crate::{
    access,
    error::{Error, Result},
    models::{
        activity::Activity,
        announcement::Announcement,
        chat::{self, ChatMessage},
        help_call::{HelpCall, HelpCallView},
        user::User,
    },
    state::AppState,
};

impl LiveHub {
    /// Acts on a notice another instance sent.
    pub(super) async fn on_notice(&self, state: &AppState, notice: Notice) -> Result<()> {
        match notice {
            Notice::Chat { t, id, .. } => self.deliver_chat(state, &t, &id).await,
            Notice::Activity { t, id, .. } => self.deliver_activity(state, &t, &id).await,
            Notice::Presence { t, .. } => self.deliver_presence(state, &t, false).await,
            Notice::Help { t, id, .. } => self.deliver_help(state, &t, &id).await,
            Notice::Docs { t, .. } => self.deliver_documents(state, &t).await,
            Notice::Doc { d, s, .. } => match self.rooms.get(&d) {
                Some(room) => room.remote_update(state, s).await,
                None => Ok(()),
            },
            Notice::Awareness { d, u, .. } => match self.rooms.get(&d) {
                Some(room) => room.remote_awareness(state, &u).await,
                None => Ok(()),
            },
            Notice::Announcement { id, .. } => self.deliver_announcement(state, &id).await,
            Notice::AnnouncementEdited { id, .. } => {
                self.deliver_announcement_edited(state, &id).await
            }
            Notice::AnnouncementDeleted { e, id, .. } => {
                self.deliver_announcement_deleted(&e, &id);
                Ok(())
            }
            Notice::Board { e, .. } => {
                self.board.changed_elsewhere(&e);
                Ok(())
            }
            Notice::Event { e, .. } => {
                self.board.schedule_moved(&e);
                self.board.changed_elsewhere(&e);
                self.board.push_clock(&e).await
            }
            Notice::Revoked { t, e, u, .. } => {
                self.close_revoked(&t, &e, &u);
                Ok(())
            }
            Notice::Reauthorize { u, .. } => self.reauthorize(state, &u).await,
            Notice::Question { id, .. } => self.deliver_question(state, &id).await,
            Notice::Nudge { e, t, c, .. } => self.deliver_nudge(state, &e, &t, &c).await,
            Notice::SignOffs { e, t, .. } => {
                self.deliver_sign_offs(&e, &t);
                Ok(())
            }
            Notice::Rewards { e, .. } => {
                self.deliver_rewards(&e);
                Ok(())
            }
        }
    }

    /// Closes `user_id`'s sockets here on the team `team_id` (its channel and documents, code
    /// 4403) and their staff event channel (whose team list is now stale; the client
    /// reconnects with the new one).
    pub(super) fn close_revoked(&self, team_id: &str, event_id: &str, user_id: &str) {
        let gone = Frame::Close(4403, "access withdrawn");
        let mut closed = self
            .registry
            .close_user(&Topic::Team(team_id.to_owned()), user_id, &gone);
        for room in self.rooms.all() {
            if room.team_id == team_id {
                closed += self
                    .registry
                    .close_user(&Topic::Doc(room.id.clone()), user_id, &gone);
            }
        }
        let stale = Frame::Close(4409, "team list changed: reconnect");
        closed += self
            .registry
            .close_user(&Topic::Staff(event_id.to_owned()), user_id, &stale);
        if closed > 0 {
            tracing::info!(
                team = team_id,
                user = user_id,
                closed,
                "access withdrawn: sockets closed"
            );
        }
    }

    /// Checks `user_id`'s access again to everything they listen to here, after their roles
    /// changed: team channels and documents they may no longer open close (4403); their
    /// staff event channel reconnects (4409) to be scoped to the teams they now oversee.
    pub(super) async fn reauthorize(&self, state: &AppState, user_id: &str) -> Result<()> {
        let mut held: Vec<(Topic, String)> = Vec::new();
        for topic in self.registry.topics_of(user_id) {
            match &topic {
                Topic::Team(team) => held.push((topic.clone(), team.clone())),
                Topic::Doc(doc) => {
                    if let Some(room) = self.rooms.get(doc) {
                        held.push((topic.clone(), room.team_id.clone()));
                    }
                }
                Topic::Staff(_) | Topic::Rewards(_) => {
                    let stale = Frame::Close(4409, "roles changed: reconnect");
                    self.registry.close_user(&topic, user_id, &stale);
                }
                Topic::Event(_) | Topic::EventTeams(_) => {}
            }
        }
        if held.is_empty() {
            return Ok(());
        }
        let (user, teams): (String, HashSet<String>) = (
            user_id.to_owned(),
            held.iter().map(|(_, team)| team.clone()).collect(),
        );
        let refused = state
            .db
            .run(move |conn| {
                let user = User::find(conn, &user)?;
                let mut refused = HashSet::new();
                for team in teams {
                    match access::team_access(conn, &user, &team) {
                        Ok(_) => {}
                        Err(Error::NotFound(_) | Error::Forbidden(_)) => {
                            refused.insert(team);
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(refused)
            })
            .await?;
        let gone = Frame::Close(4403, "access withdrawn");
        let closed: usize = held
            .iter()
            .filter(|(_, team)| refused.contains(team))
            .map(|(topic, _)| self.registry.close_user(topic, user_id, &gone))
            .sum();
        if closed > 0 {
            tracing::info!(user = user_id, closed, "roles changed: sockets closed");
        }
        Ok(())
    }

    /// After the listener was down: reads from the database whatever it may have missed for
    /// the teams, documents and events with clients here, and pushes it.
    pub async fn catch_up(&self, state: &AppState) -> Result<()> {
        let teams = self.registry.keys(|t| match t {
            Topic::Team(id) => Some(id),
            _ => None,
        });
        for team in teams {
            self.catch_up_team(state, &team).await?;
        }
        for room in self.rooms.all() {
            room.resync(state).await?;
        }
        let events = self.registry.keys(|t| match t {
            Topic::Event(id) | Topic::EventTeams(id) => Some(id),
            _ => None,
        });
        for event in events.into_iter().collect::<HashSet<_>>() {
            self.catch_up_event(state, &event).await?;
        }
        // A rewards page reads its list again: whatever it missed is in it.
        let rewards = self.registry.keys(|t| match t {
            Topic::Rewards(id) => Some(id),
            _ => None,
        });
        for event in rewards.into_iter().collect::<HashSet<_>>() {
            self.deliver_rewards(&event);
        }
        Ok(())
    }

    async fn catch_up_team(&self, state: &AppState, team: &str) -> Result<()> {
        let topic = Topic::Team(team.to_owned());
        let after = self.cursor(&format!("chat:{team}"));
        let (owned, page) = (
            team.to_owned(),
            chat::HistoryPage {
                after: Some(after.unwrap_or_default()),
                limit: chat::MAX_HISTORY_PAGE,
                ..Default::default()
            },
        );
        let (lines, _) = state
            .db
            .run(move |conn| ChatMessage::history(conn, &owned, &page))
            .await?;
        for line in lines {
            self.advance(format!("chat:{team}"), &line.id);
            let frame = Frame::json(&protocol::with_type("chat", &line));
            self.registry.send(&topic, &frame, None, None);
        }
        let after = self.cursor(&format!("activity:{team}")).unwrap_or_default();
        let owned = team.to_owned();
        let items = state
            .db
            .run(move |conn| Activity::of_team(conn, &owned, Some(&after), 200))
            .await?;
        for item in items {
            self.advance(format!("activity:{team}"), &item.id);
            let frame = Frame::Text(ByteString::from(item.payload));
            self.registry.send(&topic, &frame, None, None);
        }
        let owned = team.to_owned();
        let calls = state
            .db
            .run(move |conn| HelpCall::open_of_team(conn, &owned))
            .await?;
        let views: Vec<_> = calls.iter().map(HelpCallView::from).collect();
        let frame = Frame::json(&json!({"type": "help_calls", "calls": views}));
        self.registry.send(&topic, &frame, None, None);
        self.deliver_presence(state, team, false).await?;
        self.deliver_documents(state, team).await
    }

    async fn catch_up_event(&self, state: &AppState, event: &str) -> Result<()> {
        self.board.schedule_moved(event);
        self.board.changed_elsewhere(event);
        if self.registry.has(&Topic::Event(event.to_owned())) {
            self.board.push_clock(event).await?;
        }
        let after = self
            .cursor(&format!("announcement:{event}"))
            .unwrap_or_default();
        let owned = event.to_owned();
        let list = state
            .db
            .run(move |conn| Announcement::of_event(conn, &owned, Some(&after), 50))
            .await?;
        for view in list {
            self.advance(format!("announcement:{event}"), &view.id);
            let frame = Frame::json(&protocol::with_type("announcement", &view));
            self.registry
                .send(&Topic::Event(event.to_owned()), &frame, None, None);
            self.registry
                .send(&Topic::EventTeams(event.to_owned()), &frame, None, None);
        }
        Ok(())
    }
}
