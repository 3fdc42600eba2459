//! `cohack challenge build`: turn a package's validator into a `.wasm` component, with the
//! tool of the manifest's [`Language`]:
//!
//! | language | what | built by | into |
//! |---|---|---|---|
//! | Rust | the crate in `validator/` | cargo (`--target wasm32-wasip2`) | cargo's target dir |
//! | Python | `validator/app.py` and `cohack_sdk` | componentize-py | `target/validator.wasm` |
//! | JavaScript | `validator/validator.js` and `@cohack/sdk` | esbuild, then componentize-js (the SDK's `scripts/build.mjs`) | `target/validator.wasm` |
//!
//! The Python and JavaScript tools are installed on first use at pinned versions into a
//! cache this crate owns ([`tools`]); nothing is installed globally. Those builds find the
//! WIT contract and their SDK in the challenge-sdk folder that `validator/sdk.toml` names
//! ([`SdkLocation`]), as a Rust crate finds challenge-sdk through its `Cargo.toml`. Their
//! output is reused while no input changed (the sources, the SDK, the contract, the tools'
//! versions), since each such build takes seconds where cargo's incremental one does not.
//!
//! Every tool's output is streamed line by line to the caller's progress writer.

mod javascript;
mod output;
mod process;
mod python;
mod rust;
pub mod tools;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use output::{fingerprint, fresh_output, output_path, publish_output, scratch_path, stage};
use process::{check_status, run_streamed};

use crate::{Language, Manifest, PackageError};

pub use tools::Tools;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `CARGO_TARGET_DIR` for a Rust build; `None` keeps cargo's own choice (the crate's
    /// workspace `target/`, or what `.cargo/config.toml` says). Python and JavaScript builds
    /// always write `target/validator.wasm` inside the package.
    pub target_dir: Option<PathBuf>,
    /// Where the Python and JavaScript tools are installed; `None` is [`Tools::from_env`]
    /// (`$COHACK_TOOLS_DIR`, else the user's cache folder).
    pub tools_dir: Option<PathBuf>,
}

/// Builds the validator of the package in `dir` and returns the path of the `.wasm`. The
/// build tools' progress and diagnostics are written to `progress`.
pub fn build(dir: &Path, progress: &mut dyn Write) -> Result<PathBuf, PackageError> {
    build_with(dir, &BuildOptions::default(), progress)
}

/// [`build`] with options.
pub fn build_with(
    dir: &Path,
    options: &BuildOptions,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    let manifest = Manifest::load(dir)?;
    let source = dir.join(&manifest.validator);
    match manifest.language {
        Language::Rust => rust::build(&source, &manifest, options, progress),
        Language::Python => python::build(dir, &source, &manifest, options, progress),
        Language::Javascript => javascript::build(dir, &source, &manifest, options, progress),
    }
}

/// The file in a Python or JavaScript validator's folder that says where challenge-sdk is.
pub const SDK_FILE: &str = "sdk.toml";

/// `validator/sdk.toml`: where challenge-sdk is, relative to the validator's folder (the
/// scaffold writes it, as it writes the SDK's path into a Rust crate's `Cargo.toml`).
///
/// ```toml
/// path = "../../challenge-sdk"
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkLocation {
    /// The challenge-sdk folder (with `wit/`, `python/` and `js/`).
    pub root: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SdkFile {
    path: String,
}

impl SdkLocation {
    /// Reads `sdk.toml` in the validator's folder `source` and checks that `needs` (a path
    /// inside the SDK, such as `python/cohack_sdk`) is there.
    pub fn find(source: &Path, needs: &str) -> Result<Self, PackageError> {
        let file = source.join(SDK_FILE);
        let text = std::fs::read_to_string(&file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => PackageError::invalid(
                &file,
                "missing: it says where challenge-sdk is, as `path = \"../../challenge-sdk\"` \
                 (relative to this folder); `cohack challenge new` writes it",
            ),
            _ => PackageError::io(&file, e),
        })?;
        let parsed: SdkFile = toml::from_str(&text)
            .map_err(|e| PackageError::invalid(&file, e.to_string().trim_end().to_owned()))?;
        let root = source.join(&parsed.path);
        let wanted = [needs, WIT_FILE];
        if let Some(missing) = wanted.iter().find(|p| !root.join(p).exists()) {
            return Err(PackageError::invalid(
                &file,
                format!(
                    "`path = \"{}\"` does not lead to challenge-sdk: {} is missing",
                    parsed.path,
                    root.join(missing).display()
                ),
            ));
        }
        let root = root
            .canonicalize()
            .map_err(|e| PackageError::io(&root, e))?;
        Ok(Self { root })
    }

    /// The contract: `wit/validator.wit`, world `validator`.
    pub fn wit(&self) -> PathBuf {
        self.root.join(WIT_FILE)
    }
}

/// The contract inside challenge-sdk.
const WIT_FILE: &str = "wit/validator.wit";
/// The world validators target.
const WORLD: &str = "validator";

/// Whether the source folder has its entry file; the error names it.
fn require_entry(source: &Path, entry: &str, manifest: &Manifest) -> Result<(), PackageError> {
    let path = source.join(entry);
    if path.is_file() {
        return Ok(());
    }
    Err(PackageError::invalid(
        &path,
        format!(
            "missing: a {} validator's entry is `{entry}` in the manifest's `validator` folder (`{}`)",
            manifest.language, manifest.validator
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_sdk_is_found_from_sdk_toml_or_the_error_says_how() {
        let tmp = tempfile::tempdir().unwrap();
        let source = tmp.path().join("pkg/validator");
        std::fs::create_dir_all(&source).unwrap();
        let missing = SdkLocation::find(&source, "python/cohack_sdk").unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("sdk.toml: missing: it says where challenge-sdk is"),
            "{missing}"
        );

        write(&source.join(SDK_FILE), "path = \"../../sdk\"\n");
        let wrong = SdkLocation::find(&source, "python/cohack_sdk").unwrap_err();
        assert!(
            wrong.to_string().contains("does not lead to challenge-sdk")
                && wrong.to_string().contains("python/cohack_sdk is missing"),
            "{wrong}"
        );

        write(&tmp.path().join("sdk/wit/validator.wit"), "package a:b;\n");
        write(&tmp.path().join("sdk/python/cohack_sdk/__init__.py"), "");
        let sdk = SdkLocation::find(&source, "python/cohack_sdk").unwrap();
        assert_eq!(sdk.root, tmp.path().join("sdk").canonicalize().unwrap());
        assert!(sdk.wit().ends_with("wit/validator.wit"));

        write(&source.join(SDK_FILE), "paht = \"x\"\n");
        let typo = SdkLocation::find(&source, "python/cohack_sdk").unwrap_err();
        assert!(typo.to_string().contains("unknown field `paht`"), "{typo}");
    }
}
