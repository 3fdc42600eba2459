//! Native stand-ins for the host, to unit-test a validator with `cargo test` (not built for
//! `wasm32`): its config, its log, and its network (canned HTTP responses and a request
//! budget). All are per thread, and Rust runs each test on its own thread, so tests do not
//! see each other's settings. These are test stand-ins only: nothing here exists in the
//! sandbox, where the host answers.
//!
//! ```
//! use challenge_sdk::{config, log, testing};
//!
//! testing::set_config("threshold", "7");
//! assert_eq!(config::parse_or("threshold", 5_u32), 7);
//! log::info("hello");
//! assert_eq!(testing::take_logs(), [(log::Level::Info, "hello".to_owned())]);
//! ```
//!
//! The network: register what each request gets, then run the validator on a submission
//! with endpoints ([`Submission::with_endpoint`](crate::Submission::with_endpoint)). A request
//! nothing was registered for panics, as the sandbox would make it a validator error.
//!
//! ```
//! use challenge_sdk::{http, testing};
//! use challenge_sdk::testing::Failure;
//!
//! testing::respond("GET", "https://team.example/health", 200, r#"{"status":"ok"}"#);
//! testing::fail("GET", "https://team.example/slow", Failure::Timeout);
//! assert_eq!(http::get("https://team.example/health").unwrap().status, 200);
//! let error = http::get("https://team.example/slow").unwrap_err();
//! assert_eq!(error.to_string(), "your service at https://team.example/slow did not answer within 2 s");
//! assert_eq!(testing::take_requests().len(), 2);
//! assert_eq!(http::budget().requests_left, 18);
//! ```

use crate::host::native::{CONFIG, LOGS};
use crate::http::stand_in::{BUDGET, CANNED, Canned, DEFAULT_BUDGET, SENT};
use crate::http::{Budget, HttpErrorKind, Request, Response};
use crate::log::Level;

/// Sets what `config::get(key)` returns on this thread.
pub fn set_config(key: &str, value: &str) {
    CONFIG.with(|config| config.borrow_mut().insert(key.to_owned(), value.to_owned()));
}

/// Clears this thread's config.
pub fn clear_config() {
    CONFIG.with(|config| config.borrow_mut().clear());
}

/// Takes the messages logged on this thread so far.
pub fn take_logs() -> Vec<(Level, String)> {
    LOGS.with(|logs| std::mem::take(&mut *logs.borrow_mut()))
}

/// How a canned request fails: the same kinds a recorded exchange's `failed` outcome has
/// (`samples/*/exchanges.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the budget's timeout.
    Timeout,
    /// Nothing listens there.
    ConnectionRefused,
    /// The name does not resolve.
    Dns,
    /// The TLS handshake fails.
    Tls,
    /// The response is larger than the budget's cap.
    TooLarge,
    /// Not valid HTTP/1.1.
    Protocol,
}

impl Failure {
    pub(crate) fn kind(self, budget: &Budget) -> HttpErrorKind {
        match self {
            Self::Timeout => HttpErrorKind::Timeout {
                timeout_ms: budget.request_timeout_ms,
            },
            Self::ConnectionRefused => HttpErrorKind::ConnectionRefused,
            Self::Dns => HttpErrorKind::Dns,
            Self::Tls => HttpErrorKind::Tls {
                detail: "certificate not accepted".into(),
            },
            Self::TooLarge => HttpErrorKind::TooLarge {
                limit_bytes: budget.max_response_bytes,
            },
            Self::Protocol => HttpErrorKind::Protocol {
                detail: "HttpProtocolError".into(),
            },
        }
    }
}

/// On this thread, `method url` (exact match) answers `status` with `body` and no headers.
/// A later registration for the same request replaces it.
pub fn respond(method: &str, url: &str, status: u16, body: impl Into<Vec<u8>>) {
    respond_with(method, url, Response::new(status, body));
}

/// On this thread, `method url` answers `response` (built with [`Response::new`] and
/// [`Response::with_header`]).
pub fn respond_with(method: &str, url: &str, response: Response) {
    register(method, url, Canned::Response(response));
}

/// On this thread, `method url` fails with `failure`.
pub fn fail(method: &str, url: &str, failure: Failure) {
    register(method, url, Canned::Failure(failure));
}

fn register(method: &str, url: &str, canned: Canned) {
    CANNED.with(|table| {
        table
            .borrow_mut()
            .push((method.to_ascii_uppercase(), url.to_owned(), canned));
    });
}

/// Takes the requests sent on this thread so far, in order.
pub fn take_requests() -> Vec<Request> {
    SENT.with(|sent| std::mem::take(&mut *sent.borrow_mut()))
}

/// Sets this thread's network budget (the default: 20 requests, 2 s each, 1 MB responses).
/// Each request takes one from `requests_left`; one more than it allows panics.
pub fn set_budget(budget: Budget) {
    BUDGET.with(|b| *b.borrow_mut() = budget);
}

/// Forgets this thread's canned responses and sent requests, and restores the default
/// budget.
pub fn reset_network() {
    CANNED.with(|table| table.borrow_mut().clear());
    SENT.with(|sent| sent.borrow_mut().clear());
    set_budget(DEFAULT_BUDGET);
}
