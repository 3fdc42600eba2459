//! Unblocking a stuck team: a coach or an organizer opens a challenge for one team without the
//! solve before it.
//!
//! Who may do what:
//! - the team's coaches open the next locked challenge of the team's ladder, and only that
//!   one (409 `not_next` for another); the event's organizers open any locked challenge;
//!   members get 403, anyone else 404 (as every team route);
//! - while the event runs (409 `not_running` before the start and after the end), for a
//!   challenge not yet open to the team (409 `already_open`), with a reason (400
//!   `invalid_reason`: 1–500 characters).
//!
//! An opening only opens: the challenge scores only if the team solves it, and the challenge
//! the team skipped stays open. Each opening is recorded with who, when, why, the challenge
//! the team was on and how long it had been on it (by the progress rule,
//! [`crate::models::progress`]); the team hears of it live through an `opened` activity
//! ([`crate::actions::announce`]).

use diesel::Connection;
use serde::Serialize;

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    db::{new_id, now},
    error::{Error, Result},
    models::{
        challenge::{self, Challenge},
        event::Phase,
        opening::{Opening, check_reason},
        progress::ProgressFacts,
        team::Person,
        user::User,
    },
    state::AppState,
};

/// An opening as the API answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OpeningView {
    /// Its id.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The challenge opened (slug).
    pub challenge: String,
    /// The challenge the team was on and skipped (slug; null: it was on none).
    pub skipped: Option<String>,
    /// How long the team had been on the skipped challenge, in seconds.
    pub stuck_seconds: i64,
    /// Why.
    pub reason: String,
    /// Who opened it.
    pub opened_by: Person,
    /// When (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: chrono::DateTime<chrono::Utc>,
}

/// Opens the challenge `challenge_slug` for the team `team_id` (see the module's rules).
pub async fn open_challenge(
    state: &AppState,
    user: &User,
    team_id: &str,
    challenge_slug: &str,
    reason: &str,
) -> Result<OpeningView> {
    let (caller, team_id, slug, reason) = (
        user.clone(),
        team_id.to_owned(),
        challenge_slug.to_owned(),
        reason.to_owned(),
    );
    let (view, event_id) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_access(conn, &caller, &team_id)?;
                let organizer = match access.relation {
                    TeamRelation::Member => {
                        return Err(Error::Forbidden(
                            "only the team's coaches and the event's organizers open a challenge for it"
                                .into(),
                        ));
                    }
                    TeamRelation::Organizer => true,
                    TeamRelation::Coach => access::organizes(conn, &caller, &access.event.id)?,
                };
                let challenge = Challenge::get_by_slug(conn, &access.event.id, &slug)?;
                let reason = check_reason(&reason)?;
                match access.event.phase() {
                    Phase::Running | Phase::Frozen => {}
                    Phase::Upcoming => {
                        return Err(Error::conflict(
                            "not_running",
                            "the event has not started yet: the ladder opens at the start",
                        ));
                    }
                    Phase::Ended => {
                        return Err(Error::conflict(
                            "not_running",
                            "the event has ended: nothing opens any more",
                        ));
                    }
                }
                let (ladder, _, open) =
                    Challenge::open_for_team(conn, &access.event.id, &access.team.id)?;
                if open.contains(&challenge.id) {
                    return Err(already_open(&challenge));
                }
                if !organizer {
                    let next = challenge::next_locked(&ladder, &open);
                    if next.is_none_or(|next| next.id != challenge.id) {
                        return Err(Error::conflict(
                            "not_next",
                            format!(
                                "a coach opens the team's next locked challenge only{}",
                                next.map(|n| format!(" (`{}`)", n.slug))
                                    .unwrap_or_default()
                            ),
                        ));
                    }
                }
                let at = now();
                let facts =
                    ProgressFacts::load(conn, &access.event, Some(std::slice::from_ref(&access.team.id)))?;
                let row = facts.report(at).teams.into_iter().next();
                let (skipped, stuck_seconds) = match row.and_then(|r| Some((r.challenge?, r.since?)))
                {
                    Some((current, since)) => {
                        let until = at.min(access.event.ends_at);
                        let seconds = (until - since.naive_utc()).num_seconds().max(0);
                        (Some(current), seconds)
                    }
                    None => (None, 0),
                };
                let opening = Opening {
                    id: new_id(),
                    event_id: access.event.id.clone(),
                    team_id: access.team.id.clone(),
                    challenge_id: challenge.id.clone(),
                    skipped_challenge_id: skipped.as_ref().map(|c| c.id.clone()),
                    stuck_seconds,
                    reason,
                    opened_by: caller.id.clone(),
                    created_at: at,
                };
                let opening = Opening::record(conn, &opening)?.ok_or_else(|| already_open(&challenge))?;
                let view = OpeningView {
                    id: opening.id,
                    team_id: opening.team_id,
                    challenge: challenge.slug,
                    skipped: skipped.map(|c| c.slug),
                    stuck_seconds: opening.stuck_seconds,
                    reason: opening.reason,
                    opened_by: Person {
                        user_id: caller.id.clone(),
                        display_name: caller.display_name.clone(),
                    },
                    opened_at: opening.created_at.and_utc(),
                };
                Ok::<_, Error>((view, access.event.id))
            })
        })
        .await?;
    announce(
        state,
        Change::ChallengeOpened {
            event_id,
            team_id: view.team_id.clone(),
            challenge: view.challenge.clone(),
            reason: view.reason.clone(),
            by: view.opened_by.clone(),
        },
    );
    Ok(view)
}

fn already_open(challenge: &Challenge) -> Error {
    Error::conflict(
        "already_open",
        format!("`{}` is already open to the team", challenge.slug),
    )
}
