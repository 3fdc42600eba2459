//! Engine set-up: one wasmtime [`Engine`] configured for many small, untrusted, short runs,
//! and the one background thread that drives epoch interruption for every engine.
//!
//! Why each setting (figures in `/work/shared/notes/wasmtime-48.md` and `BENCHMARKS.md`):
//! - the pooling allocator, because fresh instances per run from preallocated slots cost a
//!   fraction of on-demand `mmap`s;
//! - `linear_memory_keep_resident` / `table_keep_resident`, because without them every
//!   instance release `madvise`s its whole memory away and two threads spend their time in
//!   the kernel (the trivial run gets ~3× faster and finally scales over two cores; a Python
//!   validator's run 1.6× faster at 64 MiB than at 4 MiB);
//! - `pagemap_scan(Auto)`, so that on Linux ≥ 6.7 only the pages a run actually dirtied are
//!   reset;
//! - fuel for a deterministic instruction budget and epochs for wall time: fuel alone cannot
//!   see time spent outside Wasm, epochs alone would make verdicts depend on machine load;
//! - `max_wasm_stack` is an engine-wide setting in wasmtime, which is why the runtime keeps
//!   one engine per stack size in use, from a bounded set of sizes (see `tiers.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::RuntimeError;

/// Resolution of the wall-time limit: the epoch is incremented this often.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Memory a released linear memory keeps resident (and merely resets) for the next run. A
/// Rust validator touches a few MiB; a Python or JavaScript one tens (its interpreter's heap
/// on top of a 17.5 MiB image). Above this, pages are given back and fault in again on the
/// next run: at 4 MiB that cost a Python CSV validator 3 ms of its 9 ms per run (p50; p99 53
/// ms to 11 ms at 64 MiB). With `pagemap_scan` only the pages a run dirtied are reset, so the
/// cost is what the run used, and the memory stays bounded by the slots in use (the workers'
/// and the network lane's) times what their validators touch.
const KEEP_RESIDENT_MEMORY: usize = 64 << 20;
/// Same for tables.
const KEEP_RESIDENT_TABLE: usize = 64 << 10;

/// Epoch ticks a run may last before it is interrupted.
pub(crate) fn deadline_ticks(wall_time: Duration) -> u64 {
    let tick = EPOCH_TICK.as_nanos();
    // Round up, plus one for the tick already under way when the run starts.
    u64::try_from(wall_time.as_nanos().div_ceil(tick))
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

/// wasmtime's default async stack size.
const ASYNC_STACK_DEFAULT: usize = 2 << 20;

/// Core module instances one run may hold: a Rust validator has 4–6 (its main module, the
/// canonical ABI's shims), a componentize-py one a dozen.
pub(crate) const MAX_CORE_INSTANCES_PER_RUN: u32 = 32;
/// Linear memories one run may hold: every validator the SDKs build has one.
pub(crate) const MAX_MEMORIES_PER_RUN: u32 = 4;
/// Tables one run may hold: a Rust validator has 2 (its own, the shims').
pub(crate) const MAX_TABLES_PER_RUN: u32 = 8;
/// Nested component instances one run may create. They take nothing from the pool, but
/// wasmtime inlines each one when compiling, so their number is compile work.
pub(crate) const MAX_COMPONENT_INSTANCES_PER_RUN: u64 = 64;

/// Builds an engine whose Wasm stack is `max_stack_bytes` deep, whose instance pool holds
/// enough for `workers` concurrent runs, and whose memories may grow to `max_memory_bytes`.
/// `parallel` compiles a component's functions on all cores (rayon's global pool); the
/// compile engine turns it off so that a compile takes one core, never the judges'.
pub(crate) fn build_engine(
    max_stack_bytes: usize,
    max_memory_bytes: usize,
    workers: usize,
    parallel: bool,
) -> Result<Engine, RuntimeError> {
    // Runs are bounded by the worker semaphore (a store is dropped before its permit is
    // released, and nothing instantiates outside a run), so the pool holds exactly the
    // per-run maxima times the workers: a validator holding everything it may hold, on
    // every worker at once, still leaves nothing short for anyone else. The per-component
    // caps make wasmtime refuse, when loading, a component above them (publishing refuses
    // it earlier, from its shape: `checks::check_shape`).
    let workers = u32::try_from(workers).unwrap_or(u32::MAX);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(workers)
        .total_core_instances(workers.saturating_mul(MAX_CORE_INSTANCES_PER_RUN))
        .total_memories(workers.saturating_mul(MAX_MEMORIES_PER_RUN))
        .total_tables(workers.saturating_mul(MAX_TABLES_PER_RUN))
        .max_core_instances_per_component(MAX_CORE_INSTANCES_PER_RUN)
        .max_memories_per_component(MAX_MEMORIES_PER_RUN)
        .max_tables_per_component(MAX_TABLES_PER_RUN)
        .max_memory_size(max_memory_bytes)
        .linear_memory_keep_resident(KEEP_RESIDENT_MEMORY)
        .table_keep_resident(KEEP_RESIDENT_TABLE)
        .pagemap_scan(Enabled::Auto);

    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .max_wasm_stack(max_stack_bytes)
        // Runs are synchronous and never use an async stack, but wasmtime refuses a Wasm
        // stack deeper than it (2 MiB by default): the server maximum of 4 MiB needs this.
        .async_stack_size(max_stack_bytes.max(ASYNC_STACK_DEFAULT))
        .parallel_compilation(parallel)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(|e| RuntimeError::Setup(format!("wasmtime engine: {e:#}")))
}

/// The one background thread that increments the epoch of every engine of a runtime every
/// [`EPOCH_TICK`]. Stops (and is joined) when dropped.
pub(crate) struct EpochTicker {
    engines: Arc<Mutex<Vec<Engine>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts the thread, ticking no engine yet.
    pub(crate) fn start() -> Result<Self, RuntimeError> {
        let engines: Arc<Mutex<Vec<Engine>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name("cohack-epoch".into())
            .spawn({
                let engines = Arc::clone(&engines);
                let stop = Arc::clone(&stop);
                move || tick_until_stopped(&engines, &stop)
            })
            .map_err(|e| RuntimeError::Setup(format!("epoch thread: {e}")))?;
        Ok(Self {
            engines,
            stop,
            thread: Some(thread),
        })
    }

    /// Adds an engine to tick.
    pub(crate) fn add(&self, engine: &Engine) {
        self.engines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(engine.clone());
    }
}

fn tick_until_stopped(engines: &Mutex<Vec<Engine>>, stop: &AtomicBool) {
    // The epoch must follow real time even when this thread is descheduled (a loaded
    // machine delays wake-ups by milliseconds): each wake-up makes up for every tick that
    // has passed since the last one, so a deadline of N ticks is N ticks of wall time.
    let start = Instant::now();
    let mut ticked: u128 = 0;
    while !stop.load(Ordering::Acquire) {
        let due = start.elapsed().as_nanos() / EPOCH_TICK.as_nanos();
        if due > ticked {
            for engine in engines
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
            {
                for _ in ticked..due {
                    engine.increment_epoch();
                }
            }
            ticked = due;
        }
        let next = start + EPOCH_TICK * u32::try_from(ticked + 1).unwrap_or(u32::MAX);
        std::thread::park_timeout(next.saturating_duration_since(Instant::now()));
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // A tick is a few microseconds of work: joining cannot hang.
            let _ = thread.join();
        }
    }
}
