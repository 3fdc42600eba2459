//! Loading what the insight reports read, one event at a time, in a handful of queries:
//! the ladder, the teams with their organization, their members (and whether each one's
//! organization is verified), every judged attempt with its current verdict, notes,
//! feedback, help calls and first openings.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use crate::{
    db::{
        DbConnection,
        schema::{
            challenge_opens, challenges, help_calls, organizations, report_names, submissions,
            team_members, teams, users, validator_versions, verdicts,
        },
    },
    error::Result,
    insights::{
        InsightScope,
        cliffs::playbook::{self, Signal},
        survey::{self, SurveyData},
    },
    models::{event::Event, feedback::Feedback, help_call::HelpCall, note::CoachNote},
};

/// An event and the caller's scope in it.
#[derive(Debug, Clone)]
pub struct Scoped {
    /// The event.
    pub event: Event,
    /// What the caller may see.
    pub scope: InsightScope,
}

/// A challenge of the ladder.
#[derive(Debug, Clone, Queryable)]
pub struct ChallengeInfo {
    /// Identifier.
    pub id: String,
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Ladder position.
    pub position: i32,
}

/// A team with the organization of the participant who created it.
#[derive(Debug, Clone, Queryable)]
pub struct TeamInfo {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
    /// Organization id.
    pub organization_id: String,
    /// Organization name.
    pub organization: String,
}

/// A member of a team, with their own organization.
#[derive(Debug, Clone, Queryable)]
pub struct MemberInfo {
    /// The team.
    pub team_id: String,
    /// The member's organization (not necessarily the team's).
    pub organization_id: String,
    /// The member's organization came from a verified identity (`users.organization_verified`).
    pub organization_verified: bool,
}

/// One check of a verdict.
#[derive(Debug, Clone, Deserialize)]
pub struct CheckResult {
    /// The check's name.
    pub name: String,
    /// Whether it passed.
    pub passed: bool,
    /// What the validator said.
    #[serde(default)]
    pub message: String,
}

/// A submission with its current verdict.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The team.
    pub team_id: String,
    /// The challenge.
    pub challenge_id: String,
    /// When the team submitted.
    pub at: NaiveDateTime,
    /// Solved.
    pub passed: bool,
    /// The verdict's score (partial credit).
    pub score: i32,
    /// The verdict's feedback to the team.
    pub feedback: String,
    /// Per-check results.
    pub checks: Vec<CheckResult>,
    /// Set for a validator error (not an attempt that counts).
    pub error_kind: Option<String>,
}

type AttemptRow = (
    String,
    String,
    NaiveDateTime,
    bool,
    i32,
    String,
    String,
    Option<String>,
);

/// Everything the reports read about one event.
#[derive(Debug, Clone)]
pub struct EventData {
    /// The event.
    pub event: Event,
    /// The ladder, in order.
    pub challenges: Vec<ChallengeInfo>,
    /// Every team, by name.
    pub teams: Vec<TeamInfo>,
    /// Every member of every team.
    pub members: Vec<MemberInfo>,
    /// Every attempt with a current verdict, oldest first.
    pub attempts: Vec<Attempt>,
    /// Coaches' notes.
    pub notes: Vec<CoachNote>,
    /// Participants' feedback.
    pub feedback: Vec<Feedback>,
    /// Help calls.
    pub help_calls: Vec<HelpCall>,
    /// `(team, challenge, first opened)`.
    pub opens: Vec<(String, String, NaiveDateTime)>,
    /// The coach's playbook: hint unlocks, questions, nudges, rejected sign-offs.
    pub playbook: Vec<Signal>,
    /// The people who let the report print their name next to their words: user id →
    /// display name. Everyone else is quoted by role and organization only.
    pub named: HashMap<String, String>,
    /// The closing survey, if the event has one.
    pub survey: Option<SurveyData>,
}

impl EventData {
    /// Loads `event`'s data.
    pub fn load(conn: &mut DbConnection, event: Event) -> Result<EventData> {
        let challenges: Vec<ChallengeInfo> = challenges::table
            .filter(challenges::event_id.eq(&event.id))
            .order(challenges::position.asc())
            .select((
                challenges::id,
                challenges::slug,
                challenges::title,
                challenges::position,
            ))
            .load(conn)?;
        let teams: Vec<TeamInfo> = teams::table
            .inner_join(users::table.on(users::id.eq(teams::created_by)))
            .inner_join(organizations::table.on(organizations::id.eq(users::organization_id)))
            .filter(teams::event_id.eq(&event.id))
            .order((teams::name.asc(), teams::id.asc()))
            .select((
                teams::id,
                teams::name,
                organizations::id,
                organizations::name,
            ))
            .load(conn)?;
        let members: Vec<MemberInfo> = team_members::table
            .inner_join(users::table.on(users::id.eq(team_members::user_id)))
            .filter(team_members::event_id.eq(&event.id))
            .order((team_members::team_id.asc(), team_members::user_id.asc()))
            .select((
                team_members::team_id,
                users::organization_id,
                users::organization_verified,
            ))
            .load(conn)?;
        let rows: Vec<AttemptRow> = submissions::table
            .inner_join(verdicts::table)
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&event.id))
            .filter(verdicts::is_current.eq(true))
            .order((submissions::created_at.asc(), submissions::id.asc()))
            .select((
                submissions::team_id,
                submissions::challenge_id,
                submissions::created_at,
                verdicts::passed,
                verdicts::score,
                verdicts::feedback,
                verdicts::checks,
                verdicts::error_kind,
            ))
            .load(conn)?;
        let attempts = rows
            .into_iter()
            .map(
                |(team_id, challenge_id, at, passed, score, feedback, checks, error_kind)| {
                    Attempt {
                        team_id,
                        challenge_id,
                        at,
                        passed,
                        score,
                        feedback,
                        // A verdict's checks were written by cohack itself; an unreadable one is
                        // treated as "no checks" rather than failing the whole report.
                        checks: serde_json::from_str(&checks).unwrap_or_default(),
                        error_kind,
                    }
                },
            )
            .collect();
        let help_calls: Vec<HelpCall> = help_calls::table
            .filter(help_calls::event_id.eq(&event.id))
            .order((help_calls::raised_at.asc(), help_calls::id.asc()))
            .select(HelpCall::as_select())
            .load(conn)?;
        let opens = challenge_opens::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&event.id))
            .select((
                challenge_opens::team_id,
                challenge_opens::challenge_id,
                challenge_opens::opened_at,
            ))
            .load(conn)?;
        let named: HashMap<String, String> = report_names::table
            .inner_join(users::table)
            .filter(report_names::event_id.eq(&event.id))
            .filter(report_names::name_in_report.eq(true))
            .select((users::id, users::display_name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        Ok(EventData {
            named,
            survey: survey::load(conn, &event)?,
            playbook: playbook::load(conn, &event.id)?,
            notes: CoachNote::of_event(conn, &event.id)?,
            feedback: Feedback::of_event(conn, &event.id)?,
            event,
            challenges,
            teams,
            members,
            attempts,
            help_calls,
            opens,
        })
    }
}

/// The ids of the event's challenges that `user_id` published a validator version of.
pub fn published_by(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
) -> Result<HashSet<String>> {
    let ids: Vec<String> = validator_versions::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(event_id))
        .filter(validator_versions::published_by.eq(user_id))
        .select(challenges::id)
        .distinct()
        .load(conn)?;
    Ok(ids.into_iter().collect())
}
