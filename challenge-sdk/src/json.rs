//! JSON helpers (cargo feature `json`): parse with errors that say where the problem is.

use crate::{Error, Result};
pub use serde_json::{Map, Value};

/// Parses `text` as JSON into `T` (a `serde` type, or [`Value`]). The error says what is wrong
/// and where: "expected `,` or `}` at line 3 column 5".
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        let what = if e.is_data() {
            "has unexpected content"
        } else {
            "is not valid JSON"
        };
        Error::new(format!("{what}: {e}"))
    })
}

/// Serialises `value` as pretty JSON (for materials).
///
/// # Panics
/// If `value` cannot be represented in JSON (a map with non-string keys): a bug in the
/// validator, so a validator error.
pub fn to_pretty<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text,
        Err(e) => panic!("cannot serialise materials as JSON: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_say_where() {
        let err = parse::<Value>("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert!(err.message().starts_with("is not valid JSON"), "{err}");
        assert!(err.message().contains("line 3"), "{err}");
    }

    #[test]
    fn data_errors_are_told_apart() {
        let err = parse::<Vec<u32>>("[1, \"two\"]").unwrap_err();
        assert!(err.message().starts_with("has unexpected content"), "{err}");
    }

    #[test]
    fn submission_json_names_the_file() {
        let s = crate::Submission::new("c", "t").with_file("r.json", "{");
        let err = s.json::<Value>("r.json").unwrap_err();
        assert!(
            err.message().starts_with("`r.json`: is not valid JSON"),
            "{err}"
        );
        let ok: Value = crate::Submission::new("c", "t")
            .with_file("r.json", "{\"x\": 1}")
            .json("r.json")
            .unwrap();
        assert_eq!(ok["x"], 1);
    }
}
