//! [`Exchange`]: one request a validator sent and what became of it, as recorded with the run,
//! shown to the team beside its verdict ("GET /health → 200 in 84 ms"), and replayed by a
//! rejudge or a sample.
//!
//! The JSON form (a sample's `exchanges.json` uses it too):
//!
//! ```json
//! { "method": "GET", "url": "https://team.example.net/echo?value=7f3a",
//!   "outcome": { "response": { "status": 200,
//!                              "headers": { "content-type": "application/json" },
//!                              "body": { "text": "{\"value\":\"7f3a\"}" } } },
//!   "duration_ms": 84 }
//! ```
//!
//! `outcome` is one of `response` (the service answered), `failed` (it did not: `error` is
//! `timeout`, `connection_refused`, `dns`, `tls`, `too_large` or `protocol`, `reason` says
//! what happened) or `refused` (the sandbox did not let the request out: `reason` says why).
//! A body is `{"text": "…"}` when it is UTF-8, `{"base64": "…"}` otherwise.

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One request and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    /// `GET`, `POST`, …
    pub method: String,
    /// The absolute URL asked for.
    pub url: String,
    /// The request headers worth showing (`content-type`, `accept`), lower-case names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub request_headers: BTreeMap<String, String>,
    /// The request body, cut at the recording cap.
    #[serde(default, skip_serializing_if = "Body::is_empty")]
    pub request_body: Body,
    /// The response, the failure, or the refusal.
    pub outcome: ExchangeOutcome,
    /// From sending the request to the last byte of the response (or the failure).
    #[serde(default)]
    pub duration_ms: u64,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeOutcome {
    /// The service answered.
    Response {
        /// The HTTP status.
        status: u16,
        /// The response headers worth showing (`content-type`, `content-length`,
        /// `location`), lower-case names.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
        /// The whole body (at most the run's response cap).
        #[serde(default, skip_serializing_if = "Body::is_empty")]
        body: Body,
    },
    /// The request went out but no acceptable response came back: the service's failure
    /// (the team's, for a team endpoint), reported to the validator as an error.
    Failed {
        /// The kind of failure.
        error: FailureKind,
        /// What happened, for a human.
        reason: String,
    },
    /// The sandbox did not let the request out: the validator's fault.
    Refused {
        /// Why, for the challenge's authors.
        reason: String,
    },
}

/// How a request that went out failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No (complete) answer within the request's timeout.
    Timeout,
    /// Nothing listens there, or the connection was reset.
    ConnectionRefused,
    /// The name could not be resolved.
    Dns,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The response body was larger than the run's cap.
    TooLarge,
    /// The service did not speak HTTP/1.1 properly.
    Protocol,
}

impl FailureKind {
    /// The stable snake_case name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::ConnectionRefused => "connection_refused",
            Self::Dns => "dns",
            Self::Tls => "tls",
            Self::TooLarge => "too_large",
            Self::Protocol => "protocol",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Exchange {
    /// Whether the sandbox refused this request.
    pub fn refused(&self) -> bool {
        matches!(self.outcome, ExchangeOutcome::Refused { .. })
    }

    /// One line for a human: `GET /health → 200 in 84 ms`, `GET /slow → timeout after
    /// 2000 ms`, `GET http://10.0.0.1/ → refused: a private address`. The URL is shown
    /// whole; callers that know the endpoint may shorten it.
    pub fn summary(&self) -> String {
        let what = match &self.outcome {
            ExchangeOutcome::Response { status, .. } => {
                format!("{status} in {} ms", self.duration_ms)
            }
            ExchangeOutcome::Failed { error, reason } => {
                format!("{error} after {} ms: {reason}", self.duration_ms)
            }
            ExchangeOutcome::Refused { reason } => format!("refused: {reason}"),
        };
        format!("{} {} → {what}", self.method, self.url)
    }
}

/// A request or response body: bytes, with a flag saying whether they were cut.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The bytes kept.
    pub bytes: Vec<u8>,
    /// Whether the body was longer than what was kept.
    pub truncated: bool,
}

impl Body {
    /// A whole body.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            truncated: false,
        }
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty() && !self.truncated
    }

    /// The body as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.bytes).ok()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyForm {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
}

impl Serialize for Body {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let form = match self.text() {
            Some(text) => BodyForm {
                text: Some(text.to_owned()),
                base64: None,
                truncated: self.truncated,
            },
            None => BodyForm {
                text: None,
                base64: Some(STANDARD.encode(&self.bytes)),
                truncated: self.truncated,
            },
        };
        form.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = BodyForm::deserialize(deserializer)?;
        let bytes = match (form.text, form.base64) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(b64)) => STANDARD
                .decode(b64.as_bytes())
                .map_err(|e| serde::de::Error::custom(format!("body `base64`: {e}")))?,
            (None, None) => Vec::new(),
            (Some(_), Some(_)) => {
                return Err(serde::de::Error::custom(
                    "a body is either `text` or `base64`, not both",
                ));
            }
        };
        Ok(Body {
            bytes,
            truncated: form.truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exchange_round_trips_through_its_documented_json() {
        let json = r#"{ "method": "GET", "url": "https://team.example.net/echo?value=7f3a",
            "outcome": { "response": { "status": 200,
                "headers": { "content-type": "application/json" },
                "body": { "text": "{\"value\":\"7f3a\"}" } } },
            "duration_ms": 84 }"#;
        let exchange: Exchange = serde_json::from_str(json).expect("documented form parses");
        assert_eq!(
            exchange.summary(),
            "GET https://team.example.net/echo?value=7f3a → 200 in 84 ms"
        );
        let again: Exchange =
            serde_json::from_str(&serde_json::to_string(&exchange).expect("serializes"))
                .expect("parses back");
        assert_eq!(again, exchange);
    }

    #[test]
    fn binary_bodies_travel_as_base64_and_both_forms_at_once_are_refused() {
        let body = Body::new(vec![0xff, 0x00, 0x10]);
        let json = serde_json::to_string(&body).expect("serializes");
        assert_eq!(json, r#"{"base64":"/wAQ"}"#);
        assert_eq!(serde_json::from_str::<Body>(&json).expect("parses"), body);
        let both = serde_json::from_str::<Body>(r#"{"text":"a","base64":"YQ=="}"#);
        assert!(both.is_err());
    }
}
