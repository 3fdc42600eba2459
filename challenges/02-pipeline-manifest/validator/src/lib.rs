//! `pipeline-manifest`: write the Telemetra pipeline that brings the Lyon plant's temperatures
//! into the time-series store. Every requirement of the statement is one check, named after
//! the field it is about, so the team sees exactly which line of `pipeline.toml` to fix.
//!
//! Config: `allow_unknown_keys` (default `"false"`): whether keys the pipeline format does not
//! know fail the `unknown-keys` check (a typo such as `retention_day` is the classic cliff).

use challenge_sdk::prelude::*;
use challenge_sdk::toml::{Table, Value, lookup, type_of};

const POINTS: u32 = 200;
const FILE: &str = "pipeline.toml";
const BROKER_HOST: &str = "broker.lyon.telemetra.example";

/// The keys the pipeline format knows, per table; everything else is reported as unknown.
const KNOWN_KEYS: [(&str, &[&str]); 4] = [
    ("pipeline", &["name", "workers", "description"]),
    ("source", &["kind", "url", "topic", "client_id"]),
    (
        "sink",
        &["kind", "retention_days", "batch_size", "database"],
    ),
    ("transform", &["type", "field", "equals", "to", "target"]),
];

/// The validator.
pub struct PipelineManifest;

impl Validator for PipelineManifest {
    fn validate(s: Submission) -> Verdict {
        judge(POINTS, |v| {
            let table: Table = s.toml(FILE)?;
            check_pipeline(v, &table);
            check_source(v, &table);
            check_transforms(v, &table);
            check_sink(v, &table);
            let strict = !config::parse_or("allow_unknown_keys", false);
            check_unknown_keys(v, &table, strict);
            if v.all_checks_passed() {
                v.feedback("Pipeline accepted: Lyon's temperatures are flowing into the time-series store.");
            }
            Ok(())
        })
    }
}

challenge_sdk::export!(PipelineManifest);

/// The value at `path` as a string, or the message to show.
fn string_at<'a>(table: &'a Table, path: &str) -> Result<&'a str, String> {
    match lookup(table, path) {
        None => Err(format!("`{path}` is missing.")),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "`{path}` must be a string, got {} (`{other}`).",
            type_of(other)
        )),
    }
}

/// The value at `path` as an integer, or the message to show.
fn integer_at(table: &Table, path: &str) -> Result<i64, String> {
    match lookup(table, path) {
        None => Err(format!("`{path}` is missing.")),
        Some(Value::Integer(n)) => Ok(*n),
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => Err(format!(
            "`{path}` must be an integer, not a string: write {s} without quotes."
        )),
        Some(other) => Err(format!(
            "`{path}` must be an integer, got {} (`{other}`).",
            type_of(other)
        )),
    }
}

fn check_pipeline(v: &mut VerdictBuilder, t: &Table) {
    let name = string_at(t, "pipeline.name").and_then(|name| {
        let kebab = name.split('-').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
        if !(3..=40).contains(&name.len()) {
            Err(format!("`pipeline.name` must be 3 to 40 characters long (`{name}` has {}).", name.len()))
        } else if !kebab {
            Err(format!("`pipeline.name` must be kebab-case (lowercase letters, digits and single dashes), got `{name}`."))
        } else {
            Ok(format!("`pipeline.name` = `{name}`."))
        }
    });
    v.check_result("pipeline.name", name);

    let workers = integer_at(t, "pipeline.workers").and_then(|n| {
        if (1..=8).contains(&n) {
            Ok(format!("`pipeline.workers` = {n}."))
        } else {
            Err(format!(
                "`pipeline.workers` must be between 1 and 8 (the gateway has 8 cores), got {n}."
            ))
        }
    });
    v.check_result("pipeline.workers", workers);
}

fn check_source(v: &mut VerdictBuilder, t: &Table) {
    let kind = string_at(t, "source.kind").and_then(|kind| match kind {
        "mqtt" => Ok("`source.kind` = `mqtt`.".to_owned()),
        "kafka" | "http" => Err(format!("`source.kind` is `{kind}`, but the Lyon sensors publish over MQTT.")),
        _ => Err(format!("`source.kind` must be one of `mqtt`, `kafka`, `http`; the Lyon sensors need `mqtt` (got `{kind}`).")),
    });
    v.check_result("source.kind", kind);

    let url = string_at(t, "source.url").and_then(|url| {
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(format!("`source.url` must look like `scheme://host:port`, got `{url}`."));
        };
        let (host, port) = rest.trim_end_matches('/').split_once(':').unwrap_or((rest.trim_end_matches('/'), ""));
        if scheme == "mqtt" {
            Err("`source.url` uses plain `mqtt://`: the plant's broker only accepts TLS, use `mqtts://`.".to_owned())
        } else if scheme != "mqtts" {
            Err(format!("`source.url` scheme must be `mqtts`, got `{scheme}`."))
        } else if host != BROKER_HOST {
            Err(format!("`source.url` must point at the Lyon broker `{BROKER_HOST}`, got `{host}`."))
        } else if port.is_empty() {
            Err("`source.url` has no port: the broker's TLS listener is on 8883.".to_owned())
        } else if port != "8883" {
            Err(format!("`source.url` port {port} is not the TLS listener: use 8883."))
        } else {
            Ok(format!("`source.url` = `{url}`."))
        }
    });
    v.check_result("source.url", url);

    let topic = string_at(t, "source.topic").and_then(|topic| match topic {
        "lyon/+/temperature" => Ok("`source.topic` subscribes to every line's temperature.".to_owned()),
        "lyon/#" | "lyon/+/#" => Err(format!(
            "`source.topic` = `{topic}` also receives humidity and vibration: use a single-level wildcard for the line only."
        )),
        t if t.starts_with("lyon/") && t.ends_with("/temperature") && !t.contains('+') => Err(format!(
            "`source.topic` = `{t}` only covers one production line: use a wildcard for the line number."
        )),
        t => Err(format!("`source.topic` must match every line's temperature topic (`lyon/<line>/temperature`), got `{t}`.")),
    });
    v.check_result("source.topic", topic);
}

/// One `[[transform]]` entry, as far as it could be read.
struct Transform<'a> {
    kind: Option<&'a str>,
    table: &'a Table,
}

impl Transform<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        self.table.get(key).and_then(Value::as_str)
    }

    fn is_drop_bad(&self) -> bool {
        self.kind == Some("drop")
            && self.str("field") == Some("quality")
            && self.str("equals") == Some("bad")
    }

    fn is_convert(&self) -> bool {
        self.kind == Some("convert")
            && self.str("field") == Some("temp_f")
            && self.str("to") == Some("celsius")
            && self.str("target") == Some("temp_c")
    }
}

fn check_transforms(v: &mut VerdictBuilder, t: &Table) {
    let transforms: Vec<Transform<'_>> = match t.get("transform") {
        None => {
            v.fail_check("transform", "There is no `[[transform]]` step: the pipeline must drop bad readings and convert to Celsius.");
            return;
        }
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_table)
            .map(|table| Transform {
                kind: table.get("type").and_then(Value::as_str),
                table,
            })
            .collect(),
        Some(other) => {
            v.fail_check(
                "transform",
                format!(
                    "`transform` must be an array of tables (`[[transform]]`), got {}.",
                    type_of(other)
                ),
            );
            return;
        }
    };
    let drop = transforms.iter().position(Transform::is_drop_bad);
    let convert = transforms.iter().position(Transform::is_convert);

    let drop_message = match drop {
        Some(i) => Ok(format!("Step {} drops readings whose `quality` is `bad`.", i + 1)),
        None if transforms.iter().any(|t| t.kind == Some("drop")) => Err(
            "A `drop` step exists but does not drop `quality` = `bad`: set `field = \"quality\"` and `equals = \"bad\"`.".to_owned(),
        ),
        None => Err("No `drop` step removes readings whose `quality` is `bad`.".to_owned()),
    };
    v.check_result("transform.drop", drop_message);

    let convert_message = match convert {
        Some(i) => Ok(format!("Step {} converts `temp_f` to Celsius into `temp_c`.", i + 1)),
        None => match transforms.iter().find(|t| t.kind == Some("convert")) {
            Some(c) if c.str("to") == Some("fahrenheit") => {
                Err("The `convert` step goes the wrong way: the sensors send Fahrenheit, the store wants `to = \"celsius\"`.".to_owned())
            }
            Some(c) if c.str("target").is_none() => {
                Err("The `convert` step has no `target`: the dashboards read the `temp_c` field.".to_owned())
            }
            Some(_) => Err("The `convert` step must read `temp_f`, convert `to = \"celsius\"` and write `target = \"temp_c\"`.".to_owned()),
            None => Err("No `convert` step turns `temp_f` into Celsius.".to_owned()),
        },
    };
    v.check_result("transform.convert", convert_message);

    if let (Some(d), Some(c)) = (drop, convert) {
        v.check(
            "transform.order",
            d < c,
            if d < c {
                "Bad readings are dropped before conversion: no work wasted on them."
            } else {
                "Drop bad readings *before* converting them: steps run in file order, and conversions are the expensive part."
            },
        );
    }
}

fn check_sink(v: &mut VerdictBuilder, t: &Table) {
    let kind = string_at(t, "sink.kind").and_then(|kind| match kind {
        "timeseries" => Ok("`sink.kind` = `timeseries`.".to_owned()),
        _ => Err(format!(
            "`sink.kind` must be `timeseries` (the dashboards read from it), got `{kind}`."
        )),
    });
    v.check_result("sink.kind", kind);

    let retention = integer_at(t, "sink.retention_days").and_then(|days| match days {
        30 => Ok("`sink.retention_days` = 30, as the plant's data policy requires.".to_owned()),
        d if d > 30 => Err(format!(
            "`sink.retention_days` = {d} keeps data longer than the 30 days the policy allows."
        )),
        d => Err(format!(
            "`sink.retention_days` = {d}: the policy requires 30 days of history."
        )),
    });
    v.check_result("sink.retention_days", retention);

    let batch = integer_at(t, "sink.batch_size").and_then(|n| {
        if !(64..=4096).contains(&n) {
            Err(format!(
                "`sink.batch_size` must be between 64 and 4096, got {n}."
            ))
        } else if n.count_ones() != 1 {
            Err(format!(
                "`sink.batch_size` must be a power of two (64, 128, …, 4096), got {n}."
            ))
        } else {
            Ok(format!("`sink.batch_size` = {n}."))
        }
    });
    v.check_result("sink.batch_size", batch);
}

fn check_unknown_keys(v: &mut VerdictBuilder, t: &Table, strict: bool) {
    let mut unknown = Vec::new();
    for (key, value) in t {
        let Some((_, known)) = KNOWN_KEYS.iter().find(|(table, _)| table == key) else {
            unknown.push(format!(
                "`{key}`{}",
                suggestion(key, KNOWN_KEYS.iter().map(|(k, _)| *k))
            ));
            continue;
        };
        let tables: Vec<&Table> = match value {
            Value::Table(table) => vec![table],
            Value::Array(items) => items.iter().filter_map(Value::as_table).collect(),
            _ => Vec::new(),
        };
        for table in tables {
            for inner in table.keys().filter(|k| !known.contains(&k.as_str())) {
                unknown.push(format!(
                    "`{key}.{inner}`{}",
                    suggestion(inner, known.iter().copied())
                ));
            }
        }
    }
    unknown.dedup();
    if unknown.is_empty() {
        v.pass_check("unknown-keys", "No unknown keys.");
    } else {
        let message = format!(
            "Unknown key(s), ignored by the pipeline: {}.",
            unknown.join(", ")
        );
        if strict {
            v.fail_check("unknown-keys", message);
        } else {
            log::info(&message);
            v.pass_check("unknown-keys", message);
        }
    }
}

/// " (did you mean `x`?)" when a known key is one typo away from `key`.
fn suggestion<'a>(key: &str, known: impl Iterator<Item = &'a str>) -> String {
    known
        .filter(|k| edit_distance(k, key) <= 2)
        .min_by_key(|k| edit_distance(k, key))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = include_str!("../../samples/pass/reference/pipeline.toml");

    fn verdict(text: &str) -> Verdict {
        PipelineManifest::validate(Submission::new("pipeline-manifest", "t").with_file(FILE, text))
    }

    fn failed(v: &Verdict) -> Vec<&str> {
        v.failed_checks().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn the_reference_passes() {
        let v = verdict(GOOD);
        assert!(v.passed, "{v:?}");
        assert_eq!(v.score, POINTS);
    }

    #[test]
    fn each_field_is_reported_on_its_own() {
        let v = verdict(
            &GOOD
                .replace("mqtts://", "mqtt://")
                .replace("retention_days = 30", "retention_days = \"30\""),
        );
        assert_eq!(failed(&v), ["source.url", "sink.retention_days"]);
        assert!(
            v.checks
                .iter()
                .any(|c| c.message.contains("without quotes"))
        );
    }

    #[test]
    fn typos_get_suggestions_and_config_relaxes_them() {
        let text = GOOD.replace("batch_size", "batch_sise");
        let v = verdict(&text);
        assert_eq!(failed(&v), ["sink.batch_size", "unknown-keys"]);
        assert!(
            v.checks
                .iter()
                .any(|c| c.message.contains("did you mean `batch_size`"))
        );
        challenge_sdk::testing::set_config("allow_unknown_keys", "true");
        assert_eq!(failed(&verdict(&text)), ["sink.batch_size"]);
    }

    #[test]
    fn edit_distance_counts_typos() {
        assert_eq!(edit_distance("retention_days", "retention_day"), 1);
        assert_eq!(edit_distance("sink", "sinks"), 1);
        assert_eq!(edit_distance("abc", "xyz"), 3);
    }
}
