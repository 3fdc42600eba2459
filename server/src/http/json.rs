//! The API's JSON bodies: [`Json`], the extractor every handler takes a body with, and
//! [`read_json_body`] for the handlers that authorize before reading one. Both read the body
//! as actix's own `web::Json` would (`Content-Type: application/json`, the `max_body_bytes`
//! limit, 413 at once on a declared length over it), then refuse any string that holds the
//! NUL character (U+0000) with 400 `invalid_text`: PostgreSQL's text cannot store it, and
//! SQLite's answer should not differ, so no backend ever sees one. The OpenAPI document
//! says so on every request string (see `openapi::strings`).

use std::ops::Deref;

use actix_web::{FromRequest, HttpRequest, dev, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{error::Error, state::AppState};

/// A JSON request body, parsed into `T`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut dev::Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map_or(DEFAULT_LIMIT, |state| state.config.max_body_bytes);
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            parse(&req, &mut payload, limit)
                .await
                .map(Json)
                .map_err(Into::into)
        })
    }
}

/// The limit when no state is registered (never in the server; actix's own default).
const DEFAULT_LIMIT: usize = 2 * 1024 * 1024;

/// Reads a JSON body of at most `limit` bytes from a payload a handler took as it arrived.
/// Upload handlers take the payload, authorize the caller, and only then call this: a
/// caller who may not upload is answered before the body is read.
pub async fn read_json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, Error> {
    parse(req, &mut payload.into_inner(), limit).await
}

async fn parse<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: &mut dev::Payload,
    limit: usize,
) -> Result<T, Error> {
    let value: Value = web::JsonBody::new(req, payload, None, true)
        .limit(limit)
        .await
        .map_err(|error| super::json_error(error, limit))?;
    from_value(value)
}

/// Parses a JSON body already read (registrations, which may be empty; package uploads,
/// read under their own limit), with the same rules and errors as [`Json`].
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Error::bad_request("invalid_json", e.to_string()))?;
    from_value(value)
}

/// Refuses a body that is not a JSON object (every request body of the API is one, or `null`
/// where a body is optional: serde would otherwise read `[null, null]` as a struct whose
/// fields are all optional) and NUL anywhere in `value`, then reads it as `T`.
fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    if !(value.is_object() || value.is_null()) {
        return Err(Error::bad_request(
            "invalid_json",
            "the body must be a JSON object",
        ));
    }
    if let Some(at) = nul_at(&value, &mut String::new()) {
        return Err(Error::bad_request(
            "invalid_text",
            format!("{at} holds the NUL character (U+0000), which text cannot contain"),
        ));
    }
    serde_json::from_value(value).map_err(|e| Error::bad_request("invalid_json", e.to_string()))
}

/// Where in `value` a string (or an object key) holds U+0000, as a JSON pointer-like path
/// (`body`, `body.files[2].path`).
fn nul_at(value: &Value, path: &mut String) -> Option<String> {
    let here = |path: &str| {
        if path.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{}`", path.trim_start_matches('.'))
        }
    };
    match value {
        Value::String(text) => text.contains('\0').then(|| here(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = nul_at(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            let found = if key.contains('\0') {
                Some(here(path))
            } else {
                nul_at(item, path)
            };
            path.truncate(len);
            found
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_is_found_wherever_it_hides_and_named_by_its_path() {
        let at = |value: Value| nul_at(&value, &mut String::new());
        assert_eq!(at(json!({"title": "a\u{0}b"})), Some("`title`".into()));
        assert_eq!(
            at(json!({"files": [{"path": "ok"}, {"path": "x\u{0}"}]})),
            Some("`files[1].path`".into())
        );
        assert_eq!(
            at(json!({"config": {"k\u{0}": "v"}})),
            Some("`config.k\u{0}`".into())
        );
        assert_eq!(at(json!("\u{0}")), Some("the body".into()));
        assert_eq!(
            at(json!({"title": "a\\u0000b", "n": 0, "list": [null, true]})),
            None
        );
    }
}
