//! The author's view of their challenges (the web UI's `/events/{slug}/author`): per
//! challenge its versions with the server's re-run of the samples, the recent failures
//! (failed verdicts and validator errors, with the validator's notes, error detail and log),
//! the attempt statistics of [`super::stats`] and the pictures' data of [`super::analytics`].
//!
//! Who sees what is [`super::scope_as`]: organizers every challenge, an author the challenges
//! they published a version of, anyone else 404.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection,
        schema::{submissions, teams, users, validator_versions, verdicts},
    },
    error::Result,
    judge::views::SampleTable,
    models::{challenge::Challenge, event::Event, user::User, verdict::Verdict},
};

use super::{
    analytics::{self, ChallengeAnalytics},
    scope_as,
    stats::{ChallengeStats, challenge_stats_as},
};

/// How many recent failures each challenge shows.
pub const RECENT_FAILURES: i64 = 10;

/// One published version of a challenge's validator.
#[derive(Debug, Clone)]
pub struct VersionSummary {
    /// Its id.
    pub id: String,
    /// 1, 2, …
    pub version: i32,
    /// When it was published.
    pub published_at: NaiveDateTime,
    /// Who published it.
    pub published_by: String,
    /// It judges submissions now.
    pub live: bool,
    /// The server's re-run of the samples at publish time (`None` if unreadable).
    pub samples: Option<SampleTable>,
}

/// A recent failure: a failed verdict or a validator error.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The submission.
    pub submission_id: String,
    /// The team's name.
    pub team: String,
    /// When the team submitted.
    pub submitted_at: NaiveDateTime,
    /// The version that judged (its number; 0 when unknown).
    pub version: i32,
    /// The current verdict.
    pub verdict: Verdict,
}

impl Failure {
    /// The checks that failed, as `(name, message)`.
    pub fn failed_checks(&self) -> Vec<(String, String)> {
        self.verdict
            .checks()
            .into_iter()
            .filter(|c| !c.passed)
            .map(|c| (c.name, c.message))
            .collect()
    }

    /// The run's log as `(level, message)`.
    pub fn log(&self) -> Vec<(String, String)> {
        self.verdict
            .logs()
            .into_iter()
            .map(|l| (format!("{:?}", l.level).to_lowercase(), l.message))
            .collect()
    }
}

/// Everything the author's page shows about one challenge.
#[derive(Debug, Clone)]
pub struct AuthorChallenge {
    /// The challenge.
    pub challenge: Challenge,
    /// Its versions, newest first.
    pub versions: Vec<VersionSummary>,
    /// Its recent failures, newest first.
    pub failures: Vec<Failure>,
    /// Attempt statistics.
    pub stats: ChallengeStats,
    /// What the page draws: pass rate over time, attempts until pass, failing checks with
    /// their messages, validator errors, run times.
    pub analytics: ChallengeAnalytics,
}

/// The challenges of the event `slug` that `caller` may manage, in ladder order, with their
/// versions, recent failures and statistics.
pub fn author_view_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
) -> Result<(Event, Vec<AuthorChallenge>)> {
    let scoped = scope_as(conn, caller, slug)?;
    let ladder: Vec<Challenge> = Challenge::ladder(conn, &scoped.event.id)?
        .into_iter()
        .filter(|c| scoped.scope.includes(&c.id))
        .collect();
    let mut analytics = analytics::of_challenges(
        conn,
        &ladder
            .iter()
            .map(|c| (c.id.clone(), c.slug.clone(), c.title.clone()))
            .collect::<Vec<_>>(),
    )?;
    let mut result = Vec::new();
    for challenge in ladder {
        let versions = versions_of(conn, &challenge)?;
        let numbers: HashMap<&str, i32> = versions
            .iter()
            .map(|v| (v.id.as_str(), v.version))
            .collect();
        let failures = recent_failures(conn, &challenge.id, &numbers)?;
        let stats = challenge_stats_as(conn, caller, slug, &challenge.slug)?;
        let analytics = analytics
            .remove(&challenge.id)
            .ok_or(crate::error::Error::NotFound("challenge"))?;
        result.push(AuthorChallenge {
            analytics,
            challenge,
            versions,
            failures,
            stats,
        });
    }
    Ok((scoped.event, result))
}

/// The versions of `challenge`, newest first.
pub fn versions_of(conn: &mut DbConnection, challenge: &Challenge) -> Result<Vec<VersionSummary>> {
    let rows: Vec<(String, i32, NaiveDateTime, String, String)> = validator_versions::table
        .inner_join(users::table.on(users::id.eq(validator_versions::published_by)))
        .filter(validator_versions::challenge_id.eq(&challenge.id))
        .order(validator_versions::version.desc())
        .select((
            validator_versions::id,
            validator_versions::version,
            validator_versions::created_at,
            users::display_name,
            validator_versions::sample_report,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, version, published_at, published_by, report)| VersionSummary {
                live: challenge.live_version_id.as_deref() == Some(id.as_str()),
                samples: serde_json::from_str(&report).ok(),
                id,
                version,
                published_at,
                published_by,
            },
        )
        .collect())
}

/// The latest failed verdicts and validator errors of a challenge, newest first.
fn recent_failures(
    conn: &mut DbConnection,
    challenge_id: &str,
    numbers: &HashMap<&str, i32>,
) -> Result<Vec<Failure>> {
    let rows: Vec<(String, String, NaiveDateTime, Verdict)> = submissions::table
        .inner_join(verdicts::table)
        .inner_join(teams::table)
        .filter(submissions::challenge_id.eq(challenge_id))
        .filter(verdicts::is_current.eq(true))
        .filter(
            verdicts::passed
                .eq(false)
                .or(verdicts::error_kind.is_not_null()),
        )
        .order(submissions::created_at.desc())
        .limit(RECENT_FAILURES)
        .select((
            submissions::id,
            teams::name,
            submissions::created_at,
            Verdict::as_select(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(submission_id, team, submitted_at, verdict)| Failure {
            version: numbers
                .get(verdict.validator_version_id.as_str())
                .copied()
                .unwrap_or(0),
            submission_id,
            team,
            submitted_at,
            verdict,
        })
        .collect())
}
