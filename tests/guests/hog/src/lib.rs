//! Allocates 1 MiB blocks until memory runs out: must end in `memory`.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let mut blocks: Vec<Vec<u8>> = Vec::new();
        loop {
            blocks.push(std::hint::black_box(vec![1u8; 1 << 20]));
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
