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
mod python;
mod rust;
pub mod tools;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde::Deserialize;
use sha2::{Digest, Sha256};

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

/// Where a Python or JavaScript build writes its component, inside the package.
fn output_path(package: &Path) -> PathBuf {
    package.join("target").join("validator.wasm")
}

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

/// A digest of everything a build's output depends on: `parts` (tool versions, flags) and
/// the files under `inputs` (paths and contents; hidden files, `__pycache__`, `node_modules`
/// and `target` skipped).
fn fingerprint(parts: &[&str], inputs: &[&Path]) -> Result<String, PackageError> {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    for part in parts {
        field(part.as_bytes());
    }
    for input in inputs {
        field(input.to_string_lossy().as_bytes());
        let mut files = Vec::new();
        collect_files(input, &mut files)?;
        files.sort();
        for file in files {
            field(file.to_string_lossy().as_bytes());
            field(&std::fs::read(&file).map_err(|e| PackageError::io(&file, e))?);
        }
    }
    Ok(hex::encode(hash.finalize()))
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), PackageError> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(|e| PackageError::io(path, e))? {
        let entry = entry.map_err(|e| PackageError::io(path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || ["__pycache__", "node_modules", "target"].contains(&&*name) {
            continue;
        }
        let child = entry.path();
        if child.is_dir() {
            collect_files(&child, files)?;
        } else if child.is_file() {
            files.push(child);
        }
    }
    Ok(())
}

/// The output of an earlier build with the same fingerprint, if it is still there.
fn fresh_output(output: &Path, fingerprint: &str) -> Option<PathBuf> {
    let recorded = std::fs::read_to_string(stamp_of(output)).ok()?;
    (recorded.trim() == fingerprint && output.is_file()).then(|| output.to_path_buf())
}

/// Moves a finished build from `built` to `output` and records its fingerprint. The rename
/// is atomic, so a concurrent build of the same package never reads half a component.
fn publish_output(built: &Path, output: &Path, fingerprint: &str) -> Result<(), PackageError> {
    std::fs::rename(built, output).map_err(|e| PackageError::io(output, e))?;
    let stamp = stamp_of(output);
    std::fs::write(&stamp, format!("{fingerprint}\n")).map_err(|e| PackageError::io(&stamp, e))
}

fn stamp_of(output: &Path) -> PathBuf {
    output.with_extension("wasm.inputs")
}

/// A scratch file next to `output`, unique to this process.
fn scratch_path(output: &Path, what: &str) -> PathBuf {
    output.with_file_name(format!(".{what}-{}", std::process::id()))
}

/// Runs `command` with its stdout and stderr streamed line by line to `progress` (each as
/// it comes, so a slow download shows), and returns its exit status. `tool` names it in
/// errors.
fn run_streamed(
    command: &mut Command,
    tool: &str,
    progress: &mut dyn Write,
) -> Result<ExitStatus, PackageError> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| spawn_error(tool, e))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(PackageError::io(
            tool,
            std::io::Error::other("no pipes to the tool"),
        ));
    };
    let (lines, received) = std::sync::mpsc::channel::<String>();
    std::thread::scope(|scope| {
        for pipe in [Box::new(stdout) as Box<dyn Read + Send>, Box::new(stderr)] {
            let lines = lines.clone();
            scope.spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if lines.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        drop(lines);
        for line in received {
            // Progress is best effort: a closed terminal must not fail the build.
            let _ = writeln!(progress, "{line}");
        }
    });
    child.wait().map_err(|e| PackageError::io(tool, e))
}

/// The error for a tool that could not be started.
fn spawn_error(tool: &str, error: std::io::Error) -> PackageError {
    if error.kind() != std::io::ErrorKind::NotFound {
        return PackageError::io(tool, error);
    }
    let hint = match tool {
        "python3" => {
            "install Python 3.10 or later with its `venv` module (Debian: `apt install python3-venv`), or set COHACK_PYTHON to a Python 3 interpreter"
        }
        "node" | "npm" => "install Node.js 18 or later with npm (https://nodejs.org)",
        _ => "is it installed and on the PATH?",
    };
    PackageError::ToolMissing {
        tool: tool.to_owned(),
        hint: hint.to_owned(),
    }
}

/// Fails with [`PackageError::ToolFailed`] unless `status` is a success.
fn check_status(status: ExitStatus, tool: &str) -> Result<(), PackageError> {
    if status.success() {
        Ok(())
    } else {
        Err(PackageError::ToolFailed {
            tool: tool.to_owned(),
            status: status.to_string(),
        })
    }
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

    #[test]
    fn the_fingerprint_follows_contents_and_skips_caches() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(&dir.join("app.py"), "x = 1\n");
        let first = fingerprint(&["tool 1"], &[dir]).unwrap();
        write(&dir.join("__pycache__/app.pyc"), "junk");
        write(&dir.join("node_modules/m/index.js"), "junk");
        write(&dir.join(".hidden"), "junk");
        assert_eq!(fingerprint(&["tool 1"], &[dir]).unwrap(), first);
        assert_ne!(fingerprint(&["tool 2"], &[dir]).unwrap(), first);
        write(&dir.join("app.py"), "x = 2\n");
        assert_ne!(fingerprint(&["tool 1"], &[dir]).unwrap(), first);
    }

    #[test]
    fn streamed_output_reaches_progress_and_failures_name_the_tool() {
        let mut progress = Vec::new();
        let status = run_streamed(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            "sh",
            &mut progress,
        )
        .unwrap();
        let text = String::from_utf8(progress).unwrap();
        assert!(text.contains("out\n") && text.contains("err\n"), "{text}");
        let error = check_status(status, "componentize-py").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("componentize-py failed (exit status: 3)"),
            "{error}"
        );
        let missing = run_streamed(
            &mut Command::new("/nonexistent/python3"),
            "python3",
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            missing
                .to_string()
                .starts_with("python3 was not found: install Python"),
            "{missing}"
        );
    }
}
