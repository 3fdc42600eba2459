//! Makes every operation document every status it can answer, each with the error body and the
//! `code` values it can carry.
//!
//! The handlers' annotations declare what is particular to them: their success bodies and the
//! errors their domain functions raise, with codes in backticks (`` `slug_taken` ``). What the
//! HTTP layer adds to every request of a kind is derived here from the operation's own shape,
//! so it cannot drift from the extractors that produce it:
//!
//! | the operation… | can also answer |
//! |---|---|
//! | accepts a bearer token (required or optional) | 401 `unauthorized` |
//! | reads a JSON body | 400 `invalid_json` / `invalid_body` / `invalid_text`, 413, 415 |
//! | has path parameters | 400 `invalid_path`, 404 `not_found` |
//! | has query parameters | 400 `invalid_query` |
//! | is under `/api/v1` or is `/readyz` (needs the database) | 503 `unavailable` |
//! | any | 500 `internal` |
//!
//! Each error response then gets a schema of its own: the shared error body with `code`
//! narrowed to the listed values, so a generated client gets a union it can switch on and a
//! fuzzer can tell an undocumented code from a documented one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

/// The HTTP methods an OpenAPI path item can hold.
pub(super) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The generic code each error status carries in every operation that can answer it.
fn generic_code(status: u16) -> Option<&'static str> {
    Some(match status {
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        500 => "internal",
        503 => "unavailable",
        _ => return None,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "the request is malformed or a value is invalid",
        401 => "no valid access token (missing, expired, or its session has ended)",
        403 => "not allowed",
        404 => "not found, or not visible to the caller",
        409 => "conflicts with the current state",
        413 => "the body is larger than the server accepts",
        415 => "the body is not `Content-Type: application/json`",
        422 => "well-formed, but not acceptable as it stands",
        429 => "throttled: retry after the `Retry-After` seconds",
        500 => "an unexpected failure (logged on the server)",
        503 => "the database is not reachable right now",
        _ => "error",
    }
}

/// Adds the derived statuses and the per-response error schemas to every operation of `doc`.
pub(super) fn complete(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                complete_operation(path, operation);
            }
        }
    }
}

fn complete_operation(path: &str, operation: &mut Map<String, Value>) {
    let mut added: BTreeMap<u16, Vec<&'static str>> = BTreeMap::new();
    let mut add = |status: u16, codes: &[&'static str]| {
        added.entry(status).or_default().extend_from_slice(codes);
    };
    if accepts_token(operation) {
        add(401, &[]);
    }
    if operation
        .get("requestBody")
        .and_then(|body| body.get("content"))
        .and_then(|content| content.get("application/json"))
        .is_some()
    {
        add(400, &["invalid_json", "invalid_body", "invalid_text"]);
        add(413, &[]);
        add(415, &[]);
    }
    let located = |place: &str| {
        operation
            .get("parameters")
            .and_then(Value::as_array)
            .is_some_and(|params| params.iter().any(|p| p["in"] == place))
    };
    if located("path") {
        add(400, &["invalid_path"]);
        add(404, &[]);
    }
    if located("query") {
        add(400, &["invalid_query"]);
    }
    if path.starts_with("/api/v1/") || path == "/readyz" {
        add(503, &[]);
    }
    add(500, &[]);

    let responses = operation
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    for (status, codes) in added {
        let entry = responses
            .entry(status.to_string())
            .or_insert_with(|| json!({ "description": "" }));
        let declared = entry
            .get("x-codes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut merged: Vec<Value> = declared;
        merged.extend(codes.into_iter().map(|c| json!(c)));
        entry["x-codes"] = Value::Array(merged);
    }
    for (status, response) in responses.iter_mut() {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        if status >= 400 {
            describe_error(status, response);
        }
    }
}

/// Whether the operation takes a bearer token: its security requirements name `bearer`,
/// alone (required) or beside `{}` (optional; a token that is sent must still be valid).
fn accepts_token(operation: &Map<String, Value>) -> bool {
    operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|requirements| {
            requirements
                .iter()
                .any(|requirement| requirement.get("bearer").is_some())
        })
}

/// Gives an error response its codes (from the annotation's backticked words, those the
/// derivation added, and the status's generic one), a description naming them, and a schema
/// whose `code` is exactly those values.
fn describe_error(status: u16, response: &mut Value) {
    let authored = response["description"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut codes: BTreeSet<String> = backticked_codes(&authored);
    if let Some(extra) = response.get("x-codes").and_then(Value::as_array) {
        codes.extend(extra.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(generic) = generic_code(status) {
        codes.insert(generic.to_owned());
    }
    if let Some(object) = response.as_object_mut() {
        object.remove("x-codes");
    }
    let listed = codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let description = if authored.trim().is_empty() {
        format!("{}. Codes: {listed}.", capitalized(reason(status)))
    } else {
        format!("{authored}. Codes: {listed}.")
    };
    response["description"] = json!(description);
    let codes: Vec<&String> = codes.iter().collect();
    response["content"] = json!({
        "application/json": {
            "schema": {
                "allOf": [{ "$ref": "#/components/schemas/ErrorBody" }],
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": { "code": { "type": "string", "enum": codes } }
                    }
                }
            }
        }
    });
    if status == 429 {
        response["headers"]["Retry-After"] = json!({
            "description": "seconds until a retry may succeed",
            "required": true,
            "schema": { "type": "integer", "minimum": 0 }
        });
    }
    if status == 401 {
        response["headers"]["WWW-Authenticate"] = json!({
            "description": "`Bearer`",
            "required": true,
            "schema": { "type": "string" }
        });
    }
}

/// The words of `text` quoted in backticks that look like error codes (`snake_case`).
fn backticked_codes(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| {
            word.starts_with(|c: char| c.is_ascii_lowercase())
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_backticked_snake_case_words() {
        let codes =
            backticked_codes("`team_full`, `locked` (see `Retry-After`), `a b`, plain_word");
        assert_eq!(
            codes.into_iter().collect::<Vec<_>>(),
            vec!["locked".to_owned(), "team_full".to_owned()]
        );
    }

    #[test]
    fn an_operation_with_a_body_path_and_token_gets_every_derived_status() {
        let mut doc = json!({"paths": {"/api/v1/teams/{id}/notes": {"post": {
            "security": [{"bearer": []}],
            "parameters": [{"name": "id", "in": "path", "required": true}],
            "requestBody": {"content": {"application/json": {"schema": {}}}},
            "responses": {
                "201": {"description": "created"},
                "400": {"description": "`invalid_note`"}
            }
        }}}});
        complete(&mut doc);
        let responses = &doc["paths"]["/api/v1/teams/{id}/notes"]["post"]["responses"];
        let statuses: Vec<&String> = responses.as_object().expect("object").keys().collect();
        assert_eq!(
            statuses,
            ["201", "400", "401", "404", "413", "415", "500", "503"]
        );
        let codes = &responses["400"]["content"]["application/json"]["schema"]["properties"]["error"]
            ["properties"]["code"]["enum"];
        assert_eq!(
            codes,
            &json!([
                "invalid_body",
                "invalid_json",
                "invalid_note",
                "invalid_path",
                "invalid_text"
            ])
        );
        assert_eq!(responses["201"]["description"], "created");
        assert!(responses["401"]["headers"]["WWW-Authenticate"].is_object());
    }

    #[test]
    fn a_public_operation_without_parameters_gets_no_401_404_or_400() {
        let mut doc = json!({"paths": {"/api/v1/events": {"get": {
            "responses": {"200": {"description": "events"}}
        }}}});
        complete(&mut doc);
        let responses = &doc["paths"]["/api/v1/events"]["get"]["responses"];
        let statuses: Vec<&String> = responses.as_object().expect("object").keys().collect();
        assert_eq!(statuses, ["200", "500", "503"]);
    }
}
