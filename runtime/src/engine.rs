//! Engine set-up: one wasmtime [`Engine`] configured for many small, untrusted, short runs,
//! and the one background thread that drives epoch interruption for every engine.
//!
//! Why each setting (figures in `/work/shared/notes/wasmtime-48.md` and `BENCHMARKS.md`):
//! - the pooling allocator, because fresh instances per run from preallocated slots cost a
//!   fraction of on-demand `mmap`s;
//! - `linear_memory_keep_resident` / `table_keep_resident`, because without them every
//!   instance release `madvise`s its whole memory away and two threads spend their time in
//!   the kernel (the trivial run gets ~3× faster and finally scales over two cores);
//! - `pagemap_scan(Auto)`, so that on Linux ≥ 6.7 only the pages a run actually dirtied are
//!   reset;
//! - fuel for a deterministic instruction budget and epochs for wall time: fuel alone cannot
//!   see time spent outside Wasm, epochs alone would make verdicts depend on machine load;
//! - `max_wasm_stack` is an engine-wide setting in wasmtime, which is why the runtime keeps
//!   one engine per distinct stack limit (see `runtime.rs`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::RuntimeError;

/// Resolution of the wall-time limit: the epoch is incremented this often.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Memory a released linear memory keeps resident (and merely zeroes) for the next run: a
/// trivial validator touches well under this.
const KEEP_RESIDENT_MEMORY: usize = 4 << 20;
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

/// Builds an engine whose Wasm stack is `max_stack_bytes` deep, whose instance pool holds
/// enough slots for `workers` concurrent runs, and whose memories may grow to
/// `max_memory_bytes`.
pub(crate) fn build_engine(
    max_stack_bytes: usize,
    max_memory_bytes: usize,
    workers: usize,
) -> Result<Engine, RuntimeError> {
    // Runs are bounded by the worker semaphore, so a few slots per worker cover every store
    // alive at once (a store is dropped before its permit is released); the floor leaves room
    // for checks and tests running beside the workers.
    let slots = u32::try_from(workers.saturating_mul(4).max(16)).unwrap_or(u32::MAX);
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(slots)
        // A Rust wasip2 component is a main module plus a few shim modules.
        .total_core_instances(slots.saturating_mul(8))
        .total_memories(slots.saturating_mul(2))
        .total_tables(slots.saturating_mul(8))
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
        .parallel_compilation(true)
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
