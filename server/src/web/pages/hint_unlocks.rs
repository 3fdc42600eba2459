//! The hints a coach's teams unlocked lately, for the coach's page (`/coach`): which team,
//! which challenge and hint, what it costs, who unlocked it and when, newest first. The
//! unlock itself also reaches the team's activity, which the coach reads in the workspace.

use std::collections::HashMap;

use crate::{
    db::DbConnection,
    error::Result,
    models::{challenge::Challenge, event::Event, hint::HintUnlock, team::Team, user::User},
    web::{PageContext, time::ShownTime},
};

/// How many unlocks the page lists.
const SHOWN: i64 = 20;

/// One unlock as the coach's page lists it.
pub struct UnlockRow {
    pub(crate) team_id: String,
    pub(crate) team_name: String,
    pub(crate) challenge: String,
    pub(crate) challenge_title: String,
    pub(crate) n: i32,
    pub(crate) title: String,
    pub(crate) cost: i32,
    pub(crate) by: String,
    pub(crate) at: ShownTime,
}

/// The latest unlocks of the teams `user_id` coaches, in every event.
fn unlocks_for(conn: &mut DbConnection, user_id: &str) -> Result<Vec<UnlockRow>> {
    let mut names = HashMap::new();
    for event in Event::list(conn)? {
        for team in Team::coached_by(conn, &event.id, user_id)? {
            names.insert(team.id, team.name);
        }
    }
    let ids: Vec<String> = names.keys().cloned().collect();
    let mut challenges: HashMap<String, Challenge> = HashMap::new();
    let mut people: HashMap<String, String> = HashMap::new();
    let mut rows = Vec::new();
    for unlock in HintUnlock::latest_of_teams(conn, &ids, SHOWN)? {
        if !challenges.contains_key(&unlock.challenge_id) {
            let challenge = Challenge::find(conn, &unlock.challenge_id)?;
            challenges.insert(challenge.id.clone(), challenge);
        }
        let Some(challenge) = challenges.get(&unlock.challenge_id) else {
            continue;
        };
        if !people.contains_key(&unlock.unlocked_by) {
            let user = User::find(conn, &unlock.unlocked_by)?;
            people.insert(user.id, user.display_name);
        }
        let title = usize::try_from(unlock.hint_index)
            .ok()
            .and_then(|i| challenge.hint_list().get(i).map(|h| h.title.clone()))
            .unwrap_or_else(|| "a hint of an earlier version".to_owned());
        rows.push(UnlockRow {
            team_name: names.get(&unlock.team_id).cloned().unwrap_or_default(),
            team_id: unlock.team_id,
            challenge: challenge.slug.clone(),
            challenge_title: challenge.title.clone(),
            n: unlock.hint_index + 1,
            title,
            cost: unlock.cost,
            by: people.get(&unlock.unlocked_by).cloned().unwrap_or_default(),
            at: ShownTime::time(unlock.unlocked_at),
        });
    }
    Ok(rows)
}

/// The latest unlocks of the signed-in coach's teams.
pub async fn of_coach(ctx: &PageContext) -> Result<Vec<UnlockRow>> {
    let user = ctx.require_user()?.user.clone();
    ctx.state()
        .db
        .run(move |conn| unlocks_for(conn, &user.id))
        .await
}
