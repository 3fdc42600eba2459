//! Presence: one row per open team-channel connection, written by the instance serving it.
//! Instances heartbeat in `live_instances`; rows of an instance silent for longer than
//! [`INSTANCE_TIMEOUT_SECS`] are ignored (it died) and later swept.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, now,
        schema::{live_instances, live_presence, users},
    },
    error::Result,
};

/// An instance that has not heartbeat for this long is considered gone.
pub const INSTANCE_TIMEOUT_SECS: i64 = 30;

/// One person online in a team workspace (several connections of one person merge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Online {
    /// User id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// `member`, `coach` or `organizer`.
    pub role: String,
    /// `active` or `idle` (active if any of their connections is).
    pub state: String,
    /// The document they are in (of their most recently changed connection), if any.
    pub document_id: Option<String>,
    /// Open connections.
    pub connections: u32,
}

/// Where a connection is and what it does.
#[derive(Debug, Clone)]
pub struct PresenceRow<'a> {
    /// Connection id (unique across instances).
    pub connection_id: &'a str,
    /// The serving instance.
    pub instance_id: &'a str,
    /// The team.
    pub team_id: &'a str,
    /// The user.
    pub user_id: &'a str,
    /// `member`, `coach` or `organizer`.
    pub role: &'a str,
    /// Current document.
    pub document_id: Option<&'a str>,
    /// `active` or `idle`.
    pub state: &'a str,
}

/// Presence queries.
pub struct Presence;

impl Presence {
    /// Inserts or updates a connection's row.
    pub fn upsert(conn: &mut DbConnection, row: &PresenceRow<'_>) -> Result<()> {
        let at = now();
        let updated = diesel::update(live_presence::table.find(row.connection_id))
            .set((
                live_presence::document_id.eq(row.document_id),
                live_presence::state.eq(row.state),
                live_presence::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(live_presence::table)
                .values((
                    live_presence::connection_id.eq(row.connection_id),
                    live_presence::instance_id.eq(row.instance_id),
                    live_presence::team_id.eq(row.team_id),
                    live_presence::user_id.eq(row.user_id),
                    live_presence::role.eq(row.role),
                    live_presence::document_id.eq(row.document_id),
                    live_presence::state.eq(row.state),
                    live_presence::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Removes a connection's row.
    pub fn remove(conn: &mut DbConnection, connection_id: &str) -> Result<()> {
        diesel::delete(live_presence::table.find(connection_id)).execute(conn)?;
        Ok(())
    }

    /// Who is online in a team, by user.
    pub fn of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<Online>> {
        let alive = now() - TimeDelta::seconds(INSTANCE_TIMEOUT_SECS);
        let rows: Vec<(
            String,
            String,
            String,
            Option<String>,
            String,
            NaiveDateTime,
        )> = live_presence::table
            .inner_join(users::table)
            .inner_join(live_instances::table.on(live_instances::id.eq(live_presence::instance_id)))
            .filter(live_presence::team_id.eq(team_id))
            .filter(live_instances::seen_at.gt(alive))
            .select((
                users::id,
                users::display_name,
                live_presence::role,
                live_presence::document_id,
                live_presence::state,
                live_presence::updated_at,
            ))
            .order(live_presence::updated_at.asc())
            .load(conn)?;
        let mut by_user: BTreeMap<String, Online> = BTreeMap::new();
        for (user_id, display_name, role, document_id, state, _) in rows {
            let entry = by_user.entry(user_id.clone()).or_insert_with(|| Online {
                role,
                user_id,
                display_name,
                state: "idle".into(),
                document_id: None,
                connections: 0,
            });
            entry.connections += 1;
            if state == "active" {
                entry.state = "active".into();
            }
            // Rows come oldest change first: the last one wins.
            entry.document_id = document_id;
        }
        Ok(by_user.into_values().collect())
    }

    /// Records that `instance_id` is alive.
    pub fn heartbeat(conn: &mut DbConnection, instance_id: &str) -> Result<()> {
        let at = now();
        let updated = diesel::update(live_instances::table.find(instance_id))
            .set(live_instances::seen_at.eq(at))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(live_instances::table)
                .values((
                    live_instances::id.eq(instance_id),
                    live_instances::seen_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Drops the rows of instances silent for ten timeouts, and the instances themselves.
    pub fn sweep(conn: &mut DbConnection) -> Result<usize> {
        let dead = now() - TimeDelta::seconds(INSTANCE_TIMEOUT_SECS * 10);
        let gone: Vec<String> = live_instances::table
            .filter(live_instances::seen_at.lt(dead))
            .select(live_instances::id)
            .load(conn)?;
        if gone.is_empty() {
            return Ok(0);
        }
        let removed =
            diesel::delete(live_presence::table.filter(live_presence::instance_id.eq_any(&gone)))
                .execute(conn)?;
        diesel::delete(live_instances::table.filter(live_instances::id.eq_any(&gone)))
            .execute(conn)?;
        Ok(removed)
    }

    /// Removes every row of one instance (it is shutting down).
    pub fn clear_instance(conn: &mut DbConnection, instance_id: &str) -> Result<()> {
        diesel::delete(live_presence::table.filter(live_presence::instance_id.eq(instance_id)))
            .execute(conn)?;
        diesel::delete(live_instances::table.find(instance_id)).execute(conn)?;
        Ok(())
    }
}
