//! Trivial, well-behaved validator: compares the answer with the `answer` config value (default `42`), one check, one log line. The benchmark's workload and the tests' control group.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

use cohack::validator::host::{Level, config, log};

impl Guest for Guest_ {
    fn validate(submission: Submission) -> Verdict {
        let expected = config("answer").unwrap_or_else(|| "42".to_string());
        let passed = submission.answer.trim() == expected;
        log(Level::Info, "compared the answer");
        Verdict {
            passed,
            score: if passed { 100 } else { 0 },
            max_score: 100,
            feedback: if passed {
                "Correct.".into()
            } else {
                "Not quite.".into()
            },
            checks: vec![Check {
                name: "answer".into(),
                passed,
                message: if passed {
                    "matches".into()
                } else {
                    "does not match".into()
                },
            }],
            notes: String::new(),
        }
    }

    fn materials(team: String) -> Vec<File> {
        vec![File {
            path: "README.md".into(),
            content: format!("Starting material for team {team}.\n").into_bytes(),
        }]
    }
}
