//! The package crate's one error type. Its messages are for challenge authors: each names the
//! file (and the field) to fix, or the command to run.

use std::path::PathBuf;

/// What can go wrong with a package, its build or its upload.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// A file of the package is malformed or breaks a rule (`challenge.toml: field `slug`: …`).
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file at fault (relative to the package for uploads).
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// `scaffold` refuses to write into a folder that has files in it.
    #[error("{} is not empty: choose a new folder for the challenge", .0.display())]
    NotEmpty(PathBuf),
    /// `cargo` is not on the PATH (or `$CARGO` points nowhere).
    #[error(
        "cargo was not found: install Rust with rustup (https://rustup.rs), then run `rustup target add wasm32-wasip2`"
    )]
    CargoMissing,
    /// The toolchain has no standard library for the validator target.
    #[error("the wasm32-wasip2 target is not installed: run `rustup target add wasm32-wasip2`")]
    TargetMissing,
    /// cargo ran and failed; its diagnostics were streamed to the progress output.
    #[error("building the validator failed ({status}); cargo's messages are above")]
    BuildFailed {
        /// cargo's exit status.
        status: String,
    },
    /// cargo succeeded but produced no `.wasm` for the validator crate.
    #[error("cargo built no .wasm for {}: is its `[lib]` `crate-type = [\"cdylib\"]`?", .0.display())]
    NoArtifact(PathBuf),
    /// A program a validator's language needs is not on this machine (`python3`, `node`,
    /// `npm`).
    #[error("{tool} was not found: {hint}")]
    ToolMissing {
        /// The program.
        tool: String,
        /// How to get it.
        hint: String,
    },
    /// Installing a language's build tools failed; the installer's messages were streamed
    /// to the progress output.
    #[error("installing {what} failed ({status}); its messages are above")]
    ToolInstall {
        /// What was being installed.
        what: String,
        /// The installer's exit status.
        status: String,
    },
    /// A language's build tool ran and failed (a syntax error in `app.py`, say); its messages
    /// were streamed to the progress output.
    #[error("{tool} failed ({status}); its messages are above")]
    ToolFailed {
        /// The tool.
        tool: String,
        /// Its exit status.
        status: String,
    },
    /// The sandbox refused the validator binary.
    #[error("the validator cannot be loaded: {0}")]
    Runtime(#[from] cohack_runtime::RuntimeError),
    /// A URL given for the team's endpoints is not acceptable.
    #[error("the endpoint URL is not acceptable: {0}")]
    Endpoint(cohack_runtime::NetworkError),
    /// An upload is malformed (bad base64, checksum mismatch, unknown format version).
    #[error("invalid upload: {0}")]
    Upload(String),
}

impl PackageError {
    /// An [`PackageError::Invalid`] for `path`.
    pub(crate) fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    /// An [`PackageError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
