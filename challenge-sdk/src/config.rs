//! Per-event challenge settings: the manifest's `[config]` defaults, overridden by organizers.
//!
//! Values are strings; [`parse`] and [`parse_or`] convert them. A setting that is present but
//! malformed is the organizer's or author's mistake, never the team's, so [`parse_or`] and
//! [`require`] stop the run (a *validator error*) rather than fail the submission.

use crate::{Error, Result, host, log};
use std::fmt::Display;
use std::str::FromStr;

/// The value of `key`, if set.
pub fn get(key: &str) -> Option<String> {
    host::config(key)
}

/// The value of `key`, or `default` when it is not set.
pub fn get_or(key: &str, default: &str) -> String {
    get(key).unwrap_or_else(|| default.to_owned())
}

/// The value of `key` parsed as `T`: `Ok(None)` when unset, an error naming the key and the
/// value when it does not parse.
pub fn parse<T>(key: &str) -> Result<Option<T>>
where
    T: FromStr,
    T::Err: Display,
{
    match get(key) {
        None => Ok(None),
        Some(raw) => raw.trim().parse().map(Some).map_err(|e| {
            Error::new(format!(
                "config `{key}` = `{raw}` is not a valid {}: {e}",
                type_name::<T>()
            ))
        }),
    }
}

/// The value of `key` parsed as `T`, or `default` when unset.
///
/// # Panics
/// When the value is set but does not parse: the run ends as a validator error, logged with
/// the key and the value.
pub fn parse_or<T>(key: &str, default: T) -> T
where
    T: FromStr,
    T::Err: Display,
{
    match parse(key) {
        Ok(value) => value.unwrap_or(default),
        Err(e) => abort(&e),
    }
}

/// The value of `key` parsed as `T`.
///
/// # Panics
/// When the key is unset or does not parse (a validator error, logged).
pub fn require<T>(key: &str) -> T
where
    T: FromStr,
    T::Err: Display,
{
    match parse(key) {
        Ok(Some(value)) => value,
        Ok(None) => abort(&Error::new(format!(
            "config `{key}` is required but not set"
        ))),
        Err(e) => abort(&e),
    }
}

fn abort(error: &Error) -> ! {
    log::error(error.message());
    panic!("{error}");
}

/// `u32` rather than `core::primitive::u32` in messages.
fn type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn get_and_defaults() {
        testing::set_config("mode", "strict");
        assert_eq!(get("mode").as_deref(), Some("strict"));
        assert_eq!(get("other"), None);
        assert_eq!(get_or("other", "lenient"), "lenient");
        testing::clear_config();
        assert_eq!(get("mode"), None);
    }

    #[test]
    fn typed_parse() {
        testing::set_config("n", " 12 ");
        testing::set_config("bad", "twelve");
        assert_eq!(parse::<u32>("n"), Ok(Some(12)));
        assert_eq!(parse::<u32>("unset"), Ok(None));
        let err = parse::<u32>("bad").unwrap_err();
        assert_eq!(
            err.message(),
            "config `bad` = `twelve` is not a valid u32: invalid digit found in string"
        );
        assert_eq!(parse_or("unset", 3_u32), 3);
        assert_eq!(require::<u32>("n"), 12);
    }

    #[test]
    fn malformed_values_stop_the_run_and_are_logged() {
        testing::set_config("bad", "x");
        let result = std::panic::catch_unwind(|| parse_or("bad", 1_u32));
        assert!(result.is_err());
        let logs = testing::take_logs();
        assert_eq!(logs.len(), 1);
        assert!(logs[0].1.contains("config `bad`"));
        assert!(std::panic::catch_unwind(|| require::<u32>("missing")).is_err());
    }
}
