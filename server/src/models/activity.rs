//! A team's activity feed: what happened (submissions, verdicts, unlocks, members joining or
//! leaving, the team renamed, coaches assigned), stored as the JSON pushed to the team channel so that a late or
//! reconnecting client reads exactly what others saw live.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::live_activity},
    error::{Error, Result},
};

/// A stored activity item.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = live_activity)]
pub struct Activity {
    /// UUIDv7, time-ordered.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// `submission`, `verdict`, `unlock`, `member_joined`, `member_left`, `team_renamed`,
    /// `coach_assigned`.
    pub kind: String,
    /// The `{"type":"activity",…}` frame as pushed.
    pub payload: String,
    /// When it happened.
    pub created_at: NaiveDateTime,
}

impl Activity {
    /// Stores an item.
    pub fn record(conn: &mut DbConnection, activity: &Activity) -> Result<()> {
        diesel::insert_into(live_activity::table)
            .values(activity)
            .execute(conn)?;
        Ok(())
    }

    /// One item.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Activity> {
        live_activity::table
            .find(id)
            .select(Activity::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("activity"))
    }

    /// The team's items after `after` (the newest `limit` when `None`), oldest first.
    pub fn of_team(
        conn: &mut DbConnection,
        team_id: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Activity>> {
        let mut query = live_activity::table
            .filter(live_activity::team_id.eq(team_id))
            .select(Activity::as_select())
            .limit(limit)
            .into_boxed();
        query = match after {
            Some(after) => query
                .filter(live_activity::id.gt(after.to_owned()))
                .order(live_activity::id.asc()),
            None => query.order(live_activity::id.desc()),
        };
        let mut rows = query.load(conn)?;
        if after.is_none() {
            rows.reverse();
        }
        Ok(rows)
    }
}
