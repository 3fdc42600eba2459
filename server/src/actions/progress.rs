//! Who is stuck: the progress of an event's teams for the staff who oversee them, and the
//! nudges that tell coaches a team passed a challenge's expected time.
//!
//! The rule (current challenge, time on it, status, order) lives in
//! [`crate::models::progress`]; this module says who may read it and when a nudge is made.

use crate::{
    access,
    actions::announce::{Change, announce},
    db::{DbConnection, now},
    error::{Error, Result},
    models::{
        event::{Event, Phase},
        progress::{Nudge, ProgressFacts, ProgressReport, ProgressStatus},
        user::User,
    },
    state::AppState,
};

/// The progress of the event's teams that `caller` oversees (every team for organizers,
/// their own for coaches), most in need first; 404 for an unknown event, 403 for anyone
/// else.
pub fn event_progress(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
) -> Result<ProgressReport> {
    let access = access::event_access(conn, caller, slug)?;
    let Some(oversight) = access::oversight(conn, caller, &access)? else {
        return Err(Error::Forbidden(
            "only the event's organizers and coaches see its teams' progress".into(),
        ));
    };
    let facts = ProgressFacts::load(conn, &access.event, oversight.team_ids())?;
    Ok(facts.report(now()))
}

/// Nudges the coaches of every team that has passed its current challenge's expected time,
/// in every running event: once per team and challenge, whichever instance gets there first
/// (the nudge's primary key decides; only the instance whose row went in announces it).
/// Nothing before an event starts or after it ends, nor for a solved challenge (a solved
/// challenge is never a team's current one). Returns how many nudges this call made.
pub async fn nudge_overdue(state: &AppState) -> Result<usize> {
    let at = now();
    let due = state
        .db
        .run(move |conn| {
            let mut due = Vec::new();
            for event in Event::list(conn)? {
                if !matches!(event.phase_at(at), Phase::Running | Phase::Frozen) {
                    continue;
                }
                let facts = ProgressFacts::load(conn, &event, None)?;
                for team in facts.report(at).teams {
                    let Some(challenge) = team.challenge else {
                        continue;
                    };
                    let Some(expected) = challenge.expected_minutes else {
                        continue;
                    };
                    if team.status == ProgressStatus::OverTime && team.nudged_at.is_none() {
                        due.push((
                            event.id.clone(),
                            Nudge {
                                team_id: team.team_id,
                                challenge_id: challenge.id,
                                expected_minutes: expected,
                                created_at: at,
                            },
                            challenge.slug,
                        ));
                    }
                }
            }
            Ok::<_, Error>(due)
        })
        .await?;
    let mut made = 0;
    for (event_id, nudge, challenge) in due {
        let row = nudge.clone();
        if !state
            .db
            .write(move |conn| Nudge::record(conn, &row))
            .await?
        {
            continue;
        }
        made += 1;
        announce(
            state,
            Change::Nudged {
                event_id,
                team_id: nudge.team_id,
                challenge_id: nudge.challenge_id,
                challenge,
                expected_minutes: nudge.expected_minutes,
            },
        );
    }
    Ok(made)
}
