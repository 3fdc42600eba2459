//! Panics: must end in `trap`, the panic message kept in the run's log (stderr).

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(submission: Submission) -> Verdict {
        panic!("validator bug on answer {:?}", submission.answer);
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}
