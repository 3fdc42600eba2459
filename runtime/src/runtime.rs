//! [`Runtime`], the public face of the sandbox: one per process, owning the engines, the
//! epoch thread, the worker pool and the artifact cache; it loads [`Validator`]s
//! (`validator.rs`) and runs them asynchronously.
//!
//! wasmtime fixes the Wasm stack limit per engine, so a challenge that overrides it runs on
//! a second engine ("tier") with that stack size, created on first use and kept; its
//! validator is compiled (or loaded from the cache) for that engine once, on first use too.
//! Almost every run uses the primary tier, whose stack is the default limit.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::{Component, Linker};

use crate::bindings::ValidatorPre;
use crate::cache::{ArtifactCache, engine_key};
use crate::engine::{EpochTicker, build_engine};
use crate::host::State;
use crate::pool::WorkerPool;
use crate::validator::{Loaded, Validator};
use crate::{
    File, LimitOverrides, Limits, RunContext, RunReport, RuntimeError, Submission, ValidatorError,
    ValidatorErrorKind, checks, sandbox,
};

/// Stack limits are rounded up to this, so that near-identical overrides share an engine.
const STACK_GRANULE: usize = 64 << 10;
/// Runs whose Wasm stack is at most this execute on the caller's thread in the blocking API:
/// any thread with Rust's default 2 MiB native stack has room for it and the host frames.
pub(crate) const INLINE_STACK_MAX: usize = 1 << 20;
/// Native stack of a worker thread beyond its largest Wasm stack, for host frames (WASI,
/// the canonical ABI, the run's own code).
const WORKER_STACK_HEADROOM: usize = 2 << 20;

/// How the runtime is set up.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Where compiled validators are cached; `None` compiles on every load.
    pub cache_dir: Option<PathBuf>,
    /// Limits of a challenge that overrides nothing.
    pub default_limits: Limits,
    /// The server maximum: no override, and no [`RunContext`], goes above it.
    pub max_limits: Limits,
    /// Validator runs at once (and threads of the worker pool); defaults to the cores.
    pub workers: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            default_limits: Limits::default(),
            max_limits: Limits::server_max(),
            workers: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }
}

/// Where a loaded validator's compiled code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArtifactSource {
    /// Compiled from the Wasm bytes by this load.
    Compiled,
    /// Loaded from the on-disk artifact cache.
    Cached,
}

/// The validator sandbox. One per process; cheap to clone (all clones share it).
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Shared>,
}

/// An engine with one Wasm stack size, and its linker.
pub(crate) struct Tier {
    pub(crate) stack_bytes: usize,
    pub(crate) engine: Engine,
    engine_key: String,
    linker: Linker<State>,
}

pub(crate) struct Shared {
    pub(crate) config: RuntimeConfig,
    pub(crate) primary: Arc<Tier>,
    others: Mutex<Vec<Arc<Tier>>>,
    cache: Option<ArtifactCache>,
    pub(crate) pool: WorkerPool,
    ticker: EpochTicker,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Sets up engines, the epoch thread, the worker pool and the cache directory.
    pub fn new(config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        if config.workers == 0 {
            return Err(RuntimeError::Config("workers must be at least 1".into()));
        }
        if config.default_limits.exceeds(&config.max_limits) {
            return Err(RuntimeError::Config(
                "a default limit is above its maximum".into(),
            ));
        }
        let ticker = EpochTicker::start()?;
        let primary = Arc::new(new_tier(
            &config,
            round_stack(config.default_limits.max_stack_bytes),
            &ticker,
        )?);
        let cache = config
            .cache_dir
            .as_deref()
            .map(ArtifactCache::open)
            .transpose()?;
        let worker_stack = round_stack(config.max_limits.max_stack_bytes) + WORKER_STACK_HEADROOM;
        let pool = WorkerPool::start(config.workers, worker_stack)?;
        Ok(Runtime {
            inner: Arc::new(Shared {
                config,
                primary,
                others: Mutex::new(Vec::new()),
                cache,
                pool,
                ticker,
            }),
        })
    }

    /// The limits of a challenge that overrides nothing.
    pub fn default_limits(&self) -> &Limits {
        &self.inner.config.default_limits
    }

    /// The server maximum.
    pub fn max_limits(&self) -> &Limits {
        &self.inner.config.max_limits
    }

    /// A challenge's limits: the defaults with its overrides, capped at the maximum.
    pub fn limits_for(&self, overrides: &LimitOverrides) -> Limits {
        let config = &self.inner.config;
        config
            .default_limits
            .with_overrides(overrides, &config.max_limits)
    }

    /// Checks a validator binary as publishing does, under the default limits.
    pub fn check(&self, wasm: &[u8]) -> Result<(), RuntimeError> {
        self.load(wasm).map(drop)
    }

    /// Checks a validator, compiles it (or loads its cached artifact) and prepares its
    /// pre-instance, under the default limits. Blocking: tens of milliseconds when it
    /// compiles, call it off the async executor.
    pub fn load(&self, wasm: &[u8]) -> Result<Validator, RuntimeError> {
        self.load_with_limits(wasm, &self.inner.config.default_limits)
    }

    /// [`Runtime::load`] with a challenge's own limits (only the module size matters here).
    pub fn load_with_limits(
        &self,
        wasm: &[u8],
        limits: &Limits,
    ) -> Result<Validator, RuntimeError> {
        let shared = &self.inner;
        let limits = limits.capped_at(&shared.config.max_limits);
        checks::check_binary(wasm, limits.max_module_bytes)?;
        let hash: [u8; 32] = Sha256::digest(wasm).into();
        let hash_hex = hex::encode(hash);
        let (pre, source) = shared.prepare(&shared.primary, wasm, &hash_hex)?;
        Ok(Validator {
            inner: Arc::new(Loaded {
                runtime: Arc::clone(shared),
                hash,
                hash_hex,
                wasm: wasm.into(),
                source,
                primary: pre,
                others: Mutex::new(Vec::new()),
            }),
        })
    }

    /// [`Runtime::load`] on the worker pool, for async callers: compiling takes tens of
    /// milliseconds of CPU, which must not happen on the executor. Holds a worker permit
    /// while it works, so compiles also count against the concurrency bound.
    pub fn load_async(
        &self,
        wasm: Vec<u8>,
    ) -> impl Future<Output = Result<Validator, RuntimeError>> + Send + 'static {
        let runtime = self.clone();
        async move {
            let shared = Arc::clone(&runtime.inner);
            shared
                .pool
                .run(move || runtime.load(&wasm))
                .await
                .unwrap_or_else(|| Err(RuntimeError::Setup("the runtime is shutting down".into())))
        }
    }

    /// Judges a submission on the worker pool, off the async executor, waiting for a free
    /// worker without holding a thread. The future owns everything it needs (`'static`), so
    /// it can be spawned.
    pub fn judge(
        &self,
        validator: &Validator,
        submission: Submission,
        context: RunContext,
    ) -> impl Future<Output = RunReport> + Send + 'static {
        let validator = validator.clone();
        let runtime = Arc::clone(&self.inner);
        async move {
            runtime
                .pool
                .run(move || validator.validate_here(&submission, &context))
                .await
                .unwrap_or_else(shutting_down)
        }
    }

    /// The async twin of [`Validator::materials`].
    pub fn materials(
        &self,
        validator: &Validator,
        team: String,
        context: RunContext,
    ) -> impl Future<Output = Result<Vec<File>, ValidatorError>> + Send + 'static {
        let validator = validator.clone();
        let runtime = Arc::clone(&self.inner);
        async move {
            runtime
                .pool
                .run(move || validator.materials_here(&team, &context))
                .await
                .unwrap_or_else(|| Err(shutting_down_error()))
        }
    }
}

pub(crate) fn shutting_down_error() -> ValidatorError {
    ValidatorError::new(ValidatorErrorKind::Internal, "the runtime is shutting down")
}

pub(crate) fn shutting_down() -> RunReport {
    RunReport {
        outcome: Err(shutting_down_error()),
        logs: Vec::new(),
        fuel_used: 0,
        duration: std::time::Duration::ZERO,
    }
}

pub(crate) fn round_stack(bytes: usize) -> usize {
    bytes.max(1).div_ceil(STACK_GRANULE) * STACK_GRANULE
}

fn new_tier(
    config: &RuntimeConfig,
    stack_bytes: usize,
    ticker: &EpochTicker,
) -> Result<Tier, RuntimeError> {
    let engine = build_engine(stack_bytes, config.max_limits.memory_bytes, config.workers)?;
    ticker.add(&engine);
    Ok(Tier {
        stack_bytes,
        engine_key: engine_key(&engine),
        linker: sandbox::linker(&engine)?,
        engine,
    })
}

impl Shared {
    /// The tier for a (capped) stack limit, created on first use.
    pub(crate) fn tier(&self, stack_bytes: usize) -> Result<Arc<Tier>, RuntimeError> {
        let stack_bytes = round_stack(stack_bytes);
        if stack_bytes == self.primary.stack_bytes {
            return Ok(Arc::clone(&self.primary));
        }
        let mut others = self.others.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tier) = others.iter().find(|t| t.stack_bytes == stack_bytes) {
            return Ok(Arc::clone(tier));
        }
        let tier = Arc::new(new_tier(&self.config, stack_bytes, &self.ticker)?);
        others.push(Arc::clone(&tier));
        Ok(tier)
    }

    /// Compiles or loads a component for `tier`, checks it against the world, and builds
    /// its pre-instance. Only checked components reach the cache.
    pub(crate) fn prepare(
        &self,
        tier: &Tier,
        wasm: &[u8],
        hash_hex: &str,
    ) -> Result<(ValidatorPre<State>, ArtifactSource), RuntimeError> {
        let cached = self
            .cache
            .as_ref()
            .and_then(|cache| cache.load(&tier.engine, &tier.engine_key, hash_hex));
        let (component, source) = match cached {
            Some(component) => (component, ArtifactSource::Cached),
            None => (
                Component::new(&tier.engine, wasm)
                    .map_err(|e| RuntimeError::InvalidComponent(format!("{e:#}")))?,
                ArtifactSource::Compiled,
            ),
        };
        checks::check_world(&tier.engine, &component)?;
        let pre = tier
            .linker
            .instantiate_pre(&component)
            .and_then(ValidatorPre::new)
            .map_err(|e| RuntimeError::WorldMismatch(format!("{e:#}")))?;
        if let (Some(cache), ArtifactSource::Compiled) = (&self.cache, source) {
            cache.store(&tier.engine_key, hash_hex, &component);
        }
        Ok((pre, source))
    }
}
