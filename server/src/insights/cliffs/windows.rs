//! Stuck windows: for one team on one challenge, from its attempts in time order, how long
//! it was stuck on each check (and on failures without a failing check), as the module
//! `cliffs` defines it.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;

use crate::insights::data::Attempt;

/// One team's stuck window on one cliff.
#[derive(Debug, Clone)]
pub(super) struct Window {
    pub(super) start: NaiveDateTime,
    pub(super) end: NaiveDateTime,
    pub(super) failed_attempts: u32,
    pub(super) first_message: String,
}

impl Window {
    pub(super) fn seconds(&self) -> i64 {
        (self.end - self.start).num_seconds().max(0)
    }
}

/// The windows of one team on one challenge, from its attempts in time order.
pub(super) fn windows(
    attempts: &[&Attempt],
    end: NaiveDateTime,
) -> BTreeMap<Option<String>, Window> {
    let mut done: BTreeMap<Option<String>, Window> = BTreeMap::new();
    let mut open: BTreeMap<Option<String>, Window> = BTreeMap::new();
    for attempt in attempts {
        let failing: Vec<_> = attempt.checks.iter().filter(|c| !c.passed).collect();
        let mut failed_keys: Vec<(Option<String>, &str)> = failing
            .iter()
            .map(|c| (Some(c.name.clone()), c.message.as_str()))
            .collect();
        if !attempt.passed && failing.is_empty() {
            failed_keys.push((None, attempt.feedback.as_str()));
        }
        // Close open windows this attempt resolves.
        let resolved: Vec<Option<String>> = open
            .keys()
            .filter(|key| {
                attempt.passed
                    || match key {
                        Some(name) => attempt.checks.iter().any(|c| &c.name == name && c.passed),
                        None => !failing.is_empty(),
                    }
            })
            .cloned()
            .collect();
        for key in resolved {
            if let Some(mut window) = open.remove(&key) {
                window.end = attempt.at;
                done.insert(key, window);
            }
        }
        if attempt.passed {
            break;
        }
        for (key, message) in failed_keys {
            if let Some(window) = open.get_mut(&key) {
                window.failed_attempts += 1;
            } else if let Some(window) = done.get_mut(&key) {
                // Failing again after it once passed: counted, not re-timed (first → first).
                window.failed_attempts += 1;
            } else {
                open.insert(
                    key,
                    Window {
                        start: attempt.at,
                        end: attempt.at,
                        failed_attempts: 1,
                        first_message: message.to_owned(),
                    },
                );
            }
        }
    }
    for (key, mut window) in open {
        window.end = end.max(window.start);
        done.insert(key, window);
    }
    done
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDateTime, TimeDelta};

    use super::*;
    use crate::insights::data::CheckResult;

    fn at(minutes: i64) -> NaiveDateTime {
        NaiveDateTime::default() + TimeDelta::minutes(minutes)
    }

    fn attempt(minute: i64, checks: &[(&str, bool)], passed: bool) -> Attempt {
        Attempt {
            team_id: "t".into(),
            challenge_id: "c".into(),
            at: at(minute),
            passed,
            score: 0,
            feedback: "nope".into(),
            checks: checks
                .iter()
                .map(|(name, ok)| CheckResult {
                    name: (*name).into(),
                    passed: *ok,
                    message: format!("{name} says {ok}"),
                })
                .collect(),
            error_kind: None,
        }
    }

    #[test]
    fn a_check_is_stuck_from_its_first_failure_to_its_first_pass() {
        let list = [
            attempt(0, &[("a", false), ("b", true)], false),
            attempt(10, &[("a", false), ("b", false)], false),
            attempt(30, &[("a", true), ("b", false)], false),
            attempt(50, &[("a", false), ("b", false)], false),
            attempt(70, &[("a", true), ("b", true)], true),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        let windows = windows(&refs, at(1000));
        let a = &windows[&Some("a".to_owned())];
        assert_eq!((a.start, a.end, a.failed_attempts), (at(0), at(30), 3));
        assert_eq!(a.first_message, "a says false");
        let b = &windows[&Some("b".to_owned())];
        assert_eq!((b.start, b.end, b.failed_attempts), (at(10), at(70), 3));
        assert!(!windows.contains_key(&None));
    }

    #[test]
    fn unresolved_cliffs_run_to_the_end_and_unexplained_failures_count_apart() {
        let list = [
            attempt(0, &[], false),
            attempt(5, &[("a", false)], false),
            attempt(9, &[("a", false)], false),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        let windows = windows(&refs, at(100));
        let none = &windows[&None];
        assert_eq!((none.start, none.end, none.seconds()), (at(0), at(5), 300));
        assert_eq!(none.first_message, "nope");
        let a = &windows[&Some("a".to_owned())];
        assert_eq!((a.start, a.end, a.failed_attempts), (at(5), at(100), 2));
    }

    #[test]
    fn attempts_after_the_pass_change_nothing() {
        let list = [
            attempt(0, &[("a", true)], true),
            attempt(5, &[("a", false)], false),
        ];
        let refs: Vec<&Attempt> = list.iter().collect();
        assert!(windows(&refs, at(100)).is_empty());
    }
}
