//! Claims a score above its maximum: must end in `invalid_output`.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        Verdict {
            passed: true,
            score: 200,
            max_score: 100,
            feedback: String::new(),
            checks: Vec::new(),
            notes: String::new(),
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
