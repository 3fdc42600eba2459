//! Reads environment variables, arguments and the working directory: must see none of the host's.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let args: Vec<String> = std::env::args().collect();
        let home = std::env::var("HOME");
        let cwd = std::env::current_dir();
        let passed = vars.is_empty() && args.is_empty() && home.is_err();
        let feedback = format!("vars={vars:?} args={args:?} home={home:?} cwd={cwd:?}");
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
