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
