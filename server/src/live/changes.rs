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
    bus::Notice,
    stored::{StoredActivity, submission_data, verdict_data},
};
use crate::{
    error::Result,
    models::{challenge::Challenge, submission::SubmissionStatus},
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
    /// A submission whose `submission` activity was stored with it (see `stored.rs`): the
    /// activity is delivered here.
    SubmissionStored {
        /// The committed activity.
        activity: StoredActivity,
    },
    /// A verdict whose `verdict` activity was stored with it (see `stored.rs`): what
    /// [`LiveEvent::Verdict`] does, except storing the activity.
    VerdictStored {
        /// The committed activity.
        activity: StoredActivity,
        /// Its event.
        event_id: String,
        /// Challenge slug.
        challenge: String,
        /// Judged (or awaiting a sign-off), or the validator failed.
        status: SubmissionStatus,
        /// Solved.
        passed: bool,
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
    /// A team unlocked a hint: a `hint` activity (`{challenge, n, title, cost, by}`), and the
    /// board pushed when the cost moved the score at once.
    Hint {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// The activity's fields.
        data: Value,
        /// Whether the board changed (and was refreshed).
        moves_board: bool,
    },
    /// A coach or an organizer opened a challenge for a team: an `opened` activity
    /// (`{challenge, reason, by}`), which moves the team's ladder live.
    Opened {
        /// The team.
        team_id: String,
        /// The activity's fields.
        data: Value,
    },
    /// A question was asked or answered (or marked a duplicate): a `question` or `answer`
    /// activity of the asking team, then the staff queue and, for an answer to everyone,
    /// every team of the event (see `questions.rs`).
    Question {
        /// The asking team.
        team_id: String,
        /// The question.
        question_id: String,
        /// The activity's kind: `question` or `answer`.
        kind: &'static str,
        /// The activity's fields.
        data: Value,
    },
    /// The event's board changed (and was refreshed): push it.
    LeaderboardChanged {
        /// The event.
        event_id: String,
    },
    /// The event's rewards may have changed (a rejudge, a delivery marked): its runners' and
    /// organizers' rewards pages read their list again (see `rewards.rs`).
    RewardsChanged {
        /// The event.
        event_id: String,
    },
    /// A team without a location gained a reward other than by a first verdict (a rejudge
    /// made its pass count): the `reward` activity with the words it gets, as after a first
    /// solve (see `rewards.rs`).
    RemoteReward {
        /// The team.
        team_id: String,
        /// The challenge's slug.
        challenge: String,
        /// The words the team gets.
        reward: String,
    },
    /// The event's schedule (start, end, freeze) changed: push the board and the clock.
    EventUpdated {
        /// The event.
        event_id: String,
    },
    /// A team passed a challenge's expected time: a `nudge` activity, and a `nudge` frame
    /// to the staff who oversee the team (see `nudges.rs`).
    Nudge {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// The challenge's id.
        challenge_id: String,
        /// The challenge's slug.
        challenge: String,
        /// Its expected minutes.
        expected_minutes: i32,
    },
    /// A coach or organizer approved or rejected a pass: a `sign_off` activity in the
    /// team's workspace, the staff's lists refreshed, and on approval the board pushed and
    /// the `unlock` activity of what the solve opened.
    SignOff {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// Approved (a solve from now on) or rejected.
        approved: bool,
        /// The decider's comment, for the team.
        comment: String,
    },
}

impl LiveHub {
    /// Records an `unlock` activity for each challenge that `challenge`'s first counted pass
    /// opened to the team (a judged pass, or a pass a coach signed off).
    async fn record_unlocks(
        &self,
        state: &AppState,
        event_id: &str,
        team_id: &str,
        challenge: String,
    ) -> Result<()> {
        let (event, team) = (event_id.to_owned(), team_id.to_owned());
        let opened = state
            .db
            .run(move |conn| Challenge::opened_by_first_pass(conn, &event, &team, &challenge))
            .await?;
        for challenge in opened {
            let data = json!({"challenge": challenge});
            self.record_activity(state, team_id, "unlock", data).await?;
        }
        Ok(())
    }

    /// Stores an activity item of a team, tells other instances, and pushes it here.
    pub(super) async fn record_activity(
        &self,
        state: &AppState,
        team_id: &str,
        kind: &str,
        data: Value,
    ) -> Result<()> {
        let activity = self.new_activity(team_id, kind, data);
        let id = activity.id().to_owned();
        state
            .db
            .write(move |conn| conn.transaction(|conn| activity.store(conn)))
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
                let data = submission_data(&submission_id, &challenge, &submitted_by);
                self.record_activity(state, &team_id, "submission", data)
                    .await
            }
            LiveEvent::SubmissionStored { activity } => {
                self.deliver_stored(&activity);
                Ok(())
            }
            LiveEvent::VerdictStored {
                activity,
                event_id,
                challenge,
                status,
                passed,
            } => {
                self.deliver_stored(&activity);
                self.after_verdict(
                    state,
                    &event_id,
                    &activity.team_id,
                    challenge,
                    status,
                    passed,
                )
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
                let data = verdict_data(
                    &submission_id,
                    &challenge,
                    status,
                    passed,
                    score,
                    max_score,
                    &feedback,
                    &checks,
                );
                self.record_activity(state, &team_id, "verdict", data)
                    .await?;
                self.after_verdict(state, &event_id, &team_id, challenge, status, passed)
                    .await
            }
            LiveEvent::SignOff {
                event_id,
                team_id,
                submission_id,
                challenge,
                approved,
                comment,
            } => {
                let data = json!({"submission_id": submission_id, "challenge": challenge,
                    "approved": approved, "comment": comment});
                self.record_activity(state, &team_id, "sign_off", data)
                    .await?;
                self.sign_offs_staff(state, &event_id, &team_id).await;
                if approved {
                    self.push_board(state, &event_id).await;
                    self.after_solve_rewards(state, &event_id, &team_id, &challenge)
                        .await?;
                    self.record_unlocks(state, &event_id, &team_id, challenge)
                        .await?;
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
            LiveEvent::RewardsChanged { event_id } => {
                self.rewards_staff(state, &event_id).await;
                Ok(())
            }
            LiveEvent::RemoteReward {
                team_id,
                challenge,
                reward,
            } => {
                self.remote_reward(state, &team_id, &challenge, &reward)
                    .await
            }
            LiveEvent::Hint {
                event_id,
                team_id,
                data,
                moves_board,
            } => {
                self.record_activity(state, &team_id, "hint", data).await?;
                if moves_board {
                    self.push_board(state, &event_id).await;
                }
                Ok(())
            }
            LiveEvent::Opened { team_id, data } => {
                self.record_activity(state, &team_id, "opened", data).await
            }
            LiveEvent::Question {
                team_id,
                question_id,
                kind,
                data,
            } => {
                self.record_activity(state, &team_id, kind, data).await?;
                self.deliver_question(state, &question_id).await?;
                let notice = Notice::Question {
                    o: self.instance_id().to_owned(),
                    id: question_id,
                };
                self.notify(state, notice).await;
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
            LiveEvent::Nudge {
                event_id,
                team_id,
                challenge_id,
                challenge,
                expected_minutes,
            } => {
                let data = json!({"challenge": challenge, "expected_minutes": expected_minutes});
                self.record_activity(state, &team_id, "nudge", data).await?;
                self.nudge_staff(state, &event_id, &team_id, &challenge_id)
                    .await
            }
            LiveEvent::EventUpdated { event_id } => {
                self.board.schedule_moved(&event_id);
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

    /// What follows a verdict's activity: the board pushed, the staff's sign-off lists, and
    /// the `unlock` activity of what a counted pass opened.
    async fn after_verdict(
        &self,
        state: &AppState,
        event_id: &str,
        team_id: &str,
        challenge: String,
        status: SubmissionStatus,
        passed: bool,
    ) -> Result<()> {
        self.push_board(state, event_id).await;
        if status == SubmissionStatus::AwaitingSignOff {
            self.sign_offs_staff(state, event_id, team_id).await;
        }
        if passed && status == SubmissionStatus::Judged {
            self.after_solve_rewards(state, event_id, team_id, &challenge)
                .await?;
            self.record_unlocks(state, event_id, team_id, challenge)
                .await?;
        }
        Ok(())
    }

    /// Publishes and waits until the event is stored and pushed (tests, benchmarks).
    pub async fn publish_now(&self, state: &AppState, event: LiveEvent) -> Result<()> {
        self.handle_event(state, event).await
    }
}
