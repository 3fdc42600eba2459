//! Schemas for request fields whose rules the derive cannot state with a literal alone: the
//! text fields the server trims and then bounds. Each is used as
//! `#[schema(schema_with = crate::api::schema::text::<120>)]` beside the `String` the handler
//! reads, so the document says what the model's check enforces:
//!
//! - [`text`]: after trimming, 1 to `MAX` characters;
//! - [`line`]: the same, and no line break inside;
//! - [`optional_text`] / [`optional_line`]: after trimming, at most `MAX` characters;
//! - [`chars`]: at most `MAX` characters as sent (nothing trimmed).
//!
//! Because the bound applies after trimming, it is stated as a pattern, not `maxLength`: the
//! visible part (from the first to the last character `str::trim` keeps) has 1 to `MAX`
//! characters, surrounded by any whitespace. The whitespace class lists exactly what Rust's
//! `trim` removes (Unicode `White_Space`), not a regex engine's `\s`, whose sets differ.
//! JSON Schema counts characters (code points), as the checks do (`chars().count()`).

use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type, schema::SchemaType};

/// What `str::trim` removes, as a regex class body: the characters with Unicode's
/// `White_Space` property.
macro_rules! whitespace {
    () => {
        "\\t\\n\\u000b\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}
const WHITESPACE: &str = whitespace!();

/// One character that `str::trim` keeps, other than NUL (U+0000), which no text may hold.
pub const NOT_BLANK: &str = concat!("[^", whitespace!(), "\\u0000]");

/// The pattern of a string whose trimmed part has 1 to `max` characters (0 to `max` when
/// `may_be_blank`), each inner one matching `inner`.
fn trimmed(max: usize, inner: &str, may_be_blank: bool) -> String {
    let space = format!("[{WHITESPACE}]*");
    let visible = match max {
        0 => String::new(),
        1 => NOT_BLANK.to_owned(),
        _ => format!("{NOT_BLANK}(?:{inner}{{0,{}}}{NOT_BLANK})?", max - 2),
    };
    if may_be_blank {
        format!("^{space}(?:{visible})?{space}$")
    } else {
        format!("^{space}{visible}{space}$")
    }
}

/// Any character but NUL, line breaks included.
const ANY: &str = "[^\\u0000]";
/// Any character but a line feed or NUL.
const NOT_LINE_FEED: &str = "[^\\n\\u0000]";

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

/// Text that, trimmed, has 1 to `MAX` characters.
pub fn text<const MAX: usize>() -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .pattern(Some(trimmed(MAX, ANY, false)))
}

/// One line of text that, trimmed, has 1 to `MAX` characters: no line feed between its first
/// and last visible character.
pub fn line<const MAX: usize>() -> ObjectBuilder {
    string()
        .min_length(Some(1))
        .pattern(Some(trimmed(MAX, NOT_LINE_FEED, false)))
}

/// Text that, trimmed, has at most `MAX` characters; may be blank.
pub fn optional_text<const MAX: usize>() -> ObjectBuilder {
    string().pattern(Some(trimmed(MAX, ANY, true)))
}

/// [`optional_text`], or `null`.
pub fn optional_text_or_null<const MAX: usize>() -> ObjectBuilder {
    optional_text::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// At most `MAX` characters as sent; may be empty.
pub fn chars<const MAX: usize>() -> ObjectBuilder {
    string().max_length(Some(MAX)).pattern(Some(NO_NUL))
}

/// Any text without NUL (U+0000), which the server refuses in every string it reads.
pub const NO_NUL: &str = "^[^\\u0000]*$";

/// [`text`], or `null`.
pub fn text_or_null<const MAX: usize>() -> ObjectBuilder {
    text::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// [`line`], or `null`.
pub fn line_or_null<const MAX: usize>() -> ObjectBuilder {
    line::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
}

/// One line that, trimmed, has at most `MAX` characters; may be blank.
pub fn optional_line<const MAX: usize>() -> ObjectBuilder {
    string().pattern(Some(trimmed(MAX, NOT_LINE_FEED, true)))
}

/// [`optional_line`], or `null`.
pub fn optional_line_or_null<const MAX: usize>() -> ObjectBuilder {
    optional_line::<MAX>().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
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

/// How an event takes a hint's cost: `on_solve` or `always`.
pub fn hint_cost() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(["on_solve", "always"]))
}

/// [`hint_cost`], or `null`.
pub fn hint_cost_or_null() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some([Some("on_solve"), Some("always"), None]))
}

/// Which names an event's public board shows: `teams` or `aliases`.
pub fn board_names() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::String))
        .enum_values(Some(["teams", "aliases"]))
}

/// [`board_names`], or `null`.
pub fn board_names_or_null() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some([Some("teams"), Some("aliases"), None]))
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

/// A login: trimmed, 3 to 254 characters, something `@` something with a dot, no whitespace.
pub fn email() -> ObjectBuilder {
    let space = format!("[{WHITESPACE}]*");
    let word = format!("[^@{WHITESPACE}\\u0000]");
    string().pattern(Some(format!(
        "^{space}(?={NOT_BLANK}{{3,254}}{space}$){word}+@{NOT_BLANK}*\\.{NOT_BLANK}*{space}$"
    )))
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

fn described(description: &str) -> ObjectBuilder {
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
            described("Stable identifier: kebab-case, 3–48 characters.")
                .min_length(Some(3))
                .max_length(Some(48)),
        )
        .required("slug")
        .property("title", described("Display title, one line."))
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
        .property("summary", described("One line shown on the ladder."))
        .required("summary")
        .property(
            "limits",
            open_object("Sandbox limit overrides (`fuel`, `wall_time_ms`, `memory_mb`, …)."),
        )
        .property("config", config)
        .property(
            "validator",
            described("The validator's folder in the package."),
        )
        .property(
            "language",
            described("The validator's language; default `rust`.").enum_values(Some(
                cohack_package::Language::ALL.map(cohack_package::Language::as_str),
            )),
        )
        .property(
            "network",
            open_object("The `[network]` section: what the validator may call.")
                .schema_type(SchemaType::from_iter([Type::Object, Type::Null])),
        )
        .property("hints", manifest_hints())
        .property(
            "expected_minutes",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
                .minimum(Some(1))
                .maximum(Some(1440))
                .description(Some("The minutes a team is expected to need.")),
        )
        .property(
            "sign_off",
            described("Who confirms a validator pass; default `none`.")
                .enum_values(Some(["none", "coach"])),
        )
        .property(
            "reward",
            described(
                "What a team's first solve earns when the event gives rewards (\"a coffee\"); \
                 kept to its first 100 characters, trimmed.",
            )
            .schema_type(SchemaType::from_iter([Type::String, Type::Null])),
        )
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ))
}

/// The manifest's `[[hints]]` (`cohack-package`'s `HintSpec`): at most 16.
fn manifest_hints() -> ArrayBuilder {
    let hint = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property(
            "title",
            described("One line, 1–80 characters.").max_length(Some(80)),
        )
        .required("title")
        .property(
            "cost",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(u32::MAX))
                .description(Some("Points, at most the challenge's `points`.")),
        )
        .required("cost")
        .property(
            "file",
            described(
                "The hint's Markdown file in the package (its text is in the upload's `hints`).",
            ),
        )
        .required("file")
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    ArrayBuilder::new()
        .items(hint)
        .max_items(Some(cohack_package::MAX_HINTS))
        .description(Some("Hints a team may unlock, in the order shown."))
}

/// The hint texts of an upload: one Markdown text per `[[hints]]` entry, in its order.
pub fn upload_hints() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(cohack_package::MAX_HINT_BYTES)),
        )
        .max_items(Some(cohack_package::MAX_HINTS))
}

/// The coach's guide of an upload (`coach.md`): not blank, at most
/// [`cohack_package::MAX_COACH_GUIDE_BYTES`] bytes; `null` or absent when the package has none.
pub fn upload_coach_guide() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .min_length(Some(1))
        .max_length(Some(cohack_package::MAX_COACH_GUIDE_BYTES))
}

/// One sample of an upload (`cohack-package`'s `UploadSample`).
pub fn upload_sample() -> ObjectBuilder {
    let file = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property("path", described("Relative path with `/` separators."))
        .required("path")
        .property("content", described("The content, standard base64."))
        .required("content")
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Object))
        .property("name", described("`pass/NAME` or `fail/NAME`."))
        .required("name")
        .property(
            "expect",
            described("What the validator must say.").enum_values(Some(["pass", "fail"])),
        )
        .required("expect")
        .property("answer", described("The short answer, or empty."))
        .required("answer")
        .property("team", described("The team id to submit as."))
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

/// An event's brackets: at most 16 names, each one line of 1–40 characters once trimmed
/// (unique regardless of case: 400 `invalid_brackets`, a rule the schema cannot state).
pub fn brackets() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(line::<40>())
        .max_items(Some(crate::models::bracket::MAX_BRACKETS))
        .unique_items(true)
}

/// [`brackets`], or `null` (keep the current ones).
pub fn brackets_or_null() -> ArrayBuilder {
    brackets().schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
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

    /// The pattern of `schema` accepts `value` (as a JSON Schema validator would: the pattern
    /// is searched for, and ours are anchored).
    fn accepts(schema: ObjectBuilder, value: &str) -> bool {
        let schema = schema.build();
        let pattern = schema.pattern.expect("a pattern");
        let pattern = regex::Regex::new(&pattern).expect("the pattern compiles");
        let long_enough = schema
            .min_length
            .is_none_or(|min| value.chars().count() >= min);
        let short_enough = schema
            .max_length
            .is_none_or(|max| value.chars().count() <= max);
        long_enough && short_enough && pattern.is_match(value)
    }

    /// What the models check: trimmed, 1 (or 0) to 5 characters, maybe one line.
    fn model(value: &str, may_be_blank: bool, one_line: bool) -> bool {
        let trimmed = value.trim();
        (may_be_blank || !trimmed.is_empty())
            && trimmed.chars().count() <= 5
            && !(one_line && trimmed.contains('\n'))
            && !value.contains('\0')
    }

    #[test]
    fn text_patterns_bound_the_trimmed_text_as_the_models_do() {
        let cases = [
            "",
            " ",
            "\u{3000}\u{85}",
            "a",
            " a ",
            "abcde",
            "\u{a0}abcde\u{2028}\n",
            "abcdef",
            "a\nb",
            " a\n\nbcd ",
            "a\u{feff}",
            "\u{feff}",
            "a\u{1c}b",
            "ab\rc",
            "\n\n a b \t",
            "ééééé",
            "éééééé",
            "a    b",
        ];
        for value in cases {
            assert_eq!(
                accepts(text::<5>(), value),
                model(value, false, false),
                "text {value:?}"
            );
            assert_eq!(
                accepts(line::<5>(), value),
                model(value, false, true),
                "line {value:?}"
            );
            assert_eq!(
                accepts(optional_text::<5>(), value),
                model(value, true, false),
                "optional text {value:?}"
            );
            assert_eq!(
                accepts(optional_line::<5>(), value),
                model(value, true, true),
                "optional line {value:?}"
            );
        }
        assert!(accepts(text::<1>(), " x\t") && !accepts(text::<1>(), "xy"));
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
                "hints": [{"title": "Look", "cost": 30, "file": "hints/look.md"}],
                "expected_minutes": 45, "sign_off": "coach", "reward": "a coffee",
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
