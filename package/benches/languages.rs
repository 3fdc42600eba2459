//! One challenge, three languages: what a validator written in Python or JavaScript costs the
//! sandbox beside its Rust twin, in one run on one machine.
//!
//! For each pair of `challenges/{python,javascript}/NN-slug` and its Rust package
//! `challenges/NN-slug`: the component's size, its cold compile (a fresh runtime, no cache),
//! a cached load (a second runtime on the first one's artifact cache: a restart), and warm
//! runs on the Rust package's first passing sample through `Runtime::judge` (p50, p99, fuel
//! per run). The packages are built with `cohack challenge build`'s code, the tools installed
//! into `target/cohack-tools` as the tests do.
//!
//! `cargo bench -p cohack-package --bench languages` prints the table of `BENCHMARKS.md`;
//! `COHACK_BENCH_RUNS` sets the warm runs per validator (default 1,000).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cohack_package::{BuildOptions, Expect, Manifest, Package, build_with};
use cohack_runtime::{RunContext, Runtime, RuntimeConfig, Submission};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("package/ has a parent")
        .to_path_buf()
}

/// Builds a package (any language) and returns its component's bytes.
fn build(dir: &Path) -> Vec<u8> {
    let options = BuildOptions {
        target_dir: Some(repo().join("target/challenges")),
        tools_dir: Some(repo().join("target/cohack-tools")),
    };
    let wasm = build_with(dir, &options, &mut std::io::stderr())
        .unwrap_or_else(|e| panic!("building {}: {e}", dir.display()));
    std::fs::read(&wasm).unwrap_or_else(|e| panic!("reading {}: {e}", wasm.display()))
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1e3)
    }
}

struct Row {
    label: String,
    size: usize,
    cold: Duration,
    cached: Duration,
    p50: Duration,
    p99: Duration,
    fuel: u64,
}

fn measure(
    label: String,
    dir: &Path,
    sample: &Submission,
    runs: usize,
    io: &tokio::runtime::Runtime,
) -> Row {
    let wasm = build(dir);
    let manifest = Manifest::load(dir).expect("manifest");
    let cache = tempfile::tempdir().expect("cache dir");
    let runtime = |cache: &Path| {
        Runtime::new(RuntimeConfig {
            cache_dir: Some(cache.to_path_buf()),
            ..RuntimeConfig::default()
        })
        .expect("runtime")
    };
    let first = runtime(cache.path());
    let limits = first.limits_for(&manifest.limits);
    let started = Instant::now();
    let validator = first
        .load_with_limits(&wasm, &limits)
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let cold = started.elapsed();
    let second = runtime(cache.path());
    let started = Instant::now();
    second
        .load_with_limits(&wasm, &limits)
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    let cached = started.elapsed();

    let context = RunContext {
        config: manifest.config.clone(),
        limits,
        network: None,
    };
    let mut samples = Vec::with_capacity(runs);
    let mut fuel = 0;
    io.block_on(async {
        for i in 0..runs + runs / 10 {
            let started = Instant::now();
            let report = first
                .judge(&validator, sample.clone(), context.clone())
                .await;
            let took = started.elapsed();
            let verdict = report
                .outcome
                .as_ref()
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            assert!(
                verdict.passed,
                "{label}: the passing sample failed: {verdict:?}"
            );
            // The first tenth warms up.
            if i >= runs / 10 {
                samples.push(took);
                fuel = report.fuel_used;
            }
        }
    });
    samples.sort();
    Row {
        label,
        size: wasm.len(),
        cold,
        cached,
        p50: percentile(&samples, 0.5),
        p99: percentile(&samples, 0.99),
        fuel,
    }
}

fn main() {
    let runs: usize = std::env::var("COHACK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let io = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio");
    let challenges = repo().join("challenges");
    let mut rows = Vec::new();
    for language in ["python", "javascript"] {
        let Ok(entries) = std::fs::read_dir(challenges.join(language)) else {
            continue;
        };
        let mut twins: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("challenge.toml").is_file())
            .collect();
        twins.sort();
        for twin in twins {
            let name = twin.file_name().expect("a folder name").to_owned();
            let rust = challenges.join(&name);
            let package = Package::load(&rust).expect("the Rust package");
            let sample = package
                .samples
                .iter()
                .find(|s| s.expect == Expect::Pass)
                .expect("a passing sample");
            let submission = Submission {
                challenge: package.manifest.slug.clone(),
                team: sample.team.clone(),
                answer: sample.answer.clone(),
                files: sample.files.clone(),
            };
            let slug = &package.manifest.slug;
            rows.push(measure(
                format!("{slug} (Rust)"),
                &rust,
                &submission,
                runs,
                &io,
            ));
            rows.push(measure(
                format!("{slug} ({language})"),
                &twin,
                &submission,
                runs,
                &io,
            ));
        }
    }
    println!(
        "| validator | component | cold compile | cached load | warm p50 | warm p99 | fuel per run |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {:.1} MiB | {} | {} | {} | {} | {} |",
            r.label,
            r.size as f64 / f64::from(1 << 20),
            ms(r.cold),
            ms(r.cached),
            ms(r.p50),
            ms(r.p99),
            r.fuel
        );
    }
}
