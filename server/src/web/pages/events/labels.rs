//! How pages word an event's schedule and phase: labels, CSS classes and time formats
//! shared by every page that shows an event.

use chrono::NaiveDateTime;

use crate::models::event::{Event, Phase};

/// The phase as a CSS class suffix.
pub fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "frozen",
        Phase::Ended => "ended",
    }
}

/// "4 May 2026, 09:00 – 5 May 2026, 17:00 UTC".
pub fn schedule(event: &Event) -> String {
    format!(
        "{} – {} UTC",
        event.starts_at.format("%-d %b %Y, %H:%M"),
        event.ends_at.format("%-d %b %Y, %H:%M")
    )
}

/// A time as pages show it, with the machine-readable form for `<time datetime>`.
pub fn time_label(at: NaiveDateTime) -> String {
    at.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// The phase in words.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "running (board frozen)",
        Phase::Ended => "ended",
    }
}
