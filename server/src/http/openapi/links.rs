//! OpenAPI links: from the operations that create things (events, teams, documents, help
//! calls, submissions, …) to every operation that takes the new thing's identifier, so that
//! a stateful client (or fuzzer) can walk an event from `POST /events` down.
//!
//! Each rule names a producing operation and a path prefix; a link is added to every
//! operation under that prefix whose path parameters the rule can all fill. A rule naming an
//! operation the document lacks is a bug the first request would otherwise hide, so building
//! the document fails loudly instead.

use serde_json::{Map, Value, json};

use super::statuses::METHODS;

/// Where the values of a link's path parameters come from.
struct Rule {
    /// The producing operation.
    from: &'static str,
    /// Its success statuses that carry the thing.
    statuses: &'static [&'static str],
    /// The operations this feeds: those whose path is this or lies below it.
    prefix: &'static str,
    /// Path parameter name → runtime expression.
    params: &'static [(&'static str, &'static str)],
}

const SLUG_FROM_BODY: &[(&str, &str)] = &[("slug", "$response.body#/slug")];
const SLUG_FROM_PATH: &[(&str, &str)] = &[("slug", "$request.path.slug")];
const TEAM_FROM_BODY: &[(&str, &str)] = &[("id", "$response.body#/id")];
const TEAM_FROM_PATH: &[(&str, &str)] = &[("id", "$request.path.id")];

const RULES: &[Rule] = &[
    Rule {
        from: "create_event",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}",
        params: SLUG_FROM_BODY,
    },
    Rule {
        from: "update_event",
        statuses: &["200"],
        prefix: "/api/v1/events/{slug}",
        params: SLUG_FROM_BODY,
    },
    Rule {
        from: "register_for_event",
        statuses: &["200", "201"],
        prefix: "/api/v1/events/{slug}",
        params: &[("slug", "$response.body#/event")],
    },
    Rule {
        from: "create_team",
        statuses: &["201"],
        prefix: "/api/v1/teams/{id}",
        params: TEAM_FROM_BODY,
    },
    Rule {
        from: "join_team",
        statuses: &["201"],
        prefix: "/api/v1/teams/{id}",
        params: TEAM_FROM_BODY,
    },
    Rule {
        from: "get_team",
        statuses: &["200"],
        prefix: "/api/v1/teams/{id}",
        params: TEAM_FROM_BODY,
    },
    Rule {
        from: "create_team",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}",
        params: &[("slug", "$response.body#/event/slug")],
    },
    Rule {
        from: "publish_challenge",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}/challenges/{challenge}",
        params: &[
            ("slug", "$request.path.slug"),
            ("challenge", "$response.body#/challenge/slug"),
        ],
    },
    Rule {
        from: "update_challenge",
        statuses: &["200"],
        prefix: "/api/v1/events/{slug}/challenges/{challenge}",
        params: &[
            ("slug", "$request.path.slug"),
            ("challenge", "$response.body#/slug"),
        ],
    },
    Rule {
        from: "grant_role",
        statuses: &["200", "201"],
        prefix: "/api/v1/events/{slug}/roles/{user_id}/{role}",
        params: &[
            ("slug", "$request.path.slug"),
            ("user_id", "$response.body#/user_id"),
            ("role", "$response.body#/role"),
        ],
    },
    Rule {
        from: "assign_coach",
        statuses: &["200", "201"],
        prefix: "/api/v1/teams/{id}/coaches/{user_id}",
        params: &[
            ("id", "$request.path.id"),
            ("user_id", "$request.body#/user_id"),
        ],
    },
    Rule {
        from: "create_document",
        statuses: &["201"],
        prefix: "/api/v1/teams/{id}/documents/{doc}",
        params: &[("id", "$request.path.id"), ("doc", "$response.body#/id")],
    },
    Rule {
        from: "set_endpoint",
        statuses: &["204"],
        prefix: "/api/v1/teams/{id}/endpoints/{name}",
        params: &[("id", "$request.path.id"), ("name", "$request.path.name")],
    },
    Rule {
        from: "raise_help",
        statuses: &["201"],
        prefix: "/api/v1/teams/{id}/help-calls/{call}",
        params: &[("id", "$request.path.id"), ("call", "$response.body#/id")],
    },
    Rule {
        from: "ask_question",
        statuses: &["201"],
        prefix: "/api/v1/questions/{id}",
        params: &[("id", "$response.body#/id")],
    },
    Rule {
        from: "create_canned_answer",
        statuses: &["201"],
        prefix: "/api/v1/canned-answers/{id}",
        params: &[("id", "$response.body#/id")],
    },
    Rule {
        from: "create_submission",
        statuses: &["201", "202"],
        prefix: "/api/v1/submissions/{id}",
        params: &[("id", "$response.body#/id")],
    },
    Rule {
        from: "create_submission",
        statuses: &["201", "202"],
        prefix: "/api/v1/teams/{id}/submissions",
        params: TEAM_FROM_PATH,
    },
    Rule {
        from: "announce",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}/announcements",
        params: SLUG_FROM_PATH,
    },
    Rule {
        from: "announce",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}/announcements/{id}",
        params: &[("slug", "$request.path.slug"), ("id", "$response.body#/id")],
    },
    Rule {
        from: "create_webhook",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}/webhooks/{id}",
        params: &[("slug", "$request.path.slug"), ("id", "$response.body#/id")],
    },
    Rule {
        from: "create_invitations",
        statuses: &["201"],
        prefix: "/api/v1/events/{slug}/invitations/{id}",
        params: &[
            ("slug", "$request.path.slug"),
            ("id", "$response.body#/invitations/0/id"),
        ],
    },
];

/// Adds every rule's links to `doc`.
///
/// # Panics
/// When a rule names an operation or status the document does not have, or feeds nothing.
pub(super) fn add(doc: &mut Value) {
    let targets = operations(doc);
    for rule in RULES {
        let mut links = Map::new();
        for (path, id) in &targets {
            let below = path == rule.prefix || path.starts_with(&format!("{}/", rule.prefix));
            let needed = path_parameters(path);
            let fillable = needed
                .iter()
                .all(|name| rule.params.iter().any(|(param, _)| param == name));
            if !below || !fillable || id == rule.from {
                continue;
            }
            let parameters: Map<String, Value> = rule
                .params
                .iter()
                .filter(|(param, _)| needed.contains(param))
                .map(|(param, expression)| ((*param).to_owned(), json!(expression)))
                .collect();
            links.insert(
                id.clone(),
                json!({ "operationId": id, "parameters": parameters }),
            );
        }
        assert!(
            !links.is_empty(),
            "OpenAPI link rule from {} feeds no operation under {}",
            rule.from,
            rule.prefix
        );
        let responses = responses_of(doc, rule.from);
        for status in rule.statuses {
            let response = responses
                .get_mut(*status)
                .unwrap_or_else(|| panic!("{} has no {status} response to link", rule.from));
            let existing = response
                .as_object_mut()
                .expect("a response is an object")
                .entry("links")
                .or_insert_with(|| json!({}));
            if let Some(existing) = existing.as_object_mut() {
                existing.extend(links.clone());
            }
        }
    }
}

/// `(path, operationId)` of every operation.
fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            if let Some(id) = item.get(method).and_then(|op| op["operationId"].as_str()) {
                found.push((path.clone(), id.to_owned()));
            }
        }
    }
    found
}

fn responses_of<'a>(doc: &'a mut Value, operation_id: &str) -> &'a mut Map<String, Value> {
    let paths = doc["paths"].as_object_mut().expect("paths");
    let operation = paths
        .values_mut()
        .flat_map(|item| {
            item.as_object_mut()
                .into_iter()
                .flat_map(|item| item.iter_mut())
        })
        .filter(|(method, _)| METHODS.contains(&method.as_str()))
        .map(|(_, operation)| operation)
        .find(|operation| operation["operationId"] == operation_id)
        .unwrap_or_else(|| {
            panic!("OpenAPI link rule names {operation_id}, which no operation has")
        });
    operation["responses"]
        .as_object_mut()
        .expect("responses is an object")
}

/// The `{names}` of a templated path.
fn path_parameters(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}
