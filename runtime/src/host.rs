//! The per-run store data ([`State`]) and the host side of the contract: the `log` and
//! `config` imports, the bounded run log, and the memory limiter that remembers whether it
//! said no (so that a validator dying of an allocation failure is reported as `memory`, not
//! as a bare trap).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::bindings::{v1, v2};
use crate::network::hooks::{NetworkHooks, SharedLedger};
use crate::sandbox::VirtualClock;
use crate::{LogLevel, LogLine};

/// Everything one run's store holds. Created fresh for every run and dropped with its store.
pub(crate) struct State {
    pub(crate) wasi: WasiCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) log: SharedLog,
    pub(crate) config: BTreeMap<String, String>,
    pub(crate) clock: VirtualClock,
    /// wasi:http's own state (field size limits).
    pub(crate) http: WasiHttpCtx,
    /// The request hook and the run's network ledger (a 0.2.0 validator's requests).
    pub(crate) network: NetworkHooks,
}

impl State {
    /// The run's network ledger.
    pub(crate) fn ledger(&self) -> &SharedLedger {
        &self.network.ledger
    }
}

impl WasiHttpView for State {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.network,
        }
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl v1::cohack::validator::host::Host for State {
    fn log(&mut self, level: v1::cohack::validator::host::Level, message: String) {
        self.log.push(level.into(), &message);
    }

    fn config(&mut self, key: String) -> Option<String> {
        self.config.get(&key).cloned()
    }
}

impl v2::cohack::validator::host::Host for State {
    fn log(&mut self, level: v2::cohack::validator::host::Level, message: String) {
        self.log.push(level.into(), &message);
    }

    fn config(&mut self, key: String) -> Option<String> {
        self.config.get(&key).cloned()
    }

    fn network_budget(&mut self) -> v2::cohack::validator::host::Budget {
        let (requests_left, max_requests, request_timeout_ms, max_response_bytes) =
            self.ledger().budget();
        v2::cohack::validator::host::Budget {
            requests_left,
            max_requests,
            request_timeout_ms,
            max_response_bytes,
        }
    }
}

// `types` has no functions, but bindgen still wants its (empty) host trait implemented.
impl v1::cohack::validator::types::Host for State {}
impl v2::cohack::validator::types::Host for State {}

/// The run log, shared between the `log` import and the stdout/stderr streams (which WASI
/// wants as `'static + Send + Sync` objects, hence the `Arc<Mutex<_>>`).
#[derive(Clone)]
pub(crate) struct SharedLog(Arc<Mutex<RunLog>>);

impl SharedLog {
    pub(crate) fn new(max_bytes: usize, max_lines: usize) -> Self {
        Self(Arc::new(Mutex::new(RunLog {
            lines: Vec::new(),
            bytes: 0,
            max_bytes,
            max_lines,
            dropped_lines: 0,
            dropped_bytes: 0,
            pending: [Vec::new(), Vec::new()],
        })))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RunLog> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends one line, or counts it as dropped once the log is full.
    pub(crate) fn push(&self, level: LogLevel, message: &str) {
        self.lock().push(level, message);
    }

    /// Appends raw stream output (stdout: `Info`, stderr: `Warn`), one line per `\n`.
    pub(crate) fn write_stream(&self, level: LogLevel, bytes: &[u8]) {
        self.lock().write_stream(level, bytes);
    }

    /// The final lines: pending partial stream lines flushed, and a marker line if anything
    /// was dropped.
    pub(crate) fn finish(&self) -> Vec<LogLine> {
        self.lock().finish()
    }
}

pub(crate) struct RunLog {
    lines: Vec<LogLine>,
    bytes: usize,
    max_bytes: usize,
    max_lines: usize,
    dropped_lines: u64,
    dropped_bytes: u64,
    /// Unterminated stdout (0) and stderr (1) output.
    pending: [Vec<u8>; 2],
}

impl RunLog {
    fn push(&mut self, level: LogLevel, message: &str) {
        let room = self.max_bytes.saturating_sub(self.bytes);
        if self.lines.len() >= self.max_lines || room == 0 {
            self.dropped_lines += 1;
            self.dropped_bytes += message.len() as u64;
            return;
        }
        let kept = if message.len() <= room {
            message
        } else {
            let mut cut = room;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            self.dropped_bytes += (message.len() - cut) as u64;
            &message[..cut]
        };
        self.bytes += kept.len();
        self.lines.push(LogLine {
            level,
            message: kept.to_owned(),
        });
    }

    fn write_stream(&mut self, level: LogLevel, mut bytes: &[u8]) {
        let slot = usize::from(level != LogLevel::Info);
        while let Some(newline) = bytes.iter().position(|&b| b == b'\n') {
            self.append_pending(slot, &bytes[..newline]);
            let line = std::mem::take(&mut self.pending[slot]);
            // Blank lines (Rust's panic message starts with one) only waste the log's room.
            if !line.is_empty() {
                self.push(level, &String::from_utf8_lossy(&line));
            }
            bytes = &bytes[newline + 1..];
        }
        self.append_pending(slot, bytes);
    }

    fn append_pending(&mut self, slot: usize, bytes: &[u8]) {
        // A line longer than the whole log would be cut anyway: never buffer more.
        let room = self.max_bytes.saturating_sub(self.pending[slot].len());
        let kept = bytes.len().min(room);
        self.pending[slot].extend_from_slice(&bytes[..kept]);
        self.dropped_bytes += (bytes.len() - kept) as u64;
    }

    fn finish(&mut self) -> Vec<LogLine> {
        for (slot, level) in [(0, LogLevel::Info), (1, LogLevel::Warn)] {
            let rest = std::mem::take(&mut self.pending[slot]);
            if !rest.is_empty() {
                self.push(level, &String::from_utf8_lossy(&rest));
            }
        }
        let mut lines = std::mem::take(&mut self.lines);
        if self.dropped_lines > 0 || self.dropped_bytes > 0 {
            // The marker is the one line allowed past the limits: authors must know the log
            // they read is not the whole story.
            lines.push(LogLine {
                level: LogLevel::Warn,
                message: format!(
                    "[log truncated: {} more lines and {} bytes dropped; limits {} lines, {} bytes]",
                    self.dropped_lines, self.dropped_bytes, self.max_lines, self.max_bytes
                ),
            });
        }
        lines
    }
}

/// Caps a run's linear memory (all memories together) and tables, and remembers a refusal.
pub(crate) struct MemoryLimiter {
    limit: usize,
    in_use: usize,
    /// The total size the validator asked for when it was refused.
    pub(crate) refused: Option<usize>,
}

/// Elements a single table may grow to; Rust validators use a few hundred.
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl MemoryLimiter {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            in_use: 0,
            refused: None,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.in_use.saturating_sub(current).saturating_add(desired);
        if total > self.limit {
            self.refused = Some(total);
            return Ok(false);
        }
        self.in_use = total;
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        64
    }

    fn tables(&self) -> usize {
        64
    }

    fn memories(&self) -> usize {
        16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_bounded_by_lines_and_bytes_and_says_so() {
        let log = SharedLog::new(20, 3);
        for _ in 0..10 {
            log.push(LogLevel::Info, "0123456789");
        }
        let lines = log.finish();
        assert_eq!(lines.len(), 3, "two kept lines plus the marker: {lines:?}");
        assert_eq!(lines[1].message, "0123456789");
        assert!(lines[2].message.contains("log truncated: 8 more lines"));
    }

    #[test]
    fn stream_output_is_split_into_lines() {
        let log = SharedLog::new(1000, 100);
        log.write_stream(LogLevel::Info, b"hello\nwor");
        log.write_stream(LogLevel::Warn, b"oops\n");
        log.write_stream(LogLevel::Info, b"ld\nrest");
        let messages: Vec<_> = log.finish().into_iter().map(|l| l.message).collect();
        assert_eq!(messages, ["hello", "oops", "world", "rest"]);
    }

    #[test]
    fn cuts_respect_utf8() {
        let log = SharedLog::new(3, 10);
        log.push(LogLevel::Info, "ééé");
        let lines = log.finish();
        assert_eq!(lines[0].message, "é");
    }
}
