//! Final results: the standings by the one ranking rule of [`crate::scoring`], with each
//! team's organization and per-challenge solve times (seconds from the event's start).

use std::collections::HashMap;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access,
    db::{
        DbConnection,
        schema::{organizations, teams, users},
    },
    error::Result,
    models::user::User,
    scoring,
};

/// The results of an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Results {
    /// The event's slug.
    pub event: String,
    /// Challenge slugs in ladder order (the CSV's columns).
    pub challenges: Vec<String>,
    /// The event's brackets, in order (empty: none; the CSV then has no bracket columns).
    #[serde(default)]
    pub brackets: Vec<String>,
    /// Ranked teams.
    pub standings: Vec<ResultRow>,
}

/// One team's result.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ResultRow {
    /// Competition rank (ties share a rank).
    pub rank: u32,
    /// Team id.
    pub team_id: String,
    /// Team name.
    pub team: String,
    /// Organization of the team's creator.
    pub organization: String,
    /// The team's bracket, on an event with brackets.
    #[serde(default)]
    pub bracket: Option<String>,
    /// Competition rank within the team's bracket.
    #[serde(default)]
    pub bracket_rank: Option<u32>,
    /// Challenges solved.
    pub solved: u32,
    /// Sum of best scores.
    pub score: i64,
    /// When the team reached its standing.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_solve_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Per challenge, in ladder order.
    pub challenges: Vec<ChallengeResult>,
}

/// One team on one challenge.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChallengeResult {
    /// Challenge slug.
    pub challenge: String,
    /// Best score.
    pub score: i64,
    /// When first solved.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub solved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Seconds from the event's start to the first pass.
    pub solve_seconds: Option<i64>,
}

/// The results of the event `slug` (its organizers; 404 for everyone else).
pub fn results_as(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Results> {
    let access = access::event_access(conn, caller, slug)?;
    if !access.is_organizer() {
        return Err(crate::error::Error::NotFound("event"));
    }
    let event = access.event;
    let standings = scoring::standings(conn, &event, None)?;
    let orgs: HashMap<String, String> = teams::table
        .inner_join(users::table.on(users::id.eq(teams::created_by)))
        .inner_join(organizations::table.on(organizations::id.eq(users::organization_id)))
        .filter(teams::event_id.eq(&event.id))
        .select((teams::id, organizations::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let challenges = standings
        .first()
        .map(|s| s.progress.iter().map(|p| p.challenge.clone()).collect())
        .unwrap_or_default();
    let start = event.starts_at.and_utc();
    let brackets = crate::models::bracket::of_event(conn, &event.id)?;
    Ok(Results {
        event: event.slug,
        challenges,
        brackets,
        standings: standings
            .into_iter()
            .map(|s| ResultRow {
                rank: s.rank,
                organization: orgs.get(&s.team.id).cloned().unwrap_or_default(),
                bracket: s.bracket,
                bracket_rank: s.bracket_rank,
                team_id: s.team.id,
                team: s.team.name,
                solved: s.solved,
                score: s.score,
                last_solve_at: s.last_solve_at,
                challenges: s
                    .progress
                    .into_iter()
                    .map(|p| ChallengeResult {
                        solve_seconds: p.solved_at.map(|at| (at - start).num_seconds()),
                        challenge: p.challenge,
                        score: p.score,
                        solved_at: p.solved_at,
                    })
                    .collect(),
            })
            .collect(),
    })
}
