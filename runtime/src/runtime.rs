//! [`Runtime`], the public face of the sandbox: one per process, owning the engines (stack
//! tiers, `tiers.rs`), the compiler (`compile.rs`), the epoch thread, the worker pool and the
//! artifact cache; it loads [`Validator`]s (`validator.rs`) and runs them asynchronously.
//!
//! A validator is loaded for the stack tier of the limits it is loaded with (the server
//! loads every version with its challenge's limits), from the artifact cache or from one
//! compile; a run with another stack size prepares that tier on first use, from the cache
//! or with another compile. Almost every run uses the primary tier, whose stack is the
//! default limit.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::bindings::{Pre, v1, v2};
use crate::cache::ArtifactCache;
use crate::compile::{Compiler, component_from_artifact};
use crate::engine::EpochTicker;
use crate::host::State;
use crate::pool::{NetworkLane, WorkerPool};
use crate::tiers::{Tier, Tiers, round_stack};
use crate::validator::{Loaded, Validator};
use crate::{
    CompileLimits, File, LimitOverrides, Limits, RunContext, RunReport, RuntimeError, Submission,
    ValidatorError, ValidatorErrorKind, checks,
};

/// Runs whose Wasm stack is at most this execute on the caller's thread in the blocking API:
/// any thread with Rust's default 2 MiB native stack has room for it and the host frames.
pub(crate) const INLINE_STACK_MAX: usize = 1 << 20;
/// Live network runs at once by default: each holds an instance slot and a mostly idle
/// thread while it waits.
pub const DEFAULT_NETWORK_RUNS: usize = 128;
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
    /// Live network runs (0.2.0 validators with a network) at once, besides the workers:
    /// they wait on services, not on the CPU, so each runs on a thread of its own and holds
    /// no worker; more wait in line for a slot.
    pub network_runs: usize,
    /// Bounds on compiling a validator (shape, time, compiles at once).
    pub compile: CompileLimits,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            default_limits: Limits::default(),
            max_limits: Limits::server_max(),
            workers: std::thread::available_parallelism().map_or(2, usize::from),
            network_runs: DEFAULT_NETWORK_RUNS,
            compile: CompileLimits::default(),
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

pub(crate) struct Shared {
    pub(crate) config: RuntimeConfig,
    pub(crate) tiers: Tiers,
    compiler: Compiler,
    cache: Option<ArtifactCache>,
    pub(crate) pool: WorkerPool,
    pub(crate) lane: NetworkLane,
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
    /// Sets up engines, the compiler, the epoch thread, the worker pool and the cache
    /// directory.
    pub fn new(config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        if config.workers == 0 {
            return Err(RuntimeError::Config("workers must be at least 1".into()));
        }
        if config.network_runs == 0 {
            return Err(RuntimeError::Config(
                "network runs must be at least 1".into(),
            ));
        }
        if config.default_limits.exceeds(&config.max_limits) {
            return Err(RuntimeError::Config(
                "a default limit is above its maximum".into(),
            ));
        }
        let ticker = EpochTicker::start()?;
        let tiers = Tiers::new(&config, &ticker)?;
        let compiler = Compiler::new(&config)?;
        let cache = config
            .cache_dir
            .as_deref()
            .map(ArtifactCache::open)
            .transpose()?;
        let worker_stack = round_stack(config.max_limits.max_stack_bytes) + WORKER_STACK_HEADROOM;
        let pool = WorkerPool::start(config.workers, worker_stack)?;
        let lane = NetworkLane::new(config.network_runs, worker_stack);
        Ok(Runtime {
            inner: Arc::new(Shared {
                config,
                tiers,
                compiler,
                cache,
                pool,
                lane,
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
    /// pre-instance, under the default limits. Blocking: a compile takes tens of
    /// milliseconds to seconds (on a compile thread; this thread waits), call it off the
    /// async executor or use [`Runtime::load_async`].
    pub fn load(&self, wasm: &[u8]) -> Result<Validator, RuntimeError> {
        self.load_with_limits(wasm, &self.inner.config.default_limits)
    }

    /// [`Runtime::load`] with a challenge's own limits: the module size limit applies, and
    /// the validator is prepared for the limits' stack size (the tier its runs will use).
    pub fn load_with_limits(
        &self,
        wasm: &[u8],
        limits: &Limits,
    ) -> Result<Validator, RuntimeError> {
        load_blocking(&self.inner, wasm.into(), limits)
    }

    /// [`Runtime::load`] for async callers.
    pub fn load_async(
        &self,
        wasm: Vec<u8>,
    ) -> impl Future<Output = Result<Validator, RuntimeError>> + Send + 'static {
        let limits = self.inner.config.default_limits;
        self.load_with_limits_async(wasm, limits)
    }

    /// [`Runtime::load_with_limits`] for async callers. Everything happens on a loading
    /// thread of its own, and a compile on a compile thread (`compile.rs`): never on the
    /// executor, on tokio's blocking pool or on a judge worker, so that publishing a large
    /// validator does not hold up the judging of anything else. The future owns what it
    /// needs (`'static`), so it can be spawned.
    pub fn load_with_limits_async(
        &self,
        wasm: Vec<u8>,
        limits: Limits,
    ) -> impl Future<Output = Result<Validator, RuntimeError>> + Send + 'static {
        let shared = Arc::clone(&self.inner);
        async move {
            let (done, answer) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("cohack-load".into())
                .spawn(move || {
                    // The caller may have stopped waiting: the validator is then dropped.
                    let _ = done.send(load_blocking(&shared, wasm.into(), &limits));
                })
                .map_err(|e| RuntimeError::Setup(format!("loading thread: {e}")))?;
            answer.await.unwrap_or_else(|_| {
                Err(RuntimeError::Setup(
                    "the loading thread failed while loading the validator".into(),
                ))
            })
        }
    }

    /// Engines this runtime has created for runs so far: one per stack size in use, at most
    /// [`MAX_ENGINES`](crate::MAX_ENGINES) whatever the overrides (the compile engine is
    /// not counted).
    pub fn engines(&self) -> usize {
        self.inner.tiers.count()
    }

    /// Judges a submission on the worker pool, off the async executor, waiting for a free
    /// worker without holding a thread. A live network run (a 0.2.0 validator with a
    /// network) runs in the network lane instead, so that runs waiting on slow services never
    /// hold up the judging of anything else. The future owns everything it needs (`'static`), so
    /// it can be spawned.
    pub fn judge(
        &self,
        validator: &Validator,
        submission: Submission,
        context: RunContext,
    ) -> impl Future<Output = RunReport> + Send + 'static {
        let network_lane = validator.waits_on_network(&context);
        let validator = validator.clone();
        let runtime = Arc::clone(&self.inner);
        async move {
            let job = move || validator.validate_here(&submission, &context);
            if network_lane {
                runtime.lane.run(job).await
            } else {
                runtime.pool.run(job).await
            }
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
        exchanges: Vec::new(),
    }
}

/// The pre-instance of a checked component, for the contract version it targets: the server
/// tells the versions apart by the world they target, by type-checking the component
/// against 0.2.0 and then 0.1.0 (their `validate` takes different submissions).
fn versioned_pre(
    tier: &Tier,
    component: &wasmtime::component::Component,
    imports_http: bool,
) -> Result<Pre<State>, RuntimeError> {
    let instance_pre = tier
        .linker
        .instantiate_pre(component)
        .map_err(|e| RuntimeError::WorldMismatch(format!("{e:#}")))?;
    let v2_error = match v2::ValidatorPre::new(instance_pre.clone()) {
        Ok(pre) => return Ok(Pre::V2(pre)),
        Err(e) => e,
    };
    match v1::ValidatorPre::new(instance_pre) {
        Ok(_) if imports_http => Err(RuntimeError::WorldMismatch(
            "it targets cohack:validator@0.1.0 but imports wasi:http, which only the 0.2.0 \
             world provides: rebuild it with challenge-sdk 0.2"
                .into(),
        )),
        Ok(pre) => Ok(Pre::V1(pre)),
        Err(_) => Err(RuntimeError::WorldMismatch(format!("{v2_error:#}"))),
    }
}

/// Loads a validator on the calling thread (which waits while a compile thread compiles).
fn load_blocking(
    shared: &Arc<Shared>,
    wasm: Arc<[u8]>,
    limits: &Limits,
) -> Result<Validator, RuntimeError> {
    let limits = limits.capped_at(&shared.config.max_limits);
    checks::check_binary(&wasm, limits.max_module_bytes)?;
    let hash: [u8; 32] = Sha256::digest(&wasm).into();
    let hash_hex = hex::encode(hash);
    let tier = shared.tier(limits.max_stack_bytes)?;
    let (pre, source) = shared.prepare(&tier, &wasm, &hash_hex)?;
    Ok(Validator {
        inner: Arc::new(Loaded {
            runtime: Arc::clone(shared),
            hash,
            hash_hex,
            wasm,
            source,
            home: (tier, pre),
            others: Mutex::new(Vec::new()),
        }),
    })
}

impl Shared {
    /// The tier for a (capped) stack limit, created on first use.
    pub(crate) fn tier(&self, stack_bytes: usize) -> Result<Arc<Tier>, RuntimeError> {
        self.tiers.get(stack_bytes, &self.ticker)
    }

    /// The stack a run asking for `stack_bytes` gets.
    pub(crate) fn stack_for(&self, stack_bytes: usize) -> usize {
        self.tiers.size_for(round_stack(stack_bytes))
    }

    /// Loads a component for `tier` from the cache or compiles it, checks it against the
    /// world, and builds its pre-instance. Only checked components reach the cache; the
    /// shape checks run with every compile (a cached artifact passed them when it was
    /// compiled).
    pub(crate) fn prepare(
        &self,
        tier: &Tier,
        wasm: &Arc<[u8]>,
        hash_hex: &str,
    ) -> Result<(Pre<State>, ArtifactSource), RuntimeError> {
        let key = &self.compiler.engine_key;
        let cached = self
            .cache
            .as_ref()
            .and_then(|cache| cache.load(&tier.engine, key, hash_hex));
        let (component, artifact) = match cached {
            Some(component) => (component, None),
            None => {
                let artifact = self.compiler.compile(Arc::clone(wasm))?;
                (
                    component_from_artifact(&tier.engine, &artifact)?,
                    Some(artifact),
                )
            }
        };
        let imports_http = checks::check_world(&tier.engine, &component)?;
        let pre = versioned_pre(tier, &component, imports_http)?;
        match artifact {
            Some(artifact) => {
                if let Some(cache) = &self.cache {
                    cache.store(key, hash_hex, &artifact);
                }
                Ok((pre, ArtifactSource::Compiled))
            }
            None => Ok((pre, ArtifactSource::Cached)),
        }
    }
}
