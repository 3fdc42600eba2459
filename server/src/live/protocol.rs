//! The JSON messages of the live channels, their limits, and error frames.
//!
//! Every text frame is a JSON object with a `type`. What clients send is parsed here into
//! [`TeamRequest`] / [`EventRequest`]; a frame that is not JSON, has no `type`, names an unknown
//! type or lacks a field gets `{"type":"error","code":…,"message":…}` back and the connection
//! stays open. The full list of messages, both directions, is in the README ("Live channels")
//! and in the OpenAPI description of the socket endpoints.

use std::time::Duration;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use super::registry::Frame;

/// Limits of one kind of socket.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest frame (and message, continuations aggregated) a client may send, in bytes.
    pub max_frame: usize,
    /// Frames queued for a client before it counts as too slow and is dropped.
    pub queue: usize,
    /// Messages a client may send per [`RATE_WINDOW`]; more get `rate_limited` errors.
    pub per_window: u32,
}

/// Team channel: chat lines are at most 4,000 characters (16 KB of UTF-8).
pub const TEAM_LIMITS: Limits = Limits {
    max_frame: 32 * 1024,
    queue: 256,
    per_window: 100,
};
/// Document sockets: Yjs updates come in bursts while typing; a first sync may be large.
pub const DOC_LIMITS: Limits = Limits {
    max_frame: 1024 * 1024,
    queue: 1024,
    per_window: 2_000,
};
/// Event channel: clients only ever ping; boards are large, so few may queue.
pub const EVENT_LIMITS: Limits = Limits {
    max_frame: 4 * 1024,
    queue: 32,
    per_window: 20,
};

/// The window of the per-connection rate limit.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);
/// The server pings every client this often.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// A client silent (not even a pong) for this long is disconnected.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(60);

/// What a client sends on a team channel.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TeamRequest {
    /// Post a chat line.
    Chat {
        /// Raw text (Markdown), 1–4,000 characters.
        text: String,
    },
    /// A page of chat history: `before` an id (paging back) or `after` one (resuming).
    ChatHistory {
        /// Lines older than this id.
        before: Option<String>,
        /// Lines newer than this id.
        after: Option<String>,
        /// At most this many (default 50, at most 200).
        limit: Option<i64>,
    },
    /// Activity after an id (resuming), or the latest.
    ActivityHistory {
        /// Items newer than this id.
        after: Option<String>,
        /// At most this many (default 50, at most 200).
        limit: Option<i64>,
    },
    /// Where the sender is and whether they are active.
    Presence {
        /// `active` (default) or `idle`.
        state: Option<String>,
        /// The document they are in, if any.
        document_id: Option<String>,
    },
    /// Raise the team's hand (members).
    HelpRaise {
        /// A line of context.
        #[serde(default)]
        context: String,
    },
    /// Acknowledge a help call (coaches, organizers).
    HelpAck {
        /// The call.
        id: String,
    },
    /// Resolve a help call (coaches, organizers).
    HelpResolve {
        /// The call.
        id: String,
    },
    /// Create a document.
    DocCreate {
        /// Its title.
        title: String,
    },
    /// Rename a document.
    DocRename {
        /// The document.
        id: String,
        /// The new title.
        title: String,
    },
    /// Delete a document.
    DocDelete {
        /// The document.
        id: String,
    },
    /// Answered with `pong` and the server's time.
    Ping,
}

/// What a client sends on the event channel.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventRequest {
    /// Answered with `pong` and the server's time.
    Ping,
    /// Answered with the whole board (a `leaderboard` frame): for a client that cannot apply
    /// a `leaderboard_delta` (its board is not the delta's `base`).
    Leaderboard,
}

/// `value` (an object) with `"type": kind` first.
pub fn with_type(kind: &str, value: &impl Serialize) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("type".into(), Value::String(kind.to_owned()));
    if let Ok(Value::Object(fields)) = serde_json::to_value(value) {
        object.extend(fields);
    }
    Value::Object(object)
}

/// An error frame.
pub fn error_frame(code: &str, message: &str) -> Frame {
    Frame::json(&json!({"type": "error", "code": code, "message": message}))
}

/// The `pong` frame.
pub fn pong_frame() -> Frame {
    Frame::json(&json!({"type": "pong", "server_time": chrono::Utc::now()}))
}

/// Parses a client's text frame; the error is the frame to answer with.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Frame> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| error_frame("invalid_json", &format!("not a JSON object: {e}")))?;
    let Some(kind) = value.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return Err(error_frame(
            "missing_type",
            "a message is a JSON object with a string `type`",
        ));
    };
    serde_json::from_value(value).map_err(|e| {
        let message = e.to_string();
        if message.starts_with("unknown variant") {
            error_frame("unknown_type", &format!("unknown message type `{kind}`"))
        } else {
            error_frame("invalid_message", &format!("`{kind}`: {message}"))
        }
    })
}

/// The error frame of a failed request: the error's stable code and its public message.
pub fn error_of(error: &crate::error::Error) -> Frame {
    match error {
        crate::error::Error::Internal(cause) => {
            tracing::error!(error = %format!("{cause:#}"), "live request failed");
            error_frame("internal", "internal error")
        }
        other => error_frame(other.code(), &other.to_string()),
    }
}
