//! The event channel's board frames, encoded once per board: the full `leaderboard` frame
//! and the `leaderboard_delta` frame that turns the board pushed before into this one.
//!
//! A big screen holds the whole board; after a verdict usually one team's row changes and a
//! few ranks shift. Pushing all rows to every screen made the fan-out linear in the board's
//! size (a 50-team board is 30 KB, times 5,000 screens), so clients that ask for deltas
//! (`?board=deltas` on the socket) get only what changed:
//!
//! ```text
//! {"type":"leaderboard_delta", "event", "base": <tag it applies to>, "etag": <tag it makes>,
//!  "frozen", "freeze_at", "generated_at",
//!  "rows": [full rows that changed or are new],
//!  "ranks": {team id: rank, for rows whose only change is their rank},
//!  "order": [team ids in board order]   (only when the order or the set of teams changed)}
//! ```
//!
//! Applying it: keep the rows, replace those in `rows`, set the ranks in `ranks`, then list
//! them in `order` (dropping teams not in it), and take the top-level fields. The result is
//! exactly the board whose `ETag` is `etag`. The tags are the HTTP leaderboard's entity tags
//! without quotes (content hashes, so every instance tags the same board alike), and the
//! full `leaderboard` frame carries its own as `etag`; a client whose board is not `base`
//! (it missed a frame, or joined between two pushes) ignores the delta when it already holds
//! `etag`, and otherwise asks for the whole board (`{"type":"leaderboard"}`).
//!
//! Deltas are computed only between two public boards — the very bytes anyone may read over
//! HTTP — so a delta shows nothing the public board does not: during the freeze the public
//! board does not move, and on an aliased event its rows name aliases only.

use std::collections::HashMap;

use bytestring::ByteString;
use serde::Serialize;
use serde_json::{Map, Value};

use super::registry::Frame;
use crate::{
    error::{Error, Result},
    scoring::{Board, Standing, cache::LeaderboardBody},
};

/// A board's frames as the event channel sends them.
pub struct BoardFrames {
    /// The board they encode.
    pub board: std::sync::Arc<Board>,
    /// `{"type":"leaderboard","etag":…, …the HTTP leaderboard's fields}`.
    pub full: Frame,
    /// The `leaderboard_delta` from the board encoded before, when there was one and the
    /// delta is smaller than `full`.
    pub delta: Option<Frame>,
}

impl BoardFrames {
    /// Encodes `board` once, with the delta from `before` (the board these frames replace).
    pub fn encode(board: std::sync::Arc<Board>, before: Option<&Board>) -> Result<BoardFrames> {
        let full = full_frame(&board)?;
        let delta = match before {
            Some(before) => {
                delta_frame(before, &board)?.filter(|delta| frame_len(delta) < frame_len(&full))
            }
            None => None,
        };
        Ok(BoardFrames { board, full, delta })
    }

    /// What a client that applies deltas gets for this board: the delta, or the full frame.
    pub fn for_delta_clients(&self) -> &Frame {
        self.delta.as_ref().unwrap_or(&self.full)
    }
}

fn frame_len(frame: &Frame) -> usize {
    match frame {
        Frame::Text(text) => text.len(),
        Frame::Binary(bytes) => bytes.len(),
        Frame::Close(..) => 0,
    }
}

/// A board's entity tag without its quotes, as frames carry it.
pub fn tag_of(board: &Board) -> Result<&str> {
    let tag = board.etag.to_str().map_err(Error::internal)?;
    Ok(tag.trim_matches('"'))
}

/// `{"type":"leaderboard","etag":"…",` followed by the board's JSON without its `{`: the
/// cached bytes, not serialized again.
fn full_frame(board: &Board) -> Result<Frame> {
    let body = std::str::from_utf8(&board.json).map_err(Error::internal)?;
    let rest = body.strip_prefix('{').unwrap_or(body);
    let separator = if rest.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    let tag = tag_of(board)?;
    Ok(Frame::Text(ByteString::from(format!(
        "{{\"type\":\"leaderboard\",\"etag\":\"{tag}\"{separator}{rest}"
    ))))
}

/// The delta frame turning `before` into `after`; `None` when they are the same board.
fn delta_frame(before: &Board, after: &Board) -> Result<Option<Frame>> {
    let (base, etag) = (tag_of(before)?, tag_of(after)?);
    if base == etag {
        return Ok(None);
    }
    let value = |row: &Standing| serde_json::to_value(row).map_err(Error::internal);
    let old: HashMap<&str, Value> = before
        .body
        .rows
        .iter()
        .map(|row| Ok((row.team.id.as_str(), value(row)?)))
        .collect::<Result<_>>()?;
    let mut rows = Vec::new();
    let mut ranks = Map::new();
    for row in &after.body.rows {
        let new = value(row)?;
        match old.get(row.team.id.as_str()) {
            Some(previous) if *previous == new => {}
            Some(previous) if same_but_rank(previous, &new) => {
                ranks.insert(row.team.id.clone(), Value::from(row.rank));
            }
            _ => rows.push(new),
        }
    }
    let ids = |body: &LeaderboardBody| -> Vec<String> {
        body.rows.iter().map(|row| row.team.id.clone()).collect()
    };
    let order = ids(&after.body);
    let order = (ids(&before.body) != order).then_some(order);
    let body = &after.body;
    let delta = Delta {
        kind: "leaderboard_delta",
        event: &body.event,
        base,
        etag,
        frozen: body.frozen,
        freeze_at: body.freeze_at,
        generated_at: body.generated_at,
        rows,
        ranks,
        order,
    };
    let text = serde_json::to_string(&delta).map_err(Error::internal)?;
    Ok(Some(Frame::Text(ByteString::from(text))))
}

/// Whether two rows differ in their `rank` alone.
fn same_but_rank(before: &Value, after: &Value) -> bool {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, value)| key == "rank" || b.get(key) == Some(value))
        }
        _ => false,
    }
}

/// The `leaderboard_delta` frame.
#[derive(Serialize)]
struct Delta<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    event: &'a str,
    base: &'a str,
    etag: &'a str,
    frozen: bool,
    freeze_at: Option<chrono::DateTime<chrono::Utc>>,
    generated_at: chrono::DateTime<chrono::Utc>,
    rows: Vec<Value>,
    ranks: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<Vec<String>>,
}
