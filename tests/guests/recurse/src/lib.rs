//! Recurses without end on the Wasm stack: must end in `stack_overflow`.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

#[inline(never)]
fn deep(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        deep(n - 1).wrapping_mul(3).wrapping_add(n)
    }
}

impl Guest for Guest_ {
    fn validate(submission: Submission) -> Verdict {
        let depth = submission.answer.len() as u64 + 10_000_000_000;
        let passed = deep(depth) == 7;
        let feedback = String::new();
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
