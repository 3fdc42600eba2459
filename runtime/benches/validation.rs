//! Validator runtime benchmark: per-validation latency (p50/p99 from timed iterations) and
//! throughput on 1 and 2 threads, warm (fresh store per run from the pre-instance) and cold
//! (full compile; load from the on-disk artifact cache), against the baseline of one native
//! process per validation; plus the heaviest sample challenge, when `challenges/` builds.
//!
//! `cargo bench -p cohack-runtime --bench validation` prints a summary table (the figures in
//! `BENCHMARKS.md`) followed by criterion's own measurements. `COHACK_BENCH_RUNS` sets the
//! timed iterations per thread (default 20,000); `COHACK_BENCH_PROFILE=1` does nothing but
//! that many warm runs, for `perf record`.

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cohack_runtime::{File, RunContext, Runtime, RuntimeConfig, Submission, Validator};
use criterion::Criterion;

fn submission(answer: &str) -> Submission {
    Submission {
        challenge: "bench".into(),
        team: "team-1".into(),
        answer: answer.into(),
        files: Vec::new(),
    }
}

struct Stats {
    p50: Duration,
    p99: Duration,
    mean: Duration,
    per_second: f64,
    /// Runs per second of CPU time the measuring threads got: what the machine would do
    /// per core without the other processes sharing it.
    per_cpu_second: f64,
    /// CPU time the measuring threads used.
    cpu: Duration,
}

/// CPU time of this process's waited-for children (`/proc/self/stat` fields 16 and 17,
/// `cutime` and `cstime`, in clock ticks of 10 ms).
fn children_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the parenthesised command name come the fields from 3 (`state`) on.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |n: usize| {
        fields
            .get(n - 3)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((field(16) + field(17)) * 10)
}

/// Adds the CPU time of child processes spent during `measure` to its figures.
fn with_children(measure: impl FnOnce() -> Stats, count: usize) -> Stats {
    let before = children_cpu();
    let mut stats = measure();
    stats.cpu += children_cpu().saturating_sub(before);
    stats.per_cpu_second = count as f64 / stats.cpu.as_secs_f64();
    stats
}

/// CPU time of the calling thread so far (Linux: `/proc/thread-self/schedstat`).
fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn stats(samples: Vec<Duration>, wall: Duration, count: usize) -> Stats {
    stats_with_cpu(samples, wall, count, Duration::ZERO)
}

fn stats_with_cpu(
    mut samples: Vec<Duration>,
    wall: Duration,
    count: usize,
    cpu: Duration,
) -> Stats {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    let total: Duration = samples.iter().sum();
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        mean: total / u32::try_from(samples.len()).unwrap_or(u32::MAX),
        per_second: count as f64 / wall.as_secs_f64(),
        per_cpu_second: if cpu.is_zero() {
            f64::NAN
        } else {
            count as f64 / cpu.as_secs_f64()
        },
        cpu,
    }
}

/// Runs `one` `runs` times on each of `threads` threads, timing every call.
fn timed(threads: usize, runs: usize, one: impl Fn() + Sync) -> Stats {
    let started = Instant::now();
    let (samples, cpu) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let cpu = thread_cpu();
                    let mut samples = Vec::with_capacity(runs);
                    for _ in 0..runs {
                        let t = Instant::now();
                        one();
                        samples.push(t.elapsed());
                    }
                    (samples, thread_cpu().saturating_sub(cpu))
                })
            })
            .collect();
        let mut all = Vec::with_capacity(threads * runs);
        let mut cpu = Duration::ZERO;
        for handle in handles {
            let (samples, used) = handle.join().expect("bench thread");
            all.extend(samples);
            cpu += used;
        }
        (all, cpu)
    });
    stats_with_cpu(samples, started.elapsed(), threads * runs, cpu)
}

fn row(name: &str, s: &Stats) {
    println!(
        "| {name} | {:.1} µs | {:.1} µs | {:.1} µs | {:.0} | {:.0} |",
        s.p50.as_secs_f64() * 1e6,
        s.p99.as_secs_f64() * 1e6,
        s.mean.as_secs_f64() * 1e6,
        s.per_second,
        s.per_cpu_second
    );
}

fn validate_ok(validator: &Validator, submission: &Submission, context: &RunContext) {
    let report = validator.validate(submission, context);
    assert!(
        report.outcome.as_ref().is_ok_and(|v| v.passed),
        "{report:?}"
    );
    black_box(report);
}

fn native_once(binary: &Path, input: &[u8]) {
    let mut child = Command::new(binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn native check");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write stdin");
    let output = child.wait_with_output().expect("native check");
    assert!(output.status.success());
    assert!(output.stdout.starts_with(b"{\"passed\":true"));
}

fn main() {
    let runs: usize = std::env::var("COHACK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let wasm = common::guest("trivial");
    let cache = tempfile::tempdir().expect("temp dir");
    let runtime = Runtime::new(RuntimeConfig {
        cache_dir: Some(cache.path().to_path_buf()),
        workers: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let validator = runtime.load(&wasm).expect("load");
    let context = RunContext {
        config: BTreeMap::new(),
        limits: *runtime.default_limits(),
        network: None,
    };
    let good = submission("42");

    println!(
        "\n## Validator runtime: trivial guest ({} bytes), {runs} timed runs per thread\n",
        wasm.len()
    );
    println!("load average at start: {}\n", load_average());
    println!("| what | p50 | p99 | mean | per second | per CPU-second |");
    println!("|---|---|---|---|---|---|");

    // Warm-up, then warm runs: fresh store per run from the pre-instance.
    for _ in 0..1_000 {
        validate_ok(&validator, &good, &context);
    }
    if std::env::var_os("COHACK_BENCH_PROFILE").is_some() {
        // For `perf record`: nothing but warm runs.
        for _ in 0..runs {
            validate_ok(&validator, &good, &context);
        }
        return;
    }
    let warm1 = timed(1, runs, || validate_ok(&validator, &good, &context));
    row("warm, 1 thread (`Validator::validate`)", &warm1);
    let warm2 = timed(2, runs, || validate_ok(&validator, &good, &context));
    row("warm, 2 threads (`Validator::validate`)", &warm2);

    // The async path: a tokio executor, `Runtime::judge`, worker pool hand-off.
    let tokio = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let judged = tokio.block_on(async {
        let mut samples = Vec::with_capacity(runs);
        let started = Instant::now();
        for _ in 0..runs {
            let t = Instant::now();
            let report = runtime
                .judge(&validator, good.clone(), context.clone())
                .await;
            assert!(report.outcome.is_ok());
            samples.push(t.elapsed());
        }
        stats(samples, started.elapsed(), runs)
    });
    row("warm, async `Runtime::judge`, one at a time", &judged);
    let judged_parallel = tokio.block_on(async {
        let started = Instant::now();
        let handles: Vec<_> = (0..runs)
            .map(|_| tokio::spawn(runtime.judge(&validator, good.clone(), context.clone())))
            .collect();
        for handle in handles {
            assert!(handle.await.expect("task").outcome.is_ok());
        }
        let wall = started.elapsed();
        Stats {
            p50: Duration::ZERO,
            p99: Duration::ZERO,
            mean: wall / u32::try_from(runs).unwrap_or(1),
            per_second: runs as f64 / wall.as_secs_f64(),
            per_cpu_second: f64::NAN,
            cpu: Duration::ZERO,
        }
    });
    row(
        "warm, async `Runtime::judge`, all spawned at once (only throughput)",
        &judged_parallel,
    );

    // Cold: compile from scratch (a runtime without a cache), and load from the disk cache.
    let uncached = Runtime::new(RuntimeConfig {
        workers: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let compile = timed(1, 10, || {
        black_box(uncached.load(&wasm).expect("load"));
    });
    row(
        "cold: compile + checks + pre-instance (`load`, no cache)",
        &compile,
    );
    let cached = timed(1, 500, || {
        black_box(runtime.load(&wasm).expect("load"));
    });
    row("cold: load from the artifact cache (`load`)", &cached);
    let cached_first_run = timed(1, 500, || {
        let v = runtime.load(&wasm).expect("load");
        validate_ok(&v, &good, &context);
    });
    row(
        "cold: load from the cache + first validation",
        &cached_first_run,
    );

    // Baseline: one native process per validation.
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_cohack-native-check"));
    let input = serde_json::to_vec(&good).expect("json");
    let native_runs = (runs / 20).max(200);
    let native1 = with_children(
        || timed(1, native_runs, || native_once(&binary, &input)),
        native_runs,
    );
    row(
        "baseline: native process per validation, 1 thread",
        &native1,
    );
    let native2 = with_children(
        || timed(2, native_runs, || native_once(&binary, &input)),
        2 * native_runs,
    );
    row(
        "baseline: native process per validation, 2 threads",
        &native2,
    );
    println!(
        "\nprocess per validation ÷ sandbox: p50 {:.0}×, throughput 1 thread {:.0}×, 2 threads {:.0}×",
        native1.p50.as_secs_f64() / warm1.p50.as_secs_f64(),
        warm1.per_second / native1.per_second,
        warm2.per_second / native2.per_second,
    );
    println!(
        "per CPU-second (machine load factored out): 1 thread {:.0}×, 2 threads {:.0}×",
        warm1.per_cpu_second / native1.per_cpu_second,
        warm2.per_cpu_second / native2.per_cpu_second,
    );
    println!("load average at end: {}", load_average());

    heaviest_sample(&runtime, runs / 10);

    // criterion's own view (means with confidence intervals) of the main paths.
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    c.bench_function("warm validate (trivial)", |b| {
        b.iter(|| validate_ok(&validator, &good, &context));
    });
    c.bench_function("cold load from artifact cache (trivial)", |b| {
        b.iter(|| black_box(runtime.load(&wasm).expect("load")));
    });
    c.bench_function("native process per validation", |b| {
        b.iter(|| native_once(&binary, &input));
    });
    c.final_summary();
}

/// The hook for real challenges: builds `challenges/` (when it exists and builds), runs
/// every `samples/pass/*` submission of every validator, and reports the heaviest.
fn heaviest_sample(runtime: &Runtime, runs: usize) {
    let root = common::repo_root();
    let manifest = root.join("challenges/Cargo.toml");
    if !manifest.exists() {
        println!("\nheaviest sample: skipped (no challenges/)");
        return;
    }
    let target = root.join("target/challenges");
    let built = Command::new(common::cargo())
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .status()
        .is_ok_and(|s| s.success());
    if !built {
        println!("\nheaviest sample: skipped (challenges/ does not build)");
        return;
    }
    let mut heaviest: Option<(String, Stats, u64)> = None;
    let Ok(challenges) = std::fs::read_dir(root.join("challenges")) else {
        return;
    };
    for challenge in challenges.flatten() {
        let dir = challenge.path();
        let Some(wasm) = challenge_wasm(&dir, &target) else {
            continue;
        };
        let Ok(validator) = runtime.load(&wasm) else {
            println!("heaviest sample: {} does not load", dir.display());
            continue;
        };
        let context = RunContext {
            config: challenge_config(&dir),
            limits: *runtime.default_limits(),
            network: None,
        };
        for sample in samples(&dir) {
            let report = validator.validate(&sample.1, &context);
            let fuel = report.fuel_used;
            let stats = timed(1, runs.max(100), || {
                black_box(validator.validate(&sample.1, &context));
            });
            let name = format!(
                "{} / {}",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                sample.0
            );
            if heaviest
                .as_ref()
                .is_none_or(|(_, s, _)| stats.mean > s.mean)
            {
                heaviest = Some((name, stats, fuel));
            }
        }
    }
    match heaviest {
        Some((name, stats, fuel)) => {
            println!("\nheaviest sample: {name}, {fuel} fuel per run");
            row(&format!("warm, 1 thread, heaviest sample ({name})"), &stats);
        }
        None => println!("\nheaviest sample: skipped (no loadable validator with samples)"),
    }
}

/// The built `.wasm` of `challenges/<dir>/validator`, by its package name.
fn challenge_wasm(dir: &Path, target: &Path) -> Option<Vec<u8>> {
    let manifest = std::fs::read_to_string(dir.join("validator/Cargo.toml")).ok()?;
    let parsed: toml::Value = toml::from_str(&manifest).ok()?;
    let name = parsed
        .get("package")?
        .get("name")?
        .as_str()?
        .replace('-', "_");
    std::fs::read(target.join(format!("wasm32-wasip2/release/{name}.wasm"))).ok()
}

/// `[config]` of `challenge.toml`, as strings.
fn challenge_config(dir: &Path) -> BTreeMap<String, String> {
    let parsed: Option<toml::Value> = std::fs::read_to_string(dir.join("challenge.toml"))
        .ok()
        .and_then(|s| toml::from_str(&s).ok());
    parsed
        .as_ref()
        .and_then(|v| v.get("config"))
        .and_then(|c| c.as_table())
        .map(|t| {
            t.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Each `samples/pass/<name>/` as a submission: `answer.txt` is the answer, every other file
/// (but `sample.toml`) a submitted file.
fn samples(dir: &Path) -> Vec<(String, Submission)> {
    let Ok(entries) = std::fs::read_dir(dir.join("samples/pass")) else {
        return Vec::new();
    };
    let mut samples = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let mut submission = submission("");
        let mut files = Vec::new();
        collect_files(&path, &path, &mut files);
        for file in files {
            match file.path.as_str() {
                "answer.txt" => {
                    submission.answer = String::from_utf8_lossy(&file.content).trim().to_owned()
                }
                "sample.toml" => {}
                _ => submission.files.push(file),
            }
        }
        samples.push((entry.file_name().to_string_lossy().into_owned(), submission));
    }
    samples
}

fn collect_files(base: &Path, dir: &Path, out: &mut Vec<File>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(base, &path, out);
        } else if let Ok(content) = std::fs::read(&path) {
            let relative = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .to_string_lossy()
                .into_owned();
            out.push(File {
                path: relative,
                content,
            });
        }
    }
}
