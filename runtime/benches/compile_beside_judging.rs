//! Judging while a large validator compiles: throughput and latency of trivial judgments
//! (`Runtime::judge`, as the server judges) on an idle sandbox, during a compile the new way
//! (`Runtime::load_with_limits_async`: a compile thread of its own, one core, lower
//! priority) and during the same compile the old way (`spawn_blocking` of a load whose
//! engine compiles in parallel on every core, as the server did before).
//!
//! `cargo bench -p cohack-runtime --bench compile_beside_judging` prints a table and the
//! ratios of `BENCHMARKS.md`. `COHACK_BENCH_FUNCTIONS` sets the size of the generated
//! validator (functions of 1,000 locals; default 150, a few seconds of compile);
//! `COHACK_BENCH_ROUNDS` how often each situation is measured (default 2, alternating).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cohack_runtime::{RunContext, Runtime, RuntimeConfig, Submission, Validator};

/// A component within every compile bound that takes seconds to compile: `functions`
/// functions of 1,000 locals live across a loop (it lacks the world's exports, so loading
/// ends in a refusal after the compile: the compile is what is measured).
fn large_component(functions: usize) -> Vec<u8> {
    let mut module = String::from("(core module");
    for _ in 0..functions {
        module.push_str(&format!("(func (local{})", " i64".repeat(1000)));
        module.push_str(" (loop");
        for i in 0..1000 {
            module.push_str(&format!(" local.get {i} i64.const 1 i64.add local.set {i}"));
        }
        module.push_str(" local.get 0 i32.wrap_i64 br_if 0))");
    }
    module.push(')');
    wat::parse_str(format!("(component {module})")).expect("wat")
}

/// The old way's engine: what every run engine compiled with before, parallel compilation
/// on (rayon's global pool, one thread per core).
fn old_engine() -> wasmtime::Engine {
    let mut config = wasmtime::Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .parallel_compilation(true);
    wasmtime::Engine::new(&config).expect("engine")
}

struct Window {
    latencies: Vec<Duration>,
    wall: Duration,
    compile: Option<Duration>,
}

impl Window {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64()
    }

    fn at(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
    }
}

/// Judges with `clients` concurrent callers until `done` says stop; every verdict checked.
async fn judge_until(
    runtime: &Runtime,
    validator: &Validator,
    clients: usize,
    done: impl Fn() -> bool + Send + Sync + 'static,
) -> Window {
    let done = Arc::new(done);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (runtime, validator, stop) = (runtime.clone(), validator.clone(), stop.clone());
            tokio::spawn(async move {
                let context = RunContext {
                    limits: *runtime.default_limits(),
                    ..RunContext::default()
                };
                let submission = Submission {
                    challenge: "bench".into(),
                    team: "team-1".into(),
                    answer: "42".into(),
                    files: Vec::new(),
                };
                let mut latencies = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let report = runtime
                        .judge(&validator, submission.clone(), context.clone())
                        .await;
                    assert!(report.outcome.is_ok_and(|v| v.passed));
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    while !done() {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let wall = started.elapsed();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    Window {
        latencies,
        wall,
        compile: None,
    }
}

fn row(name: &str, w: &Window, idle: &Window) {
    println!(
        "| {name} | {} | {:.0} | {:.2} | {:.1} µs | {:.1} µs | {:.2} | {} |",
        w.compile
            .map_or_else(|| "–".to_owned(), |c| format!("{:.2} s", c.as_secs_f64())),
        w.per_second(),
        w.per_second() / idle.per_second(),
        w.at(0.5).as_secs_f64() * 1e6,
        w.at(0.99).as_secs_f64() * 1e6,
        w.at(0.99).as_secs_f64() / idle.at(0.99).as_secs_f64(),
        w.latencies.len(),
    );
}

fn main() {
    let functions: usize = std::env::var("COHACK_BENCH_FUNCTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let rounds: usize = std::env::var("COHACK_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    let workers = 2;
    let clients = 4;
    let trivial = common::guest("trivial");
    let large = large_component(functions);
    // No artifact cache: every load of the large component compiles.
    let runtime = Runtime::new(RuntimeConfig {
        workers,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let validator = runtime.load(&trivial).expect("trivial loads");
    let old = old_engine();
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");

    println!(
        "\n## Judging beside a compile: {workers} workers, {clients} concurrent judging \
         clients, a {} KB component of {functions} functions\n",
        large.len() >> 10
    );
    println!("| situation | compile | judgments/s | ÷ idle | p50 | p99 | p99 ÷ idle | judgments |");
    println!("|---|---|---|---|---|---|---|---|");

    let mut results: Vec<(&str, Window)> = Vec::new();
    tokio.block_on(async {
        // Warm up the judges.
        let until = Instant::now() + Duration::from_secs(1);
        judge_until(&runtime, &validator, clients, move || {
            Instant::now() > until
        })
        .await;
        for _ in 0..rounds {
            let until = Instant::now() + Duration::from_secs(3);
            let idle = judge_until(&runtime, &validator, clients, move || {
                Instant::now() > until
            })
            .await;
            results.push(("idle", idle));

            let started = Instant::now();
            let load = tokio::spawn(
                runtime.load_with_limits_async(large.clone(), *runtime.default_limits()),
            );
            let watched = Arc::new(load);
            let finished = Arc::clone(&watched);
            let mut new_way = judge_until(&runtime, &validator, clients, move || {
                finished.is_finished()
            })
            .await;
            new_way.compile = Some(started.elapsed());
            let load = Arc::into_inner(watched).expect("one owner");
            assert!(load.await.expect("task").is_err(), "no world exports");
            results.push(("during a compile, new way", new_way));

            let started = Instant::now();
            let (engine, wasm) = (old.clone(), large.clone());
            let compile = tokio::task::spawn_blocking(move || {
                wasmtime::component::Component::new(&engine, &wasm).is_ok()
            });
            let watched = Arc::new(compile);
            let finished = Arc::clone(&watched);
            let mut old_way = judge_until(&runtime, &validator, clients, move || {
                finished.is_finished()
            })
            .await;
            old_way.compile = Some(started.elapsed());
            let compile = Arc::into_inner(watched).expect("one owner");
            assert!(compile.await.expect("task"), "compiles");
            results.push(("during a compile, old way", old_way));
        }
    });

    let merged = |name: &str| {
        let mut all = Window {
            latencies: Vec::new(),
            wall: Duration::ZERO,
            compile: Some(Duration::ZERO),
        };
        let mut compiles = 0u32;
        for (_, w) in results.iter().filter(|(n, _)| *n == name) {
            all.latencies.extend(&w.latencies);
            all.wall += w.wall;
            if let (Some(total), Some(c)) = (all.compile.as_mut(), w.compile) {
                *total += c;
                compiles += 1;
            }
        }
        all.compile = (compiles > 0).then(|| all.compile.unwrap_or_default() / compiles);
        all
    };
    let idle = merged("idle");
    let new_way = merged("during a compile, new way");
    let old_way = merged("during a compile, old way");
    row("idle", &idle, &idle);
    row("during a compile, new way", &new_way, &idle);
    row("during a compile, old way", &old_way, &idle);
    println!(
        "\nnew way ÷ old way during a compile: throughput {:.2}×, p99 {:.2}×, p50 {:.2}×; \
         compile time {:.2}×",
        new_way.per_second() / old_way.per_second(),
        new_way.at(0.99).as_secs_f64() / old_way.at(0.99).as_secs_f64(),
        new_way.at(0.5).as_secs_f64() / old_way.at(0.5).as_secs_f64(),
        new_way.compile.unwrap_or_default().as_secs_f64()
            / old_way.compile.unwrap_or_default().as_secs_f64(),
    );
}
