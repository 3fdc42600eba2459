//! Calling the team's deployed service (and the challenge's `allowed_hosts`) over HTTP, for
//! validators of `cohack:validator@0.2.0`.
//!
//! A blocking client on the standard `wasi:http` interfaces: [`get`], [`get_json`],
//! [`post_json`], or a [`Request`] for anything else. It never follows redirects (a `301`
//! comes back as a [`Response`] with its `location` header), and the sandbox never does
//! either. Every request counts against the run's [`budget`].
//!
//! A failure is an [`HttpError`] whose message a team can act on ("your service at
//! https://…/health did not answer within 2 s"); [`HttpError::into_check`] turns it into a
//! failing [`Check`](crate::Check), and `?` turns it into the SDK's [`Error`](crate::Error)
//! (a failed check in [`judge`](crate::judge)):
//!
//! ```
//! use challenge_sdk::{http, Result, Submission};
//!
//! fn health(s: &Submission) -> Result<String> {
//!     let url = http::join(s.endpoint("api")?, "health");
//!     let response = http::get(&url)?.error_for_status()?;
//!     Ok(format!("GET {url} answered {}.", response.status))
//! }
//! # challenge_sdk::testing::respond("GET", "https://team.example/health", 200, "ok");
//! # let s = Submission::new("c", "t").with_endpoint("api", "https://team.example/");
//! # assert_eq!(health(&s).unwrap(), "GET https://team.example/health answered 200.");
//! ```
//!
//! The host checks every request against the challenge's `[network]` section: only the
//! team's endpoints (same scheme, host and port, under the endpoint's path) and the
//! `allowed_hosts`; at most `max_requests` per run; a timeout per request; a cap on the
//! response body. A request it refuses makes the run a *validator error* (the validator's
//! bug, never the team's); a service that fails (times out, refuses the connection, answers
//! 500 or too much) is the team's failure, returned as an [`HttpError`].
//!
//! Off `wasm32` the requests are answered by the stand-ins in [`crate::testing`].

mod error;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod stand_in;
mod url;
#[cfg(target_arch = "wasm32")]
mod wasi;

pub use crate::bindings::cohack::validator::host::Budget;
pub use error::{HttpError, HttpErrorKind};

/// An HTTP request: build it, then [`send`](Request::send) it.
///
/// ```
/// use challenge_sdk::http::Request;
///
/// let request = Request::new("PUT", "https://team.example/items/7")
///     .with_header("content-type", "text/plain")
///     .with_body("seven");
/// assert_eq!(request.method, "PUT");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, … (upper case).
    pub method: String,
    /// The absolute `https://` (or `http://`) URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
}

impl Request {
    /// A request with this method and URL, no headers and no body.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into().to_ascii_uppercase(),
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the body to `value` as JSON, with `content-type: application/json`.
    ///
    /// # Panics
    /// If `value` cannot be represented in JSON (a map with non-string keys): a bug in the
    /// validator, so a validator error.
    #[cfg(feature = "json")]
    #[must_use]
    pub fn with_json<T: serde::Serialize + ?Sized>(self, value: &T) -> Self {
        let body = match serde_json::to_vec(value) {
            Ok(body) => body,
            Err(e) => panic!("cannot serialise the request body as JSON: {e}"),
        };
        self.with_header("content-type", "application/json")
            .with_body(body)
    }

    /// Sends the request and reads the whole response. Any status is a [`Response`] (use
    /// [`Response::error_for_status`] to require a 2xx); an [`HttpError`] means no
    /// acceptable response came back.
    pub fn send(self) -> Result<Response, HttpError> {
        let Some(target) = url::parse(&self.url) else {
            return Err(HttpError::new(&self.url, HttpErrorKind::InvalidUrl));
        };
        #[cfg(target_arch = "wasm32")]
        let response = wasi::send(&self, &target);
        #[cfg(not(target_arch = "wasm32"))]
        let response = {
            let _ = target;
            stand_in::send(&self)
        };
        response
    }
}

/// A response: its status, headers and whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The URL that was asked for (a redirect is not followed, so it is also the one that
    /// answered).
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// Header names (lower case) and values, in the order received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with this status and body, for [`crate::testing::respond_with`] (the URL is
    /// filled in when it answers a request).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            url: String::new(),
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header (the name is lower-cased).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response itself when its status is 2xx, otherwise an [`HttpError`] saying what
    /// came back ("your service at … answered 500 …"; a redirect names where it points).
    pub fn error_for_status(self) -> Result<Self, HttpError> {
        if self.is_success() {
            return Ok(self);
        }
        let kind = HttpErrorKind::Status {
            status: self.status,
            location: self.header("location").map(str::to_owned),
            body: error::excerpt(&self.body),
        };
        Err(HttpError::new(&self.url, kind))
    }

    /// The body as UTF-8 text; the error says the service answered something else.
    pub fn text(&self) -> Result<&str, HttpError> {
        std::str::from_utf8(&self.body).map_err(|_| self.body_error("is not UTF-8 text".into()))
    }

    /// The body parsed as JSON into `T` (a `serde` type, or [`crate::json::Value`]); the
    /// error says what is wrong with it and shows its beginning.
    #[cfg(feature = "json")]
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, HttpError> {
        crate::json::parse(self.text()?).map_err(|e| self.body_error(e.message().to_owned()))
    }

    fn body_error(&self, problem: String) -> HttpError {
        let kind = HttpErrorKind::Body {
            status: self.status,
            problem,
            body: error::excerpt(&self.body),
        };
        HttpError::new(&self.url, kind)
    }
}

/// Sends a `GET`. Any status is a [`Response`].
pub fn get(url: &str) -> Result<Response, HttpError> {
    Request::get(url).send()
}

/// Sends a `GET` (with `accept: application/json`), requires a 2xx and parses the body as
/// JSON into `T`: one call for "the service answers this JSON".
#[cfg(feature = "json")]
pub fn get_json<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, HttpError> {
    Request::get(url)
        .with_header("accept", "application/json")
        .send()?
        .error_for_status()?
        .json()
}

/// Sends a `POST` with `value` as its JSON body. Any status is a [`Response`].
#[cfg(feature = "json")]
pub fn post_json<T: serde::Serialize + ?Sized>(
    url: &str,
    value: &T,
) -> Result<Response, HttpError> {
    Request::post(url)
        .with_header("accept", "application/json")
        .with_json(value)
        .send()
}

/// This run's network budget: requests left and allowed, the timeout of each, the response
/// cap (the manifest's `[network]` values, capped by the server).
pub fn budget() -> Budget {
    crate::host::network_budget()
}

/// `base` and `path` joined by exactly one `/`: `join("https://a.example/v1/", "/health")` is
/// `https://a.example/v1/health`. For building URLs under an endpoint.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, Failure};

    #[test]
    fn join_puts_one_slash_between() {
        assert_eq!(
            join("https://a.example/", "/health"),
            "https://a.example/health"
        );
        assert_eq!(
            join("https://a.example/v1", "echo?value=x"),
            "https://a.example/v1/echo?value=x"
        );
    }

    #[test]
    fn canned_responses_answer_and_are_recorded() {
        testing::respond(
            "GET",
            "https://a.example/health",
            200,
            "{\"status\":\"ok\"}",
        );
        let response = get("https://a.example/health").unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.url, "https://a.example/health");
        assert_eq!(response.text().unwrap(), "{\"status\":\"ok\"}");
        let sent = testing::take_requests();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].method, "GET");
        assert_eq!(budget().requests_left, budget().max_requests - 1);
    }

    #[test]
    fn statuses_outside_2xx_become_errors_on_request() {
        testing::respond("GET", "https://a.example/x", 500, "Internal Server Error\n");
        let response = get("https://a.example/x").unwrap();
        assert!(!response.is_success());
        let error = response.error_for_status().unwrap_err();
        assert_eq!(
            error.to_string(),
            "your service at https://a.example/x answered 500 instead of a 2xx status \
             (body: `Internal Server Error`)"
        );
        testing::respond_with(
            "GET",
            "https://a.example/old",
            Response::new(301, "").with_header("Location", "https://b.example/"),
        );
        let moved = get("https://a.example/old").unwrap();
        assert_eq!(moved.header("location"), Some("https://b.example/"));
        let error = moved.error_for_status().unwrap_err();
        assert!(
            error.to_string().contains("redirect to https://b.example/"),
            "{error}"
        );
    }

    #[test]
    fn failures_read_as_something_a_team_can_fix() {
        testing::fail("GET", "https://a.example/slow", Failure::Timeout);
        testing::fail("GET", "https://a.example/down", Failure::ConnectionRefused);
        let slow = get("https://a.example/slow").unwrap_err();
        assert_eq!(
            slow.to_string(),
            "your service at https://a.example/slow did not answer within 2 s"
        );
        assert_eq!(slow.kind(), &HttpErrorKind::Timeout { timeout_ms: 2000 });
        let down = get("https://a.example/down").unwrap_err();
        assert!(
            down.to_string()
                .starts_with("nothing is listening at https://a.example/down"),
            "{down}"
        );
        let check = down.into_check("health");
        assert_eq!(check.name, "health");
        assert!(!check.passed);
    }

    #[test]
    fn invalid_urls_are_refused_before_sending() {
        let error = get("ftp://a.example/").unwrap_err();
        assert_eq!(error.kind(), &HttpErrorKind::InvalidUrl);
        assert!(testing::take_requests().is_empty());
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_bodies_parse_or_say_what_came_back() {
        #[derive(Debug, serde::Deserialize)]
        struct Health {
            status: String,
        }
        testing::respond("GET", "https://a.example/h", 200, "{\"status\":\"ok\"}");
        testing::respond("GET", "https://a.example/html", 200, "<html>hi</html>");
        let health: Health = get_json("https://a.example/h").unwrap();
        assert_eq!(health.status, "ok");
        let error = get_json::<Health>("https://a.example/html").unwrap_err();
        assert_eq!(
            error.to_string(),
            "your service at https://a.example/html answered 200, but its body is not valid \
             JSON: expected value at line 1 column 1 (body: `<html>hi</html>`)"
        );
        testing::respond("POST", "https://a.example/items", 201, "");
        let created = post_json("https://a.example/items", &["a"]).unwrap();
        assert_eq!(created.status, 201);
        let sent = testing::take_requests();
        assert_eq!(sent[2].body, b"[\"a\"]");
        assert_eq!(
            sent[2].headers.last().map(|(n, _)| n.as_str()),
            Some("content-type")
        );
    }
}
