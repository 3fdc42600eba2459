//! [`HttpError`]: why a request got no acceptable answer, worded for the team.

use std::fmt;

use crate::Check;

/// The longest piece of a body quoted in a message.
const EXCERPT_CHARS: usize = 160;

/// A request that got no acceptable answer: the URL and what went wrong. Its message is
/// written for the team ("your service at https://…/health did not answer within 2 s").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    url: String,
    kind: HttpErrorKind,
}

/// What went wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// The service answered with a status outside 2xx (from
    /// [`Response::error_for_status`](super::Response::error_for_status)).
    Status {
        /// The status.
        status: u16,
        /// The `location` header of a redirect.
        location: Option<String>,
        /// The beginning of the body, on one line.
        body: String,
    },
    /// The service answered, but not with the body expected (not UTF-8, not the JSON
    /// expected).
    Body {
        /// The status.
        status: u16,
        /// What is wrong: "is not valid JSON: …".
        problem: String,
        /// The beginning of the body, on one line.
        body: String,
    },
    /// No complete answer within the request's timeout.
    Timeout {
        /// The timeout, from the run's [`Budget`](super::Budget).
        timeout_ms: u32,
    },
    /// Nothing accepted the connection.
    ConnectionRefused,
    /// The connection closed before a complete response.
    ConnectionClosed,
    /// The host name could not be resolved.
    Dns,
    /// The TLS handshake failed.
    Tls {
        /// What the host reported.
        detail: String,
    },
    /// The response (its body or headers) was larger than the run accepts.
    TooLarge {
        /// The cap on a response body, from the run's [`Budget`](super::Budget).
        limit_bytes: u64,
    },
    /// The service did not speak HTTP properly.
    Protocol {
        /// What the host reported.
        detail: String,
    },
    /// The sandbox refused to send the request: a URL outside the team's endpoints and the
    /// challenge's `allowed_hosts`, a forbidden address, or the request budget spent. The
    /// validator's fault: the host makes the run a validator error.
    Refused {
        /// What the host reported.
        detail: String,
    },
    /// The URL is not an absolute `https://` or `http://` URL.
    InvalidUrl,
    /// Anything else the host reported.
    Other {
        /// What the host reported.
        detail: String,
    },
}

impl HttpError {
    /// An error for `url`.
    pub fn new(url: impl Into<String>, kind: HttpErrorKind) -> Self {
        Self {
            url: url.into(),
            kind,
        }
    }

    /// The URL asked for.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What went wrong.
    pub fn kind(&self) -> &HttpErrorKind {
        &self.kind
    }

    /// Whether the sandbox refused the request or the URL was malformed: the validator's
    /// fault rather than the team's service's.
    pub fn is_validator_fault(&self) -> bool {
        matches!(
            self.kind,
            HttpErrorKind::Refused { .. } | HttpErrorKind::InvalidUrl
        )
    }

    /// A failing check named `name` carrying this error's message:
    /// `v.add_check(error.into_check("health"))`.
    pub fn into_check(self, name: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            passed: false,
            message: self.to_string(),
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.url;
        match &self.kind {
            HttpErrorKind::Status {
                status,
                location: Some(location),
                ..
            } if (300..400).contains(status) => write!(
                f,
                "your service at {url} answered {status}, a redirect to {location}: redirects \
                 are not followed, so answer at this address directly"
            ),
            HttpErrorKind::Status { status, body, .. } => {
                write!(
                    f,
                    "your service at {url} answered {status} instead of a 2xx status"
                )?;
                quote_body(f, body)
            }
            HttpErrorKind::Body {
                status,
                problem,
                body,
            } => {
                write!(
                    f,
                    "your service at {url} answered {status}, but its body {problem}"
                )?;
                quote_body(f, body)
            }
            HttpErrorKind::Timeout { timeout_ms } => write!(
                f,
                "your service at {url} did not answer within {}",
                duration(*timeout_ms)
            ),
            HttpErrorKind::ConnectionRefused => write!(
                f,
                "nothing is listening at {url} (connection refused): is your service running \
                 and reachable from the internet?"
            ),
            HttpErrorKind::ConnectionClosed => write!(
                f,
                "your service at {url} closed the connection before answering completely"
            ),
            HttpErrorKind::Dns => write!(
                f,
                "the host name of {url} could not be resolved: check the address of your \
                 endpoint"
            ),
            HttpErrorKind::Tls { detail } => write!(
                f,
                "the secure connection to {url} failed ({detail}): serve HTTPS with a valid \
                 certificate for that host name"
            ),
            HttpErrorKind::TooLarge { limit_bytes } => write!(
                f,
                "your service at {url} answered more than the {} this challenge accepts",
                size(*limit_bytes)
            ),
            HttpErrorKind::Protocol { detail } => write!(
                f,
                "your service at {url} did not answer with valid HTTP/1.1 ({detail})"
            ),
            HttpErrorKind::Refused { detail } => write!(
                f,
                "the sandbox refused the request to {url} ({detail}): a validator may call \
                 only the team's endpoints and the challenge's allowed_hosts, within its \
                 request budget"
            ),
            HttpErrorKind::InvalidUrl => {
                write!(f, "`{url}` is not an absolute https:// or http:// URL")
            }
            HttpErrorKind::Other { detail } => {
                write!(f, "the request to {url} failed: {detail}")
            }
        }
    }
}

impl std::error::Error for HttpError {}

/// `?` in a [`judge`](crate::judge) closure, or in a function returning
/// [`crate::Result`], turns a failed request into the SDK's error with the same message.
impl From<HttpError> for crate::Error {
    fn from(error: HttpError) -> Self {
        Self::new(error.to_string())
    }
}

fn quote_body(f: &mut fmt::Formatter<'_>, body: &str) -> fmt::Result {
    if body.is_empty() {
        Ok(())
    } else {
        write!(f, " (body: `{body}`)")
    }
}

/// The beginning of a body on one line, for a message: at most [`EXCERPT_CHARS`]
/// characters, whitespace runs folded, `…` when cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let words: Vec<&str> = text.split_whitespace().collect();
    let folded = words.join(" ");
    let mut out: String = folded.chars().take(EXCERPT_CHARS).collect();
    if out.len() < folded.len() {
        out.push('…');
    }
    out
}

/// `2 s`, `1.5 s`, `800 ms`.
fn duration(ms: u32) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", f64::from(ms) / 1000.0)
    }
}

/// `64 KB`, `1 MB`, `1500 bytes`.
fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes >= KB * KB && bytes.is_multiple_of(KB * KB) {
        format!("{} MB", bytes / (KB * KB))
    } else if bytes >= KB && bytes.is_multiple_of(KB) {
        format!("{} KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt(b"  a\n\n b  "), "a b");
        let long = "x".repeat(500);
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(duration(2000), "2 s");
        assert_eq!(duration(1500), "1.5 s");
        assert_eq!(duration(800), "800 ms");
        assert_eq!(size(1 << 20), "1 MB");
        assert_eq!(size(64 << 10), "64 KB");
        assert_eq!(size(1500), "1500 bytes");
    }

    #[test]
    fn every_kind_names_the_url() {
        let kinds = [
            HttpErrorKind::ConnectionClosed,
            HttpErrorKind::Dns,
            HttpErrorKind::Tls {
                detail: "bad certificate".into(),
            },
            HttpErrorKind::TooLarge { limit_bytes: 1024 },
            HttpErrorKind::Protocol {
                detail: "bad header".into(),
            },
            HttpErrorKind::Refused {
                detail: "not an endpoint".into(),
            },
            HttpErrorKind::Other { detail: "?".into() },
        ];
        for kind in kinds {
            let error = HttpError::new("https://a.example/x", kind);
            assert!(error.to_string().contains("https://a.example/x"), "{error}");
        }
        let refused = HttpError::new(
            "https://a.example/",
            HttpErrorKind::Refused {
                detail: String::new(),
            },
        );
        assert!(refused.is_validator_fault());
        let message = crate::Error::from(refused.clone()).message().to_owned();
        assert_eq!(message, refused.to_string());
    }
}
