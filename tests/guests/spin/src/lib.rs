//! Loops forever: must end in `out_of_fuel` (or `timeout` when fuel is plentiful).

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let mut counter = 0u64;
        loop {
            counter = std::hint::black_box(counter.wrapping_add(1));
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
