//! The coach's playbook as evidence of a cliff: hints a team unlocked, questions it asked
//! (those answered to everyone weigh more: the whole event needed the answer), nudges to its
//! coaches when it passed a challenge's expected time, sign-offs a coach rejected, and
//! skips: a coach or an organizer opened the next challenge for a team stuck on this one (the
//! strongest evidence a cliff can have: someone who watched the team judged it would not get
//! past without help).
//!
//! Each is a signal of one team on one challenge. Like coach notes, it is attached to the
//! cliff of that challenge where that team lost the most time, and it adds its weight, in
//! seconds, to that cliff's score (the weights below, also in the README).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection,
        schema::{challenges, hint_unlocks, nudges, questions, sign_offs, staff_openings},
    },
    error::Result,
};

/// The weight of a hint unlock: ten minutes.
pub const HINT_SECONDS: i64 = 600;
/// The weight of a question: ten minutes.
pub const QUESTION_SECONDS: i64 = 600;
/// The weight of a question answered to everyone: thirty minutes (every team needed it).
pub const QUESTION_TO_EVERYONE_SECONDS: i64 = 1800;
/// The weight of a nudge (a team over the challenge's expected time): twenty minutes.
pub const NUDGE_SECONDS: i64 = 1200;
/// The weight of a rejected sign-off (a pass the validator could not see was wrong): fifteen
/// minutes.
pub const SIGN_OFF_REJECTED_SECONDS: i64 = 900;
/// The weight of a skip (a coach or organizer opened the next challenge for a team stuck on
/// this one): one hour, the most of any signal.
pub const SKIP_SECONDS: i64 = 3600;

/// What kind of playbook signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalKind {
    /// A hint unlocked.
    Hint,
    /// A question asked; `true` when it was answered to everyone.
    Question {
        /// Answered to every team.
        to_everyone: bool,
    },
    /// The team's coaches were nudged.
    Nudge,
    /// A coach or organizer rejected a pass.
    SignOffRejected,
    /// A coach or organizer opened the next challenge for a team stuck on this one.
    Skip,
}

impl SignalKind {
    /// The evidence kind the report shows.
    pub fn name(self) -> &'static str {
        match self {
            Self::Hint => "hint",
            Self::Question { .. } => "question",
            Self::Nudge => "nudge",
            Self::SignOffRejected => "sign_off_rejected",
            Self::Skip => "skip",
        }
    }

    /// What the signal adds to its cliff's score, in seconds.
    pub fn weight(self) -> i64 {
        match self {
            Self::Hint => HINT_SECONDS,
            Self::Question { to_everyone: false } => QUESTION_SECONDS,
            Self::Question { to_everyone: true } => QUESTION_TO_EVERYONE_SECONDS,
            Self::Nudge => NUDGE_SECONDS,
            Self::SignOffRejected => SIGN_OFF_REJECTED_SECONDS,
            Self::Skip => SKIP_SECONDS,
        }
    }
}

/// One signal of one team on one challenge.
#[derive(Debug, Clone)]
pub struct Signal {
    /// Its kind.
    pub kind: SignalKind,
    /// The team.
    pub team_id: String,
    /// The challenge.
    pub challenge_id: String,
    /// When.
    pub at: NaiveDateTime,
    /// What the report shows: the hint's title, the question, the nudge, the comment.
    pub text: String,
}

/// The hint titles of the event's challenges, by challenge id (from the stored manifest's
/// `hints`, a JSON array of `{"title", "cost", "text"}`; an unreadable one has no titles).
fn hint_titles(conn: &mut DbConnection, event_id: &str) -> Result<HashMap<String, Vec<String>>> {
    let rows: Vec<(String, String)> = challenges::table
        .filter(challenges::event_id.eq(event_id))
        .select((challenges::id, challenges::hints))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, hints)| {
            let titles = serde_json::from_str::<Vec<serde_json::Value>>(&hints)
                .unwrap_or_default()
                .iter()
                .map(|h| h["title"].as_str().unwrap_or_default().to_owned())
                .collect();
            (id, titles)
        })
        .collect())
}

/// Every playbook signal of the event, oldest first.
pub fn load(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Signal>> {
    let titles = hint_titles(conn, event_id)?;
    let mut signals = Vec::new();

    let unlocks: Vec<(String, String, i32, i32, NaiveDateTime)> = hint_unlocks::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(event_id))
        .select((
            hint_unlocks::team_id,
            hint_unlocks::challenge_id,
            hint_unlocks::hint_index,
            hint_unlocks::cost,
            hint_unlocks::unlocked_at,
        ))
        .load(conn)?;
    for (team_id, challenge_id, index, cost, at) in unlocks {
        let title = usize::try_from(index)
            .ok()
            .and_then(|i| titles.get(&challenge_id).and_then(|t| t.get(i)))
            .filter(|t| !t.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("hint {}", index + 1));
        signals.push(Signal {
            kind: SignalKind::Hint,
            team_id,
            challenge_id,
            at,
            text: format!("{title} (cost {cost})"),
        });
    }

    let asked: Vec<(String, String, String, Option<String>, NaiveDateTime)> = questions::table
        .filter(questions::event_id.eq(event_id))
        .select((
            questions::team_id,
            questions::challenge_id,
            questions::text,
            questions::answer_to,
            questions::created_at,
        ))
        .load(conn)?;
    for (team_id, challenge_id, text, answer_to, at) in asked {
        let to_everyone = answer_to.as_deref() == Some("everyone");
        signals.push(Signal {
            kind: SignalKind::Question { to_everyone },
            team_id,
            challenge_id,
            at,
            text: if to_everyone {
                format!("{text} (answered to everyone)")
            } else {
                text
            },
        });
    }

    let nudged: Vec<(String, String, i32, NaiveDateTime)> = nudges::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(event_id))
        .select((
            nudges::team_id,
            nudges::challenge_id,
            nudges::expected_minutes,
            nudges::created_at,
        ))
        .load(conn)?;
    for (team_id, challenge_id, minutes, at) in nudged {
        signals.push(Signal {
            kind: SignalKind::Nudge,
            team_id,
            challenge_id,
            at,
            text: format!("over the expected {minutes} minutes"),
        });
    }

    let rejected: Vec<(String, String, String, Option<NaiveDateTime>, NaiveDateTime)> =
        sign_offs::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(event_id))
            .filter(sign_offs::state.eq("rejected"))
            .select((
                sign_offs::team_id,
                sign_offs::challenge_id,
                sign_offs::comment,
                sign_offs::decided_at,
                sign_offs::created_at,
            ))
            .load(conn)?;
    for (team_id, challenge_id, comment, decided_at, created_at) in rejected {
        signals.push(Signal {
            kind: SignalKind::SignOffRejected,
            team_id,
            challenge_id,
            at: decided_at.unwrap_or(created_at),
            text: comment,
        });
    }

    let skipped: Vec<(String, Option<String>, i64, String, NaiveDateTime)> = staff_openings::table
        .filter(staff_openings::event_id.eq(event_id))
        .filter(staff_openings::skipped_challenge_id.is_not_null())
        .select((
            staff_openings::team_id,
            staff_openings::skipped_challenge_id,
            staff_openings::stuck_seconds,
            staff_openings::reason,
            staff_openings::created_at,
        ))
        .load(conn)?;
    for (team_id, challenge_id, stuck_seconds, reason, at) in skipped {
        let Some(challenge_id) = challenge_id else {
            continue;
        };
        signals.push(Signal {
            kind: SignalKind::Skip,
            team_id,
            challenge_id,
            at,
            text: format!("skipped after {} minutes: {reason}", stuck_seconds / 60),
        });
    }

    signals.sort_by(|a, b| (a.at, &a.team_id).cmp(&(b.at, &b.team_id)));
    Ok(signals)
}
