//! The raw export every team cleans: generated from a fixed seed, so it never changes.

use challenge_sdk::variant::TeamRng;

use crate::time;

/// 2024-05-14T08:00:00Z.
const START: i64 = 1_715_673_600;

/// The raw CSV (`device,time,temp,unit`), as the gateway exported it.
pub fn raw_csv() -> String {
    // Same for every team: the seed does not depend on the team.
    let mut rng = TeamRng::new("lyon-export", "clean-readings/v1");
    let mut rows: Vec<(i64, String)> = Vec::new();
    for device in 1..=6 {
        let fahrenheit_device = device == 4 || device == 5;
        let base = rng.float(18.0, 24.0);
        for step in 0..12 {
            let seconds = START + step * 900;
            let id = format!("TH-{device:02}");
            let spelled_id = match rng.below(10) {
                0 => format!(" {id}"),
                1 => id.to_lowercase(),
                2 => format!("{}{} ", &id[..1], id[1..].to_lowercase()),
                _ => id,
            };
            let spelled_time = match rng.below(10) {
                0..=4 => time::iso(seconds),
                5..=7 => time::iso(seconds).replace('T', " ").replace('Z', ""),
                _ => seconds.to_string(),
            };
            let celsius = base + rng.float(-1.5, 1.5);
            let fahrenheit = fahrenheit_device || (device == 2 && step % 5 == 3);
            let (value, unit) = if fahrenheit {
                (celsius * 9.0 / 5.0 + 32.0, "F")
            } else {
                (celsius, "C")
            };
            let temp = match rng.below(25) {
                0 => String::new(),
                1 => "n/a".to_owned(),
                _ => format!("{value:.1}"),
            };
            let row = format!("{spelled_id},{spelled_time},{temp},{unit}");
            // The gateway re-sends some readings, sometimes spelled differently.
            if rng.chance(0.08) {
                let resent_time = if spelled_time.contains('T') {
                    seconds.to_string()
                } else {
                    time::iso(seconds)
                };
                rows.push((
                    seconds + 300,
                    format!("{spelled_id},{resent_time},{temp},{unit}"),
                ));
            }
            rows.push((seconds + rng.range(0, 120), row));
        }
    }
    // Rows arrive in gateway order: by arrival time, devices interleaved.
    rows.sort_by_key(|(arrival, _)| *arrival);
    let mut out = String::from("device,time,temp,unit\n");
    for (_, row) in rows {
        out.push_str(&row);
        out.push('\n');
    }
    out
}
