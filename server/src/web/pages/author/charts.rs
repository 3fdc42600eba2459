//! The author's pictures of one challenge, drawn with [`crate::web::charts`] from
//! [`crate::insights::analytics`]: the pass rate over the event, teams by attempts until their
//! first pass, the checks that fail most, validator errors by kind and the validator's run
//! times. Each chart's figure id starts with the challenge's slug, so that ids stay unique on
//! a page with many challenges.

use chrono::NaiveDateTime;

use crate::{
    db::now,
    insights::analytics::ChallengeAnalytics,
    models::event::Event,
    web::charts::{
        Chart, Figure, Unit,
        bars::{self, BarGroup, Bars},
        lines::{Lines, Series, TimeAxis, render_lines},
    },
};

/// The charts of one challenge, in the order the page shows them (`None`: nothing to draw
/// yet, the page says so).
pub struct AuthorCharts {
    /// Pass rate over the event.
    pub pass_rate: Option<Chart>,
    /// Teams by attempts until their first pass.
    pub attempts: Option<Chart>,
    /// The failing checks, most failures first.
    pub checks: Option<Chart>,
    /// Validator errors by kind.
    pub errors: Option<Chart>,
    /// Run times.
    pub run_times: Option<Chart>,
}

fn seconds(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds().max(0) as f64
}

/// The event's time axis as of now (its end once it ended), with start, freeze and end
/// marked when reached.
fn axis(event: &Event) -> TimeAxis {
    let as_of = now().clamp(event.starts_at, event.ends_at);
    let until = seconds(event.starts_at, as_of).max(60.0);
    let mut markers = vec![("start".to_owned(), 0.0)];
    for (label, at) in [("freeze", event.freeze_at), ("end", Some(event.ends_at))] {
        if let Some(at) = at.map(|at| seconds(event.starts_at, at))
            && at <= until
        {
            markers.push((label.to_owned(), at));
        }
    }
    TimeAxis { until, markers }
}

/// Draws the charts of `a` in `event`.
pub fn draw(event: &Event, a: &ChallengeAnalytics) -> AuthorCharts {
    let id = |what: &str| format!("{}-{what}", a.challenge);
    let pass_rate = (!a.pass_rate.is_empty()).then(|| {
        render_lines(
            &Figure::new(
                id("pass-rate"),
                format!("Pass rate of {} over the event (%)", a.title),
                format!(
                    "The share of the teams that had attempted {} which had passed it, at every moment a team first attempted or first passed it: {} of {} teams passed.",
                    a.title, a.teams_passed, a.teams_attempted
                ),
            ),
            &Lines {
                unit: Unit::Count,
                steps: true,
                series: vec![Series {
                    name: "pass rate (%)".into(),
                    points: a
                        .pass_rate
                        .iter()
                        .map(|p| {
                            (
                                seconds(event.starts_at, p.at.naive_utc()),
                                (p.rate * 100.0).round(),
                            )
                        })
                        .collect(),
                }],
                time: axis(event),
            },
        )
    });
    let attempts = (a.teams_passed > 0).then(|| {
        bars::render(
            &Figure::new(
                id("attempts"),
                format!("Attempts until the first pass of {}", a.title),
                format!(
                    "How many of the {} teams that passed needed 1, 2, … attempts (the last bar: 10 or more).",
                    a.teams_passed
                ),
            ),
            &Bars {
                unit: Unit::Count,
                series: vec!["teams".into()],
                groups: a
                    .attempts_until_pass
                    .iter()
                    .map(|b| BarGroup {
                        label: if b.or_more {
                            format!("{}+ attempts", b.attempts)
                        } else if b.attempts == 1 {
                            "1 attempt".into()
                        } else {
                            format!("{} attempts", b.attempts)
                        },
                        values: vec![f64::from(b.teams)],
                    })
                    .collect(),
            },
        )
    });
    let checks = (!a.failing_checks.is_empty()).then(|| {
        bars::render(
            &Figure::new(
                id("checks"),
                format!("The checks of {} that fail most", a.title),
                "Per check, its failing attempts and the teams that saw it fail, most failures first.",
            ),
            &Bars {
                unit: Unit::Count,
                series: vec!["failing attempts".into(), "teams".into()],
                groups: a
                    .failing_checks
                    .iter()
                    .take(8)
                    .map(|c| BarGroup {
                        label: c.check.clone(),
                        values: vec![f64::from(c.failures), f64::from(c.teams)],
                    })
                    .collect(),
            },
        )
    });
    let errors = (a.validator_errors > 0).then(|| {
        bars::render(
            &Figure::new(
                id("errors"),
                format!("Validator errors of {}", a.title),
                format!(
                    "{} validator errors by kind (they never count against a team).",
                    a.validator_errors
                ),
            ),
            &Bars {
                unit: Unit::Count,
                series: vec!["errors".into()],
                groups: a
                    .validator_errors_by_kind
                    .iter()
                    .map(|e| BarGroup {
                        label: e.kind.clone(),
                        values: vec![f64::from(e.count)],
                    })
                    .collect(),
            },
        )
    });
    let run_times = (a.run_times.runs > 0).then(|| {
        let mut previous = 0.0;
        let groups = a
            .run_time_buckets
            .iter()
            .map(|b| {
                let label = match b.below_ms {
                    Some(bound) => {
                        let label = format!("{previous}–{bound} ms");
                        previous = bound;
                        label
                    }
                    None => format!("{previous} ms or more"),
                };
                BarGroup {
                    label,
                    values: vec![f64::from(b.runs)],
                }
            })
            .collect();
        bars::render(
            &Figure::new(
                id("run-times"),
                format!("Run times of {}'s validator", a.title),
                format!(
                    "{} runs by duration; median {} ms, 90th percentile {} ms, longest {} ms.",
                    a.run_times.runs,
                    a.run_times.median_ms.unwrap_or(0.0),
                    a.run_times.p90_ms.unwrap_or(0.0),
                    a.run_times.max_ms.unwrap_or(0.0)
                ),
            ),
            &Bars {
                unit: Unit::Count,
                series: vec!["runs".into()],
                groups,
            },
        )
    });
    AuthorCharts {
        pass_rate,
        attempts,
        checks,
        errors,
        run_times,
    }
}
