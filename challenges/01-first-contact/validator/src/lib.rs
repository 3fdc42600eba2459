//! `first-contact`: the warm-up. Each team gets its own `gateway.log`; the answer is the number
//! of distinct devices that logged at least one ERROR-level line.
//!
//! The log is generated from the team id, so answers cannot be passed between teams, and it
//! contains the traps a quick `grep` falls into: devices that fail more than once, WARN lines,
//! and INFO lines whose message mentions "ERROR".

use challenge_sdk::prelude::*;
use std::collections::BTreeSet;

/// Salt of the per-team generator: fixed forever, or teams' materials change mid-event.
const SALT: &str = "first-contact/v1";
const POINTS: u32 = 100;

/// The validator.
pub struct FirstContact;

impl Validator for FirstContact {
    fn validate(s: Submission) -> Verdict {
        let log = GatewayLog::generate(&s.team);
        let facts = log.facts();
        judge(POINTS, |v| {
            v.note(format!(
                "expected {} (error lines {}, lines containing ERROR {}, WARN-or-ERROR devices {})",
                facts.error_devices,
                facts.error_lines,
                facts.grep_error_lines,
                facts.warn_or_error_devices
            ));
            let answer = s.answer();
            if answer.is_empty() {
                return Err(Error::new(
                    "The answer is empty: submit the number of devices as a short answer.",
                ));
            }
            let Ok(n) = answer.parse::<usize>() else {
                v.fail_check(
                    "format",
                    format!("`{answer}` is not a whole number: submit digits only, like `12`."),
                );
                return Ok(());
            };
            v.pass_check("format", "A whole number.");
            let (ok, message) = if n == facts.error_devices {
                (
                    true,
                    "Correct: that is how many devices reported at least one ERROR.",
                )
            } else if n == facts.error_lines {
                (
                    false,
                    "That is the number of ERROR lines, but some devices failed more than once: count each device once.",
                )
            } else if n == facts.grep_error_lines {
                (
                    false,
                    "Careful: some INFO lines mention ERROR in their message. Look at the level column, and count devices, not lines.",
                )
            } else if n == facts.warn_or_error_devices {
                (
                    false,
                    "That count includes devices that only logged WARN lines: count ERROR-level lines only.",
                )
            } else {
                (
                    false,
                    "Not quite. Look at the level of each line, and count each device once.",
                )
            };
            v.check("answer", ok, message);
            Ok(())
        })
    }

    fn materials(team: &str) -> Vec<File> {
        vec![File::new(
            "gateway.log",
            GatewayLog::generate(team).render(),
        )]
    }
}

challenge_sdk::export!(FirstContact);

/// One log line's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Info,
    Warn,
    Error,
}

/// One log line.
#[derive(Debug, Clone)]
struct Line {
    seconds: u32,
    level: Level,
    device: String,
    message: &'static str,
    latency_ms: u32,
}

/// A team's gateway log.
#[derive(Debug, Clone)]
pub struct GatewayLog {
    lines: Vec<Line>,
}

/// What the log says, and the numbers the usual mistakes give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The right answer.
    pub error_devices: usize,
    /// Lines at ERROR level.
    pub error_lines: usize,
    /// Lines containing the text `ERROR` anywhere.
    pub grep_error_lines: usize,
    /// Devices with a WARN or an ERROR line.
    pub warn_or_error_devices: usize,
}

const INFO_MESSAGES: [&str; 5] = [
    "reading accepted",
    "reading accepted",
    "batch flushed",
    "heartbeat",
    "config reloaded",
];
const DECOY_MESSAGE: &str = "recovered from ERROR state";
const WARN_MESSAGES: [&str; 3] = [
    "clock drift above 200ms",
    "retrying publish",
    "battery below 20%",
];
const ERROR_MESSAGES: [&str; 3] = [
    "sensor read failed",
    "publish rejected: bad checksum",
    "watchdog reset",
];

impl GatewayLog {
    /// The log of `team`.
    pub fn generate(team: &str) -> Self {
        let mut rng = TeamRng::new(team, SALT);
        let mut devices = BTreeSet::new();
        while devices.len() < 16 {
            devices.insert(format!("therm-{:04}", rng.range(100, 9999)));
        }
        let mut devices: Vec<String> = devices.into_iter().collect();
        rng.shuffle(&mut devices);
        let faulty_count = usize::try_from(rng.range(4, 8)).unwrap_or(4);
        let (faulty, healthy) = devices.split_at(faulty_count);

        // Background traffic: INFO from everyone, WARN from a few healthy devices.
        let mut events: Vec<(Level, String, &'static str)> = Vec::new();
        for _ in 0..130 {
            let device = rng.pick(&devices).cloned().unwrap_or_default();
            let message = if rng.chance(0.05) {
                DECOY_MESSAGE
            } else {
                *rng.pick(&INFO_MESSAGES).unwrap_or(&"heartbeat")
            };
            events.push((Level::Info, device, message));
        }
        for device in healthy.iter().take(3) {
            events.push((
                Level::Warn,
                device.clone(),
                *rng.pick(&WARN_MESSAGES).unwrap_or(&"retrying publish"),
            ));
        }
        // Every faulty device errs at least once, the first one several times.
        for (i, device) in faulty.iter().enumerate() {
            let times = if i == 0 { 3 } else { rng.range(1, 2) };
            for _ in 0..times {
                events.push((
                    Level::Error,
                    device.clone(),
                    *rng.pick(&ERROR_MESSAGES).unwrap_or(&"watchdog reset"),
                ));
            }
        }
        // A decoy line always exists, so `grep ERROR` is always wrong.
        events.push((
            Level::Info,
            healthy[healthy.len() - 1].clone(),
            DECOY_MESSAGE,
        ));
        rng.shuffle(&mut events);

        let mut seconds = 0;
        let lines = events
            .into_iter()
            .map(|(level, device, message)| {
                seconds += u32::try_from(rng.range(1, 19)).unwrap_or(1);
                let latency_ms = u32::try_from(rng.range(4, 90)).unwrap_or(10);
                Line {
                    seconds,
                    level,
                    device,
                    message,
                    latency_ms,
                }
            })
            .collect();
        Self { lines }
    }

    /// The log file's text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let (h, m, s) = (
                8 + line.seconds / 3600,
                line.seconds / 60 % 60,
                line.seconds % 60,
            );
            let level = match line.level {
                Level::Info => "INFO ",
                Level::Warn => "WARN ",
                Level::Error => "ERROR",
            };
            out.push_str(&format!(
                "2024-05-14T{h:02}:{m:02}:{s:02}Z {level} gw-lyon-2 device={} latency_ms={} msg=\"{}\"\n",
                line.device, line.latency_ms, line.message
            ));
        }
        out
    }

    /// The right answer and the wrong ones.
    pub fn facts(&self) -> Facts {
        let devices_with = |pred: &dyn Fn(Level) -> bool| {
            self.lines
                .iter()
                .filter(|l| pred(l.level))
                .map(|l| l.device.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        };
        Facts {
            error_devices: devices_with(&|l| l == Level::Error),
            error_lines: self
                .lines
                .iter()
                .filter(|l| l.level == Level::Error)
                .count(),
            grep_error_lines: self
                .render()
                .lines()
                .filter(|l| l.contains("ERROR"))
                .count(),
            warn_or_error_devices: devices_with(&|l| l != Level::Info),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(team: &str, answer: &str) -> Verdict {
        FirstContact::validate(Submission::new("first-contact", team).with_answer(answer))
    }

    #[test]
    fn the_usual_mistakes_are_all_different_numbers() {
        for team in ["sample-team", "team-blue", "a", "b", "c", "d", "e", "f"] {
            let f = GatewayLog::generate(team).facts();
            let all = [
                f.error_devices,
                f.error_lines,
                f.grep_error_lines,
                f.warn_or_error_devices,
            ];
            let distinct: BTreeSet<usize> = all.into_iter().collect();
            assert_eq!(distinct.len(), 4, "team {team}: {f:?}");
        }
    }

    #[test]
    fn right_answer_passes_and_mistakes_get_hints() {
        let f = GatewayLog::generate("t1").facts();
        assert!(verdict("t1", &format!(" {}\n", f.error_devices)).passed);
        let lines = verdict("t1", &f.error_lines.to_string());
        assert!(!lines.passed);
        assert!(lines.checks[1].message.contains("more than once"));
        assert_eq!(verdict("t1", "five").checks[0].name, "format");
        assert_eq!(verdict("t1", "").score, 0);
    }

    #[test]
    fn materials_are_per_team_and_stable() {
        let a = FirstContact::materials("team-a");
        assert_eq!(a, FirstContact::materials("team-a"));
        assert_ne!(a, FirstContact::materials("team-b"));
        assert_eq!(a[0].path, "gateway.log");
    }
}
