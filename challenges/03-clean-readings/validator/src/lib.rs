//! `clean-readings`: clean a messy export of thermometer readings. Every team gets the same
//! `readings_raw.csv`; the judge recomputes the clean table from it and gives partial credit
//! per cleaning rule, so a team that got most of it right sees exactly which rule is left.

use challenge_sdk::csv::Table;
use challenge_sdk::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod raw;
mod time;

pub use raw::raw_csv;

const POINTS: u32 = 300;
/// The file teams submit.
pub const OUTPUT: &str = "readings_clean.csv";
const HEADER: [&str; 3] = ["device_id", "timestamp", "temp_c"];
/// Half a unit of the last decimal, plus room for rounding the other way.
const TOLERANCE: f64 = 0.1 + 1e-9;

/// The validator.
pub struct CleanReadings;

impl Validator for CleanReadings {
    fn validate(s: Submission) -> Verdict {
        let expected = reference();
        judge(POINTS, |v| {
            let table = s.csv(OUTPUT)?;
            let exact = table.headers == HEADER;
            v.scored_check(
                "header",
                30,
                exact,
                if exact {
                    "The header is `device_id,timestamp,temp_c`.".to_owned()
                } else {
                    let hint = if table.headers.len() == 1 && table.headers[0].contains(';') {
                        " Fields must be separated by commas, not semicolons."
                    } else {
                        ""
                    };
                    format!(
                        "The header must be exactly `device_id,timestamp,temp_c`, got `{}`.{hint}",
                        table.headers.join(",")
                    )
                },
            );
            table
                .require_columns(&HEADER)
                .map_err(|e| e.context(format!("`{OUTPUT}`")))?;
            judge_rows(v, &table, &expected);
            v.note(format!("reference: {} rows", expected.len()));
            Ok(())
        })
    }

    fn materials(_team: &str) -> Vec<File> {
        vec![File::new("readings_raw.csv", raw_csv())]
    }
}

challenge_sdk::export!(CleanReadings);

/// A reading's identity: device and time (seconds since the epoch).
type Key = (String, i64);

/// The clean table, by key: the hidden reference.
pub fn reference() -> BTreeMap<Key, f64> {
    let mut clean = BTreeMap::new();
    let table = Table::parse(&raw_csv()).unwrap_or_default();
    for r in table.records() {
        let (Some(device), Some(time), Some(temp), Some(unit)) =
            (r.get("device"), r.get("time"), r.get("temp"), r.get("unit"))
        else {
            continue;
        };
        let (Some(seconds), Ok(value)) = (time::parse_any(time), temp.parse::<f64>()) else {
            continue;
        };
        let celsius = if unit == "F" {
            (value - 32.0) * 5.0 / 9.0
        } else {
            value
        };
        clean.insert(
            (device.trim().to_uppercase(), seconds),
            (celsius * 10.0).round() / 10.0,
        );
    }
    clean
}

/// The reference rendered as the expected file (used to write the samples).
pub fn reference_csv() -> String {
    let mut out = String::from("device_id,timestamp,temp_c\n");
    for ((device, seconds), temp) in reference() {
        out.push_str(&format!("{device},{},{temp:.1}\n", time::iso(seconds)));
    }
    out
}

/// One submitted row, read leniently so that one mistake does not hide the others.
struct Submitted<'a> {
    line: usize,
    /// As written, spaces included.
    device: &'a str,
    timestamp: &'a str,
    key: Option<Key>,
    temp: Option<f64>,
}

fn judge_rows(v: &mut VerdictBuilder, table: &Table, expected: &BTreeMap<Key, f64>) {
    let rows: Vec<Submitted<'_>> = table
        .records()
        .map(|r| {
            // Untrimmed: stray spaces are one of the things to clean.
            let device = table
                .column("device_id")
                .map_or("", |i| r.fields()[i].as_str());
            let timestamp = r.get("timestamp").unwrap_or_default();
            let key = time::parse_any(timestamp).map(|t| (device.trim().to_uppercase(), t));
            Submitted {
                line: r.line(),
                device,
                timestamp,
                key,
                temp: r.get("temp_c").and_then(|t| t.parse().ok()),
            }
        })
        .collect();

    // Rows: the set of readings, whatever their spelling.
    let submitted: BTreeSet<&Key> = rows.iter().filter_map(|r| r.key.as_ref()).collect();
    let missing: Vec<&Key> = expected.keys().filter(|k| !submitted.contains(k)).collect();
    let extra: Vec<&Submitted<'_>> = rows
        .iter()
        .filter(|r| r.key.as_ref().is_none_or(|k| !expected.contains_key(k)))
        .collect();
    let rows_message = if missing.is_empty() && extra.is_empty() {
        format!(
            "All {} readings are there, and nothing else.",
            expected.len()
        )
    } else {
        let mut parts = Vec::new();
        if let Some(k) = missing.first() {
            parts.push(format!(
                "{} reading(s) missing, e.g. {} at {}",
                missing.len(),
                k.0,
                time::iso(k.1)
            ));
        }
        if let Some(r) = extra.first() {
            let hint = if r.temp.is_none() {
                ": readings without a temperature must be dropped"
            } else {
                ""
            };
            parts.push(format!(
                "{} row(s) that are not readings, e.g. line {}{hint}",
                extra.len(),
                r.line
            ));
        }
        parts.join("; ") + "."
    };
    v.scored_check(
        "rows",
        50,
        missing.is_empty() && extra.is_empty(),
        rows_message,
    );

    // Duplicates: the same reading twice.
    let mut seen = BTreeSet::new();
    let duplicate = rows
        .iter()
        .find(|r| r.key.as_ref().is_some_and(|k| !seen.insert(k)));
    v.scored_check(
        "duplicates",
        40,
        duplicate.is_none(),
        match duplicate {
            None => "Every reading appears once.".to_owned(),
            Some(r) => format!("Line {} repeats a reading already listed: the gateway re-sends readings, keep one.", r.line),
        },
    );

    // Device ids: `TH-` and two digits, nothing around.
    let bad_device = rows.iter().find(|r| !is_canonical_device(r.device));
    v.scored_check(
        "device-ids",
        40,
        bad_device.is_none(),
        match bad_device {
            None => "Device ids are upper-case and trimmed.".to_owned(),
            Some(r) => format!(
                "Line {}: device id `{}` must be upper-case with no spaces, like `TH-01`.",
                r.line, r.device
            ),
        },
    );

    // Timestamps: ISO 8601 in UTC with a `Z`.
    let bad_time = rows.iter().find(|r| !time::is_iso(r.timestamp));
    v.scored_check(
        "timestamps",
        50,
        bad_time.is_none(),
        match bad_time {
            None => "Timestamps are ISO 8601 UTC.".to_owned(),
            Some(r) => format!(
                "Line {}: timestamp `{}` must be ISO 8601 in UTC, like `2024-05-14T08:15:00Z`.",
                r.line, r.timestamp
            ),
        },
    );

    // Temperatures, on the readings that can be matched.
    let mut wrong = rows.iter().filter_map(|r| {
        let want = *expected.get(r.key.as_ref()?)?;
        match r.temp {
            Some(got) if (got - want).abs() <= TOLERANCE => None,
            got => Some((r, got, want)),
        }
    });
    let first_wrong = wrong.next();
    let wrong_count = first_wrong.map_or(0, |_| 1 + wrong.count());
    v.scored_check(
        "temperatures",
        60,
        first_wrong.is_none(),
        match first_wrong {
            None => "Temperatures are in Celsius, to one decimal.".to_owned(),
            Some((r, got, want)) => {
                let hint = match got {
                    Some(got) if (got - (want * 9.0 / 5.0 + 32.0)).abs() <= 0.2 => {
                        " Was it still in Fahrenheit?"
                    }
                    None => " It is not a number.",
                    _ => "",
                };
                format!(
                    "{wrong_count} temperature(s) are off, e.g. line {}.{hint}",
                    r.line
                )
            }
        },
    );

    // Order: by device id, then time.
    let keyed: Vec<(usize, &Key)> = rows
        .iter()
        .filter_map(|r| Some((r.line, r.key.as_ref()?)))
        .collect();
    let unsorted = keyed.windows(2).find(|w| w[0].1 > w[1].1);
    v.scored_check(
        "order",
        30,
        unsorted.is_none(),
        match unsorted {
            None => "Sorted by device id, then time.".to_owned(),
            Some(w) => format!(
                "Rows must be sorted by device id, then time: line {} should come before line {}.",
                w[1].0, w[0].0
            ),
        },
    );
}

fn is_canonical_device(id: &str) -> bool {
    id.len() == 5 && id.starts_with("TH-") && id[3..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(csv: &str) -> Verdict {
        CleanReadings::validate(Submission::new("clean-readings", "t").with_file(OUTPUT, csv))
    }

    #[test]
    fn the_reference_scores_full_marks() {
        let v = verdict(&reference_csv());
        assert!(v.passed, "{v:?}");
        assert_eq!(v.score, POINTS);
    }

    #[test]
    fn the_raw_file_has_every_kind_of_mess() {
        let raw = raw_csv();
        assert!(raw.contains(",F\n") && raw.contains(",n/a,") && raw.contains(",,"));
        assert!(raw.contains(" TH-") || raw.contains("th-"));
        let rows = raw.lines().count() - 1;
        assert!(
            rows > reference().len(),
            "duplicates and empty readings are dropped"
        );
    }

    #[test]
    fn unconverted_fahrenheit_loses_the_temperature_points_only() {
        let raw = Table::parse(&raw_csv()).unwrap();
        let f_devices: BTreeSet<String> = raw
            .records()
            .filter(|r| r.get("unit") == Some("F"))
            .filter_map(|r| r.get("device").map(|d| d.trim().to_uppercase()))
            .collect();
        assert!(!f_devices.is_empty());
        let wrong: String = reference()
            .into_iter()
            .map(|((d, t), c)| {
                let shown = if f_devices.contains(&d) {
                    c * 9.0 / 5.0 + 32.0
                } else {
                    c
                };
                format!("{d},{},{shown:.1}\n", time::iso(t))
            })
            .collect();
        let v = verdict(&format!("device_id,timestamp,temp_c\n{wrong}"));
        assert!(!v.passed);
        assert_eq!(v.score, POINTS - 60);
    }

    #[test]
    fn a_missing_column_ends_judging_with_the_header_check() {
        let v = verdict("device;timestamp;temp\nTH-01;x;1\n");
        assert_eq!(v.score, 0);
        assert_eq!(v.checks.len(), 2);
        assert!(v.checks[1].message.contains("missing columns"), "{v:?}");
    }
}
