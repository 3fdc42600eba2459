//! The trivial validator as a native program: reads a JSON [`Submission`] on stdin, writes a
//! JSON [`Verdict`] on stdout. The benchmark's baseline for "one process per validation",
//! the design the sandbox replaces.

use std::io::{Read, Write};

use cohack_runtime::{Check, Submission, Verdict};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let submission: Submission = serde_json::from_str(&input)?;
    let passed = submission.answer.trim() == "42";
    let verdict = Verdict {
        passed,
        score: if passed { 100 } else { 0 },
        max_score: 100,
        feedback: if passed { "Correct." } else { "Not quite." }.into(),
        checks: vec![Check {
            name: "answer".into(),
            passed,
            message: if passed { "matches" } else { "does not match" }.into(),
        }],
        notes: String::new(),
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &verdict)?;
    out.flush()?;
    Ok(())
}
