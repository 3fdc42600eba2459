//! "Call a coach": a member raises the team's hand with a line of context; the team's coaches
//! and the event's organizers acknowledge and resolve it. The three times are kept: a later
//! feature ranks the "cliffs" customers hit from them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{DbConnection, new_id, now, schema::help_calls},
    error::{Error, Result},
};

/// Longest context line accepted, in characters.
pub const MAX_CONTEXT_CHARS: usize = 500;

/// A help call.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = help_calls)]
pub struct HelpCall {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// Its event.
    pub event_id: String,
    /// The member who raised it.
    pub raised_by: String,
    /// What the team is stuck on.
    pub context: String,
    /// When it was raised.
    pub raised_at: NaiveDateTime,
    /// Who acknowledged it (a coach or organizer).
    pub acknowledged_by: Option<String>,
    /// When.
    pub acknowledged_at: Option<NaiveDateTime>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<NaiveDateTime>,
}

/// A help call as clients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelpCallView {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// `raised`, `acknowledged` or `resolved`.
    pub status: &'static str,
    /// The member who raised it.
    pub raised_by: String,
    /// What the team is stuck on.
    pub context: String,
    /// When it was raised (UTC).
    #[schema(value_type = String, format = DateTime)]
    pub raised_at: chrono::DateTime<chrono::Utc>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When (UTC).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
    /// When (UTC).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<&HelpCall> for HelpCallView {
    fn from(call: &HelpCall) -> Self {
        HelpCallView {
            id: call.id.clone(),
            team_id: call.team_id.clone(),
            status: call.status(),
            raised_by: call.raised_by.clone(),
            context: call.context.clone(),
            raised_at: call.raised_at.and_utc(),
            acknowledged_by: call.acknowledged_by.clone(),
            acknowledged_at: call.acknowledged_at.map(|t| t.and_utc()),
            resolved_by: call.resolved_by.clone(),
            resolved_at: call.resolved_at.map(|t| t.and_utc()),
        }
    }
}

impl HelpCall {
    /// `raised`, `acknowledged` or `resolved`.
    pub fn status(&self) -> &'static str {
        if self.resolved_at.is_some() {
            "resolved"
        } else if self.acknowledged_at.is_some() {
            "acknowledged"
        } else {
            "raised"
        }
    }

    /// Raises the team's hand; 409 `help_already_raised` while a call is still open.
    pub fn raise(
        conn: &mut DbConnection,
        team_id: &str,
        event_id: &str,
        member_id: &str,
        context: &str,
    ) -> Result<HelpCall> {
        let context = context.trim();
        if context.chars().count() > MAX_CONTEXT_CHARS {
            return Err(Error::bad_request(
                "context_too_long",
                format!("the context has at most {MAX_CONTEXT_CHARS} characters"),
            ));
        }
        conn.transaction(|conn| {
            if !Self::open_of_team(conn, team_id)?.is_empty() {
                return Err(Error::conflict(
                    "help_already_raised",
                    "the team's hand is already raised",
                ));
            }
            let call = HelpCall {
                id: new_id(),
                team_id: team_id.to_owned(),
                event_id: event_id.to_owned(),
                raised_by: member_id.to_owned(),
                context: context.to_owned(),
                raised_at: now(),
                acknowledged_by: None,
                acknowledged_at: None,
                resolved_by: None,
                resolved_at: None,
            };
            diesel::insert_into(help_calls::table)
                .values(&call)
                .execute(conn)?;
            Ok(call)
        })
    }

    /// The call `id` of the team `team_id`.
    pub fn find(conn: &mut DbConnection, team_id: &str, id: &str) -> Result<HelpCall> {
        help_calls::table
            .find(id)
            .filter(help_calls::team_id.eq(team_id))
            .select(HelpCall::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("help call"))
    }

    /// Acknowledges an open call (idempotent); 409 `help_resolved` once resolved.
    pub fn acknowledge(
        conn: &mut DbConnection,
        team_id: &str,
        id: &str,
        by: &str,
    ) -> Result<HelpCall> {
        let call = Self::find(conn, team_id, id)?;
        if call.resolved_at.is_some() {
            return Err(Error::conflict(
                "help_resolved",
                "this call is already resolved",
            ));
        }
        if call.acknowledged_at.is_none() {
            diesel::update(help_calls::table.find(id))
                .filter(help_calls::acknowledged_at.is_null())
                .set((
                    help_calls::acknowledged_by.eq(by),
                    help_calls::acknowledged_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Self::find(conn, team_id, id)
    }

    /// Resolves a call (idempotent); an unacknowledged call counts as acknowledged then.
    pub fn resolve(conn: &mut DbConnection, team_id: &str, id: &str, by: &str) -> Result<HelpCall> {
        let call = Self::find(conn, team_id, id)?;
        if call.resolved_at.is_none() {
            let at = now();
            diesel::update(help_calls::table.find(id))
                .filter(help_calls::resolved_at.is_null())
                .set((
                    help_calls::acknowledged_by.eq(call.acknowledged_by.as_deref().unwrap_or(by)),
                    help_calls::acknowledged_at.eq(call.acknowledged_at.unwrap_or(at)),
                    help_calls::resolved_by.eq(by),
                    help_calls::resolved_at.eq(at),
                ))
                .execute(conn)?;
        }
        Self::find(conn, team_id, id)
    }

    /// The team's calls not yet resolved.
    pub fn open_of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<HelpCall>> {
        Ok(help_calls::table
            .filter(help_calls::team_id.eq(team_id))
            .filter(help_calls::resolved_at.is_null())
            .order(help_calls::raised_at.asc())
            .select(HelpCall::as_select())
            .load(conn)?)
    }

    /// An event's calls, oldest first; only the open ones when `open_only`; only those of
    /// `teams` when given.
    pub fn of_event(
        conn: &mut DbConnection,
        event_id: &str,
        open_only: bool,
        teams: Option<&[String]>,
    ) -> Result<Vec<HelpCall>> {
        let mut query = help_calls::table
            .filter(help_calls::event_id.eq(event_id))
            .order(help_calls::raised_at.asc())
            .select(HelpCall::as_select())
            .into_boxed();
        if open_only {
            query = query.filter(help_calls::resolved_at.is_null());
        }
        if let Some(teams) = teams {
            query = query.filter(help_calls::team_id.eq_any(teams.to_vec()));
        }
        Ok(query.load(conn)?)
    }
}
