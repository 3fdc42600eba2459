//! Calls `log` a million times and prints to stdout and stderr: the run's log must stay bounded and marked truncated, and the run must still complete.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

use cohack::validator::host::{Level, log};

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        println!("hello from stdout");
        eprintln!("hello from stderr");
        for _ in 0..1_000_000 {
            log(Level::Debug, "spam spam spam spam spam spam spam spam");
        }
        let passed = true;
        let feedback = String::from("survived");
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
