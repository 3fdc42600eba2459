//! Per-challenge analytics for authors (DOMjudge's per-problem analytics, for cohack): the pass
//! rate over the event, attempts until the first pass, the checks that fail most with the
//! messages teams saw, validator errors by kind, and the validator's run times.
//!
//! The figures agree with [`super::stats`] (the same attempts: current verdicts, validator
//! errors apart); this module adds the shapes the author's page draws. Who sees what is
//! [`super::scope_as`]: organizers every challenge, an author the challenges they published a
//! version of, anyone else 404.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection,
        schema::{challenges, submissions, verdicts},
    },
    error::{Error, Result},
    insights::{data::CheckResult, scope_as},
    models::user::User,
};

/// Attempts until the first pass are counted up to this; more fall in the last bucket.
pub const ATTEMPT_BUCKETS: u32 = 10;
/// The distinct messages kept per failing check, most seen first.
pub const MESSAGES_PER_CHECK: usize = 3;
/// A message longer than this (in characters) is cut, with "…".
pub const MESSAGE_CHARS: usize = 240;

/// The analytics of one challenge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeAnalytics {
    /// Challenge slug.
    pub challenge: String,
    /// Its title.
    pub title: String,
    /// Teams with at least one judged attempt.
    pub teams_attempted: u32,
    /// Teams that passed.
    pub teams_passed: u32,
    /// Judged attempts, all teams (validator errors apart).
    pub attempts: u32,
    /// The pass rate over the event: a point at every moment a team first attempted or first
    /// passed the challenge, oldest first.
    pub pass_rate: Vec<PassRatePoint>,
    /// Teams by the attempts they needed up to and including their first pass: buckets
    /// `1 ..= 10`, the last one holding 10 or more.
    pub attempts_until_pass: Vec<AttemptsBucket>,
    /// Every check that failed, most failures first, with the messages teams saw.
    pub failing_checks: Vec<FailingCheck>,
    /// Validator errors (not attempts), all kinds.
    pub validator_errors: u32,
    /// Validator errors by kind (`trap`, `out_of_fuel`, …), most first.
    pub validator_errors_by_kind: Vec<ErrorKindCount>,
    /// How long the validator ran on the current verdicts (judged ones and errors).
    pub run_times: RunTimes,
    /// The same runs by duration: buckets bounded by 1, 2, 5, 10, 20, 50, 100, 200, 500 and
    /// 1000 ms, the last one open.
    pub run_time_buckets: Vec<RunTimeBucket>,
}

/// Runs that took less than `below_ms` (and at least the previous bucket's bound).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunTimeBucket {
    /// The bucket's upper bound in milliseconds (exclusive); `null` for the last, open one.
    pub below_ms: Option<f64>,
    /// Runs.
    pub runs: u32,
}

/// The bounds of the run-time buckets, in milliseconds.
pub const RUN_TIME_BOUNDS_MS: [f64; 10] =
    [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0];

fn run_time_buckets(runs: &[Run]) -> Vec<RunTimeBucket> {
    let mut counts = [0u32; RUN_TIME_BOUNDS_MS.len() + 1];
    for run in runs {
        let ms = run.duration_us.max(0) as f64 / 1000.0;
        let index = RUN_TIME_BOUNDS_MS
            .iter()
            .position(|bound| ms < *bound)
            .unwrap_or(RUN_TIME_BOUNDS_MS.len());
        counts[index] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, runs)| RunTimeBucket {
            below_ms: RUN_TIME_BOUNDS_MS.get(i).copied(),
            runs: *runs,
        })
        .collect()
}

/// The pass rate at one moment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PassRatePoint {
    /// When.
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// Teams that had attempted it by then.
    pub attempted: u32,
    /// Teams that had passed it by then.
    pub passed: u32,
    /// `passed / attempted`.
    pub rate: f64,
}

/// How many teams needed `attempts` attempts to pass.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttemptsBucket {
    /// Attempts up to and including the first pass (the last bucket: this many or more).
    pub attempts: u32,
    /// Whether this is the last bucket ("10 or more").
    pub or_more: bool,
    /// Teams.
    pub teams: u32,
}

/// One failing check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FailingCheck {
    /// The check's name.
    pub check: String,
    /// Failing attempts.
    pub failures: u32,
    /// Teams that saw it fail.
    pub teams: u32,
    /// The messages teams saw when it failed, most seen first (at most 3).
    pub messages: Vec<CheckMessage>,
}

/// A message a failing check gave.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckMessage {
    /// The message (cut at 240 characters).
    pub message: String,
    /// Failing attempts that gave it.
    pub failures: u32,
    /// Teams that saw it.
    pub teams: u32,
}

/// Validator errors of one kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorKindCount {
    /// The kind.
    pub kind: String,
    /// How many.
    pub count: u32,
}

/// The validator's run times, in milliseconds.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RunTimes {
    /// Runs measured.
    pub runs: u32,
    /// Shortest.
    pub min_ms: Option<f64>,
    /// First quartile.
    pub q1_ms: Option<f64>,
    /// Median.
    pub median_ms: Option<f64>,
    /// Third quartile.
    pub q3_ms: Option<f64>,
    /// 90th percentile.
    pub p90_ms: Option<f64>,
    /// Longest.
    pub max_ms: Option<f64>,
}

impl RunTimes {
    /// The summary of `micros` (nearest-rank quantiles).
    pub fn of(mut micros: Vec<i64>) -> RunTimes {
        if micros.is_empty() {
            return RunTimes::default();
        }
        micros.sort_unstable();
        let n = micros.len();
        let at = |q: f64| {
            // Nearest rank: the smallest value with at least q of the runs at or below it.
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            Some(micros[rank - 1] as f64 / 1000.0)
        };
        RunTimes {
            runs: count(n),
            min_ms: at(0.0),
            q1_ms: at(0.25),
            median_ms: at(0.5),
            q3_ms: at(0.75),
            p90_ms: at(0.9),
            max_ms: at(1.0),
        }
    }
}

/// One current verdict of a challenge, as the analytics read it.
struct Run {
    team_id: String,
    challenge_id: String,
    at: NaiveDateTime,
    passed: bool,
    checks: Vec<CheckResult>,
    error_kind: Option<String>,
    duration_us: i64,
}

type RunRow = (
    String,
    String,
    NaiveDateTime,
    bool,
    String,
    Option<String>,
    i64,
);

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every current verdict of the challenges `ids`, oldest submission first.
fn load_runs(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<Run>> {
    let rows: Vec<RunRow> = submissions::table
        .inner_join(verdicts::table)
        .filter(submissions::challenge_id.eq_any(ids))
        .filter(verdicts::is_current.eq(true))
        .order((submissions::created_at.asc(), submissions::id.asc()))
        .select((
            submissions::team_id,
            submissions::challenge_id,
            submissions::created_at,
            verdicts::passed,
            verdicts::checks,
            verdicts::error_kind,
            verdicts::duration_us,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(team_id, challenge_id, at, passed, checks, error_kind, duration_us)| Run {
                team_id,
                challenge_id,
                at,
                passed,
                // Written by cohack itself; an unreadable one counts as "no checks" rather
                // than failing the page.
                checks: serde_json::from_str(&checks).unwrap_or_default(),
                error_kind,
                duration_us,
            },
        )
        .collect())
}

/// The analytics of `challenge_slug` in the event `slug`, for its organizers and the authors
/// who published a version of it; 404 for everyone else.
pub fn challenge_analytics_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    challenge_slug: &str,
) -> Result<ChallengeAnalytics> {
    let scoped = scope_as(conn, caller, slug)?;
    let (id, slug, title): (String, String, String) = challenges::table
        .filter(challenges::event_id.eq(&scoped.event.id))
        .filter(challenges::slug.eq(challenge_slug))
        .select((challenges::id, challenges::slug, challenges::title))
        .first::<(String, String, String)>(conn)
        .optional()?
        .filter(|(id, _, _)| scoped.scope.includes(id))
        .ok_or(Error::NotFound("challenge"))?;
    let runs = load_runs(conn, std::slice::from_ref(&id))?;
    Ok(compute(&runs, slug, title))
}

/// The analytics of the challenges `ladder` (id, slug, title), in one query: the author's
/// page, once scoped by [`super::authoring::author_view_as`].
pub fn of_challenges(
    conn: &mut DbConnection,
    ladder: &[(String, String, String)],
) -> Result<HashMap<String, ChallengeAnalytics>> {
    let ids: Vec<String> = ladder.iter().map(|(id, _, _)| id.clone()).collect();
    let mut by_challenge: HashMap<String, Vec<Run>> = HashMap::new();
    for run in load_runs(conn, &ids)? {
        by_challenge
            .entry(run.challenge_id.clone())
            .or_default()
            .push(run);
    }
    Ok(ladder
        .iter()
        .map(|(id, slug, title)| {
            let runs = by_challenge.remove(id).unwrap_or_default();
            (id.clone(), compute(&runs, slug.clone(), title.clone()))
        })
        .collect())
}

fn cut(message: &str) -> String {
    let message = message.trim();
    match message.char_indices().nth(MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_owned(),
    }
}

/// Failures and teams of one check, and of each of its messages.
#[derive(Default)]
struct CheckTally<'a> {
    failures: u32,
    teams: HashSet<&'a str>,
    messages: HashMap<String, (u32, HashSet<&'a str>)>,
}

fn compute(runs: &[Run], challenge: String, title: String) -> ChallengeAnalytics {
    let mut errors: BTreeMap<&str, u32> = BTreeMap::new();
    let mut attempts_of: HashMap<&str, u32> = HashMap::new();
    let mut passed_after: HashMap<&str, u32> = HashMap::new();
    let mut checks: HashMap<&str, CheckTally<'_>> = HashMap::new();
    let mut pass_rate: Vec<PassRatePoint> = Vec::new();
    let mut attempts = 0usize;
    for run in runs {
        if let Some(kind) = &run.error_kind {
            *errors.entry(kind.as_str()).or_default() += 1;
            continue;
        }
        attempts += 1;
        let team = run.team_id.as_str();
        let first_attempt = !attempts_of.contains_key(team);
        let tried = attempts_of.entry(team).or_default();
        *tried += 1;
        let first_pass = run.passed && !passed_after.contains_key(team);
        if first_pass {
            passed_after.insert(team, *tried);
        }
        if first_attempt || first_pass {
            let (attempted, passed) = (count(attempts_of.len()), count(passed_after.len()));
            let point = PassRatePoint {
                at: run.at.and_utc(),
                attempted,
                passed,
                rate: f64::from(passed) / f64::from(attempted),
            };
            // Two teams at the same second: one point, the later figures.
            match pass_rate.last_mut() {
                Some(last) if last.at == point.at => *last = point,
                _ => pass_rate.push(point),
            }
        }
        for check in run.checks.iter().filter(|c| !c.passed) {
            let tally = checks.entry(check.name.as_str()).or_default();
            tally.failures += 1;
            tally.teams.insert(team);
            let message = tally.messages.entry(cut(&check.message)).or_default();
            message.0 += 1;
            message.1.insert(team);
        }
    }
    let mut buckets = vec![0u32; ATTEMPT_BUCKETS as usize];
    for n in passed_after.values() {
        let index = (*n).clamp(1, ATTEMPT_BUCKETS) - 1;
        buckets[index as usize] += 1;
    }
    let mut failing_checks: Vec<FailingCheck> = checks
        .into_iter()
        .map(|(check, tally)| {
            let mut messages: Vec<CheckMessage> = tally
                .messages
                .into_iter()
                .map(|(message, (failures, teams))| CheckMessage {
                    message,
                    failures,
                    teams: count(teams.len()),
                })
                .collect();
            messages.sort_by(|a, b| {
                b.failures
                    .cmp(&a.failures)
                    .then_with(|| a.message.cmp(&b.message))
            });
            messages.truncate(MESSAGES_PER_CHECK);
            FailingCheck {
                check: check.to_owned(),
                failures: tally.failures,
                teams: count(tally.teams.len()),
                messages,
            }
        })
        .collect();
    failing_checks.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.check.cmp(&b.check)));
    let mut validator_errors_by_kind: Vec<ErrorKindCount> = errors
        .iter()
        .map(|(kind, count)| ErrorKindCount {
            kind: (*kind).to_owned(),
            count: *count,
        })
        .collect();
    validator_errors_by_kind.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(&b.kind)));
    ChallengeAnalytics {
        challenge,
        title,
        teams_attempted: count(attempts_of.len()),
        teams_passed: count(passed_after.len()),
        attempts: count(attempts),
        pass_rate,
        attempts_until_pass: buckets
            .iter()
            .zip(1..)
            .map(|(teams, attempts)| AttemptsBucket {
                attempts,
                or_more: attempts == ATTEMPT_BUCKETS,
                teams: *teams,
            })
            .collect(),
        failing_checks,
        validator_errors: errors.values().sum(),
        validator_errors_by_kind,
        run_times: RunTimes::of(runs.iter().map(|r| r.duration_us.max(0)).collect()),
        run_time_buckets: run_time_buckets(runs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(team: &str, minute: i64, passed: bool, failed: &[(&str, &str)]) -> Run {
        Run {
            team_id: team.into(),
            challenge_id: "c".into(),
            at: DateTime::from_timestamp(1_800_000_000 + minute * 60, 0)
                .expect("valid time")
                .naive_utc(),
            passed,
            checks: failed
                .iter()
                .map(|(name, message)| CheckResult {
                    name: (*name).into(),
                    passed: false,
                    message: (*message).into(),
                })
                .collect(),
            error_kind: None,
            duration_us: 1000 * minute,
        }
    }

    #[test]
    fn pass_rate_attempt_buckets_and_messages() {
        let mut error = run("b", 3, false, &[]);
        error.error_kind = Some("trap".into());
        let runs = vec![
            run("a", 1, false, &[("schema", "missing id")]),
            run("b", 2, false, &[("schema", "missing id")]),
            error,
            run("a", 4, true, &[]),
            run("b", 5, false, &[("schema", "bad date")]),
        ];
        let a = compute(&runs, "c".into(), "C".into());
        assert_eq!((a.teams_attempted, a.teams_passed, a.attempts), (2, 1, 4));
        let rates: Vec<(u32, u32)> = a
            .pass_rate
            .iter()
            .map(|p| (p.attempted, p.passed))
            .collect();
        assert_eq!(rates, [(1, 0), (2, 0), (2, 1)]);
        assert_eq!(
            a.attempts_until_pass[1].teams, 1,
            "a passed on its 2nd attempt"
        );
        assert_eq!(a.failing_checks[0].failures, 3);
        assert_eq!(a.failing_checks[0].teams, 2);
        assert_eq!(a.failing_checks[0].messages[0].message, "missing id");
        assert_eq!(a.failing_checks[0].messages[0].teams, 2);
        assert_eq!(a.validator_errors, 1);
        assert_eq!(a.run_times.runs, 5, "errors ran too");
        assert_eq!(a.run_times.median_ms, Some(3.0));
        let buckets: Vec<u32> = a.run_time_buckets.iter().map(|b| b.runs).collect();
        assert_eq!(
            buckets,
            [0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0],
            "1, 2, 3, 4 and 5 ms"
        );
    }
}
