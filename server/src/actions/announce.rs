//! What follows a change, owned in one place.
//!
//! Every action that changes something others see ends by calling [`announce`] once, after its
//! transaction committed. This module alone decides the consequences — whether the event's
//! cached board is now stale (and so refreshed and pushed to every big screen exactly once),
//! which activity the team's workspace shows, whose sockets close — so that no caller can
//! forget one, and no two callers disagree about which changes move the board.
//!
//! The board is invalidated here, synchronously, before the action answers: a reader who
//! asks right after gets the new board, or, while another request is computing it, the one it
//! replaces (never an older one; see [`crate::scoring::LeaderboardCache`]). The live push happens in the background, in the
//! order announced (see [`crate::live`]); changes made on other instances reach this one's
//! cache through the live layer's notices.

use crate::{
    db::DbConnection,
    error::Result,
    live::{LiveEvent, stored::StoredActivity},
    models::help_call::HelpCall,
    models::reward::{RemoteRegained, Reward},
    models::{
        question::QuestionView, submission::SubmissionStatus, team::Person, verdict::Verdict,
    },
    state::AppState,
    webhooks::news,
};

/// A change an action made, as the rest of cohack needs to hear of it.
#[derive(Debug, Clone)]
pub enum Change {
    /// An event's settings changed (the schedule decides freezing, so the board too).
    EventUpdated {
        /// The event.
        event_id: String,
    },
    /// A team was formed: the board gains a row.
    TeamCreated {
        /// Its event.
        event_id: String,
    },
    /// Teams were renamed, merged or deleted: the board's rows change.
    TeamsChanged {
        /// Their event.
        event_id: String,
    },
    /// Someone joined a team.
    MemberJoined {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Who joined.
        member: Person,
    },
    /// Someone left a team, or an organizer took them out of it (removed, or moved to another
    /// team); the team still exists. Their access ends through [`Change::AccessRevoked`].
    MemberLeft {
        /// The team.
        team_id: String,
        /// Who left.
        member: Person,
        /// Taken out by an organizer, rather than leaving themselves.
        removed: bool,
    },
    /// A team was renamed: the board's row and the workspace's heading change.
    TeamRenamed {
        /// Its event.
        event_id: String,
        /// The team.
        team_id: String,
        /// The new name.
        name: String,
        /// Who renamed it.
        by: Person,
    },
    /// A coach was newly assigned to a team.
    CoachAssigned {
        /// The team.
        team_id: String,
        /// The coach.
        coach: Person,
    },
    /// Someone lost access to a team (a coach removed, the engineer role revoked): their open
    /// sockets on it close, on every instance.
    AccessRevoked {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Who lost access.
        user_id: String,
    },
    /// Someone's roles in an event changed (a role revoked): whatever they have open is
    /// authorized again, on every instance, and closes where they may no longer be.
    RolesChanged {
        /// The event.
        event_id: String,
        /// Whose roles changed.
        user_id: String,
    },
    /// A team submitted (stored, not yet judged).
    Submitted {
        /// The team.
        team_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// The member who submitted.
        submitted_by: String,
        /// Its `submission` activity, when stored in the submission's transaction (then the
        /// live layer only delivers it); `None`: the live layer records it.
        stored: Option<StoredActivity>,
    },
    /// A submission's verdict (or validator error) was recorded.
    Judged {
        /// The submission's status with it (`awaiting_sign_off` for a pass that waits for a
        /// coach).
        status: SubmissionStatus,
        /// The recorded verdict.
        verdict: Box<Verdict>,
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Challenge slug.
        challenge: String,
        /// Its `verdict` activity, when stored in the verdict's transaction (then the live
        /// layer only delivers it); `None`: the live layer records it.
        stored: Option<StoredActivity>,
    },
    /// A challenge's submissions were judged again (rewards whose solve was taken back are
    /// withdrawn, so the rewards pages read theirs again too; a team without a location whose
    /// pass now counts is told its reward, as after a first solve).
    Rejudged {
        /// The event.
        event_id: String,
        /// The rewards the rejudge gave teams without a location.
        remote_rewards: Vec<RemoteRegained>,
    },
    /// A runner or organizer marked a reward delivered: the rewards pages read theirs again.
    RewardDelivered {
        /// The event.
        event_id: String,
    },
    /// A challenge version went live (the ladder may have a new rung).
    LadderChanged {
        /// The event.
        event_id: String,
    },
    /// A team unlocked a hint: its `hint` activity; the board when the cost moved the score
    /// at once (a non-zero cost taken now: `always`, or the challenge already solved).
    HintUnlocked {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Challenge slug.
        challenge: String,
        /// The hint's number, 1 first.
        n: u32,
        /// Its title.
        title: String,
        /// The cost recorded.
        cost: i32,
        /// The member who unlocked it.
        by: Person,
        /// Whether the team's score changed now.
        moves_board: bool,
    },
    /// A coach or an organizer opened a challenge for one team: its `opened` activity (the
    /// team's ladder opens the rung live). The board shows solves only, so it does not move.
    ChallengeOpened {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Challenge slug.
        challenge: String,
        /// Why.
        reason: String,
        /// Who opened it.
        by: Person,
    },
    /// A team asked a question: its activity, and the queue of the staff who oversee it.
    QuestionAsked {
        /// The question as its team and staff read it.
        question: Box<QuestionView>,
        /// Who asked.
        asked_by: Person,
    },
    /// A question was answered (to the team or to everyone) or marked a duplicate: the
    /// asking team's activity, the staff queue, and for an answer to everyone every team of
    /// the event (a clarification naming no one).
    QuestionAnswered {
        /// The question as its team and staff read it, with its (resolved) answer.
        question: Box<QuestionView>,
    },
    /// A team passed a challenge's expected time: its coaches are nudged (once per team and
    /// challenge; see [`crate::actions::progress::nudge_overdue`]).
    Nudged {
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
    /// A coach or organizer approved or rejected a pass awaiting a sign-off: an approval
    /// is a solve now (the board moves, the ladder may open); a rejection goes back to the
    /// team with its comment.
    SignedOff {
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// Approved, or rejected.
        approved: bool,
        /// The decider's comment.
        comment: String,
    },
}

impl Change {
    /// The event whose standing this change may move. Every verdict counts, a failure that
    /// scored nothing included: the board shows which challenges a team has attempted.
    pub fn moves_board_of(&self) -> Option<&str> {
        match self {
            Change::EventUpdated { event_id }
            | Change::TeamCreated { event_id }
            | Change::TeamsChanged { event_id }
            | Change::TeamRenamed { event_id, .. }
            | Change::Judged { event_id, .. }
            | Change::Rejudged { event_id, .. }
            | Change::LadderChanged { event_id } => Some(event_id),
            Change::SignedOff {
                event_id,
                approved: true,
                ..
            } => Some(event_id),
            // A rejected pass never counted.
            Change::SignedOff {
                approved: false, ..
            } => None,
            // Questions are not on the board, nor are rewards.
            Change::QuestionAsked { .. }
            | Change::QuestionAnswered { .. }
            | Change::RewardDelivered { .. } => None,
            // An opening opens; only a solve scores.
            Change::ChallengeOpened { .. } => None,
            // A hint moves the board only when its cost is taken at once.
            Change::HintUnlocked {
                event_id,
                moves_board: true,
                ..
            } => Some(event_id),
            Change::HintUnlocked {
                moves_board: false, ..
            } => None,
            // The board names teams, not their members.
            Change::MemberJoined { .. }
            | Change::MemberLeft { .. }
            | Change::CoachAssigned { .. }
            | Change::AccessRevoked { .. }
            | Change::RolesChanged { .. }
            | Change::Submitted { .. }
            | Change::Nudged { .. } => None,
        }
    }

    /// What the live layer pushes for this change, in order.
    fn live_events(self) -> Vec<LiveEvent> {
        match self {
            // The clock changes with the schedule; the live layer pushes board and clock. The
            // rewards pages read theirs again: a moved end, or the hold turned off, lets held
            // rewards through.
            Change::EventUpdated { event_id } => vec![
                LiveEvent::EventUpdated {
                    event_id: event_id.clone(),
                },
                LiveEvent::RewardsChanged { event_id },
            ],
            Change::TeamCreated { event_id } | Change::TeamsChanged { event_id } => {
                vec![LiveEvent::LeaderboardChanged { event_id }]
            }
            Change::Rejudged {
                event_id,
                remote_rewards,
            } => {
                let mut events = vec![LiveEvent::LeaderboardChanged {
                    event_id: event_id.clone(),
                }];
                events.extend(
                    remote_rewards
                        .into_iter()
                        .map(|gained| LiveEvent::RemoteReward {
                            team_id: gained.team_id,
                            challenge: gained.challenge,
                            reward: gained.reward,
                        }),
                );
                events.push(LiveEvent::RewardsChanged { event_id });
                events
            }
            Change::RewardDelivered { event_id } => vec![LiveEvent::RewardsChanged { event_id }],
            Change::LadderChanged { event_id } => {
                vec![LiveEvent::LeaderboardChanged { event_id }]
            }
            Change::HintUnlocked {
                event_id,
                team_id,
                challenge,
                n,
                title,
                cost,
                by,
                moves_board,
            } => vec![LiveEvent::Hint {
                event_id,
                team_id,
                data: serde_json::json!({"challenge": challenge, "n": n, "title": title,
                    "cost": cost, "by": by}),
                moves_board,
            }],
            Change::ChallengeOpened {
                team_id,
                challenge,
                reason,
                by,
                ..
            } => vec![LiveEvent::Opened {
                team_id,
                data: serde_json::json!({"challenge": challenge, "reason": reason, "by": by}),
            }],
            Change::QuestionAsked { question, asked_by } => vec![LiveEvent::Question {
                team_id: question.team_id.clone(),
                question_id: question.id.clone(),
                kind: "question",
                data: serde_json::json!({"question_id": question.id,
                    "challenge": question.challenge, "text": question.text,
                    "asked_by": asked_by}),
            }],
            Change::QuestionAnswered { question } => vec![LiveEvent::Question {
                team_id: question.team_id.clone(),
                question_id: question.id.clone(),
                kind: "answer",
                data: serde_json::json!({"question_id": question.id,
                    "challenge": question.challenge, "state": question.state,
                    "answer": question.answer, "to": question.answer_to}),
            }],
            Change::Nudged {
                event_id,
                team_id,
                challenge_id,
                challenge,
                expected_minutes,
            } => vec![LiveEvent::Nudge {
                event_id,
                team_id,
                challenge_id,
                challenge,
                expected_minutes,
            }],
            Change::MemberJoined {
                team_id, member, ..
            } => vec![LiveEvent::MemberJoined {
                team_id,
                user_id: member.user_id,
                display_name: member.display_name,
            }],
            Change::MemberLeft {
                team_id,
                member,
                removed,
            } => vec![LiveEvent::MemberLeft {
                team_id,
                user_id: member.user_id,
                display_name: member.display_name,
                removed,
            }],
            Change::TeamRenamed {
                event_id,
                team_id,
                name,
                by,
            } => vec![
                LiveEvent::LeaderboardChanged { event_id },
                LiveEvent::TeamRenamed {
                    team_id,
                    name,
                    by_user_id: by.user_id,
                    by_display_name: by.display_name,
                },
            ],
            Change::CoachAssigned { team_id, coach } => vec![LiveEvent::CoachAssigned {
                team_id,
                user_id: coach.user_id,
                display_name: coach.display_name,
            }],
            Change::AccessRevoked {
                event_id,
                team_id,
                user_id,
            } => vec![LiveEvent::AccessRevoked {
                team_id,
                event_id,
                user_id,
            }],
            Change::RolesChanged { user_id, .. } => vec![LiveEvent::Reauthorize { user_id }],
            Change::Submitted {
                stored: Some(activity),
                ..
            } => vec![LiveEvent::SubmissionStored { activity }],
            Change::Submitted {
                team_id,
                submission_id,
                challenge,
                submitted_by,
                stored: None,
            } => vec![LiveEvent::Submission {
                team_id,
                submission_id,
                challenge,
                submitted_by,
            }],
            Change::SignedOff {
                event_id,
                team_id,
                submission_id,
                challenge,
                approved,
                comment,
            } => vec![LiveEvent::SignOff {
                event_id,
                team_id,
                submission_id,
                challenge,
                approved,
                comment,
            }],
            Change::Judged {
                status,
                verdict,
                event_id,
                challenge,
                stored: Some(activity),
                ..
            } => vec![LiveEvent::VerdictStored {
                activity,
                event_id,
                challenge,
                status,
                passed: verdict.passed,
            }],
            Change::Judged {
                status,
                verdict,
                event_id,
                team_id,
                challenge,
                stored: None,
            } => vec![LiveEvent::Verdict {
                team_id,
                event_id,
                status,
                checks: serde_json::from_str(&verdict.checks)
                    .unwrap_or(serde_json::Value::Array(Vec::new())),
                submission_id: verdict.submission_id,
                challenge,
                passed: verdict.passed,
                score: verdict.score,
                max_score: verdict.max_score,
                feedback: verdict.feedback,
            }],
        }
    }
}

/// Carries out everything that follows `change`: the board refreshed (at once) and pushed
/// (once, in the background) when the change may move it, the live notices and activity.
/// Never blocks and never fails: what cannot be pushed is logged by the live layer.
pub fn announce(state: &AppState, change: Change) {
    // What `record_outgoing` queued with the change goes out now, not at the next poll.
    let sends_out = matches!(
        change,
        Change::Judged { .. } | Change::SignedOff { approved: true, .. }
    );
    if let Some(event_id) = change.moves_board_of() {
        state.leaderboard.invalidate(event_id);
    }
    for event in change.live_events() {
        state.live.publish(event);
    }
    if sends_out {
        state.outbox.wake();
    }
}

/// A change whose news leaves cohack (webhooks), as [`record_outgoing`] needs it.
#[derive(Debug, Clone, Copy)]
pub enum Outgoing<'a> {
    /// A first verdict was recorded: a counted pass is a solve.
    Judged {
        /// The recorded verdict.
        verdict: &'a Verdict,
        /// Its status (`awaiting_sign_off`: not a solve yet).
        status: SubmissionStatus,
    },
    /// A pass awaiting a sign-off was decided: an approval is a solve now.
    SignedOff {
        /// The submission.
        submission_id: &'a str,
        /// Approved, or rejected.
        approved: bool,
    },
    /// A team raised its hand.
    HelpRaised {
        /// The call.
        call: &'a HelpCall,
    },
}

/// The consequences of a change that leave cohack — the webhook deliveries it causes —
/// decided here like every other consequence, but written by the caller INSIDE the
/// transaction that makes the change, before it commits.
///
/// Why not in [`announce`]: it runs after the commit, so a crash between the two would lose
/// what was to be sent. Stored with the change, a delivery exists if and only if the change
/// does, and the outbox worker sends it after the commit (see [`crate::outbox`]). The
/// transactional points are the verdict's recording (`judge::run`), a sign-off's decision
/// (`actions::sign_offs::decide`) and a raised hand (`actions::workspace::raise_help`).
///
/// Returns how many deliveries were queued. [`announce`] wakes the outbox for the judged
/// and signed-off changes; a raised hand wakes it itself.
///
/// A solve's reward ([`Reward::record_solve`]) is written here too, for the same reason: a
/// team's first solve has its reward if and only if it committed.
pub fn record_outgoing(conn: &mut DbConnection, outgoing: Outgoing<'_>) -> Result<usize> {
    match outgoing {
        // A pass counts unless it awaits a coach's sign-off; a validator error never counts.
        Outgoing::Judged { verdict, status } => {
            if verdict.passed
                && verdict.error_kind.is_none()
                && status != SubmissionStatus::AwaitingSignOff
            {
                Reward::record_solve(conn, &verdict.submission_id)?;
                news::solved(conn, &verdict.submission_id)
            } else {
                Ok(0)
            }
        }
        Outgoing::SignedOff {
            submission_id,
            approved: true,
        } => {
            Reward::record_solve(conn, submission_id)?;
            news::solved(conn, submission_id)
        }
        Outgoing::SignedOff {
            approved: false, ..
        } => Ok(0),
        Outgoing::HelpRaised { call } => {
            news::help_requested(conn, &call.event_id, &call.team_id, &call.id, &call.context)
        }
    }
}
