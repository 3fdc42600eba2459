//! The Python SDK's own tests (`challenge-sdk/python/tests`, `python3 -m unittest`), run
//! under `cargo test` against the stubs of the contract that componentize-py generates.

use std::path::{Path, PathBuf};
use std::process::Command;

use cohack_package::Tools;

/// The repository root.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_python_sdk_passes_its_unit_tests() {
    let tools = Tools::at(repo().join("target/cohack-tools"));
    let mut progress = Vec::new();
    let mut componentize = tools.componentize_py(&mut progress).unwrap_or_else(|e| {
        panic!("{e}\n{}", String::from_utf8_lossy(&progress));
    });
    let bindings = tempfile::tempdir().unwrap();
    let sdk = repo().join("challenge-sdk");
    let generated = componentize
        .arg("-d")
        .arg(sdk.join("wit/validator.wit"))
        .args(["-w", "validator", "bindings"])
        .arg(bindings.path())
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    let python = std::env::var_os("COHACK_PYTHON").unwrap_or_else(|| "python3".into());
    let sdk_python = sdk.join("python");
    let path = std::env::join_paths([bindings.path(), &sdk_python]).unwrap();
    let run = Command::new(python)
        .args(["-m", "unittest", "discover", "-s", "tests", "-t", "."])
        .current_dir(&sdk_python)
        .env("PYTHONPATH", path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&run.stderr);
    println!("{report}");
    assert!(run.status.success(), "{report}");
    let ran = report
        .lines()
        .find_map(|l| {
            l.strip_prefix("Ran ")?
                .split(' ')
                .next()?
                .parse::<u32>()
                .ok()
        })
        .unwrap_or(0);
    assert!(ran >= 30, "the SDK's tests ran: {report}");
}
