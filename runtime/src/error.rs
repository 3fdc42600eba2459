//! The crate's one error type, [`RuntimeError`]: what can fail when setting up the sandbox or
//! publishing (loading) a validator.
//!
//! Which error lives where: a *run* never returns a `RuntimeError`. A validator that traps,
//! loops, or answers nonsense is data for its authors, so every run ends in a
//! [`RunReport`](crate::RunReport) whose outcome may be a
//! [`ValidatorError`](crate::ValidatorError). `RuntimeError` is for the host's side: a bad
//! configuration, a binary refused at publish time, a submission too big to be judged.
//! wasmtime's own errors are turned into strings here, at the edge, so that callers never
//! depend on wasmtime's types.

/// Everything that can go wrong outside a validator run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuntimeError {
    /// The [`RuntimeConfig`](crate::RuntimeConfig) is inconsistent (e.g. defaults above the
    /// maximum, no workers).
    #[error("invalid runtime configuration: {0}")]
    Config(String),
    /// wasmtime refused the engine configuration, or the artifact cache directory is unusable.
    #[error("failed to set up the sandbox: {0}")]
    Setup(String),
    /// The bytes are not WebAssembly at all.
    #[error("not a WebAssembly binary: {0}")]
    NotWasm(String),
    /// A core Wasm module where a component is required.
    #[error(
        "this is a core WebAssembly module, not a component: build the validator with \
         cohack's challenge-sdk for the wasm32-wasip2 target"
    )]
    CoreModule,
    /// The binary is larger than the module size limit.
    #[error("the validator is {size} bytes, above the limit of {max} bytes")]
    ModuleTooLarge {
        /// Size of the binary.
        size: usize,
        /// The limit in force.
        max: usize,
    },
    /// The binary is a component, but not a valid one (wasmtime's validation failed).
    #[error("invalid WebAssembly component: {0}")]
    InvalidComponent(String),
    /// The component imports something the sandbox does not provide.
    #[error(
        "the validator imports `{name}`, which the sandbox does not provide: only \
         `cohack:validator/host` and the WASI 0.2 interfaces of cli, clocks, filesystem, io, \
         random and sockets are available"
    )]
    ForeignImport {
        /// The offending import, as named in the component (e.g.
        /// `wasi:http/incoming-handler@0.2.0`).
        name: String,
    },
    /// The component lacks one of the world's exports.
    #[error("the validator does not export `{name}` of the cohack:validator world")]
    MissingExport {
        /// The missing export (`validate` or `materials`).
        name: String,
    },
    /// Imports and exports are present, but their types do not match the world (e.g. built
    /// against another version of the WIT).
    #[error(
        "the validator does not match the cohack:validator world (0.2.0, or the frozen 0.1.0): {0}"
    )]
    WorldMismatch(String),
    /// A submission exceeds the size or file-count limit; the server should refuse it before
    /// storing it.
    #[error("submission too large: {0}")]
    SubmissionTooLarge(String),
    /// The component is shaped so that compiling or instantiating it would cost more than
    /// the sandbox grants one validator (too many functions or locals, a function body too
    /// large or too deeply nested, more instances, memories or tables than one run may
    /// hold, or a compile that did not finish in time). Nothing was compiled past the bound.
    #[error("the validator is too complex for the sandbox: {0}")]
    TooComplex(String),
}

impl RuntimeError {
    /// A stable, machine-readable code for the error, for the API to hand to clients.
    ///
    /// The codes of refused validators are those the server has always answered with
    /// (`validator_too_large`, `invalid_validator`), plus `validator_too_complex`.
    pub fn code(&self) -> &'static str {
        match self {
            RuntimeError::Config(_) | RuntimeError::Setup(_) => "internal",
            RuntimeError::ModuleTooLarge { .. } => "validator_too_large",
            RuntimeError::TooComplex(_) => "validator_too_complex",
            RuntimeError::SubmissionTooLarge(_) => "submission_too_large",
            RuntimeError::NotWasm(_)
            | RuntimeError::CoreModule
            | RuntimeError::InvalidComponent(_)
            | RuntimeError::ForeignImport { .. }
            | RuntimeError::MissingExport { .. }
            | RuntimeError::WorldMismatch(_) => "invalid_validator",
        }
    }
}
