//! Building Python and JavaScript validators in tests, with one tools folder for all of them.

use std::path::{Path, PathBuf};

/// The build tools' folder every test shares (componentize-py, componentize-js, esbuild):
/// installed from PyPI and npm the first time, then reused by every test process and run.
pub fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/cohack-tools")
}

/// Builds the Python or JavaScript validator of the package in `dir` with the shared tools;
/// the build's output is shown when it fails. A package whose sources did not change is not
/// rebuilt (the build reuses its output).
pub fn build_with_tools(dir: &Path) -> Vec<u8> {
    let options = cohack_package::BuildOptions {
        tools_dir: Some(tools_dir()),
        ..cohack_package::BuildOptions::default()
    };
    let mut progress = Vec::new();
    let wasm = cohack_package::build_with(dir, &options, &mut progress).unwrap_or_else(|e| {
        panic!(
            "building {}: {e}\n{}",
            dir.display(),
            String::from_utf8_lossy(&progress)
        )
    });
    std::fs::read(&wasm).expect("the built component")
}
