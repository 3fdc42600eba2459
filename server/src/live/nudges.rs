//! Nudges: the background check that tells coaches when one of their teams passes a
//! challenge's expected time, and the `nudge` frame their staff channel gets.
//!
//! Every instance runs the check (every `nudge_check_ms`); the nudge's primary key makes it
//! once per team and challenge across instances (see
//! [`crate::actions::progress::nudge_overdue`]). The instance that made the nudge pushes the
//! frame to its own staff sockets and sends a notice; the others push it to theirs.

use std::time::Duration;

use actix_web::web;
use serde_json::json;

use super::{
    LiveHub,
    bus::Notice,
    registry::{Frame, Topic},
};
use crate::{
    actions::progress,
    error::{Error, Result},
    models::{challenge::Challenge, progress::Nudge, team::Team},
    state::AppState,
};

/// Checks for teams over their expected time every `nudge_check_ms`, forever.
pub(super) async fn watch(state: web::Data<AppState>) {
    let every = Duration::from_millis(state.config.nudge_check_ms.max(50));
    loop {
        tokio::time::sleep(every).await;
        match progress::nudge_overdue(&state).await {
            Ok(0) => {}
            Ok(made) => tracing::info!(
                nudges = made,
                "teams over their expected time: coaches nudged"
            ),
            Err(e) => tracing::warn!(error = %e, "nudge check failed"),
        }
    }
}

impl LiveHub {
    /// Pushes a nudge this instance made to its staff sockets, and tells the other instances.
    pub(super) async fn nudge_staff(
        &self,
        state: &AppState,
        event_id: &str,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<()> {
        self.deliver_nudge(state, event_id, team_id, challenge_id)
            .await?;
        let notice = Notice::Nudge {
            o: self.instance_id().to_owned(),
            e: event_id.to_owned(),
            t: team_id.to_owned(),
            c: challenge_id.to_owned(),
        };
        self.notify(state, notice).await;
        Ok(())
    }

    /// Pushes `{"type": "nudge", "nudge": {team_id, team_name, challenge, challenge_title,
    /// expected_minutes, at}}` to the event's staff sockets here that oversee the team.
    pub(super) async fn deliver_nudge(
        &self,
        state: &AppState,
        event_id: &str,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<()> {
        let topic = Topic::Staff(event_id.to_owned());
        if !self.registry.has(&topic) {
            return Ok(());
        }
        let (team, challenge) = (team_id.to_owned(), challenge_id.to_owned());
        let (nudge, team, challenge) = state
            .db
            .run(move |conn| {
                let nudge = Nudge::find(conn, &team, &challenge)?;
                let team = Team::find(conn, &team)?;
                let challenge = Challenge::find(conn, &challenge)?;
                Ok::<_, Error>((nudge, team, challenge))
            })
            .await?;
        let frame = Frame::json(&json!({
            "type": "nudge",
            "nudge": {
                "team_id": team.id,
                "team_name": team.name,
                "challenge": challenge.slug,
                "challenge_title": challenge.title,
                "expected_minutes": nudge.expected_minutes,
                "at": nudge.created_at.and_utc(),
            },
        }));
        self.registry.send(&topic, &frame, Some(team_id), None);
        Ok(())
    }
}
