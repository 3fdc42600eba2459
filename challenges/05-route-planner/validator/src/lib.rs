//! `route-planner`: plan the battery-replacement tour of a field technician. Any valid route
//! passes; the score rewards its length: 100 points for being valid, plus up to 400 that shrink
//! linearly with the excess over the best route the judge's own optimiser finds (all of them
//! at 0%, none at `slack_percent`, default 25%). Matching or beating the judge gets 500.
//!
//! Config: `slack_percent` (default `"25"`).

use challenge_sdk::prelude::*;
use std::collections::BTreeMap;

mod plan;

pub use plan::{Site, Sites};

const POINTS: u32 = 500;
const VALID_POINTS: u32 = 100;
/// The submitted file.
pub const OUTPUT: &str = "route.txt";

/// The validator.
pub struct RoutePlanner;

impl Validator for RoutePlanner {
    fn validate(s: Submission) -> Verdict {
        let sites = Sites::generate(&s.team);
        judge(POINTS, |v| {
            let text = s.text(OUTPUT)?;
            let route = parse_route(text);
            if route.is_empty() {
                return Err(Error::new(format!(
                    "`{OUTPUT}` lists no site: write one site id per line."
                )));
            }
            let Some(order) = check_route(v, &sites, &route) else {
                return Ok(());
            };
            let length = sites.length(&order);
            let naive = sites.length(&sites.naive_route());
            let best = sites.length(&sites.reference_route());
            // Every percent above the best known route costs the same points, until `slack`.
            let slack = f64::from(config::parse_or("slack_percent", 25_u32).max(1)) / 100.0;
            let excess = (length / best - 1.0).max(0.0);
            let quality = 1.0 - excess / slack;
            v.passed(true)
                .score(VALID_POINTS)
                .points(quality_points(quality));
            let matched = length <= best + 0.05;
            v.check(
                "distance",
                matched,
                if length < best - 0.05 {
                    format!("{length:.1} km: shorter than the judge's best known route ({best:.1} km). Impressive!")
                } else if matched {
                    format!("{length:.1} km: as short as the judge's best known route.")
                } else {
                    format!(
                        "{length:.1} km. The naive plan (sites in file order) is {naive:.1} km; the best route the judge knows is {best:.1} km."
                    )
                },
            );
            v.feedback(if matched {
                format!("Valid route of {length:.1} km: full marks.")
            } else {
                format!(
                    "Valid route of {length:.1} km, {} longer than the best route the judge knows; within {} of it, every percent counts.",
                    percent(excess),
                    percent(slack)
                )
            });
            v.note(format!(
                "naive {naive:.3} km, best known {best:.3} km, submitted {length:.3} km"
            ));
            info!("route length {length:.3} km (quality {quality:.3})");
            Ok(())
        })
    }

    fn materials(team: &str) -> Vec<File> {
        vec![File::new("sites.csv", Sites::generate(team).csv())]
    }
}

challenge_sdk::export!(RoutePlanner);

/// Site ids in order: one per line or separated by commas; blank lines and `#` comments ignored.
fn parse_route(text: &str) -> Vec<&str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect()
}

/// The three validity checks; the route as site indices when all pass.
fn check_route(v: &mut VerdictBuilder, sites: &Sites, route: &[&str]) -> Option<Vec<usize>> {
    let unknown: Vec<&str> = route
        .iter()
        .copied()
        .filter(|id| sites.index(id).is_none())
        .collect();
    v.check(
        "known-sites",
        unknown.is_empty(),
        match unknown.as_slice() {
            [] => "Every id is a site of `sites.csv`.".to_owned(),
            [id, ..] if *id == "DEPOT" => {
                "Leave the depot out: the route starts and ends there anyway.".to_owned()
            }
            [id, ..] => format!(
                "{} unknown site id(s), e.g. `{id}` (ids look like `S07`).",
                unknown.len()
            ),
        },
    );

    let order: Vec<usize> = route.iter().filter_map(|id| sites.index(id)).collect();
    let mut visits: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in &order {
        *visits.entry(i).or_default() += 1;
    }
    let missing: Vec<&str> = (0..sites.len())
        .filter(|i| !visits.contains_key(i))
        .map(|i| sites.id(i))
        .collect();
    let twice: Vec<&str> = visits
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(i, _)| sites.id(*i))
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("not visited: {}", missing.join(", ")));
    }
    if !twice.is_empty() {
        problems.push(format!("visited more than once: {}", twice.join(", ")));
    }
    v.check(
        "each-site-once",
        problems.is_empty(),
        if problems.is_empty() {
            format!("All {} sites, once each.", sites.len())
        } else {
            format!("Sites {}.", problems.join("; "))
        },
    );

    let first_routine = order.iter().position(|&i| !sites.site(i).urgent);
    let late_urgent =
        first_routine.and_then(|p| order[p..].iter().find(|&&i| sites.site(i).urgent));
    v.check(
        "urgent-first",
        late_urgent.is_none(),
        match late_urgent {
            None => "Every urgent site comes before the routine ones.".to_owned(),
            Some(&i) => format!(
                "Urgent site {} is visited after routine site {}: all urgent sites must come first.",
                sites.id(i),
                sites.id(order[first_routine.unwrap_or(0)])
            ),
        },
    );

    v.all_checks_passed().then_some(order)
}

/// Points above the validity points for a quality in `0..=1` (clamped), rounded down.
fn quality_points(quality: f64) -> u32 {
    let quality = if quality.is_nan() {
        0.0
    } else {
        quality.clamp(0.0, 1.0)
    };
    (f64::from(POINTS - VALID_POINTS) * quality + 1e-9).floor() as u32
}

fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(team: &str, ids: &[&str]) -> Verdict {
        let text = ids.join("\n");
        RoutePlanner::validate(Submission::new("route-planner", team).with_file(OUTPUT, text))
    }

    fn ids(sites: &Sites, order: &[usize]) -> Vec<String> {
        order.iter().map(|&i| sites.id(i).to_owned()).collect()
    }

    #[test]
    fn the_score_falls_with_the_excess_length() {
        let sites = Sites::generate("t");
        let nn = ids(&sites, &sites.nearest_neighbour_route());
        let nn_score = verdict("t", &nn.iter().map(String::as_str).collect::<Vec<_>>()).score;
        assert!(VALID_POINTS < nn_score && nn_score < POINTS, "{nn_score}");
        challenge_sdk::testing::set_config("slack_percent", "50");
        let lenient = verdict("t", &nn.iter().map(String::as_str).collect::<Vec<_>>()).score;
        assert!(lenient > nn_score);
    }

    #[test]
    fn naive_scores_the_validity_points_and_the_reference_full_marks() {
        let sites = Sites::generate("t");
        let naive = ids(&sites, &sites.naive_route());
        let v = verdict("t", &naive.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(v.passed);
        assert_eq!(v.score, VALID_POINTS);
        let best = ids(&sites, &sites.reference_route());
        let v = verdict("t", &best.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(v.passed);
        assert_eq!(v.score, POINTS);
    }

    #[test]
    fn the_optimiser_beats_nearest_neighbour() {
        for team in ["a", "b", "sample-team"] {
            let sites = Sites::generate(team);
            let nn = sites.length(&sites.nearest_neighbour_route());
            let best = sites.length(&sites.reference_route());
            let naive = sites.length(&sites.naive_route());
            assert!(best < nn && nn < naive, "{team}: {best} {nn} {naive}");
        }
    }

    #[test]
    fn invalid_routes_fail_with_the_reason() {
        let sites = Sites::generate("t");
        let mut route = ids(&sites, &sites.naive_route());
        route.pop();
        let v = verdict("t", &route.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(!v.passed);
        assert_eq!(v.score, 0);
        assert!(v.checks[1].message.starts_with("Sites not visited"));
        assert_eq!(
            parse_route("S01, S02\n# comment\n\nS03 # inline\n"),
            ["S01", "S02", "S03"]
        );
    }
}
