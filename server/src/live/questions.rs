//! Questions on the live channels: each change to a question reaches the staff who oversee
//! its team (`question {question}` on the event channel's staff side, the coach's and the
//! organizer's queue); an answer to everyone also reaches every team channel of the event
//! and every staff member as `clarification {clarification}`, which names neither the
//! asking team nor the asker (nor who answered).
//!
//! The asking team hears of its own question through its activity (`question` and `answer`
//! rows, recorded in `changes.rs`).

use serde_json::json;

use super::{
    LiveHub,
    registry::{Frame, Topic},
};
use crate::{error::Result, models::question::Question, state::AppState};

impl LiveHub {
    /// Pushes the question `id` to its staff here, and its clarification to every team and
    /// staff member of the event when it was answered to everyone.
    pub async fn deliver_question(&self, state: &AppState, id: &str) -> Result<()> {
        let owned = id.to_owned();
        let (question, view, clarification) = state
            .db
            .run(move |conn| {
                let question = Question::find(conn, &owned)?;
                let view = Question::view(conn, &owned)?;
                let clarification = if question.is_clarification() {
                    Some(Question::clarification(conn, &owned)?)
                } else {
                    None
                };
                Ok::<_, crate::error::Error>((question, view, clarification))
            })
            .await?;
        let staff = Topic::Staff(question.event_id.clone());
        let frame = Frame::json(&json!({"type": "question", "question": view}));
        self.registry
            .send(&staff, &frame, Some(&question.team_id), None);
        if let Some(clarification) = clarification {
            let frame =
                Frame::json(&json!({"type": "clarification", "clarification": clarification}));
            self.registry.send(
                &Topic::EventTeams(question.event_id.clone()),
                &frame,
                None,
                None,
            );
            self.registry.send(&staff, &frame, None, None);
        }
        Ok(())
    }
}
