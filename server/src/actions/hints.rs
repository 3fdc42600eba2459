//! Hints: a team reads a challenge's hint titles and costs, and unlocks a hint's text.
//!
//! Who may do what:
//! - reading a team's hints of a challenge: its members, its coaches, the event's organizers
//!   (404 for anyone else, as every team read), for a challenge whose statement the team may
//!   read (the event has started and the ladder opened it to the team; 404 otherwise, as for
//!   a challenge that does not exist); a hint's text only once the team unlocked it;
//! - unlocking: the team's members only (coaches and organizers 403), while the event runs
//!   (409 `not_running` after its end). Unlocking is an explicit step, also for a free hint;
//!   unlocking again changes nothing and charges nothing. The cost is recorded as it is at
//!   unlock time.
//!
//! How a cost enters the score is the ranking's rule ([`crate::scoring::hints`]); what follows
//! an unlock (the `hint` activity, the board) is decided in [`crate::actions::announce`].

use std::collections::HashMap;

use diesel::Connection;

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    db::DbConnection,
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::{HINT_COST_ALWAYS, Phase},
        hint::{HintList, HintUnlock, HintView, StoredHint},
        team::Person,
        user::User,
    },
    state::AppState,
};

/// The names of the people who unlocked `unlocks`.
fn people(conn: &mut DbConnection, unlocks: &[HintUnlock]) -> Result<HashMap<String, Person>> {
    let mut found = HashMap::new();
    for unlock in unlocks {
        if found.contains_key(&unlock.unlocked_by) {
            continue;
        }
        let user = User::find(conn, &unlock.unlocked_by)?;
        found.insert(
            user.id.clone(),
            Person {
                user_id: user.id,
                display_name: user.display_name,
            },
        );
    }
    Ok(found)
}

/// A challenge's hints for the team, each unlocked one with its text.
fn hint_list(
    conn: &mut DbConnection,
    access: &access::TeamAccess,
    challenge: &Challenge,
) -> Result<HintList> {
    let hints = challenge.hint_list();
    let unlocks = HintUnlock::of_team(conn, &access.team.id, &challenge.id)?;
    let names = people(conn, &unlocks)?;
    let views = hints
        .into_iter()
        .zip(0i32..)
        .map(|(hint, index)| {
            let unlock = unlocks.iter().find(|u| u.hint_index == index);
            view(hint, index, unlock, &names)
        })
        .collect();
    Ok(HintList {
        challenge: challenge.slug.clone(),
        hint_cost: access.event.hint_cost.clone(),
        unlocked_cost: unlocks.iter().map(|u| i64::from(u.cost)).sum(),
        hints: views,
    })
}

fn view(
    hint: StoredHint,
    index: i32,
    unlock: Option<&HintUnlock>,
    names: &HashMap<String, Person>,
) -> HintView {
    HintView {
        n: u32::try_from(index + 1).unwrap_or(0),
        title: hint.title,
        cost: unlock.map_or(hint.cost, |u| u.cost),
        unlocked: unlock.is_some(),
        unlocked_by: unlock.and_then(|u| names.get(&u.unlocked_by).cloned()),
        unlocked_at: unlock.map(|u| u.unlocked_at.and_utc()),
        text: unlock.map(|_| hint.text),
    }
}

/// The hints of the challenge `challenge_slug` for the team `team_id`.
pub fn of_team(
    conn: &mut DbConnection,
    user: &User,
    team_id: &str,
    challenge_slug: &str,
) -> Result<HintList> {
    let access = access::team_access(conn, user, team_id)?;
    let challenge =
        crate::actions::challenges::ladder::visible_to_team(conn, &access, challenge_slug)?;
    hint_list(conn, &access, &challenge)
}

/// Whether the event takes hint costs at once (`always`) rather than on solve.
pub fn takes_always(hint_cost: &str) -> bool {
    hint_cost == HINT_COST_ALWAYS
}

/// Unlocks hint `n` (1 first) of the challenge `challenge_slug` for the team `team_id`, as
/// one of its members: its view with the text. Idempotent.
pub async fn unlock(
    state: &AppState,
    user: &User,
    team_id: &str,
    challenge_slug: &str,
    n: u32,
) -> Result<HintView> {
    let (caller, team_id, slug) = (user.clone(), team_id.to_owned(), challenge_slug.to_owned());
    let (view, change) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_access(conn, &caller, &team_id)?;
                if access.relation != TeamRelation::Member {
                    return Err(Error::Forbidden(
                        "only the team's members unlock its hints".into(),
                    ));
                }
                let challenge =
                    crate::actions::challenges::ladder::visible_to_team(conn, &access, &slug)?;
                if access.event.phase() == Phase::Ended {
                    return Err(Error::conflict(
                        "not_running",
                        "the event has ended: hints are closed",
                    ));
                }
                let hints = challenge.hint_list();
                let index = usize::try_from(n)
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .filter(|i| *i < hints.len())
                    .ok_or(Error::NotFound("hint"))?;
                let hint = hints[index].clone();
                let index = i32::try_from(index).map_err(Error::internal)?;
                let (unlock, created) = HintUnlock::unlock(
                    conn,
                    &access.team.id,
                    &challenge.id,
                    index,
                    hint.cost,
                    &caller.id,
                )?;
                let names = people(conn, std::slice::from_ref(&unlock))?;
                let view = view(hint, index, Some(&unlock), &names);
                let change = created.then(|| {
                    let solved = Challenge::solved_by(conn, &access.team.id)
                        .map(|s| s.contains(&challenge.id))
                        .unwrap_or(true);
                    Change::HintUnlocked {
                        event_id: access.event.id.clone(),
                        team_id: access.team.id.clone(),
                        challenge: challenge.slug.clone(),
                        n,
                        title: view.title.clone(),
                        cost: unlock.cost,
                        by: Person {
                            user_id: caller.id.clone(),
                            display_name: caller.display_name.clone(),
                        },
                        // The score moves now only if the cost is taken now.
                        moves_board: unlock.cost > 0
                            && (takes_always(&access.event.hint_cost) || solved),
                    }
                });
                Ok::<_, Error>((view, change))
            })
        })
        .await?;
    if let Some(change) = change {
        announce(state, change);
    }
    Ok(view)
}
