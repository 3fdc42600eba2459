//! The author's view of one challenge: how many teams attempted and passed it, attempts until
//! a pass, time to solve, its failing checks and its validator errors.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    db::DbConnection,
    error::{Error, Result},
    insights::{data::EventData, scope_as},
    models::user::User,
};

/// Statistics of one challenge.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ChallengeStats {
    /// Challenge slug.
    pub challenge: String,
    /// Teams with at least one judged attempt.
    pub teams_attempted: u32,
    /// Teams that passed.
    pub teams_passed: u32,
    /// `teams_passed / teams_attempted` (0 when nobody attempted).
    pub pass_rate: f64,
    /// Judged attempts, all teams.
    pub attempts: u32,
    /// Attempts a team needed up to and including its first pass.
    pub attempts_until_pass: Distribution,
    /// Seconds from a team's first attempt to its first pass.
    pub time_to_solve_seconds: Distribution,
    /// Seconds from a team's first opening of the challenge (materials) to its first pass,
    /// for the teams whose opening is recorded.
    pub open_to_solve_seconds: Distribution,
    /// The check that failed most often, if any failed.
    pub most_frequent_failing_check: Option<CheckFailures>,
    /// Every check that failed, most failures first.
    pub failing_checks: Vec<CheckFailures>,
    /// Validator errors (not counted as attempts).
    pub validator_errors: u32,
    /// Validator errors by kind (`trap`, `out_of_fuel`, …).
    pub validator_errors_by_kind: BTreeMap<String, u32>,
}

/// A distribution of values: count, min, median, 90th percentile (nearest rank), max.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Distribution {
    /// Number of values.
    pub count: u32,
    /// Smallest.
    pub min: Option<i64>,
    /// Median.
    pub median: Option<i64>,
    /// 90th percentile, nearest rank.
    pub p90: Option<i64>,
    /// Largest.
    pub max: Option<i64>,
}

impl Distribution {
    /// The distribution of `values`.
    pub fn of(mut values: Vec<i64>) -> Distribution {
        if values.is_empty() {
            return Distribution::default();
        }
        values.sort_unstable();
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2
        };
        let p90_rank = (n * 9).div_ceil(10).max(1);
        Distribution {
            count: u32::try_from(n).unwrap_or(u32::MAX),
            min: values.first().copied(),
            median: Some(median),
            p90: values.get(p90_rank - 1).copied(),
            max: values.last().copied(),
        }
    }
}

/// How often one check failed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CheckFailures {
    /// The check.
    pub check: String,
    /// Failing attempts.
    pub failures: u32,
    /// Teams that saw it fail.
    pub teams: u32,
}

/// Statistics of `challenge_slug` in the event `slug`, for its organizers and for the authors
/// who published a version of it; 404 for everyone else.
pub fn challenge_stats_as(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    challenge_slug: &str,
) -> Result<ChallengeStats> {
    let scoped = scope_as(conn, caller, slug)?;
    let data = EventData::load(conn, scoped.event)?;
    let challenge = data
        .challenges
        .iter()
        .find(|c| c.slug == challenge_slug && scoped.scope.includes(&c.id))
        .ok_or(Error::NotFound("challenge"))?;
    Ok(compute(&data, &challenge.id, &challenge.slug))
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn compute(data: &EventData, challenge_id: &str, slug: &str) -> ChallengeStats {
    let mut per_team: BTreeMap<&str, Vec<&crate::insights::data::Attempt>> = BTreeMap::new();
    let mut errors: BTreeMap<String, u32> = BTreeMap::new();
    let mut attempts = 0usize;
    let mut failures: HashMap<&str, (u32, std::collections::HashSet<&str>)> = HashMap::new();
    for a in data
        .attempts
        .iter()
        .filter(|a| a.challenge_id == challenge_id)
    {
        if let Some(kind) = &a.error_kind {
            *errors.entry(kind.clone()).or_default() += 1;
            continue;
        }
        attempts += 1;
        per_team.entry(a.team_id.as_str()).or_default().push(a);
        for c in a.checks.iter().filter(|c| !c.passed) {
            let entry = failures.entry(c.name.as_str()).or_default();
            entry.0 += 1;
            entry.1.insert(a.team_id.as_str());
        }
    }
    let opened: HashMap<&str, chrono::NaiveDateTime> = data
        .opens
        .iter()
        .filter(|(_, c, _)| c == challenge_id)
        .map(|(t, _, at)| (t.as_str(), *at))
        .collect();
    let (mut until_pass, mut to_solve, mut open_to_solve) = (Vec::new(), Vec::new(), Vec::new());
    for (team, list) in &per_team {
        if let Some(i) = list.iter().position(|a| a.passed) {
            until_pass.push(i64::try_from(i + 1).unwrap_or(i64::MAX));
            to_solve.push((list[i].at - list[0].at).num_seconds());
            if let Some(at) = opened.get(team) {
                open_to_solve.push((list[i].at - *at).num_seconds().max(0));
            }
        }
    }
    let mut failing_checks: Vec<CheckFailures> = failures
        .into_iter()
        .map(|(check, (n, teams))| CheckFailures {
            check: check.to_owned(),
            failures: n,
            teams: count(teams.len()),
        })
        .collect();
    failing_checks.sort_by(|a, b| b.failures.cmp(&a.failures).then(a.check.cmp(&b.check)));
    let (attempted, passed) = (per_team.len(), until_pass.len());
    ChallengeStats {
        challenge: slug.to_owned(),
        teams_attempted: count(attempted),
        teams_passed: count(passed),
        pass_rate: if attempted == 0 {
            0.0
        } else {
            passed as f64 / attempted as f64
        },
        attempts: count(attempts),
        attempts_until_pass: Distribution::of(until_pass),
        time_to_solve_seconds: Distribution::of(to_solve),
        open_to_solve_seconds: Distribution::of(open_to_solve),
        most_frequent_failing_check: failing_checks.first().cloned(),
        failing_checks,
        validator_errors: errors.values().sum(),
        validator_errors_by_kind: errors,
    }
}

#[cfg(test)]
mod tests {
    use super::Distribution;

    #[test]
    fn p90_is_the_nearest_rank() {
        let d = Distribution::of((1..=10).collect());
        assert_eq!(
            (d.min, d.median, d.p90, d.max),
            (Some(1), Some(5), Some(9), Some(10))
        );
        let one = Distribution::of(vec![7]);
        assert_eq!((one.count, one.median, one.p90), (1, Some(7), Some(7)));
        assert_eq!(Distribution::of(vec![]).count, 0);
    }
}
