//! Compiling validators: off the judges' workers, one core at a time, bounded before it
//! starts and in wall time while it runs.
//!
//! A compile is the one CPU-heavy step of publishing, and its cost is the author's to
//! choose: a big validator takes seconds. So that it never stalls the judging of other
//! challenges, a compile
//! - runs on a thread of its own (never a judge worker, never tokio's blocking pool),
//!   holding one of [`CompileLimits::max_concurrent`] compile slots, so that however many
//!   authors publish at once, compiles take at most that many cores;
//! - uses a compile engine of its own with parallel compilation off: the run engines
//!   would spread a compile over every core through rayon's global pool, right where the
//!   judges run. Its artifact is wasmtime's serialized form, which every run engine (every
//!   stack tier) loads, because nothing that shapes compiled code differs between them
//!   (the same compatibility key, checked by a unit test), so one compile serves all tiers;
//! - starts only after the component's shape passed [`checks::check_shape`] (imports
//!   first), on that thread too, so that parsing a large binary is off the caller's thread;
//! - is waited for at most [`CompileLimits::compile_timeout`]: past it, the load is
//!   refused as too complex. wasmtime cannot interrupt a compile, so the thread finishes it
//!   unseen and only then gives its slot back: a runaway compile still counts against the
//!   bound, it just no longer keeps its caller waiting.
//!
//! A compile's memory is bounded through its shape: Cranelift holds one function at a time
//! in memory while it works, and the shape checks bound each function and their number.

use std::sync::Arc;
use std::sync::mpsc::RecvTimeoutError;

use tokio::sync::Semaphore;
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::cache::engine_key;
use crate::engine::build_engine;
use crate::pool::block_on;
use crate::tiers::round_stack;
use crate::{CompileLimits, RuntimeConfig, RuntimeError, checks};

/// The compile engine, its slots and its limits.
pub(crate) struct Compiler {
    engine: Engine,
    /// The compatibility key of the artifacts it makes (the artifact cache's key).
    pub(crate) engine_key: String,
    slots: Arc<Semaphore>,
    limits: CompileLimits,
}

impl Compiler {
    /// The compile engine for a runtime set up with `config`.
    pub(crate) fn new(config: &RuntimeConfig) -> Result<Self, RuntimeError> {
        if config.compile.max_concurrent == 0 {
            return Err(RuntimeError::Config(
                "compile.max_concurrent must be at least 1".into(),
            ));
        }
        // The same settings as the run engines (so that its artifacts load there), but it
        // never instantiates anything: a pool of one run is all it reserves.
        let engine = build_engine(
            round_stack(config.default_limits.max_stack_bytes),
            config.max_limits.memory_bytes,
            1,
            false,
        )?;
        Ok(Self {
            engine_key: engine_key(&engine),
            engine,
            slots: Arc::new(Semaphore::new(config.compile.max_concurrent)),
            limits: config.compile,
        })
    }

    /// Checks the shape of `wasm` and compiles it into a serialized artifact on a compile
    /// thread, once a compile slot is free. Blocks the caller until the artifact is ready or
    /// the deadline has passed (waiting for a slot does not count against it).
    pub(crate) fn compile(&self, wasm: Arc<[u8]>) -> Result<Vec<u8>, RuntimeError> {
        let permit = block_on(Arc::clone(&self.slots).acquire_owned())
            .map_err(|_| RuntimeError::Setup("the compile slots are closed".into()))?;
        let (done, result) = std::sync::mpsc::sync_channel(1);
        let engine = self.engine.clone();
        let limits = self.limits;
        std::thread::Builder::new()
            .name("cohack-compile".into())
            .spawn(move || {
                lower_priority();
                let artifact = checks::check_shape(&wasm, &limits).and_then(|()| {
                    engine
                        .precompile_component(&wasm)
                        .map_err(|e| RuntimeError::InvalidComponent(format!("{e:#}")))
                });
                // The slot is free once the work is done, whether anyone still waits.
                drop(permit);
                let _ = done.send(artifact);
            })
            .map_err(|e| RuntimeError::Setup(format!("compile thread: {e}")))?;
        match result.recv_timeout(self.limits.compile_timeout) {
            Ok(artifact) => artifact,
            Err(RecvTimeoutError::Timeout) => {
                tracing::warn!(
                    timeout = ?self.limits.compile_timeout,
                    "a validator compile ran past its deadline; it finishes unseen"
                );
                Err(RuntimeError::TooComplex(format!(
                    "compiling it took longer than {} s",
                    self.limits.compile_timeout.as_secs_f64()
                )))
            }
            Err(RecvTimeoutError::Disconnected) => Err(RuntimeError::Setup(
                "the compile thread failed while compiling the validator".into(),
            )),
        }
    }
}

/// Makes a component of an artifact that [`Compiler::compile`] has just made.
#[expect(
    unsafe_code,
    reason = "deserializing compiled code; see the safety comment"
)]
pub(crate) fn component_from_artifact(
    engine: &Engine,
    artifact: &[u8],
) -> Result<Component, RuntimeError> {
    // SAFETY: wasmtime requires the bytes to be its own serialized output. They are: this
    // process's compile engine produced them from the Wasm bytes a moment ago, in memory,
    // and nothing else has touched them.
    unsafe { Component::deserialize(engine, artifact) }
        .map_err(|e| RuntimeError::InvalidComponent(format!("{e:#}")))
}

/// Lowers the calling thread's scheduling priority, so that when judges and a compile want
/// the same core, the judges get most of it. Linux only; elsewhere a no-op.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux a thread id names one thread for `setpriority`.
        let tid = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(tid), COMPILE_NICENESS) {
            tracing::debug!(error = %e, "could not lower the compile thread's priority");
        }
    }
}

/// The compile thread's niceness: a nice-10 thread gets about a tenth of a core that a
/// nice-0 judge also wants, and all of an idle one.
#[cfg(target_os = "linux")]
const COMPILE_NICENESS: i32 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_and_run_engines_share_the_artifact_format() {
        let config = RuntimeConfig::default();
        let compiler = Compiler::new(&config).expect("compiler");
        for stack in [64 << 10, 512 << 10, 4 << 20] {
            let run = build_engine(stack, config.max_limits.memory_bytes, 2, true).expect("e");
            assert_eq!(engine_key(&run), compiler.engine_key, "stack {stack}");
        }
    }
}
