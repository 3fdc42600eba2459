//! Returns 1 MiB of feedback: must end in `invalid_output`.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let passed = true;
        let feedback = "x".repeat(1 << 20);
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
