//! The workspace's clock (`#ws-clock`): when the event starts, its public board freezes and
//! it ends, each as a `<time>` (in the reader's zone once `web/src/lib/time.js` runs, UTC and
//! saying so without it), and the server's time, against which `web/src/workspace/clock.js`
//! counts down and opens or closes the workspace when a boundary passes.

use chrono::{NaiveDateTime, SecondsFormat};

use crate::{
    models::event::Event,
    web::time::{ShownTime, TimeStyle},
};

/// The schedule as the workspace shows it.
pub(super) struct ClockView {
    pub(super) starts_at: ShownTime,
    pub(super) ends_at: ShownTime,
    pub(super) freeze_at: Option<ShownTime>,
    /// The server's time when the page was made, RFC 3339 with milliseconds.
    pub(super) server_time: String,
    pub(super) started: bool,
    pub(super) frozen: bool,
    pub(super) ended: bool,
}

impl ClockView {
    /// The clock of `event` at `now`.
    pub(super) fn of(event: &Event, now: NaiveDateTime) -> Self {
        let shown = |at| ShownTime::new(at, TimeStyle::Date);
        Self {
            starts_at: shown(event.starts_at),
            ends_at: shown(event.ends_at),
            freeze_at: event.freeze_at.map(shown),
            server_time: now.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true),
            started: now >= event.starts_at,
            frozen: event.freeze_at.is_some_and(|f| now >= f),
            ended: now >= event.ends_at,
        }
    }
}
