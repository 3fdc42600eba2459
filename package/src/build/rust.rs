//! The Rust build: compile the validator crate with cargo for `wasm32-wasip2`.
//!
//! cargo runs with `--message-format=json-render-diagnostics`: its stdout is JSON (we read the
//! `compiler-artifact` messages to find the `.wasm`), its stderr stays human-readable (progress
//! and rendered diagnostics) and is streamed line by line to the caller's progress output.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::BuildOptions;
use crate::{Manifest, PackageError};

/// The target validators are built for.
const TARGET: &str = "wasm32-wasip2";

/// Builds the crate in `crate_dir` (release, `wasm32-wasip2`) and returns the path of the
/// `.wasm`. cargo's progress and diagnostics are written to `progress`.
pub(super) fn build(
    crate_dir: &Path,
    manifest: &Manifest,
    options: &BuildOptions,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    let cargo_toml = crate_dir.join("Cargo.toml");
    if !cargo_toml.is_file() {
        return Err(PackageError::invalid(
            &cargo_toml,
            format!(
                "no validator crate here (the manifest's `validator` is `{}`)",
                manifest.validator
            ),
        ));
    }
    let cargo_toml = cargo_toml
        .canonicalize()
        .map_err(|e| PackageError::io(&cargo_toml, e))?;
    if !target_installed() {
        return Err(PackageError::TargetMissing);
    }

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--release",
            "--target",
            TARGET,
            "--message-format=json-render-diagnostics",
        ])
        .arg("--manifest-path")
        .arg(&cargo_toml)
        // cargo finds `.cargo/config.toml` from its working directory, not the manifest's.
        .current_dir(crate_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(target_dir) = &options.target_dir {
        command.env("CARGO_TARGET_DIR", target_dir);
    }
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => PackageError::CargoMissing,
        _ => PackageError::io("cargo", e),
    })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(PackageError::io(
            "cargo",
            std::io::Error::other("no pipes to cargo"),
        ));
    };

    // stdout is read on a thread so neither pipe can fill up and stall cargo.
    let (artifacts, stderr_text) = std::thread::scope(|scope| {
        let reader = scope.spawn(|| wasm_artifacts(BufReader::new(stdout), &cargo_toml));
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            // Progress is best effort: a closed terminal must not fail the build.
            let _ = writeln!(progress, "{line}");
            text.push_str(&line);
            text.push('\n');
        }
        (reader.join().unwrap_or_default(), text)
    });
    let status = child.wait().map_err(|e| PackageError::io("cargo", e))?;
    if !status.success() {
        if stderr_text.contains("target may not be installed")
            || stderr_text.contains("can't find crate for `std`")
        {
            return Err(PackageError::TargetMissing);
        }
        return Err(PackageError::BuildFailed {
            status: status.to_string(),
        });
    }
    artifacts
        .into_iter()
        .last()
        .ok_or_else(|| PackageError::NoArtifact(crate_dir.to_path_buf()))
}

/// The one message kind we need from cargo's JSON stream.
#[derive(Deserialize)]
struct Message {
    reason: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    filenames: Vec<PathBuf>,
}

/// The `.wasm` files cargo reports for the crate at `cargo_toml`.
fn wasm_artifacts(stdout: impl BufRead, cargo_toml: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for line in stdout.lines().map_while(Result::ok) {
        let Ok(message) = serde_json::from_str::<Message>(&line) else {
            continue;
        };
        if message.reason != "compiler-artifact"
            || message.manifest_path.as_deref() != Some(cargo_toml)
        {
            continue;
        }
        found.extend(
            message
                .filenames
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "wasm")),
        );
    }
    found
}

/// Whether the active toolchain has the standard library for [`TARGET`]: `rustc --print
/// target-libdir` names the folder, which exists only when the target is installed.
fn target_installed() -> bool {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
    else {
        // No rustc to ask: let cargo try and report what it finds.
        return true;
    };
    let dir = String::from_utf8_lossy(&output.stdout);
    !output.status.success() || Path::new(dir.trim()).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifacts_are_picked_from_cargo_json() {
        let crate_toml = Path::new("/p/validator/Cargo.toml");
        let stream = concat!(
            "{\"reason\":\"compiler-artifact\",\"manifest_path\":\"/sdk/Cargo.toml\",\"filenames\":[\"/t/libsdk.rlib\"]}\n",
            "not json\n",
            "{\"reason\":\"compiler-message\",\"manifest_path\":\"/p/validator/Cargo.toml\"}\n",
            "{\"reason\":\"compiler-artifact\",\"manifest_path\":\"/p/validator/Cargo.toml\",\"filenames\":[\"/t/v.wasm\",\"/t/libv.rlib\"]}\n",
            "{\"reason\":\"build-finished\",\"success\":true}\n",
        );
        assert_eq!(
            wasm_artifacts(stream.as_bytes(), crate_toml),
            [PathBuf::from("/t/v.wasm")]
        );
    }
}
