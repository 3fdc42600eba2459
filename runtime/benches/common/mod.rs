//! What the runtime's benchmarks share: the repository's root and the test guests, built as
//! the tests build them (`tests/guests`, release, `wasm32-wasip2`, a target directory of
//! their own so this never waits on the lock of the cargo running the benchmark).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the runtime crate's parent).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runtime/ has a parent")
        .to_path_buf()
}

/// The cargo running this benchmark.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Builds the test guests and returns one of them (`trivial`, `net`, …).
pub fn guest(name: &str) -> Vec<u8> {
    let root = repo_root();
    let target = root.join("target/guests");
    let status = Command::new(cargo())
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--manifest-path",
        ])
        .arg(root.join("tests/guests/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        // Flags meant for the host build (profiling, sanitizers) must not reach the guests.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the test guests failed");
    let file = target.join(format!("wasm32-wasip2/release/guest_{name}.wasm"));
    std::fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
}
