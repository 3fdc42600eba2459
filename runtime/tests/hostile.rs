//! Validators built to hurt others: one that holds all it may of the instance pool, one
//! whose compile would take minutes, one that imports what it must not, a compile running
//! beside the judges, and stack overrides without end. Hostile binaries are generated here,
//! at test time, some on top of the `spin` guest of `tests/guests`.

#[expect(
    dead_code,
    reason = "the shared harness has helpers only other test files use"
)]
mod common;

use std::time::Duration;

use cohack_runtime::{
    CompileLimits, LimitOverrides, Limits, MAX_ENGINES, Runtime, RuntimeConfig, RuntimeError,
    ValidatorErrorKind as Kind,
};
use common::{answer, context, guest, load, runtime, verdict};

/// `base` (a component) with a nested component appended that creates, when `base` is
/// instantiated, `memories` core instances holding a memory each, `tables` holding a table
/// each and `plain` holding neither.
fn with_pool_hog(base: &[u8], memories: usize, tables: usize, plain: usize) -> Vec<u8> {
    let mut wat = String::from(
        "(component (core module $mem (memory 1)) (core module $tab (table 1 funcref)) \
         (core module $plain)",
    );
    for (module, count) in [("$mem", memories), ("$tab", tables), ("$plain", plain)] {
        for _ in 0..count {
            wat.push_str(&format!(" (core instance (instantiate {module}))"));
        }
    }
    wat.push(')');
    let nested = wat::parse_str(&wat).expect("wat");

    // The nested component's index: how many components `base` already has (Rust guests
    // have none; anything that adds one besides a definition would make this wrong).
    let mut depth = 0;
    let mut components = 0u32;
    for payload in wasmparser::Parser::new(0).parse_all(base) {
        match payload.expect("the base guest parses") {
            wasmparser::Payload::Version { .. } => depth += 1,
            wasmparser::Payload::End(_) => depth -= 1,
            wasmparser::Payload::ComponentSection { .. } if depth == 1 => components += 1,
            wasmparser::Payload::ComponentImportSection(imports) if depth == 1 => {
                for import in imports {
                    assert!(!matches!(
                        import.expect("import").ty,
                        wasmparser::ComponentTypeRef::Component(_)
                    ));
                }
            }
            _ => {}
        }
    }

    let mut bytes = base.to_vec();
    // A component section (id 4) holding the nested component…
    bytes.push(4);
    leb128(&mut bytes, nested.len());
    bytes.extend_from_slice(&nested);
    // …and a component instance section (id 5) instantiating it with no arguments.
    let mut instance = vec![1, 0];
    leb128(&mut instance, components as usize);
    instance.push(0);
    bytes.push(5);
    leb128(&mut bytes, instance.len());
    bytes.extend_from_slice(&instance);
    bytes
}

fn leb128(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The largest `n` in `0..=max` for which `loads(n)` holds (it holds for 0 and is
/// monotonic).
fn largest(max: usize, loads: impl Fn(usize) -> bool) -> usize {
    let (mut good, mut bad) = (0, max + 1);
    while bad - good > 1 {
        let middle = (good + bad) / 2;
        if loads(middle) {
            good = middle;
        } else {
            bad = middle;
        }
    }
    good
}

#[test]
fn a_validator_holding_all_it_may_of_the_pool_leaves_other_runs_unharmed() {
    let runtime = runtime();
    let spin = guest("spin");
    let loads = |memories, tables, plain| match runtime
        .load(&with_pool_hog(&spin, memories, tables, plain))
    {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(e.code(), "validator_too_complex", "{e}");
            false
        }
    };
    // Sixteen memories in one validator once made unrelated runs fail: it is refused now.
    assert!(!loads(16, 0, 0), "a validator with 16 memories is refused");

    // The hog holds the most it may: memories first, then tables, then bare instances.
    let memories = largest(32, |n| loads(n, 0, 0));
    let tables = largest(32, |n| loads(memories, n, 0));
    let plain = largest(64, |n| loads(memories, tables, n));
    let hog = runtime
        .load(&with_pool_hog(&spin, memories, tables, plain))
        .expect("the hog loads");

    // As many hogs as there are workers but one, all running at once until their time is
    // up, beside a well-behaved validator on the last worker.
    let hogs = 3;
    let hog_limits = Limits {
        fuel: runtime.max_limits().fuel,
        wall_time: Duration::from_millis(1500),
        ..*runtime.default_limits()
    };
    let trivial = load(&runtime, "trivial");
    let trivial_context = context(*runtime.default_limits());
    std::thread::scope(|scope| {
        let running: Vec<_> = (0..hogs)
            .map(|_| scope.spawn(|| hog.validate(&answer(""), &context(hog_limits))))
            .collect();
        let mut meanwhile = 0;
        while running.iter().any(|h| !h.is_finished()) {
            let report = trivial.validate(&answer("42"), &trivial_context);
            assert!(
                verdict(&report).passed,
                "a run beside the hogs failed: {report:?}"
            );
            meanwhile += 1;
        }
        assert!(meanwhile > 0, "trivial runs completed beside the hogs");
        for handle in running {
            let report = handle.join().expect("the hog does not panic the host");
            let error = report.outcome.expect_err("a hog never finishes");
            // Each hog really ran, holding its instances, until its time was up.
            assert_eq!(error.kind, Kind::Timeout, "{error}");
        }
    });
}

/// A core module in a component whose one function declares `locals` i64 locals and
/// touches every one of them in a loop: the shape that made Cranelift quadratic.
fn many_locals(locals: usize, extra: &str) -> Vec<u8> {
    let mut body = String::from("(loop");
    for i in 0..locals {
        body.push_str(&format!(" local.get {i} i64.const 1 i64.add local.set {i}"));
    }
    body.push_str(" local.get 0 i32.wrap_i64 br_if 0)");
    let wat = format!(
        "(component {extra} (core module (func (local{}) {body})))",
        " i64".repeat(locals)
    );
    wat::parse_str(&wat).expect("wat")
}

#[test]
fn a_function_with_40000_locals_is_refused_as_too_complex_before_compiling() {
    let runtime = runtime();
    let error = runtime.load(&many_locals(40_000, "")).expect_err("refused");
    assert!(matches!(error, RuntimeError::TooComplex(_)), "{error}");
    assert_eq!(error.code(), "validator_too_complex");
    assert!(
        error.to_string().contains("40000 locals"),
        "the refusal names the cause: {error}"
    );

    // Refused before compiling: a function that does not even validate is never looked at
    // by wasmtime (whose validation would call it invalid).
    let broken = wat::parse_str(format!(
        "(component (core module (func (local{}) i32.add)))",
        " i32".repeat(40_000)
    ))
    .expect("wat");
    let error = runtime.load(&broken).expect_err("refused");
    assert!(matches!(error, RuntimeError::TooComplex(_)), "{error}");
}

#[test]
fn a_foreign_import_is_refused_before_anything_is_compiled() {
    let runtime = runtime();
    let foreign = r#"(import "wasi:http/incoming-handler@0.2.0" (instance))"#;
    // Both another problem the shape would find and a body wasmtime would refuse to
    // compile: the import is named first, so the import check came before either.
    for wasm in [
        many_locals(40_000, foreign),
        wat::parse_str(format!(
            "(component {foreign} (core module (func i32.add)))"
        ))
        .expect("wat"),
    ] {
        let error = runtime.load(&wasm).expect_err("refused");
        assert!(
            matches!(&error, RuntimeError::ForeignImport { name } if name == "wasi:http/incoming-handler@0.2.0"),
            "{error}"
        );
    }
}

#[test]
fn a_compile_past_its_deadline_is_refused_as_too_complex() {
    let runtime = Runtime::new(RuntimeConfig {
        workers: 1,
        compile: CompileLimits {
            compile_timeout: Duration::from_millis(1),
            ..CompileLimits::default()
        },
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let error = runtime.load(&guest("trivial")).expect_err("refused");
    assert_eq!(error.code(), "validator_too_complex", "{error}");
    assert!(error.to_string().contains("longer than"), "{error}");
}

/// A component that is within every bound but takes seconds to compile: `functions`
/// functions of 1,000 locals live across a loop.
fn slow_to_compile(functions: usize) -> Vec<u8> {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judging_goes_on_while_a_big_validator_compiles() {
    // One worker: a compile that took a worker (or its permit) would stop all judging.
    let runtime = Runtime::new(RuntimeConfig {
        workers: 1,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let trivial = runtime
        .load_async(guest("trivial"))
        .await
        .expect("trivial loads");
    let limits = *runtime.default_limits();
    let compiling = tokio::spawn(runtime.load_with_limits_async(slow_to_compile(60), limits));
    let mut meanwhile = 0;
    while !compiling.is_finished() {
        let report = runtime.judge(&trivial, answer("42"), context(limits)).await;
        assert!(verdict(&report).passed, "{report:?}");
        if !compiling.is_finished() {
            meanwhile += 1;
        }
    }
    // The big one compiled in full (it then lacks the world's exports).
    let error = compiling.await.expect("task").expect_err("not a validator");
    assert!(
        matches!(error, RuntimeError::MissingExport { .. }),
        "{error}"
    );
    assert!(
        meanwhile > 0,
        "submissions were judged while the big validator compiled"
    );
}

#[test]
fn many_distinct_stack_sizes_share_a_bounded_set_of_engines() {
    let runtime = runtime();
    let trivial = load(&runtime, "trivial");
    let max_kb = runtime.max_limits().max_stack_bytes >> 10;
    let mut sizes = 0;
    for stack_kb in (16..=max_kb).step_by(61) {
        let limits = runtime.limits_for(&LimitOverrides {
            stack_kb: Some(stack_kb),
            ..LimitOverrides::default()
        });
        let report = trivial.validate(&answer("42"), &context(limits));
        assert!(verdict(&report).passed, "stack {stack_kb} KiB: {report:?}");
        sizes += 1;
    }
    assert!(sizes > 60, "{sizes} distinct stack sizes");
    assert!(
        runtime.engines() <= MAX_ENGINES,
        "{} engines for {sizes} stack sizes",
        runtime.engines()
    );
    // The largest stack the server allows works too.
    let deepest = runtime.limits_for(&LimitOverrides {
        stack_kb: Some(max_kb),
        ..LimitOverrides::default()
    });
    let recurse = load(&runtime, "recurse").validate(&answer(""), &context(deepest));
    let error = recurse.outcome.expect_err("must not finish");
    assert_eq!(error.kind, Kind::StackOverflow, "{error}");
}
