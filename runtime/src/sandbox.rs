//! WASI with nothing granted: the per-run [`WasiCtx`] and the linker every validator is
//! instantiated against.
//!
//! A Rust validator built for `wasm32-wasip2` imports WASI 0.2 from std's runtime whether or
//! not it uses it, so all of WASI is linked, but: no preopened directories (opening a file
//! fails), no network (TCP, UDP and name look-up are disabled and every address is denied),
//! no environment, no arguments, an empty stdin, stdout and stderr captured into the bounded
//! run log, and deterministic stand-ins for clocks and randomness, so that the same
//! submission always gets the same verdict:
//! - both clocks read a virtual time that starts at a fixed instant
//!   ([`VIRTUAL_EPOCH_SECS`]) and advances by one microsecond per reading (so a busy-wait on
//!   the clock still ends) and by the full duration of every sleep;
//! - sleeping never waits: `subscribe-duration` / `subscribe-instant` are replaced by
//!   versions that return an already-ready pollable and advance the virtual clock instead (the
//!   stock ones wait in real time, in host code no epoch can interrupt);
//! - randomness is a SplitMix64 stream seeded from the submission and the validator's hash.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use rand_core::{Infallible, TryRng};
use wasmtime::Engine;
use wasmtime::StoreContextMut;
use wasmtime::component::{HasSelf, Linker, Resource};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{DynPollable, OutputStream, Pollable, StreamError};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtx, WasiCtxBuilder};

use crate::bindings;
use crate::host::{SharedLog, State};
use crate::{LogLevel, RuntimeError};

/// What the wall clock says when a run starts: 2025-01-01T00:00:00Z.
pub const VIRTUAL_EPOCH_SECS: u64 = 1_735_689_600;

/// How far every clock reading moves virtual time.
const NANOS_PER_READING: u64 = 1_000;

/// Largest single `get-random-bytes` request; WASI's default (64 MiB) would let a validator
/// make the host allocate that much outside its memory limit.
const MAX_RANDOM_REQUEST: u64 = 1 << 20;

/// The interface whose sleeping functions the sandbox replaces; the version is the one
/// `wasmtime-wasi` 48 defines (older 0.2.x imports resolve to it by semver).
const MONOTONIC_CLOCK: &str = "wasi:clocks/monotonic-clock@0.2.12";

/// A run's virtual time, in nanoseconds since the run started.
#[derive(Clone, Default)]
pub(crate) struct VirtualClock(Arc<AtomicU64>);

impl VirtualClock {
    fn read(&self) -> u64 {
        self.0.fetch_add(NANOS_PER_READING, Ordering::Relaxed)
    }

    fn advance(&self, nanos: u64) {
        self.0.fetch_add(nanos, Ordering::Relaxed);
    }

    fn advance_to(&self, nanos: u64) {
        self.0.fetch_max(nanos, Ordering::Relaxed);
    }
}

struct WallClock(VirtualClock);

impl HostWallClock for WallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(NANOS_PER_READING)
    }

    fn now(&self) -> Duration {
        Duration::from_secs(VIRTUAL_EPOCH_SECS) + Duration::from_nanos(self.0.read())
    }
}

struct MonotonicClock(VirtualClock);

impl HostMonotonicClock for MonotonicClock {
    fn resolution(&self) -> u64 {
        NANOS_PER_READING
    }

    fn now(&self) -> u64 {
        self.0.read()
    }
}

/// SplitMix64: tiny, fast to seed (a run cannot afford a ChaCha key schedule), and
/// statistically fine for a validator's shuffles and hash seeds. Not cryptographic, and it
/// does not need to be: a validator has nothing to keep secret.
struct SeededRng(u64);

impl TryRng for SeededRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

impl SeededRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// The WASI context of one run; `seed` comes from the submission (see `run.rs`).
pub(crate) fn wasi_ctx(seed: [u8; 32], clock: &VirtualClock, log: &SharedLog) -> WasiCtx {
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&seed[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    };
    let mut builder = WasiCtxBuilder::new();
    builder
        .stdout(LogStream {
            log: log.clone(),
            level: LogLevel::Info,
        })
        .stderr(LogStream {
            log: log.clone(),
            level: LogLevel::Warn,
        })
        .wall_clock(WallClock(clock.clone()))
        .monotonic_clock(MonotonicClock(clock.clone()))
        .secure_random(SeededRng(word(0)))
        .insecure_random(SeededRng(word(1)))
        .insecure_random_seed(u128::from(word(2)) << 64 | u128::from(word(3)))
        .max_random_size(MAX_RANDOM_REQUEST)
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .socket_addr_check(|_, _| Box::pin(async { false }));
    builder.build()
}

/// The linker for one engine: all of WASI 0.2, `wasi:http` (whose requests go through the
/// run's network hook), the `host` interface of both contract versions, and the sleep
/// replacements. Which validator may import what is decided before this, from its imports
/// (`checks.rs`): a 0.1.0 validator importing wasi:http is refused at publishing.
pub(crate) fn linker(engine: &Engine) -> Result<Linker<State>, RuntimeError> {
    let setup = |e: wasmtime::Error| RuntimeError::Setup(format!("linker: {e:#}"));
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(setup)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker).map_err(setup)?;
    bindings::v1::Validator::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)
        .map_err(setup)?;
    bindings::v2::Validator::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)
        .map_err(setup)?;

    linker.allow_shadowing(true);
    let mut clock = linker.instance(MONOTONIC_CLOCK).map_err(setup)?;
    clock
        .func_wrap(
            "subscribe-duration",
            |mut cx: StoreContextMut<'_, State>, (nanos,): (u64,)| {
                let state = cx.data_mut();
                state.clock.advance(nanos);
                Ok((ready_pollable(state)?,))
            },
        )
        .map_err(setup)?;
    clock
        .func_wrap(
            "subscribe-instant",
            |mut cx: StoreContextMut<'_, State>, (when,): (u64,)| {
                let state = cx.data_mut();
                state.clock.advance_to(when);
                Ok((ready_pollable(state)?,))
            },
        )
        .map_err(setup)?;
    linker.allow_shadowing(false);
    Ok(linker)
}

/// A pollable that is ready at once: a sleep that has already happened in virtual time.
struct Ready;

#[wasmtime_wasi::async_trait]
impl Pollable for Ready {
    async fn ready(&mut self) {}
}

fn ready_pollable(state: &mut State) -> wasmtime::Result<Resource<DynPollable>> {
    let ready = state.table.push(Ready)?;
    wasmtime_wasi::p2::subscribe(&mut state.table, ready)
}

/// stdout or stderr of a run, appended to its log line by line.
#[derive(Clone)]
struct LogStream {
    log: SharedLog,
    level: LogLevel,
}

impl IsTerminal for LogStream {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogStream {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        // Only WASI 0.3 uses this; validators are 0.2, so its output is discarded.
        Box::new(tokio::io::sink())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for LogStream {
    async fn ready(&mut self) {}
}

impl OutputStream for LogStream {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.log.write_stream(self.level, &bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        // Always accept: the log drops what is over its limit, the validator never blocks.
        Ok(64 << 10)
    }
}
