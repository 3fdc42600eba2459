//! Test harness: builds the guests in `tests/guests` once per test process and hands out
//! runtimes that share one artifact cache (so each guest compiles once per process, not once
//! per test).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cohack_runtime::{
    Limits, RunContext, RunReport, Runtime, RuntimeConfig, Submission, Validator, Verdict,
};

/// The repository root (the runtime crate's parent).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runtime/ has a parent")
        .to_path_buf()
}

/// Builds every test guest (once per process) and returns the directory of the `.wasm` files.
///
/// The guests get their own target directory, so this never waits on the lock of the cargo
/// that is running the tests.
pub fn guest_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = repo_root();
        let target = root.join("target").join("guests");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--manifest-path",
            ])
            .arg(root.join("tests/guests/Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            // Flags meant for the host build (coverage, sanitizers) must not reach the guests.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the test guests failed");
        target.join("wasm32-wasip2").join("release")
    })
}

/// The bytes of one test guest, by its directory name (`trivial`, `spin`, ...).
pub fn guest(name: &str) -> Vec<u8> {
    let file = guest_dir().join(format!("guest_{}.wasm", name.replace('-', "_")));
    std::fs::read(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()))
}

fn shared_cache() -> &'static Path {
    static CACHE: OnceLock<tempfile::TempDir> = OnceLock::new();
    CACHE
        .get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

/// A runtime of its own for one test, with more workers than cores so that a test's
/// misbehaving guest never takes the last permit its concurrent trivial runs need.
pub fn runtime() -> Runtime {
    Runtime::new(RuntimeConfig {
        cache_dir: Some(shared_cache().to_path_buf()),
        workers: 4,
        ..RuntimeConfig::default()
    })
    .expect("runtime starts")
}

/// Loads a test guest.
pub fn load(runtime: &Runtime, name: &str) -> Validator {
    runtime
        .load(&guest(name))
        .unwrap_or_else(|e| panic!("loading guest {name}: {e}"))
}

/// A run context with the given limits and no config.
pub fn context(limits: Limits) -> RunContext {
    RunContext {
        limits,
        ..RunContext::default()
    }
}

/// A submission with just an answer.
pub fn answer(answer: &str) -> Submission {
    Submission {
        challenge: "test".into(),
        team: "team-1".into(),
        answer: answer.into(),
        files: Vec::new(),
    }
}

/// The verdict of a report that must have one.
pub fn verdict(report: &RunReport) -> &Verdict {
    report
        .outcome
        .as_ref()
        .unwrap_or_else(|e| panic!("expected a verdict, got {e}; logs: {:?}", report.logs))
}

/// Runs `bad` on another thread while trivial validations keep running here; returns its
/// report and how many trivial validations completed (each asserted correct) while it was
/// still running.
pub fn run_beside_trivial(
    runtime: &Runtime,
    bad: &Validator,
    submission: &Submission,
    context: &RunContext,
) -> (RunReport, usize) {
    let trivial = load(runtime, "trivial");
    let trivial_context = self::context(*runtime.default_limits());
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| bad.validate(submission, context));
        let mut meanwhile = 0;
        let mut total = 0;
        while !handle.is_finished() || total < 3 {
            let report = trivial.validate(&answer("42"), &trivial_context);
            assert!(
                verdict(&report).passed,
                "trivial run failed beside a bad one: {report:?}"
            );
            total += 1;
            if !handle.is_finished() {
                meanwhile += 1;
            }
        }
        (
            handle.join().expect("the bad run does not panic the host"),
            meanwhile,
        )
    })
}
