//! Which methods each API path answers, read from the document, so that a request with another
//! method gets 405 and an `Allow` header instead of 404.
//!
//! Every API handler is registered as a resource of its own guarded by its method, so when no
//! guard matches, actix falls through to the default service; that service asks this table
//! whether the path exists under another method. The table is built from the same document
//! clients read, so what `Allow` says and what the document lists cannot differ.

use actix_web::{dev::ResourceDef, http::Method};
use serde_json::Value;

use super::statuses::METHODS;

/// The API's paths and the methods each one answers.
pub struct MethodTable {
    routes: Vec<(ResourceDef, Vec<Method>)>,
}

impl MethodTable {
    /// Reads the paths and methods of an OpenAPI document.
    pub(super) fn from_document(doc: &Value) -> Self {
        let routes = doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(path, item)| {
                let methods: Vec<Method> = METHODS
                    .iter()
                    .filter(|method| item.get(**method).is_some())
                    .filter_map(|method| method.to_ascii_uppercase().parse().ok())
                    .collect();
                (!methods.is_empty()).then(|| (ResourceDef::new(path.as_str()), methods))
            })
            .collect();
        Self { routes }
    }

    /// The methods `path` answers, or `None` when no API path matches it. A path matched by
    /// several patterns (a literal segment beside a parameter) answers the union.
    pub fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let mut allowed: Vec<Method> = Vec::new();
        for (pattern, methods) in &self.routes {
            if pattern.is_match(path) {
                for method in methods {
                    if !allowed.contains(method) {
                        allowed.push(method.clone());
                    }
                }
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_templated_path_matches_and_lists_its_methods() {
        let table = MethodTable::from_document(&json!({"paths": {
            "/api/v1/teams/{id}/documents/{doc}": {"patch": {}, "delete": {}},
            "/api/v1/me": {"get": {}},
        }}));
        assert_eq!(
            table.allowed("/api/v1/teams/abc/documents/d1"),
            Some(vec![Method::DELETE, Method::PATCH])
        );
        assert_eq!(table.allowed("/api/v1/me"), Some(vec![Method::GET]));
        assert_eq!(table.allowed("/api/v1/teams/abc/documents"), None);
        assert_eq!(table.allowed("/api/v1/nothing"), None);
    }
}
