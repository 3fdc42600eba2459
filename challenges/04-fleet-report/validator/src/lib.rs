//! `fleet-report`: aggregate a week of fleet events per region. Each team gets its own fleet
//! (`devices.csv`, `events.csv`), generated from its team id; the reference aggregates are
//! recomputed inside the validator and never leave it: feedback says which figure is off and
//! in which direction, never the expected value (that goes to the private notes).

use challenge_sdk::json::Value;
use challenge_sdk::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod fleet;

pub use fleet::{Fleet, RegionStats, Report};

const POINTS: u32 = 400;
const REGION_SET_POINTS: u32 = 40;
const FIGURE_POINTS: u32 = 280;
const NOISIEST_POINTS: u32 = 80;
/// The submitted file.
pub const OUTPUT: &str = "report.json";
/// Averages are compared to two decimals.
const LATENCY_TOLERANCE: f64 = 0.011;

/// The validator.
pub struct FleetReport;

impl Validator for FleetReport {
    fn validate(s: Submission) -> Verdict {
        let fleet = Fleet::generate(&s.team);
        let expected = fleet.report();
        judge(POINTS, |v| {
            v.note(format!("reference: {}", expected.to_json()));
            let report: Value = s.json(OUTPUT)?;
            let Some(regions) = report.get("regions").and_then(Value::as_object) else {
                return Err(Error::new(format!(
                    "`{OUTPUT}` must be an object with a `regions` object, see the statement."
                )));
            };

            let submitted: BTreeSet<&str> = regions.keys().map(String::as_str).collect();
            let wanted: BTreeSet<&str> = expected.regions.keys().map(String::as_str).collect();
            let missing: Vec<&str> = wanted.difference(&submitted).copied().collect();
            let extra: Vec<&str> = submitted.difference(&wanted).copied().collect();
            let set_message = match (missing.is_empty(), extra.is_empty()) {
                (true, true) => format!("All {} regions of your fleet, no others.", wanted.len()),
                _ if wanted.is_disjoint(&submitted) => {
                    "None of these regions is in your fleet: is this report computed from your own materials?".to_owned()
                }
                _ => {
                    let mut parts = Vec::new();
                    if !missing.is_empty() {
                        parts.push(format!("missing: {}", missing.join(", ")));
                    }
                    if !extra.is_empty() {
                        parts.push(format!("not regions of your fleet: {}", extra.join(", ")));
                    }
                    format!("Regions {}.", parts.join("; "))
                }
            };
            v.scored_check(
                "regions",
                REGION_SET_POINTS,
                missing.is_empty() && extra.is_empty(),
                set_message,
            );

            let total_figures = expected.regions.len() * 4;
            let mut correct_figures = 0;
            for (name, want) in &expected.regions {
                let (correct, message) = match regions.get(name) {
                    None => (0, format!("`{name}` is missing from the report.")),
                    Some(got) => judge_region(&fleet, name, want, got),
                };
                correct_figures += correct;
                v.check(format!("region {name}"), correct == 4, message);
            }
            v.points(share(FIGURE_POINTS, correct_figures, total_figures));

            let noisiest = report
                .get("noisiest_device")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let noisiest_ok = noisiest == expected.noisiest_device;
            v.scored_check(
                "noisiest_device",
                NOISIEST_POINTS,
                noisiest_ok,
                if noisiest_ok {
                    format!("`{noisiest}` logged the most errors.")
                } else if noisiest.is_empty() {
                    "`noisiest_device` is missing (a string: the device id).".to_owned()
                } else if fleet.is_registered(noisiest) {
                    format!("`{noisiest}` is not the registered device with the most errors (ties go to the smallest id).")
                } else {
                    format!("`{noisiest}` is not in `devices.csv`: only registered devices count.")
                },
            );
            Ok(())
        })
    }

    fn materials(team: &str) -> Vec<File> {
        let fleet = Fleet::generate(team);
        vec![
            File::new("devices.csv", fleet.devices_csv()),
            File::new("events.csv", fleet.events_csv()),
        ]
    }
}

challenge_sdk::export!(FleetReport);

/// `points` × `numerator` / `denominator`, rounded down.
fn share(points: u32, numerator: usize, denominator: usize) -> u32 {
    if denominator == 0 {
        return 0;
    }
    u32::try_from(u64::from(points) * numerator as u64 / denominator as u64).unwrap_or(points)
}

/// Compares one region's four figures; returns how many are right and the message.
fn judge_region(fleet: &Fleet, name: &str, want: &RegionStats, got: &Value) -> (usize, String) {
    let int = |key: &str| got.get(key).and_then(Value::as_u64);
    let mut problems = Vec::new();
    let mut correct = 0;
    let lenient = fleet.lenient_stats(name);

    let mut count = |key: &str, want: u64, mistake: Option<(u64, &str)>| match int(key) {
        Some(got) if got == want => correct += 1,
        Some(got) => {
            let hint = mistake
                .filter(|(wrong, _)| *wrong == got)
                .map_or("", |(_, hint)| hint);
            problems.push(format!(
                "`{key}` is too {}{hint}",
                if got > want { "high" } else { "low" }
            ));
        }
        None => problems.push(format!("`{key}` must be a whole number")),
    };
    count(
        "devices",
        want.devices,
        Some((
            lenient.registered_devices,
            " (only devices that sent events count)",
        )),
    );
    count(
        "events",
        want.events,
        Some((
            lenient.events_with_unregistered,
            " (ignore devices that are not in devices.csv)",
        )),
    );
    count(
        "errors",
        want.errors,
        Some((
            lenient.errors_with_unregistered,
            " (ignore devices that are not in devices.csv)",
        )),
    );

    match got.get("avg_latency_ms").and_then(Value::as_f64) {
        Some(avg) if (avg - want.avg_latency_ms).abs() <= LATENCY_TOLERANCE => correct += 1,
        Some(avg) => {
            let hint = if (avg - lenient.avg_with_errors_as_zero).abs() <= LATENCY_TOLERANCE {
                " (error events have no latency: leave them out of the average)"
            } else if (avg - lenient.avg_with_unregistered).abs() <= LATENCY_TOLERANCE {
                " (ignore devices that are not in devices.csv)"
            } else {
                ""
            };
            problems.push(format!(
                "`avg_latency_ms` is too {}{hint}",
                if avg > want.avg_latency_ms {
                    "high"
                } else {
                    "low"
                }
            ));
        }
        None => problems.push("`avg_latency_ms` must be a number".to_owned()),
    }

    let message = if problems.is_empty() {
        format!("All four figures of `{name}` are right.")
    } else {
        format!("{name}: {}.", problems.join("; "))
    };
    (correct, message)
}

/// A map of the regions' figures, for tests and samples.
pub fn expected_report(team: &str) -> BTreeMap<String, RegionStats> {
    Fleet::generate(team).report().regions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(team: &str, json: &str) -> Verdict {
        FleetReport::validate(Submission::new("fleet-report", team).with_file(OUTPUT, json))
    }

    #[test]
    fn the_reference_passes_and_another_teams_does_not() {
        let mine = Fleet::generate("team-a").report().to_json();
        let v = verdict("team-a", &mine);
        assert!(v.passed, "{v:?}");
        assert_eq!(v.score, POINTS);
        let copied = verdict("team-b", &mine);
        assert!(!copied.passed);
        assert!(copied.score < POINTS / 2, "{copied:?}");
    }

    #[test]
    fn feedback_never_contains_the_expected_figures() {
        let report = Fleet::generate("team-a").report();
        let wrong = report.to_json().replace("\"events\": ", "\"events\": 1");
        let v = verdict("team-a", &wrong);
        assert!(!v.passed);
        for stats in report.regions.values() {
            let needle = format!("{:.2}", stats.avg_latency_ms);
            assert!(!v.feedback.contains(&needle));
            assert!(v.checks.iter().all(|c| !c.message.contains(&needle)));
        }
        assert!(v.notes.contains("reference"));
    }

    #[test]
    fn a_silent_device_and_unregistered_devices_exist() {
        for team in ["sample-team", "team-blue", "x", "y"] {
            let fleet = Fleet::generate(team);
            let report = fleet.report();
            let lenient: Vec<_> = report
                .regions
                .keys()
                .map(|r| fleet.lenient_stats(r))
                .collect();
            assert!(
                report
                    .regions
                    .values()
                    .zip(&lenient)
                    .any(|(s, l)| l.registered_devices > s.devices),
                "{team}"
            );
            assert!(
                report
                    .regions
                    .values()
                    .zip(&lenient)
                    .any(|(s, l)| l.events_with_unregistered > s.events),
                "{team}"
            );
        }
    }
}
