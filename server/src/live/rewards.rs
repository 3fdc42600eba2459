//! Rewards on the live layer: `{"type": "rewards"}` to the event channel's runners and
//! organizers whenever the queue may have changed (a solve, a rejudge, a delivery marked), here
//! and, through a notice, on the other instances; their rewards page reads its list again.
//! And a remote team's `reward` activity: the event's `remote_reward` words in its workspace,
//! after its first solve of a challenge, or after a rejudge that gave it one.

use serde_json::json;

use super::{
    LiveHub,
    bus::Notice,
    registry::{Frame, Topic},
};
use crate::{error::Result, models::reward::Reward, state::AppState};

impl LiveHub {
    /// Tells the rewards staff of `event_id`, here and on the other instances, that the queue
    /// may have changed.
    pub(super) async fn rewards_staff(&self, state: &AppState, event_id: &str) {
        self.deliver_rewards(event_id);
        let notice = Notice::Rewards {
            o: self.instance_id().to_owned(),
            e: event_id.to_owned(),
        };
        self.notify(state, notice).await;
    }

    /// Pushes the `rewards` frame to this instance's rewards sockets of `event_id`.
    pub(super) fn deliver_rewards(&self, event_id: &str) {
        self.registry.send(
            &Topic::Rewards(event_id.to_owned()),
            &rewards_frame(),
            None,
            None,
        );
    }

    /// After a counted pass of `challenge` (slug): the rewards staff told, and for a remote
    /// team's first solve a `reward` activity with the words it gets.
    pub(super) async fn after_solve_rewards(
        &self,
        state: &AppState,
        event_id: &str,
        team_id: &str,
        challenge: &str,
    ) -> Result<()> {
        let (event, team, slug) = (
            event_id.to_owned(),
            team_id.to_owned(),
            challenge.to_owned(),
        );
        let remote = state
            .db
            .run(move |conn| Reward::remote_of_first_pass(conn, &event, &team, &slug))
            .await?;
        if let Some(words) = remote {
            self.remote_reward(state, team_id, challenge, &words)
                .await?;
        }
        self.rewards_staff(state, event_id).await;
        Ok(())
    }

    /// Tells a team without a location, in its workspace (a `reward` activity), what it gets
    /// for its solve of `challenge` (slug): after a first solve, and after a rejudge that made
    /// its pass count.
    pub(super) async fn remote_reward(
        &self,
        state: &AppState,
        team_id: &str,
        challenge: &str,
        words: &str,
    ) -> Result<()> {
        let data = json!({"challenge": challenge, "reward": words});
        self.record_activity(state, team_id, "reward", data).await
    }
}

/// `{"type": "rewards"}`: the rewards page's cue to read its list again.
pub(super) fn rewards_frame() -> Frame {
    Frame::json(&json!({"type": "rewards"}))
}
