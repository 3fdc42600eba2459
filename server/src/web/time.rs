//! How pages show a time: one clock for every page. The server renders each time as
//! `<time datetime="…Z" data-time="STYLE">… UTC</time>`, a label in UTC that says so (what a
//! browser without JavaScript shows); `web/src/lib/time.js` rewrites it in the reader's own
//! time zone, zone named, in the same style. The JSON API stays in UTC.

use std::fmt;

use chrono::{NaiveDateTime, SecondsFormat};

/// How much of a time a page shows; `web/src/lib/time.js` knows the same names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeStyle {
    /// "Sat 6 Dec 2025, 14:05 UTC".
    Date,
    /// "Sat 6 Dec 2025, 14:05:09 UTC".
    DateSeconds,
    /// "14:05 UTC".
    Time,
    /// "14:05:09 UTC".
    TimeSeconds,
}

impl TimeStyle {
    fn name(self) -> &'static str {
        match self {
            Self::Date => "date",
            Self::DateSeconds => "date-seconds",
            Self::Time => "time",
            Self::TimeSeconds => "time-seconds",
        }
    }

    fn utc_format(self) -> &'static str {
        match self {
            Self::Date => "%a %-d %b %Y, %H:%M UTC",
            Self::DateSeconds => "%a %-d %b %Y, %H:%M:%S UTC",
            Self::Time => "%H:%M UTC",
            Self::TimeSeconds => "%H:%M:%S UTC",
        }
    }
}

/// A UTC instant as a page shows it. Its `Display` is the whole `<time>` element, so templates
/// write `{{ at|safe }}`: safe because every character comes from chrono's formatting of
/// digits, English day and month names and fixed punctuation, never from people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownTime {
    at: NaiveDateTime,
    style: TimeStyle,
}

impl ShownTime {
    /// `at` (UTC) shown in `style`.
    pub fn new(at: NaiveDateTime, style: TimeStyle) -> Self {
        Self { at, style }
    }

    /// Date and time ("Sat 6 Dec 2025, 14:05").
    pub fn date(at: NaiveDateTime) -> Self {
        Self::new(at, TimeStyle::Date)
    }

    /// Time of day ("14:05").
    pub fn time(at: NaiveDateTime) -> Self {
        Self::new(at, TimeStyle::Time)
    }

    /// The label without JavaScript, in UTC and saying so.
    pub fn utc_label(&self) -> String {
        self.at.format(self.style.utc_format()).to_string()
    }

    /// The machine-readable instant, RFC 3339 with `Z`.
    pub fn datetime(&self) -> String {
        self.at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

impl fmt::Display for ShownTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            r#"<time datetime="{}" data-time="{}">{}</time>"#,
            self.datetime(),
            self.style.name(),
            self.utc_label()
        )
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{ShownTime, TimeStyle};

    #[test]
    fn a_time_names_utc_until_the_page_script_shows_it_locally() {
        let at = NaiveDate::from_ymd_opt(2025, 12, 6)
            .and_then(|d| d.and_hms_opt(13, 5, 9))
            .expect("a valid date");
        assert_eq!(
            ShownTime::date(at).to_string(),
            r#"<time datetime="2025-12-06T13:05:09Z" data-time="date">Sat 6 Dec 2025, 13:05 UTC</time>"#
        );
        assert_eq!(
            ShownTime::new(at, TimeStyle::TimeSeconds).utc_label(),
            "13:05:09 UTC"
        );
    }
}
