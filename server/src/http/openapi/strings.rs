//! Every string a request body carries is refused when it holds NUL (U+0000): the JSON reader
//! (`http::json`) checks the whole body before any handler sees it. This pass states that
//! rule in the document, on the schemas request bodies use: a string schema with no pattern,
//! enum, format or const of its own gets the pattern `^[^\u0000]*$`. (Patterns the API's own
//! schema functions write already exclude NUL.) Component schemas a request body refers to
//! are followed, once each.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::api::schema::NO_NUL;

/// Adds the NUL rule to every string schema reachable from a request body.
pub fn forbid_nul(doc: &mut Value) {
    let mut components = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                let Some(content) = operation
                    .pointer_mut("/requestBody/content")
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                for media in content.values_mut() {
                    if let Some(schema) = media.get_mut("schema") {
                        visit(schema, &mut components);
                    }
                }
            }
        }
    }
    // Follow references until no new component turns up.
    let mut done = BTreeSet::new();
    while let Some(name) = components.difference(&done).next().cloned() {
        done.insert(name.clone());
        let mut found = BTreeSet::new();
        if let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            visit(schema, &mut found);
        }
        components.extend(found);
    }
}

/// Marks the strings in `schema`, collecting the components it refers to.
fn visit(schema: &mut Value, refs: &mut BTreeSet<String>) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(name) = object
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        refs.insert(name.replace("~1", "/").replace("~0", "~"));
    }
    let is_string = match object.get("type") {
        Some(Value::String(kind)) => kind == "string",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "string"),
        _ => false,
    };
    let constrained = ["pattern", "enum", "format", "const"]
        .iter()
        .any(|key| object.contains_key(*key));
    if is_string && !constrained {
        object.insert("pattern".into(), NO_NUL.into());
    }
    for key in ["items", "additionalProperties", "not", "contains"] {
        if let Some(inner) = object.get_mut(key) {
            visit(inner, refs);
        }
    }
    for key in ["properties", "patternProperties"] {
        if let Some(inner) = object.get_mut(key).and_then(Value::as_object_mut) {
            inner.values_mut().for_each(|s| visit(s, refs));
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(inner) = object.get_mut(key).and_then(Value::as_array_mut) {
            inner.iter_mut().for_each(|s| visit(s, refs));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn request_strings_reached_through_references_get_the_rule_and_nothing_else_does() {
        let mut doc = json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Body"
                }}}},
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Reply"
                }}}}}
            }}},
            "components": {"schemas": {
                "Body": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": ["a", "b"]},
                    "slug": {"type": "string", "pattern": "^[a-z]+$"},
                    "nested": {"$ref": "#/components/schemas/Inner"},
                    "tags": {"type": "array", "items": {"type": ["string", "null"]}}
                }},
                "Inner": {"type": "object", "additionalProperties": {"type": "string"}},
                "Reply": {"type": "object", "properties": {"name": {"type": "string"}}}
            }}
        });
        forbid_nul(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["Body"]["properties"]["name"]["pattern"], NO_NUL);
        assert_eq!(
            schemas["Body"]["properties"]["tags"]["items"]["pattern"],
            NO_NUL
        );
        assert_eq!(schemas["Inner"]["additionalProperties"]["pattern"], NO_NUL);
        assert_eq!(schemas["Body"]["properties"]["slug"]["pattern"], "^[a-z]+$");
        assert!(
            schemas["Body"]["properties"]["kind"]
                .get("pattern")
                .is_none()
        );
        assert!(
            schemas["Reply"]["properties"]["name"]
                .get("pattern")
                .is_none()
        );
    }
}
