//! Shared set-up of the package tests: the sandbox, and the sample challenges built once.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cohack_runtime::{Runtime, RuntimeConfig};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the challenges workspace builds (its `.cargo/config.toml` says so).
pub fn challenges_target() -> PathBuf {
    repo().join("target/challenges")
}

/// One sandbox per test process.
pub fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| Runtime::new(RuntimeConfig::default()).expect("the sandbox starts"))
}

/// Builds the challenges workspace for wasm32-wasip2, once per test process.
pub fn build_challenges() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--release", "--target", "wasm32-wasip2"])
            // The challenges workspace has its own target dir (`.cargo/config.toml`); a
            // `CARGO_TARGET_DIR` meant for the host crates must not move it.
            .env_remove("CARGO_TARGET_DIR")
            .current_dir(repo().join("challenges"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building challenges/ failed");
        challenges_target().join("wasm32-wasip2/release")
    })
}
