//! Schemas for request fields whose rules the derive cannot state with a literal alone: the
//! text fields the server trims and then bounds. Each is used as
//! `#[schema(schema_with = crate::api::schema::text::<120>)]` beside the `String` the handler
//! reads, so the document says what the model's check enforces:
//!
//! - [`text`]: after trimming, 1 to `MAX` characters — so at least one character that is not
//!   whitespace (the pattern lists exactly what Rust's `trim` removes), and at most `MAX`;
//! - [`optional_text`]: at most `MAX` characters, may be blank.
//!
//! JSON Schema counts characters (code points), as the checks do (`chars().count()`).

use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type, schema::SchemaType};

/// At least one character that `str::trim` keeps (Unicode `White_Space` excluded).
pub const NOT_BLANK: &str = "[^\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

/// Text that is not blank and has at most `MAX` characters.
pub fn text<const MAX: usize>() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(NOT_BLANK))
}

/// One line of text that is not blank and has at most `MAX` characters: no line break
/// between its first and last visible character.
pub fn line<const MAX: usize>() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .min_length(Some(1))
        .max_length(Some(MAX))
        .pattern(Some(format!("^\\s*{NOT_BLANK}[^\\n]*\\s*$")))
}

/// Text of at most `MAX` characters; may be empty.
pub fn optional_text<const MAX: usize>() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .max_length(Some(MAX))
}

/// [`text`], or `null`.
pub fn text_or_null<const MAX: usize>() -> ObjectBuilder {
    text::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// [`line`], or `null`.
pub fn line_or_null<const MAX: usize>() -> ObjectBuilder {
    line::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// One line of at most `MAX` characters that may be empty: no line break between its first
/// and last visible character.
pub fn optional_line<const MAX: usize>() -> ObjectBuilder {
    optional_text::<MAX>().pattern(Some("^\\s*[^\\n]*\\s*$"))
}

/// An event's URL name: 2–64 characters of `a-z`, `0-9` and inner dashes.
pub fn slug() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .min_length(Some(2))
        .max_length(Some(64))
        .pattern(Some("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"))
}

/// [`slug`], or `null`.
pub fn slug_or_null() -> ObjectBuilder {
    slug().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// How people join an event: `open` or `invite`.
pub fn registration() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(["open", "invite"]))
}

/// [`registration`], or `null`.
pub fn registration_or_null() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some([Some("open"), Some("invite"), None]))
}

/// An RFC 3339 time.
pub fn time() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::DateTime,
        )))
}

/// An RFC 3339 time, or `null`.
pub fn time_or_null() -> ObjectBuilder {
    time().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// A login: something `@` something with a dot, no spaces, at most 254 characters.
pub fn email() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .max_length(Some(254))
        .pattern(Some("^\\s*[^@\\s]+@\\S*\\.\\S*\\s*$"))
}

/// A note's tags: at most 10, each 1–40 letters, digits, `-`, `_`, `.` or `:` (surrounding
/// spaces are trimmed).
pub fn tags() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .pattern(Some("^\\s*[\\w.:-]{1,40}\\s*$")),
        )
        .max_items(Some(10))
}

/// An object with any properties (a section the server passes on to the package's own checks).
fn open_object(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(true),
        ))
        .description(Some(description))
}

fn string(description: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .description(Some(description))
}

/// `challenge.toml` as JSON (`cohack-package`'s `Manifest`): the properties it reads, and no
/// others.
pub fn manifest() -> ObjectBuilder {
    let config = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .additional_properties(Some(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some("Defaults of the validator's `config::get` keys."));
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property(
            "slug",
            string("Stable identifier: kebab-case, 3–48 characters.")
                .min_length(Some(3))
                .max_length(Some(48)),
        )
        .required("slug")
        .property("title", string("Display title, one line."))
        .required("title")
        .property(
            "points",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(u32::MAX))
                .description(Some("The maximum score.")),
        )
        .required("points")
        .property("summary", string("One line shown on the ladder."))
        .required("summary")
        .property(
            "limits",
            open_object("Sandbox limit overrides (`fuel`, `wall_time_ms`, `memory_mb`, …)."),
        )
        .property("config", config)
        .property(
            "validator",
            string("The validator's folder in the package."),
        )
        .property(
            "language",
            string("The validator's language; default `rust`.").enum_values(Some(
                cohack_package::Language::ALL.map(cohack_package::Language::as_str),
            )),
        )
        .property(
            "network",
            open_object("The `[network]` section: what the validator may call.")
                .schema_type(SchemaType::from_iter([Type::Object, Type::Null])),
        )
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ))
}

/// One sample of an upload (`cohack-package`'s `UploadSample`).
pub fn upload_sample() -> ObjectBuilder {
    let file = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property("path", string("Relative path with `/` separators."))
        .required("path")
        .property("content", string("The content, standard base64."))
        .required("content")
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property("name", string("`pass/NAME` or `fail/NAME`."))
        .required("name")
        .property(
            "expect",
            string("What the validator must say.").enum_values(Some(["pass", "fail"])),
        )
        .required("expect")
        .property("answer", string("The short answer, or empty."))
        .required("answer")
        .property("team", string("The team id to submit as."))
        .required("team")
        .property(
            "expected_score",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                .minimum(Some(0))
                .maximum(Some(u32::MAX))
                .description(Some("The exact score the verdict must have, if declared.")),
        )
        .property("files", ArrayBuilder::new().items(file))
        .required("files")
        .property(
            "network",
            open_object("The sample's `exchanges.json`: endpoints and the recording it replays."),
        )
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ))
}

/// The samples of an upload.
pub fn upload_samples() -> ArrayBuilder {
    ArrayBuilder::new().items(upload_sample())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use cohack_package::{Manifest, UploadSample};
    use serde_json::{Value, json};
    use utoipa::openapi::schema::Object;

    use super::*;

    fn properties(schema: Object) -> (BTreeSet<String>, BTreeSet<String>) {
        (
            schema.properties.into_keys().collect(),
            schema.required.into_iter().collect(),
        )
    }

    /// A value with every property the schema names deserializes as the package type and
    /// serializes back to the same names; without a property the schema calls optional, it
    /// still deserializes. So the document and `cohack-package` cannot drift apart.
    fn agrees<T: serde::de::DeserializeOwned + serde::Serialize>(schema: Object, full: Value) {
        let (names, required) = properties(schema);
        let keys: BTreeSet<String> = full
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(keys, names, "the test value covers the schema");
        let parsed: T = serde_json::from_value(full.clone()).expect("the schema's names are read");
        let back = serde_json::to_value(&parsed).expect("serialize");
        let back: BTreeSet<String> = back
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(back, names, "and written");
        let mut minimal = full;
        minimal
            .as_object_mut()
            .expect("object")
            .retain(|k, _| required.contains(k));
        serde_json::from_value::<T>(minimal).expect("the schema's optional names may be left out");
    }

    #[test]
    fn the_manifest_schema_names_what_the_package_reads() {
        agrees::<Manifest>(
            manifest().build(),
            json!({
                "slug": "clean-readings", "title": "Clean", "points": 300, "summary": "One line",
                "limits": {"fuel": 1000}, "config": {"k": "v"}, "validator": "validator",
                "language": "python",
                "network": {"team_endpoints": ["api"]},
            }),
        );
    }

    #[test]
    fn the_sample_schema_names_what_the_package_reads() {
        agrees::<UploadSample>(
            upload_sample().build(),
            json!({
                "name": "pass/reference", "expect": "pass", "answer": "", "team": "sample-team",
                "expected_score": 300, "files": [{"path": "a.csv", "content": "YQ=="}],
                "network": {"endpoints": {"api": "https://ship-it.example/"}, "exchanges": []},
            }),
        );
    }
}
