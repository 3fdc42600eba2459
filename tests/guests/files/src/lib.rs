//! Tries to read, list and create files: every attempt must fail inside the guest; the verdict passes when all failed and says what each attempt got.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/v0.1/validator.wit", world: "validator" });

#[allow(unused_imports)]
use cohack::validator::types::Check;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(_submission: Submission) -> Verdict {
        let read = std::fs::read_to_string("/etc/passwd").map(|s| s.len());
        let list = std::fs::read_dir(".").map(|d| d.count());
        let create = std::fs::write("escape.txt", b"hi");
        let passed = read.is_err() && list.is_err() && create.is_err();
        let feedback = format!("read={read:?} list={list:?} create={create:?}");
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
