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
    live::LiveEvent,
    models::{submission::SubmissionStatus, team::Person, verdict::Verdict},
    state::AppState,
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
    },
    /// A submission's verdict (or validator error) was recorded.
    Judged {
        /// The recorded verdict.
        verdict: Box<Verdict>,
        /// The team's event.
        event_id: String,
        /// The team.
        team_id: String,
        /// Challenge slug.
        challenge: String,
    },
    /// A challenge's submissions were judged again.
    Rejudged {
        /// The event.
        event_id: String,
    },
    /// A challenge version went live (the ladder may have a new rung).
    LadderChanged {
        /// The event.
        event_id: String,
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
            | Change::Rejudged { event_id }
            | Change::LadderChanged { event_id } => Some(event_id),
            // The board names teams, not their members.
            Change::MemberJoined { .. }
            | Change::MemberLeft { .. }
            | Change::CoachAssigned { .. }
            | Change::AccessRevoked { .. }
            | Change::RolesChanged { .. }
            | Change::Submitted { .. } => None,
        }
    }

    /// What the live layer pushes for this change, in order.
    fn live_events(self) -> Vec<LiveEvent> {
        match self {
            // The clock changes with the schedule; the live layer pushes board and clock.
            Change::EventUpdated { event_id } => vec![LiveEvent::EventUpdated { event_id }],
            Change::TeamCreated { event_id }
            | Change::TeamsChanged { event_id }
            | Change::Rejudged { event_id } => {
                vec![LiveEvent::LeaderboardChanged { event_id }]
            }
            Change::LadderChanged { event_id } => {
                vec![LiveEvent::LeaderboardChanged { event_id }]
            }
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
                team_id,
                submission_id,
                challenge,
                submitted_by,
            } => vec![LiveEvent::Submission {
                team_id,
                submission_id,
                challenge,
                submitted_by,
            }],
            Change::Judged {
                verdict,
                event_id,
                team_id,
                challenge,
            } => vec![LiveEvent::Verdict {
                team_id,
                event_id,
                status: if verdict.error_kind.is_some() {
                    SubmissionStatus::ValidatorError
                } else {
                    SubmissionStatus::Judged
                },
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
    if let Some(event_id) = change.moves_board_of() {
        state.leaderboard.invalidate(event_id);
    }
    for event in change.live_events() {
        state.live.publish(event);
    }
}
