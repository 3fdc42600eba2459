//! The server's error type, mapped to HTTP in exactly one place.
//!
//! Which error lives where:
//! - [`crate::config::ConfigError`]: loading configuration; only ever reaches the CLI, which
//!   prints it as one line and exits non-zero.
//! - [`crate::db::DbError`]: the persistence layer (pool, queries, migrations).
//! - [`Error`] (this module): what domain functions and handlers return. It converts from the
//!   two above — `diesel::NotFound` becomes a 404 here and nowhere else — and its
//!   [`ResponseError`] impl picks the status and a stable `code`. Internal causes are logged
//!   with the request's span and never sent to clients: they get a generic message.
//!
//! Every error response has the body `{"error":{"code":"…","message":"…"}}`.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;

use crate::db::DbError;

/// The result type of domain functions and handlers.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed or a value is invalid. `code` is stable and machine-readable.
    #[error("{message}")]
    BadRequest {
        /// Stable machine-readable code, e.g. `invalid_json`.
        code: &'static str,
        /// Human-readable explanation.
        message: String,
    },
    /// Missing or invalid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Not allowed, for a reason clients can tell apart (`code`), e.g. a missing invite code.
    #[error("{message}")]
    Denied {
        /// Stable machine-readable code, e.g. `invite_code_required`.
        code: &'static str,
        /// Human-readable explanation.
        message: String,
    },
    /// The thing does not exist — or the caller may not know that it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request conflicts with the current state (duplicate slug, already a member, …).
    #[error("{message}")]
    Conflict {
        /// Stable machine-readable code.
        code: &'static str,
        /// Human-readable explanation.
        message: String,
    },
    /// Well-formed, but not acceptable as it stands (an endpoint URL the server refuses, an
    /// endpoint a challenge needs and the team has not set). `code` is stable.
    #[error("{message}")]
    Unprocessable {
        /// Stable machine-readable code, e.g. `invalid_endpoint`.
        code: &'static str,
        /// Human-readable explanation.
        message: String,
    },
    /// The path exists, but not under this method; the methods it answers go in `Allow`.
    #[error("method not allowed here; this path answers {}", allowed_list(.0))]
    MethodNotAllowed(Vec<actix_web::http::Method>),
    /// The body is larger than allowed.
    #[error("request body too large (limit {limit} bytes)")]
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body's media type is not accepted here.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Throttled; retry after the given number of seconds.
    #[error("too many requests, retry in {retry_after} s")]
    TooManyRequests {
        /// Seconds until a retry may succeed.
        retry_after: u64,
    },
    /// A dependency (the database) is not available right now.
    #[error("service unavailable")]
    Unavailable(String),
    /// A service outside cohack that this request needs (a sign-in provider) cannot be
    /// reached; the message says which and what to do, and is shown.
    #[error("{0}")]
    Upstream(String),
    /// A bug or an unexpected failure; the cause is logged, not shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    /// A 400 with a stable code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// A 403 with a stable code.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Denied {
            code,
            message: message.into(),
        }
    }

    /// A 409 with a stable code.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }

    /// A 422 with a stable code.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::Unprocessable {
            code,
            message: message.into(),
        }
    }

    /// Wraps any unexpected failure.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::Internal(cause.into())
    }

    /// The stable code clients can switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Conflict { code, .. }
            | Self::Unprocessable { code, .. }
            | Self::Denied { code, .. } => code,
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable(_) => "unavailable",
            Self::Upstream(_) => "provider_unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

/// `GET, POST`: the methods as `Allow` lists them.
fn allowed_list(methods: &[actix_web::http::Method]) -> String {
    methods
        .iter()
        .map(actix_web::http::Method::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Query(diesel::result::Error::NotFound) => Self::NotFound("record"),
            DbError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        DbError::Query(error).into()
    }
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, for machines (`code`) and people (`message`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_json`, `rate_limited`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Denied { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::Upstream(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "internal error")
            }
            Self::Unavailable(cause) | Self::Upstream(cause) => {
                tracing::warn!(%cause, "dependency unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Self::TooManyRequests { retry_after } = self {
            response.insert_header(("Retry-After", retry_after.to_string()));
        }
        if let Self::MethodNotAllowed(methods) = self {
            response.insert_header(("Allow", allowed_list(methods)));
        }
        if let Self::Unauthorized(_) = self {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        })
    }
}
