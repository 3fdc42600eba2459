//! Stack tiers: wasmtime fixes the Wasm stack limit per engine, so a challenge that
//! overrides it runs on an engine ("tier") with that stack size, created on first use and
//! kept. Every engine owns an instance pool and a linker, so their number must not grow with
//! the number of distinct overrides: a requested stack size is rounded up to one of at most
//! [`MAX_ENGINES`] sizes — the default's, and a ladder halving down from the server maximum
//! (4 MiB, 2 MiB, … 64 KiB with the default maximum). Rounding up only ever grants more
//! stack than asked, never more than the maximum.

use std::sync::{Arc, Mutex, PoisonError};

use wasmtime::Engine;
use wasmtime::component::Linker;

use crate::engine::{EpochTicker, build_engine};
use crate::host::State;
use crate::{RuntimeConfig, RuntimeError, sandbox};

/// Stack sizes are multiples of this.
const STACK_GRANULE: usize = 64 << 10;
/// Rungs of the ladder below the maximum, the maximum included.
const LADDER_RUNGS: u32 = 7;
/// Engines a runtime creates for runs, at most: one per rung of the stack-size ladder, plus
/// one for the default stack size when it is not on the ladder.
pub const MAX_ENGINES: usize = LADDER_RUNGS as usize + 1;

/// An engine with one Wasm stack size, and its linker.
pub(crate) struct Tier {
    pub(crate) stack_bytes: usize,
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<State>,
}

/// The tiers of a runtime: the primary (the default stack size) at once, the others on
/// first use.
pub(crate) struct Tiers {
    /// Every size a tier may have, ascending.
    sizes: Vec<usize>,
    pub(crate) primary: Arc<Tier>,
    others: Mutex<Vec<Arc<Tier>>>,
    memory_bytes: usize,
    workers: usize,
}

pub(crate) fn round_stack(bytes: usize) -> usize {
    bytes.max(1).div_ceil(STACK_GRANULE) * STACK_GRANULE
}

impl Tiers {
    /// Builds the primary tier and the ladder of sizes for `config`.
    pub(crate) fn new(config: &RuntimeConfig, ticker: &EpochTicker) -> Result<Self, RuntimeError> {
        let top = round_stack(config.max_limits.max_stack_bytes);
        let primary_size = round_stack(config.default_limits.max_stack_bytes);
        let mut sizes: Vec<usize> = (0..LADDER_RUNGS)
            .map(|rung| round_stack(top >> rung))
            .chain([primary_size])
            .collect();
        sizes.sort_unstable();
        sizes.dedup();
        let memory_bytes = config.max_limits.memory_bytes;
        let primary = Arc::new(new_tier(
            primary_size,
            memory_bytes,
            config.workers + config.network_runs,
            ticker,
        )?);
        Ok(Self {
            sizes,
            primary,
            others: Mutex::new(Vec::new()),
            memory_bytes,
            workers: config.workers + config.network_runs,
        })
    }

    /// The stack size a run asking for `requested` bytes gets: the smallest tier size that
    /// holds it (requests are capped at the maximum before they get here).
    pub(crate) fn size_for(&self, requested: usize) -> usize {
        let largest = self.sizes.last().copied().unwrap_or(STACK_GRANULE);
        self.sizes
            .iter()
            .copied()
            .find(|&size| size >= requested)
            .unwrap_or(largest)
    }

    /// The tier for a requested stack size, created on first use.
    pub(crate) fn get(
        &self,
        requested: usize,
        ticker: &EpochTicker,
    ) -> Result<Arc<Tier>, RuntimeError> {
        let size = self.size_for(requested);
        if size == self.primary.stack_bytes {
            return Ok(Arc::clone(&self.primary));
        }
        let mut others = self.others.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tier) = others.iter().find(|t| t.stack_bytes == size) {
            return Ok(Arc::clone(tier));
        }
        let tier = Arc::new(new_tier(size, self.memory_bytes, self.workers, ticker)?);
        others.push(Arc::clone(&tier));
        Ok(tier)
    }

    /// Engines created so far (the primary included).
    pub(crate) fn count(&self) -> usize {
        1 + self
            .others
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

fn new_tier(
    stack_bytes: usize,
    memory_bytes: usize,
    workers: usize,
    ticker: &EpochTicker,
) -> Result<Tier, RuntimeError> {
    let engine = build_engine(stack_bytes, memory_bytes, workers, true)?;
    ticker.add(&engine);
    Ok(Tier {
        stack_bytes,
        linker: sandbox::linker(&engine)?,
        engine,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    #[test]
    fn stack_sizes_round_up_to_a_few_tiers() {
        let ticker = EpochTicker::start().expect("ticker");
        let config = RuntimeConfig {
            workers: 1,
            ..RuntimeConfig::default()
        };
        let tiers = Tiers::new(&config, &ticker).expect("tiers");
        let max = Limits::server_max().max_stack_bytes;
        assert_eq!(
            tiers.sizes.len(),
            MAX_ENGINES - 1,
            "512 KiB is on the ladder"
        );
        assert_eq!(tiers.size_for(1), 64 << 10);
        assert_eq!(tiers.size_for(100 << 10), 128 << 10);
        assert_eq!(tiers.size_for(512 << 10), 512 << 10);
        assert_eq!(tiers.size_for((512 << 10) + 1), 1 << 20);
        assert_eq!(tiers.size_for(max), max);
        assert_eq!(tiers.size_for(max + 1), max);
    }
}
