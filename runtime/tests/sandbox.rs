//! Runs real validator components in the real sandbox: the well-behaved one, every kind of
//! misbehaviour, what the sandbox denies, determinism, concurrency and the async API.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cohack_runtime::{
    LimitOverrides, Limits, LogLevel, RunContext, Submission, VIRTUAL_EPOCH_SECS,
    ValidatorErrorKind as Kind,
};
use common::{answer, context, load, run_beside_trivial, runtime, verdict};

#[test]
fn the_trivial_validator_judges_answers_and_reads_its_config() {
    let runtime = runtime();
    let validator = load(&runtime, "trivial");
    assert_eq!(validator.hash().len(), 64);
    let limits = *runtime.default_limits();

    let report = validator.validate(&answer("42"), &context(limits));
    let good = verdict(&report);
    assert!(good.passed);
    assert_eq!((good.score, good.max_score), (100, 100));
    assert_eq!(good.checks.len(), 1);
    assert!(good.checks[0].passed);
    assert!(
        report.fuel_used > 0 && report.fuel_used < 1_000_000,
        "{}",
        report.fuel_used
    );
    assert_eq!(report.logs.len(), 1);
    assert_eq!(report.logs[0].level, LogLevel::Info);

    let bad = validator.validate(&answer("41"), &context(limits));
    assert!(!verdict(&bad).passed);

    let configured = RunContext {
        config: BTreeMap::from([("answer".to_owned(), "41".to_owned())]),
        limits,
        network: None,
    };
    assert!(verdict(&validator.validate(&answer("41"), &configured)).passed);
}

#[test]
fn the_same_submission_always_gets_the_same_verdict() {
    let runtime = runtime();
    for name in ["trivial", "entropy"] {
        let validator = load(&runtime, name);
        let ctx = context(*runtime.default_limits());
        let first = validator.validate(&answer("42"), &ctx);
        let second = validator.validate(&answer("42"), &ctx);
        assert_eq!(first.outcome, second.outcome, "{name}");
        assert_eq!(first.fuel_used, second.fuel_used, "{name}");
        assert_eq!(first.logs, second.logs, "{name}");
    }
}

#[test]
fn clocks_and_randomness_are_deterministic_stand_ins_and_sleep_takes_no_time() {
    let runtime = runtime();
    let validator = load(&runtime, "entropy");
    let ctx = context(*runtime.default_limits());
    let started = Instant::now();
    let report = validator.validate(&answer("x"), &ctx);
    let verdict = verdict(&report);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "an hour's sleep must be virtual"
    );
    assert!(
        verdict.passed,
        "the virtual clock advanced by the sleep: {}",
        verdict.feedback
    );
    let wall: u128 = verdict.feedback["wall=".len()..]
        .split(' ')
        .next()
        .and_then(|w| w.parse().ok())
        .expect("wall clock in feedback");
    let epoch = u128::from(VIRTUAL_EPOCH_SECS) * 1_000_000_000;
    assert!(wall >= epoch && wall < epoch + 1_000_000_000, "{wall}");

    // Another submission gets another seed, so (almost surely) another HashMap order.
    let other = validator.validate(&answer("y"), &ctx);
    let order = |f: &str| f.split("order=").nth(1).map(str::to_owned);
    assert_ne!(
        order(&verdict.feedback),
        order(&common::verdict(&other).feedback)
    );
}

#[test]
fn files_network_and_environment_are_denied_inside_the_validator() {
    let runtime = runtime();
    let ctx = context(*runtime.default_limits());
    for name in ["files", "socket", "env"] {
        let report = load(&runtime, name).validate(&answer(""), &ctx);
        let verdict = verdict(&report);
        assert!(verdict.passed, "{name} got through: {}", verdict.feedback);
    }
}

#[test]
fn an_infinite_loop_runs_out_of_fuel_under_the_default_limits() {
    let runtime = runtime();
    let limits = *runtime.default_limits();
    let (report, meanwhile) = run_beside_trivial(
        &runtime,
        &load(&runtime, "spin"),
        &answer(""),
        &context(limits),
    );
    let error = report.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::OutOfFuel, "{error}");
    assert!(report.duration < limits.wall_time, "{:?}", report.duration);
    assert!(report.fuel_used >= limits.fuel);
    assert!(meanwhile > 0, "trivial validations must complete meanwhile");
}

#[test]
fn an_infinite_loop_with_plenty_of_fuel_times_out() {
    let runtime = runtime();
    let limits = Limits {
        fuel: runtime.max_limits().fuel,
        wall_time: Duration::from_millis(300),
        ..*runtime.default_limits()
    };
    let (report, meanwhile) = run_beside_trivial(
        &runtime,
        &load(&runtime, "spin"),
        &answer(""),
        &context(limits),
    );
    let error = report.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::Timeout, "{error}");
    assert!(
        report.duration >= Duration::from_millis(290),
        "{:?}",
        report.duration
    );
    assert!(
        report.duration < Duration::from_millis(800),
        "{:?}",
        report.duration
    );
    assert!(meanwhile > 0, "trivial validations must complete meanwhile");
}

#[test]
fn growing_memory_without_end_is_a_memory_error() {
    let runtime = runtime();
    let limits = *runtime.default_limits();
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "hog"),
        &answer(""),
        &context(limits),
    );
    let error = report.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::Memory, "{error}");
    assert!(
        error.detail.contains(&limits.memory_bytes.to_string()),
        "{error}"
    );
}

#[test]
fn runaway_recursion_is_a_stack_overflow() {
    let runtime = runtime();
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "recurse"),
        &answer(""),
        &context(*runtime.default_limits()),
    );
    let error = report.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::StackOverflow, "{error}");
}

#[test]
fn a_larger_stack_override_runs_on_its_own_engine() {
    let runtime = runtime();
    let limits = runtime.limits_for(&LimitOverrides {
        stack_kb: Some(2048),
        ..LimitOverrides::default()
    });
    assert_eq!(limits.max_stack_bytes, 2 << 20);
    let recurse = load(&runtime, "recurse").validate(&answer(""), &context(limits));
    let error = recurse.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::StackOverflow);
    assert!(error.detail.contains("2048 KiB"), "{error}");
    // The well-behaved validator works on that engine too.
    let trivial = load(&runtime, "trivial").validate(&answer("42"), &context(limits));
    assert!(verdict(&trivial).passed);
}

#[test]
fn a_panic_is_a_trap_with_the_message_in_the_log_and_in_the_error() {
    let runtime = runtime();
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "panics"),
        &answer("boom"),
        &context(*runtime.default_limits()),
    );
    let error = report.outcome.as_ref().expect_err("must not finish");
    assert_eq!(error.kind, Kind::Trap, "{error}");
    assert!(
        report
            .logs
            .iter()
            .any(|l| l.level == LogLevel::Warn
                && l.message.contains("validator bug on answer \"boom\"")),
        "{:?}",
        report.logs
    );
    // The author reads why in the error itself, worded for no language in particular.
    assert!(
        error.detail.contains("its last words") && error.detail.contains("validator bug on answer"),
        "{error}"
    );
    assert!(!error.detail.contains("Rust"), "{error}");
}

#[test]
fn a_score_above_the_maximum_is_invalid_output() {
    let runtime = runtime();
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "overscore"),
        &answer(""),
        &context(*runtime.default_limits()),
    );
    let error = report.outcome.expect_err("must be refused");
    assert_eq!(error.kind, Kind::InvalidOutput);
    assert!(
        error.detail.contains("score 200 is above max_score 100"),
        "{error}"
    );
}

#[test]
fn oversized_feedback_is_invalid_output() {
    let runtime = runtime();
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "big-feedback"),
        &answer(""),
        &context(*runtime.default_limits()),
    );
    let error = report.outcome.expect_err("must be refused");
    assert_eq!(error.kind, Kind::InvalidOutput, "{error}");
}

#[test]
fn a_million_log_calls_leave_a_bounded_log_marked_truncated() {
    let runtime = runtime();
    // A million host calls take ~80 ms in a release build but several times that in this
    // debug one on a loaded machine: the test is about the log, so time is not the limit.
    let limits = Limits {
        wall_time: Duration::from_secs(20),
        ..*runtime.default_limits()
    };
    let (report, _) = run_beside_trivial(
        &runtime,
        &load(&runtime, "log-spam"),
        &answer(""),
        &context(limits),
    );
    assert_eq!(verdict(&report).feedback, "survived");
    assert_eq!(report.logs.len(), limits.max_log_lines + 1);
    let bytes: usize = report.logs.iter().map(|l| l.message.len()).sum();
    assert!(bytes <= limits.max_log_bytes + 200, "{bytes}");
    assert_eq!(report.logs[0].message, "hello from stdout");
    assert_eq!(report.logs[0].level, LogLevel::Info);
    assert_eq!(report.logs[1].message, "hello from stderr");
    assert_eq!(report.logs[1].level, LogLevel::Warn);
    let marker = report.logs.last().expect("marker");
    assert!(marker.message.starts_with("[log truncated"), "{marker:?}");
}

#[test]
fn failed_runs_release_their_instances() {
    // More failures than the engine has instance slots (16 with 4 workers): a run that
    // leaked its instance would exhaust the pool and the last trivial run would fail.
    let runtime = runtime();
    let ctx = context(*runtime.default_limits());
    let panics = load(&runtime, "panics");
    let overscore = load(&runtime, "overscore");
    let recurse = load(&runtime, "recurse");
    for _ in 0..20 {
        assert_eq!(
            panics
                .validate(&answer(""), &ctx)
                .outcome
                .expect_err("trap")
                .kind,
            Kind::Trap
        );
        assert_eq!(
            overscore
                .validate(&answer(""), &ctx)
                .outcome
                .expect_err("refused")
                .kind,
            Kind::InvalidOutput
        );
        assert_eq!(
            recurse
                .validate(&answer(""), &ctx)
                .outcome
                .expect_err("overflow")
                .kind,
            Kind::StackOverflow
        );
    }
    assert!(verdict(&load(&runtime, "trivial").validate(&answer("42"), &ctx)).passed);
}

#[test]
fn oversized_submissions_never_reach_the_validator() {
    let runtime = runtime();
    let limits = Limits {
        max_submission_bytes: 10,
        ..*runtime.default_limits()
    };
    let big = Submission {
        answer: "x".repeat(11),
        ..answer("")
    };
    assert!(limits.check_submission(&big).is_err());
    let report = load(&runtime, "trivial").validate(&big, &context(limits));
    let error = report.outcome.expect_err("refused");
    assert_eq!(error.kind, Kind::Internal);
    assert!(error.detail.contains("submission too large"), "{error}");
}

#[test]
fn materials_are_per_team() {
    let runtime = runtime();
    let validator = load(&runtime, "trivial");
    let files = validator
        .materials("team-7", &context(*runtime.default_limits()))
        .expect("materials");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "README.md");
    assert!(String::from_utf8_lossy(&files[0].content).contains("team-7"));
    assert!(
        load(&runtime, "spin")
            .materials("team-7", &context(*runtime.default_limits()))
            .expect("the default materials")
            .is_empty()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn async_runs_stay_off_the_executor() {
    let runtime = runtime();
    let spin = load(&runtime, "spin");
    let trivial = load(&runtime, "trivial");
    let limits = Limits {
        fuel: runtime.max_limits().fuel,
        wall_time: Duration::from_secs(1),
        ..*runtime.default_limits()
    };
    // Two runaway validations at once: on a current-thread executor, a run on the executor
    // would freeze everything below until it timed out.
    let slow: Vec<_> = (0..2)
        .map(|_| tokio::spawn(runtime.judge(&spin, answer(""), context(limits))))
        .collect();
    tokio::time::sleep(Duration::from_millis(20)).await;
    for _ in 0..20 {
        let report = runtime
            .judge(&trivial, answer("42"), context(*runtime.default_limits()))
            .await;
        assert!(verdict(&report).passed);
    }
    assert!(
        slow.iter().all(|h| !h.is_finished()),
        "the trivial runs must complete while the runaway ones still run"
    );
    for handle in slow {
        let report = handle.await.expect("task");
        assert_eq!(report.outcome.expect_err("timeout").kind, Kind::Timeout);
    }
    let files = runtime
        .materials(
            &trivial,
            "team-9".into(),
            context(*runtime.default_limits()),
        )
        .await
        .expect("materials");
    assert!(String::from_utf8_lossy(&files[0].content).contains("team-9"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_async_runs_all_complete() {
    let runtime = runtime();
    let trivial = load(&runtime, "trivial");
    let ctx = context(*runtime.default_limits());
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let answer = if i % 2 == 0 { "42" } else { "nope" };
            tokio::spawn(runtime.judge(&trivial, common::answer(answer), ctx.clone()))
        })
        .collect();
    for (i, handle) in handles.into_iter().enumerate() {
        let report = handle.await.expect("task");
        assert_eq!(verdict(&report).passed, i % 2 == 0);
    }
}
