//! Reads the wall clock, the monotonic clock (around an hour's sleep) and randomness (a HashMap's order): the answers must be the same on every run of the same submission, and the sleep must not take real time.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let start = Instant::now();
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let map: HashMap<u32, ()> = (0..32).map(|i| (i, ())).collect();
        let order: Vec<u32> = map.keys().copied().collect();
        std::thread::sleep(Duration::from_secs(3600));
        let slept = start.elapsed();
        let passed = slept >= Duration::from_secs(3600);
        let feedback = format!("wall={wall} order={order:?} slept_ms={}", slept.as_millis());
        Verdict {
            passed,
            score: u32::from(passed),
            max_score: 1,
            feedback,
            checks: Vec::new(),
            notes: String::new(),
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
