//! What the rest of cohack hands the live layer ([`LiveEvent`]), and what each becomes: an
//! activity row in the team's workspace, pushes to this instance's clients, notices to the
//! other instances.
//!
//! The live layer never decides whether a change moved the board — the action that made it
//! announced that (see [`crate::actions::announce`]) and refreshed the cache; here the board
//! is pushed once per event that carries it.

use diesel::Connection;
use serde_json::{Value, json};

use super::{
    LiveHub,
    bus::{self, Notice},
};
use crate::{
    db::{new_id, now},
    error::Result,
    models::{activity::Activity, challenge::Challenge, submission::SubmissionStatus},
    state::AppState,
};

/// Something that happened elsewhere in cohack and is pushed live. Hand it to
/// [`LiveHub::publish`]; it is stored (team activity), delivered here and announced to other
/// instances, in the order published.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A team submitted.
    Submission {
        /// The team.
        team_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// The member who submitted.
        submitted_by: String,
    },
    /// A submission was judged (or its validator failed); the board is pushed.
    Verdict {
        /// The team.
        team_id: String,
        /// Its event.
        event_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// Judged, or the validator failed.
        status: SubmissionStatus,
        /// Solved.
        passed: bool,
        /// Partial credit.
        score: i32,
        /// Best possible score.
        max_score: i32,
        /// Feedback for the team.
        feedback: String,
        /// The per-check results, `[{name, passed, message}]`.
        checks: Value,
    },
    /// Someone joined a team.
    MemberJoined {
        /// The team.
        team_id: String,
        /// The new member.
        user_id: String,
        /// Their display name.
        display_name: String,
    },
    /// Someone left a team (or an organizer took them out of it).
    MemberLeft {
        /// The team.
        team_id: String,
        /// Who left.
        user_id: String,
        /// Their display name.
        display_name: String,
        /// Taken out by an organizer, rather than leaving themselves.
        removed: bool,
    },
    /// A team was renamed.
    TeamRenamed {
        /// The team.
        team_id: String,
        /// The new name.
        name: String,
        /// Who renamed it.
        by_user_id: String,
        /// Their display name.
        by_display_name: String,
    },
    /// A coach was assigned to a team.
    CoachAssigned {
        /// The team.
        team_id: String,
        /// The coach.
        user_id: String,
        /// Their display name.
        display_name: String,
    },
    /// Someone's roles changed: what they listen to is authorized again (on every instance).
    Reauthorize {
        /// Whose roles changed.
        user_id: String,
    },
    /// Someone lost access to a team: their sockets on it close, on every instance.
    AccessRevoked {
        /// The team.
        team_id: String,
        /// Its event.
        event_id: String,
        /// Who lost access.
        user_id: String,
    },
    /// The event's board changed (and was refreshed): push it.
    LeaderboardChanged {
        /// The event.
        event_id: String,
    },
    /// The event's schedule (start, end, freeze) changed: push the board and the clock.
    EventUpdated {
        /// The event.
        event_id: String,
    },
}

impl LiveHub {
    /// Stores an activity item of a team, tells other instances, and pushes it here.
    async fn record_activity(
        &self,
        state: &AppState,
        team_id: &str,
        kind: &str,
        data: Value,
    ) -> Result<()> {
        let id = new_id();
        let at = now();
        let mut payload = json!({"type": "activity", "id": id, "kind": kind, "at": at.and_utc()});
        if let (Some(target), Value::Object(fields)) = (payload.as_object_mut(), data) {
            target.extend(fields);
        }
        let activity = Activity {
            id: id.clone(),
            team_id: team_id.to_owned(),
            kind: kind.to_owned(),
            payload: payload.to_string(),
            created_at: at,
        };
        let notice = Notice::Activity {
            o: self.instance_id().to_owned(),
            t: team_id.to_owned(),
            id: id.clone(),
        };
        state
            .db
            .write(move |conn| {
                conn.transaction(|conn| {
                    Activity::record(conn, &activity)?;
                    bus::notify(conn, &notice)
                })
            })
            .await?;
        self.deliver_activity(state, team_id, &id).await
    }

    pub(super) async fn handle_event(&self, state: &AppState, event: LiveEvent) -> Result<()> {
        match event {
            LiveEvent::Submission {
                team_id,
                submission_id,
                challenge,
                submitted_by,
            } => {
                let data = json!({"submission_id": submission_id, "challenge": challenge,
                    "submitted_by": submitted_by});
                self.record_activity(state, &team_id, "submission", data)
                    .await
            }
            LiveEvent::Verdict {
                team_id,
                event_id,
                submission_id,
                challenge,
                status,
                passed,
                score,
                max_score,
                feedback,
                checks,
            } => {
                let data = json!({"submission_id": submission_id, "challenge": challenge,
                    "status": status.as_str(), "passed": passed, "score": score,
                    "max_score": max_score, "feedback": feedback, "checks": checks});
                self.record_activity(state, &team_id, "verdict", data)
                    .await?;
                self.push_board(state, &event_id).await;
                if passed && status == SubmissionStatus::Judged {
                    let (event, team) = (event_id.clone(), team_id.clone());
                    let opened = state
                        .db
                        .run(move |conn| {
                            Challenge::opened_by_first_pass(conn, &event, &team, &challenge)
                        })
                        .await?;
                    for challenge in opened {
                        let data = json!({"challenge": challenge});
                        self.record_activity(state, &team_id, "unlock", data)
                            .await?;
                    }
                }
                Ok(())
            }
            LiveEvent::MemberJoined {
                team_id,
                user_id,
                display_name,
            } => {
                let data = json!({"user": {"user_id": user_id, "display_name": display_name}});
                self.record_activity(state, &team_id, "member_joined", data)
                    .await
            }
            LiveEvent::MemberLeft {
                team_id,
                user_id,
                display_name,
                removed,
            } => {
                let data = json!({"user": {"user_id": user_id, "display_name": display_name},
                    "removed": removed});
                self.record_activity(state, &team_id, "member_left", data)
                    .await
            }
            LiveEvent::TeamRenamed {
                team_id,
                name,
                by_user_id,
                by_display_name,
            } => {
                let data = json!({"name": name,
                    "by": {"user_id": by_user_id, "display_name": by_display_name}});
                self.record_activity(state, &team_id, "team_renamed", data)
                    .await
            }
            LiveEvent::CoachAssigned {
                team_id,
                user_id,
                display_name,
            } => {
                let data = json!({"user": {"user_id": user_id, "display_name": display_name}});
                self.record_activity(state, &team_id, "coach_assigned", data)
                    .await
            }
            LiveEvent::LeaderboardChanged { event_id } => {
                self.push_board(state, &event_id).await;
                Ok(())
            }
            LiveEvent::Reauthorize { user_id } => {
                self.reauthorize(state, &user_id).await?;
                let notice = Notice::Reauthorize {
                    o: self.instance_id().to_owned(),
                    u: user_id,
                };
                self.notify(state, notice).await;
                Ok(())
            }
            LiveEvent::AccessRevoked {
                team_id,
                event_id,
                user_id,
            } => {
                self.close_revoked(&team_id, &event_id, &user_id);
                let notice = Notice::Revoked {
                    o: self.instance_id().to_owned(),
                    t: team_id,
                    e: event_id,
                    u: user_id,
                };
                self.notify(state, notice).await;
                Ok(())
            }
            LiveEvent::EventUpdated { event_id } => {
                self.board.push(&event_id);
                let notice = Notice::Event {
                    o: self.instance_id().to_owned(),
                    e: event_id.clone(),
                };
                self.notify(state, notice).await;
                // Big screens and the event's workspaces (whose phase follows the clock).
                self.board.push_clock(&event_id).await
            }
        }
    }

    /// Pushes a board the announcing action already refreshed, here and (by a notice) on
    /// the other instances.
    async fn push_board(&self, state: &AppState, event_id: &str) {
        self.board.push(event_id);
        let notice = Notice::Board {
            o: self.instance_id().to_owned(),
            e: event_id.to_owned(),
        };
        self.notify(state, notice).await;
    }

    /// Publishes and waits until the event is stored and pushed (tests, benchmarks).
    pub async fn publish_now(&self, state: &AppState, event: LiveEvent) -> Result<()> {
        self.handle_event(state, event).await
    }
}
