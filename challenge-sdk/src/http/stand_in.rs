//! The network off `wasm32`: canned responses that a unit test registers through
//! [`crate::testing`], per thread, and a stand-in budget that counts requests the way the
//! host does.

use std::cell::RefCell;

use super::{Budget, HttpError, HttpErrorKind, Request, Response};
use crate::testing::Failure;

/// What a registered request gets.
#[derive(Debug, Clone)]
pub(crate) enum Canned {
    Response(Response),
    Failure(Failure),
}

/// The budget a test starts with: the manifest's `[network]` defaults.
pub(crate) const DEFAULT_BUDGET: Budget = Budget {
    requests_left: 20,
    max_requests: 20,
    request_timeout_ms: 2000,
    max_response_bytes: 1 << 20,
};

thread_local! {
    pub(crate) static CANNED: RefCell<Vec<(String, String, Canned)>> =
        const { RefCell::new(Vec::new()) };
    pub(crate) static SENT: RefCell<Vec<Request>> = const { RefCell::new(Vec::new()) };
    pub(crate) static BUDGET: RefCell<Budget> = const { RefCell::new(DEFAULT_BUDGET) };
}

/// Answers `request` from the canned table, the latest registration first.
///
/// # Panics
/// When the budget is spent or nothing was registered for the request: in the sandbox both
/// make the run a validator error, so the test should fail loudly too.
pub(crate) fn send(request: &Request) -> Result<Response, HttpError> {
    let budget = BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        assert!(
            b.requests_left > 0,
            "{} {}: this run's {} requests are spent (the sandbox would refuse the request and \
             the run would be a validator error)",
            request.method,
            request.url,
            b.max_requests
        );
        b.requests_left -= 1;
        *b
    });
    SENT.with(|sent| sent.borrow_mut().push(request.clone()));
    let canned = CANNED.with(|canned| {
        canned
            .borrow()
            .iter()
            .rev()
            .find(|(method, url, _)| *method == request.method && *url == request.url)
            .map(|(_, _, canned)| canned.clone())
    });
    let Some(canned) = canned else {
        panic!(
            "{} {}: no canned response; register one with `challenge_sdk::testing::respond` \
             (in the sandbox, a request outside the team's endpoints and the allowed_hosts is \
             refused and the run is a validator error)",
            request.method, request.url
        );
    };
    let url = request.url.as_str();
    match canned {
        Canned::Response(response) if response.body.len() as u64 > budget.max_response_bytes => {
            Err(HttpError::new(
                url,
                HttpErrorKind::TooLarge {
                    limit_bytes: budget.max_response_bytes,
                },
            ))
        }
        Canned::Response(response) => Ok(Response {
            url: url.to_owned(),
            ..response
        }),
        Canned::Failure(failure) => Err(HttpError::new(url, failure.kind(&budget))),
    }
}

pub(crate) fn budget() -> Budget {
    BUDGET.with(|b| *b.borrow())
}
