//! How pages word an event's schedule and phase: labels, CSS classes and time formats
//! shared by every page that shows an event.

use std::fmt;

use crate::{
    models::event::{Event, Phase},
    web::time::ShownTime,
};

/// The phase as a CSS class suffix.
pub fn phase_class(phase: Phase) -> &'static str {
    match phase {
        Phase::Upcoming => "upcoming",
        Phase::Running => "running",
        Phase::Frozen => "frozen",
        Phase::Ended => "ended",
    }
}

/// When an event runs: "Mon 4 May 2026, 09:00 UTC – Tue 5 May 2026, 17:00 UTC", each end a
/// [`ShownTime`] (so templates write `{{ schedule|safe }}`; the reader's zone once scripted).
pub struct Schedule {
    starts: ShownTime,
    ends: ShownTime,
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} – {}", self.starts, self.ends)
    }
}

/// The event's schedule as pages show it.
pub fn schedule(event: &Event) -> Schedule {
    Schedule {
        starts: ShownTime::date(event.starts_at),
        ends: ShownTime::date(event.ends_at),
    }
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
