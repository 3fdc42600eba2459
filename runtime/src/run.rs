//! One run: a fresh store from a validator's pre-instance, the limits set, one call, the
//! result checked against the contract, and every way of failing turned into exactly one
//! [`ValidatorError`]. Nothing here can panic the caller: the whole run sits inside
//! `catch_unwind`, and the store (with its instance slot) is dropped on every path.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Store, Trap, UpdateDeadline};

use crate::bindings::{self, Pre};
use crate::engine::deadline_ticks;
use crate::host::{MemoryLimiter, SharedLog, State};
use crate::network::hooks::{NetworkHooks, SharedLedger};
use crate::network::{Exchange, Network};
use crate::sandbox::{VirtualClock, wasi_ctx};
use crate::{File, Limits, LogLine, Submission, ValidatorError, ValidatorErrorKind, Verdict};

/// Details longer than this are cut: a trap's backtrace is for a human.
const MAX_DETAIL_BYTES: usize = 4 << 10;
/// What each check costs against the output limit besides its text, so that a million empty
/// checks are not free.
const CHECK_OVERHEAD_BYTES: usize = 16;

/// What a run produced, before it is shaped into a report.
pub(crate) struct RunResult<R> {
    pub(crate) outcome: Result<R, ValidatorError>,
    pub(crate) logs: Vec<LogLine>,
    pub(crate) fuel_used: u64,
    pub(crate) duration: Duration,
    pub(crate) exchanges: Vec<Exchange>,
}

/// Which export to call.
pub(crate) enum Call<'a> {
    Validate(&'a Submission),
    Materials(&'a str),
}

/// The answer of either export, already checked against the limits.
pub(crate) enum Answer {
    Verdict(Verdict),
    Materials(Vec<File>),
}

/// What a run gets besides its call: the validator's settings and, for a 0.2.0 validator's
/// `validate`, its network.
pub(crate) struct Inputs<'a> {
    pub(crate) config: &'a BTreeMap<String, String>,
    pub(crate) network: Option<&'a Network>,
}

/// Runs one call of a validator under `limits`. Never panics.
pub(crate) fn run(
    engine: &Engine,
    pre: &Pre<State>,
    validator_hash: &[u8; 32],
    limits: &Limits,
    inputs: &Inputs<'_>,
    call: Call<'_>,
) -> RunResult<Answer> {
    let started = Instant::now();
    let log = SharedLog::new(limits.max_log_bytes, limits.max_log_lines);
    // Only a 0.2.0 validator's `validate` has a network; `materials` never does.
    let network = match (pre, &call) {
        (Pre::V2(_), Call::Validate(_)) => inputs.network.cloned(),
        _ => None,
    };
    let ledger = SharedLedger::new(network);
    let caught = std::panic::catch_unwind(AssertUnwindSafe(|| {
        run_in_store(
            engine,
            pre,
            validator_hash,
            limits,
            inputs,
            &log,
            &ledger,
            call,
        )
    }));
    let (outcome, fuel_used) = caught.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(panic = what, "the host panicked during a validator run");
        let error = ValidatorError::new(
            ValidatorErrorKind::Internal,
            format!("the sandbox failed while running the validator: {what}"),
        );
        (Err(error), 0)
    });
    let exchanges = ledger.finish();
    // A refused request is the validator's fault whatever it made of the refusal.
    let outcome = match exchanges.iter().find(|e| e.refused()) {
        Some(refused) => Err(ValidatorError::new(
            ValidatorErrorKind::Network,
            truncate(format!(
                "the validator sent a request the sandbox refused: {}",
                refused.summary()
            )),
        )),
        None => outcome,
    };
    let logs = log.finish();
    let outcome = outcome.map_err(|error| with_last_words(error, &logs));
    RunResult {
        outcome,
        logs,
        fuel_used,
        duration: started.elapsed(),
        exchanges,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one run's parts, each borrowed from a different owner"
)]
fn run_in_store(
    engine: &Engine,
    pre: &Pre<State>,
    validator_hash: &[u8; 32],
    limits: &Limits,
    inputs: &Inputs<'_>,
    log: &SharedLog,
    ledger: &SharedLedger,
    call: Call<'_>,
) -> (Result<Answer, ValidatorError>, u64) {
    let clock = VirtualClock::default();
    let state = State {
        wasi: wasi_ctx(seed(validator_hash, &call), &clock, log),
        table: resource_table(),
        limiter: MemoryLimiter::new(limits.memory_bytes),
        log: log.clone(),
        config: inputs.config.clone(),
        clock,
        http: wasmtime_wasi_http::WasiHttpCtx::new(),
        network: NetworkHooks {
            ledger: ledger.clone(),
        },
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    if let Err(e) = store.set_fuel(limits.fuel) {
        return (Err(internal("setting fuel", &e)), 0);
    }
    store.set_epoch_deadline(deadline_ticks(limits.wall_time));
    match ledger.wall_time() {
        None => store.epoch_deadline_trap(),
        Some(network_wall_time) => {
            // Time waiting on the network does not count against the run's wall time; it has
            // a limit of its own (every request at its timeout), which the requests' own
            // timeouts already keep.
            let (started, wall_time) = (Instant::now(), limits.wall_time);
            store.epoch_deadline_callback(move |cx| {
                let waited = cx.data().ledger().waited();
                let computing = started.elapsed().saturating_sub(waited);
                if computing >= wall_time || waited > network_wall_time + wall_time {
                    return Err(Trap::Interrupt.into());
                }
                Ok(UpdateDeadline::Continue(deadline_ticks(
                    wall_time.saturating_sub(computing),
                )))
            });
        }
    }

    let result = match pre {
        Pre::V1(pre) => pre
            .instantiate(&mut store)
            .map_err(|e| classify(&e, &store, limits, true))
            .and_then(|instance| {
                let answer = match call {
                    Call::Validate(submission) => instance
                        .call_validate(&mut store, &bindings::submission_v1(submission))
                        .map(|verdict| check_verdict(verdict.into(), limits)),
                    Call::Materials(team) => {
                        instance.call_materials(&mut store, team).map(|files| {
                            check_materials(files.into_iter().map(File::from).collect(), limits)
                        })
                    }
                };
                answer.map_err(|e| classify(&e, &store, limits, false))?
            }),
        Pre::V2(pre) => pre
            .instantiate(&mut store)
            .map_err(|e| classify(&e, &store, limits, true))
            .and_then(|instance| {
                let answer = match call {
                    Call::Validate(submission) => instance
                        .call_validate(
                            &mut store,
                            &bindings::submission_v2(submission, inputs.network),
                        )
                        .map(|verdict| check_verdict(verdict.into(), limits)),
                    Call::Materials(team) => {
                        instance.call_materials(&mut store, team).map(|files| {
                            check_materials(files.into_iter().map(File::from).collect(), limits)
                        })
                    }
                };
                answer.map_err(|e| classify(&e, &store, limits, false))?
            }),
    };
    let fuel_used = limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
    // Explicit: the instance's pool slot is released here, on every path.
    drop(store);
    (result, fuel_used)
}

/// Host-side resources (streams, pollables) a run may hold at once. Each lives in host
/// memory, outside the validator's memory limit, so a validator creating pollables in a loop
/// must hit a wall long before wasmtime's default of a million; real ones hold a handful.
const MAX_HOST_RESOURCES: usize = 10_000;

fn resource_table() -> wasmtime::component::ResourceTable {
    let mut table = wasmtime::component::ResourceTable::new();
    table.set_max_capacity(MAX_HOST_RESOURCES);
    table
}

/// The randomness seed of a run: the same validator and input always get the same one.
fn seed(validator_hash: &[u8; 32], call: &Call<'_>) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cohack-run-seed-v1");
    h.update(validator_hash);
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    match call {
        Call::Validate(s) => {
            field(b"validate");
            field(s.challenge.as_bytes());
            field(s.team.as_bytes());
            field(s.answer.as_bytes());
            for file in &s.files {
                field(file.path.as_bytes());
                field(&file.content);
            }
        }
        Call::Materials(team) => {
            field(b"materials");
            field(team.as_bytes());
        }
    }
    h.finalize().into()
}

/// Lines of a trapped validator's log its error quotes, and their bytes at most.
const LAST_WORDS_LINES: usize = 20;
const LAST_WORDS_BYTES: usize = 2 << 10;

/// A trap's detail with the validator's last warnings and errors from its log: where a
/// Rust panic message, a Python traceback or a JavaScript stack ends up (stderr), so that the
/// author reads why without opening the log.
fn with_last_words(mut error: ValidatorError, logs: &[LogLine]) -> ValidatorError {
    if error.kind != ValidatorErrorKind::Trap {
        return error;
    }
    let mut words: Vec<&str> = Vec::new();
    let mut bytes = 0;
    for line in logs
        .iter()
        .rev()
        .filter(|l| l.level >= crate::LogLevel::Warn)
    {
        if line.message.starts_with("[log truncated") {
            continue;
        }
        if words.len() == LAST_WORDS_LINES || bytes + line.message.len() > LAST_WORDS_BYTES {
            break;
        }
        bytes += line.message.len();
        words.push(&line.message);
    }
    if !words.is_empty() {
        words.reverse();
        error.detail = truncate(format!(
            "{}\nits last words (warnings and errors of its log):\n{}",
            error.detail,
            words.join("\n")
        ));
    }
    error
}

/// Turns a failed instantiation or call into the one error kind that explains it.
fn classify(
    error: &wasmtime::Error,
    store: &Store<State>,
    limits: &Limits,
    instantiating: bool,
) -> ValidatorError {
    use ValidatorErrorKind as Kind;
    let refused = store.data().limiter.refused;
    let (kind, detail) = match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => (
            Kind::OutOfFuel,
            format!("used up its {} units of fuel (instructions)", limits.fuel),
        ),
        Some(Trap::Interrupt) => (
            Kind::Timeout,
            format!(
                "ran longer than its wall-time limit of {:?}",
                limits.wall_time
            ),
        ),
        Some(Trap::StackOverflow) => (
            Kind::StackOverflow,
            format!(
                "recursed past its Wasm stack limit of {} KiB",
                limits.max_stack_bytes >> 10
            ),
        ),
        Some(trap) if refused.is_some() => (
            Kind::Memory,
            format!(
                "needed {} bytes of memory, above its limit of {} bytes, and then trapped: {trap}",
                refused.unwrap_or_default(),
                limits.memory_bytes
            ),
        ),
        Some(trap) => {
            let hint = if *trap == Trap::UnreachableCodeReached {
                " (the validator panicked, threw or aborted)"
            } else {
                ""
            };
            (Kind::Trap, format!("{trap}{hint}{}", backtrace(error)))
        }
        None => match error.downcast_ref::<wasmtime_wasi::I32Exit>() {
            Some(exit) => (Kind::Trap, format!("called exit({})", exit.0)),
            None if refused.is_some() => (
                Kind::Memory,
                format!(
                    "needed {} bytes of memory, above its limit of {} bytes: {error:#}",
                    refused.unwrap_or_default(),
                    limits.memory_bytes
                ),
            ),
            // An instantiation that fails without a trap is the host's problem (pool
            // exhausted, ...); during a call, a host function refused the guest.
            None if instantiating => (Kind::Internal, format!("could not instantiate: {error:#}")),
            None => (Kind::Trap, format!("{error:#}{}", backtrace(error))),
        },
    };
    ValidatorError::new(kind, truncate(detail))
}

/// The Wasm backtrace of a trap, on its own lines (function names only when the validator
/// was built with its name section).
fn backtrace(error: &wasmtime::Error) -> String {
    error
        .downcast_ref::<wasmtime::WasmBacktrace>()
        .map(|b| format!("\n{b}"))
        .unwrap_or_default()
}

fn internal(doing: &str, error: &wasmtime::Error) -> ValidatorError {
    ValidatorError::new(ValidatorErrorKind::Internal, format!("{doing}: {error:#}"))
}

fn truncate(mut detail: String) -> String {
    if detail.len() > MAX_DETAIL_BYTES {
        let mut cut = MAX_DETAIL_BYTES;
        while !detail.is_char_boundary(cut) {
            cut -= 1;
        }
        detail.truncate(cut);
        detail.push_str(" […]");
    }
    detail
}

fn invalid_output(detail: String) -> ValidatorError {
    ValidatorError::new(ValidatorErrorKind::InvalidOutput, detail)
}

/// The contract's rules for a verdict.
fn check_verdict(verdict: Verdict, limits: &Limits) -> Result<Answer, ValidatorError> {
    if verdict.score > verdict.max_score {
        return Err(invalid_output(format!(
            "score {} is above max_score {}",
            verdict.score, verdict.max_score
        )));
    }
    let size = verdict.feedback.len()
        + verdict.notes.len()
        + verdict
            .checks
            .iter()
            .map(|c| c.name.len() + c.message.len() + CHECK_OVERHEAD_BYTES)
            .sum::<usize>();
    if size > limits.max_output_bytes {
        return Err(invalid_output(format!(
            "feedback, notes and checks take {size} bytes, above the limit of {} bytes",
            limits.max_output_bytes
        )));
    }
    Ok(Answer::Verdict(verdict))
}

/// Materials obey the same limits as a submission: teams download them.
fn check_materials(files: Vec<File>, limits: &Limits) -> Result<Answer, ValidatorError> {
    let size: usize = files.iter().map(|f| f.path.len() + f.content.len()).sum();
    if files.len() > limits.max_submission_files || size > limits.max_submission_bytes {
        return Err(invalid_output(format!(
            "materials of {} files and {size} bytes exceed the limits of {} files and {} bytes",
            files.len(),
            limits.max_submission_files,
            limits.max_submission_bytes
        )));
    }
    Ok(Answer::Materials(files))
}
