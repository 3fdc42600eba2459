//! [`Validator`]: a loaded validator version, cheap to clone, with one pre-instance per
//! engine it has run on; its blocking `validate` and `materials`, and the one place that
//! picks the engine (stack tier) and turns a run's result into a [`RunReport`].

use std::sync::{Arc, Mutex, PoisonError};

use crate::bindings::Pre;
use crate::host::State;
use crate::network::NetworkMode;
use crate::run::{Answer, Call, Inputs, RunResult, run};
use crate::runtime::{
    ArtifactSource, INLINE_STACK_MAX, Shared, shutting_down, shutting_down_error,
};
use crate::tiers::Tier;
use crate::{
    File, Limits, RunContext, RunReport, RuntimeError, Submission, ValidatorError,
    ValidatorErrorKind,
};

/// A loaded validator version, ready to run. Cheap to clone; all clones share the compiled
/// code and pre-instances.
#[derive(Clone)]
pub struct Validator {
    pub(crate) inner: Arc<Loaded>,
}

pub(crate) struct Loaded {
    pub(crate) runtime: Arc<Shared>,
    pub(crate) hash: [u8; 32],
    pub(crate) hash_hex: String,
    /// Kept to prepare another stack tier on demand.
    pub(crate) wasm: Arc<[u8]>,
    pub(crate) source: ArtifactSource,
    /// The tier it was loaded for, ready: no lock on the path of its runs.
    pub(crate) home: (Arc<Tier>, Pre<State>),
    /// Tiers prepared on first use since.
    pub(crate) others: Mutex<Vec<(Arc<Tier>, Pre<State>)>>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("hash", &self.inner.hash_hex)
            .field("source", &self.inner.source)
            .finish_non_exhaustive()
    }
}

impl Validator {
    /// Hex sha256 of the validator's Wasm bytes: its version's identity.
    pub fn hash(&self) -> &str {
        &self.inner.hash_hex
    }

    /// The contract version the validator targets: `0.1.0` or `0.2.0`.
    pub fn contract(&self) -> &'static str {
        self.inner.home.1.version()
    }

    /// Whether a run with `context` is a live network run: a 0.2.0 validator with a network
    /// that is not replayed. Those run in the network lane, holding no worker.
    pub fn waits_on_network(&self, context: &RunContext) -> bool {
        matches!(self.inner.home.1, Pre::V2(_))
            && context
                .network
                .as_ref()
                .is_some_and(|n| n.mode == NetworkMode::Live)
    }

    /// Whether this load compiled the validator or found it in the artifact cache.
    pub fn source(&self) -> ArtifactSource {
        self.inner.source
    }

    /// Judges a submission, blocking the calling thread (use [`Runtime::judge`] from async
    /// code: blocking an executor thread is exactly what the runtime exists to avoid). Waits
    /// for a free worker permit first, so it respects the runtime's concurrency bound.
    ///
    /// Runs with a Wasm stack limit of at most 1 MiB (once rounded up to its tier) execute
    /// on the calling thread, which must have about that much native stack to spare (any
    /// thread with Rust's default 2 MiB does); larger limits run on a pool thread sized for
    /// them.
    pub fn validate(&self, submission: &Submission, context: &RunContext) -> RunReport {
        let runtime = &self.inner.runtime;
        if self.waits_on_network(context) {
            let (this, submission, context) = (self.clone(), submission.clone(), context.clone());
            crate::pool::block_on(
                runtime
                    .lane
                    .run(move || this.validate_here(&submission, &context)),
            )
            .unwrap_or_else(shutting_down)
        } else if self.runs_inline(context) {
            runtime
                .pool
                .run_here(|| self.validate_here(submission, context))
        } else {
            let (this, submission, context) = (self.clone(), submission.clone(), context.clone());
            runtime
                .pool
                .run_on_worker(move || this.validate_here(&submission, &context))
                .unwrap_or_else(shutting_down)
        }
    }

    /// The team's starting material, blocking (use [`Runtime::materials`] from async code).
    pub fn materials(&self, team: &str, context: &RunContext) -> Result<Vec<File>, ValidatorError> {
        let runtime = &self.inner.runtime;
        if self.runs_inline(context) {
            runtime.pool.run_here(|| self.materials_here(team, context))
        } else {
            let (this, team, context) = (self.clone(), team.to_owned(), context.clone());
            runtime
                .pool
                .run_on_worker(move || this.materials_here(&team, &context))
                .unwrap_or_else(|| Err(shutting_down_error()))
        }
    }

    fn runs_inline(&self, context: &RunContext) -> bool {
        let runtime = &self.inner.runtime;
        let limits = context.limits.capped_at(&runtime.config.max_limits);
        runtime.stack_for(limits.max_stack_bytes) <= INLINE_STACK_MAX
    }

    /// A validation on the current thread, holding a permit already.
    pub(crate) fn validate_here(&self, submission: &Submission, context: &RunContext) -> RunReport {
        let limits = context
            .limits
            .capped_at(&self.inner.runtime.config.max_limits);
        if let Err(e) = limits.check_submission(submission) {
            return RunReport {
                outcome: Err(ValidatorError::new(
                    ValidatorErrorKind::Internal,
                    e.to_string(),
                )),
                logs: Vec::new(),
                fuel_used: 0,
                duration: std::time::Duration::ZERO,
                exchanges: Vec::new(),
            };
        }
        let result = self.run(&limits, context, Call::Validate(submission));
        RunReport {
            outcome: result.outcome.and_then(|answer| match answer {
                Answer::Verdict(verdict) => Ok(verdict),
                Answer::Materials(_) => Err(mixed_up()),
            }),
            logs: result.logs,
            fuel_used: result.fuel_used,
            duration: result.duration,
            exchanges: result.exchanges,
        }
    }

    pub(crate) fn materials_here(
        &self,
        team: &str,
        context: &RunContext,
    ) -> Result<Vec<File>, ValidatorError> {
        let limits = context
            .limits
            .capped_at(&self.inner.runtime.config.max_limits);
        let result = self.run(&limits, context, Call::Materials(team));
        if let Err(e) = &result.outcome {
            tracing::info!(validator = %self.hash(), error = %e, "materials failed");
        }
        result.outcome.and_then(|answer| match answer {
            Answer::Materials(files) => Ok(files),
            Answer::Verdict(_) => Err(mixed_up()),
        })
    }

    fn run(&self, limits: &Limits, context: &RunContext, call: Call<'_>) -> RunResult<Answer> {
        let inner = &self.inner;
        // The run gets its tier's stack, and reports (e.g. in a stack overflow) that one.
        let limits = Limits {
            max_stack_bytes: inner.runtime.stack_for(limits.max_stack_bytes),
            ..*limits
        };
        let inputs = Inputs {
            config: &context.config,
            network: context.network.as_ref(),
        };
        let (home, home_pre) = &inner.home;
        if limits.max_stack_bytes == home.stack_bytes {
            return run(&home.engine, home_pre, &inner.hash, &limits, &inputs, call);
        }
        match self.tier_pre(limits.max_stack_bytes) {
            Ok((tier, pre)) => run(&tier.engine, &pre, &inner.hash, &limits, &inputs, call),
            Err(e) => RunResult {
                outcome: Err(ValidatorError::new(
                    ValidatorErrorKind::Internal,
                    format!(
                        "preparing the validator for a {} KiB stack: {e}",
                        limits.max_stack_bytes >> 10
                    ),
                )),
                logs: Vec::new(),
                fuel_used: 0,
                duration: std::time::Duration::ZERO,
                exchanges: Vec::new(),
            },
        }
    }

    /// The tier and pre-instance for a stack size other than the home tier's, prepared on
    /// first use (from the artifact cache, or compiled on a compile thread while this one
    /// waits).
    fn tier_pre(&self, stack_bytes: usize) -> Result<(Arc<Tier>, Pre<State>), RuntimeError> {
        let inner = &self.inner;
        let find = || {
            inner
                .others
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .find(|(tier, _)| tier.stack_bytes == stack_bytes)
                .map(|(tier, pre)| (Arc::clone(tier), pre.clone()))
        };
        if let Some(found) = find() {
            return Ok(found);
        }
        // Prepared without the lock, so that other runs of this validator go on meanwhile;
        // two runs racing here both prepare, and the first one's is kept.
        let tier = inner.runtime.tier(stack_bytes)?;
        let (pre, _) = inner.runtime.prepare(&tier, &inner.wasm, &inner.hash_hex)?;
        let mut others = inner.others.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((tier, pre)) = others.iter().find(|(t, _)| t.stack_bytes == stack_bytes) {
            return Ok((Arc::clone(tier), pre.clone()));
        }
        others.push((Arc::clone(&tier), pre.clone()));
        Ok((tier, pre))
    }
}

fn mixed_up() -> ValidatorError {
    ValidatorError::new(
        ValidatorErrorKind::Internal,
        "the sandbox mixed up a call's answer",
    )
}
