//! TOML helpers (cargo feature `toml`): parse, and look values up by dotted path for
//! field-by-field feedback.

use crate::{Error, Result};
pub use toml::{Table, Value};

/// Parses `text` as TOML into `T` (a `serde` type, or [`Table`]). The error quotes the line
/// and column of the problem.
pub fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    toml::from_str(text)
        .map_err(|e| Error::new(format!("is not valid TOML: {}", e.to_string().trim_end())))
}

/// The value at a dotted `path` such as `"sink.retention_days"`, if every step exists.
pub fn lookup<'a>(table: &'a Table, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// A short name for a value's TOML type, for messages: "expected an integer, got a string".
pub fn type_of(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_walks_dotted_paths() {
        let table: Table = parse("[sink]\nkind = \"ts\"\n[sink.batch]\nsize = 64\n").unwrap();
        assert_eq!(
            lookup(&table, "sink.kind").and_then(Value::as_str),
            Some("ts")
        );
        assert_eq!(
            lookup(&table, "sink.batch.size").and_then(Value::as_integer),
            Some(64)
        );
        assert!(lookup(&table, "sink.kind.x").is_none());
        assert!(lookup(&table, "source").is_none());
        assert_eq!(lookup(&table, "sink.kind").map(type_of), Some("a string"));
    }

    #[test]
    fn errors_quote_the_line() {
        let err = parse::<Table>("[sink]\nkind = ts\n").unwrap_err();
        assert!(err.message().starts_with("is not valid TOML"), "{err}");
        assert!(err.message().contains("line 2"), "{err}");
    }
}
