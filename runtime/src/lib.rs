//! `cohack-runtime`: the validator sandbox.
//!
//! Every submission to a cohack challenge is judged by the challenge's *validator*, a
//! WebAssembly component for the `cohack:validator` world (`challenge-sdk/wit`), written by
//! the challenge's authors and therefore untrusted. This crate runs validators in wasmtime
//! with nothing granted and every resource bounded, and turns whatever happens into a
//! [`RunReport`]: a [`Verdict`], or a [`ValidatorError`] of a known kind.
//!
//! ```no_run
//! # use cohack_runtime::*;
//! # fn demo(wasm: &[u8]) -> Result<(), RuntimeError> {
//! let runtime = Runtime::new(RuntimeConfig::default())?;
//! let validator = runtime.load(wasm)?; // publish-time checks, compile or cache
//! let context = RunContext { limits: *runtime.default_limits(), ..RunContext::default() };
//! let report = validator.validate(
//!     &Submission { answer: "42".into(), ..Submission::default() },
//!     &context,
//! );
//! # Ok(()) }
//! ```
//!
//! The path of a load ([`Runtime::load_with_limits_async`], or its blocking twin): the raw
//! bytes checked; the artifact cache consulted; on a miss, on a compile thread of its own
//! (one core, lower priority, never a judge's), the component's shape read before anything
//! is compiled — imports first, then functions, locals, body sizes, estimated compile work
//! and what one run would take of the instance pool, any excess refused as
//! [`RuntimeError::TooComplex`] — then the compile, against a deadline; the exports checked
//! against the world; the pre-instance built for the stack tier of the limits.
//!
//! The path of a run: [`Runtime::judge`] (async) waits for a worker permit, a worker thread
//! creates a fresh store from the validator's pre-instance with fuel, an epoch deadline and
//! a memory limiter, calls `validate`, checks the verdict against the contract, and drops the
//! store. Modules, one job each:
//! - `engine` — the wasmtime engine and the epoch thread;
//! - `limits` — limits, overrides, the server maximum;
//! - `sandbox` — WASI with nothing granted, deterministic clocks and randomness;
//! - `host` — the `log`/`config` imports, the bounded log, the memory limiter;
//! - `tiers` — one engine per stack size in use, from a bounded set of sizes;
//! - `shape` — a component's shape (imports, compile work, pool use), read before compiling;
//! - `checks` — publish-time checks of a binary;
//! - `compile` — compiling off the judges' workers, on one core, against a deadline;
//! - `cache` — compiled artifacts on disk;
//! - `run` — one run and the classification of its failures;
//! - `pool` — bounded concurrency off the async executor;
//! - `runtime` — the public [`Runtime`]: set-up, loading, the async entry points;
//! - `validator` — the public [`Validator`] handle and its blocking entry points.

mod bindings;
mod cache;
mod checks;
mod compile;
mod engine;
mod error;
mod host;
mod limits;
mod network;
mod pool;
mod run;
mod runtime;
mod sandbox;
mod shape;
mod tiers;
mod types;
mod validator;

pub use error::RuntimeError;
pub use limits::{CompileLimits, LimitOverrides, Limits};
pub use network::{
    AddressClass, Body, Endpoint, Exchange, ExchangeOutcome, FailureKind, HostPattern, Network,
    NetworkError, NetworkMode, check_endpoint_url,
};
pub use runtime::{ArtifactSource, Runtime, RuntimeConfig};
pub use sandbox::VIRTUAL_EPOCH_SECS;
pub use tiers::MAX_ENGINES;
pub use types::{
    Check, File, LogLevel, LogLine, RunContext, RunReport, Submission, ValidatorError,
    ValidatorErrorKind, Verdict,
};
pub use validator::Validator;
