//! Scales and ticks: a linear map from data to pixels, "nice" ticks for counts and scores
//! (steps of 1, 2 or 5 times a power of ten) and for durations (steps a person counts in:
//! minutes, quarter hours, hours, days), and how values are written on axes and in tables.

/// What the numbers of a chart measure: it picks the ticks and how values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Plain counts or points (`12`, `1,250`).
    Count,
    /// Seconds, written as a duration (`45s`, `12m`, `1h 05m`, `2d 3h`).
    Seconds,
}

impl Unit {
    /// `value` as a reader sees it.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Count => format_count(value),
            Unit::Seconds => format_duration(value),
        }
    }

    /// About `target` ticks covering `0..=max` (and `max` itself), starting at 0.
    pub fn ticks(self, max: f64, target: usize) -> Vec<f64> {
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        let step = match self {
            Unit::Count => nice_step(max, target).max(1.0),
            Unit::Seconds => duration_step(max, target),
        };
        let last = (max / step).ceil();
        // `last` is small: at most a few times `target`.
        (0..=last as i64).map(|i| i as f64 * step).collect()
    }
}

/// A linear map from the domain `d0..d1` to the range `r0..r1` (pixels; a y axis runs
/// backwards, bottom to top).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    /// The map from `domain` to `range`.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Linear {
        Linear {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    /// Where `value` lands. A domain of zero width maps everything to the range's start.
    pub fn map(&self, value: f64) -> f64 {
        if self.d1 == self.d0 {
            return self.r0;
        }
        self.r0 + (value - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// A step of 1, 2 or 5 times a power of ten that cuts `span` into about `target` parts.
pub fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span / target.max(1) as f64;
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// A step in seconds a person counts in that cuts `span` seconds into about `target` parts.
pub fn duration_step(span: f64, target: usize) -> f64 {
    const STEPS: [f64; 16] = [
        1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10800.0,
        21600.0, 43200.0, 86400.0,
    ];
    let raw = span / target.max(1) as f64;
    STEPS
        .iter()
        .copied()
        .find(|&s| s >= raw)
        .unwrap_or_else(|| (raw / 86400.0).ceil() * 86400.0)
}

/// A count with thousands separated (`12,500`); fractions keep one decimal.
pub fn format_count(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_owned();
    }
    if value.fract().abs() > 1e-9 {
        return format!("{value:.1}");
    }
    let whole = value.abs().round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

/// Seconds as a duration: `45s`, `12m`, `1h 05m`, `2d 3h`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "–".to_owned();
    }
    let s = seconds.abs().round() as i64;
    let sign = if seconds < 0.0 { "-" } else { "" };
    let text = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86400 {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    } else {
        format!("{}d {}h", s / 86400, s % 86400 / 3600)
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(0.9, 10), 0.1);
        assert_eq!(
            Unit::Count.ticks(95.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(Unit::Count.ticks(3.0, 5), vec![0.0, 1.0, 2.0, 3.0]);
    }

    #[test]
    fn durations_tick_in_minutes_and_hours() {
        assert_eq!(duration_step(3600.0, 4), 900.0);
        assert_eq!(duration_step(30.0 * 3600.0, 5), 21600.0);
        // 40 minutes in four: ten-minute steps end on the maximum itself.
        assert_eq!(Unit::Seconds.ticks(2400.0, 4).last(), Some(&2400.0));
        // A maximum between steps gets one tick past it.
        assert_eq!(Unit::Seconds.ticks(2500.0, 4).last(), Some(&2700.0));
    }

    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(format_count(12500.0), "12,500");
        assert_eq!(format_count(-3.0), "-3");
        assert_eq!(format_count(2.3), "2.3");
        assert_eq!(format_duration(45.0), "45s");
        assert_eq!(format_duration(3900.0), "1h 05m");
        assert_eq!(format_duration(2.0 * 86400.0 + 7200.0), "2d 2h");
    }

    #[test]
    fn a_flat_domain_maps_to_the_start() {
        assert_eq!(Linear::new((5.0, 5.0), (10.0, 20.0)).map(5.0), 10.0);
        assert_eq!(Linear::new((0.0, 10.0), (100.0, 0.0)).map(5.0), 50.0);
    }
}
