//! Coach sign-off on the live layer: the `sign_off` activity in the team's workspace is
//! recorded by `changes.rs`; this module pushes `{"type": "sign_offs", "team_id"}` to the
//! staff who oversee the team (the coach's and organizer's pages refresh their list of passes
//! awaiting a sign-off), here and, through a notice, on the other instances.

use serde_json::json;

use super::{
    LiveHub,
    bus::Notice,
    registry::{Frame, Topic},
};
use crate::state::AppState;

impl LiveHub {
    /// Tells the staff of `team_id` here and on the other instances that its sign-offs
    /// changed (a pass began to await one, or one was decided).
    pub(super) async fn sign_offs_staff(&self, state: &AppState, event_id: &str, team_id: &str) {
        self.deliver_sign_offs(event_id, team_id);
        let notice = Notice::SignOffs {
            o: self.instance_id().to_owned(),
            e: event_id.to_owned(),
            t: team_id.to_owned(),
        };
        self.notify(state, notice).await;
    }

    /// Pushes the `sign_offs` frame to this instance's staff sockets that oversee `team_id`.
    pub(super) fn deliver_sign_offs(&self, event_id: &str, team_id: &str) {
        let frame = Frame::json(&json!({"type": "sign_offs", "team_id": team_id}));
        self.registry.send(
            &Topic::Staff(event_id.to_owned()),
            &frame,
            Some(team_id),
            None,
        );
    }
}
