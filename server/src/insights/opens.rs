//! When each team first opened each challenge: recorded the first time a member fetches the
//! challenge's materials (the statement comes with the ladder, so the materials fetch is the
//! first act that shows a team started working on it). Later openings change nothing.

use diesel::prelude::*;

use crate::{
    db::{DbConnection, now, schema::challenge_opens},
    error::Result,
};

/// Records that `team_id` opened `challenge_id` now, unless it did before.
pub fn record_open(conn: &mut DbConnection, team_id: &str, challenge_id: &str) -> Result<()> {
    let seen: i64 = challenge_opens::table
        .filter(challenge_opens::team_id.eq(team_id))
        .filter(challenge_opens::challenge_id.eq(challenge_id))
        .count()
        .get_result(conn)?;
    if seen > 0 {
        return Ok(());
    }
    let inserted = diesel::insert_into(challenge_opens::table)
        .values((
            challenge_opens::team_id.eq(team_id),
            challenge_opens::challenge_id.eq(challenge_id),
            challenge_opens::opened_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        // Two instances raced on the first opening: the earlier row stands.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(()),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

/// Records, best effort, that `caller` opened `challenge_slug` for `team_id` — only when the
/// caller is a member of the team (coaches and organizers looking do not count). A failure is
/// logged, never returned: the materials were already handed out.
pub async fn record_member_open(
    state: &crate::state::AppState,
    caller: &crate::models::user::User,
    team_id: &str,
    challenge_slug: &str,
) {
    let (caller, team_id, slug) = (
        caller.clone(),
        team_id.to_owned(),
        challenge_slug.to_owned(),
    );
    let recorded = state
        .db
        .write(move |conn| {
            let access = crate::access::team_access(conn, &caller, &team_id)?;
            if access.relation != crate::access::TeamRelation::Member {
                return Ok(());
            }
            let challenge =
                crate::models::challenge::Challenge::get_by_slug(conn, &access.event.id, &slug)?;
            record_open(conn, &access.team.id, &challenge.id)
        })
        .await;
    if let Err(error) = recorded {
        tracing::warn!(%error, "could not record a challenge opening");
    }
}
