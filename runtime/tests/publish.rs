//! Publish-time checks (what is refused, and how it is named) and the on-disk artifact
//! cache (reuse across runtimes, recovery from corrupt entries).

#[expect(
    dead_code,
    reason = "the shared harness has helpers only other test files use"
)]
mod common;

use cohack_runtime::{ArtifactSource, Limits, Runtime, RuntimeConfig, RuntimeError};
use common::{answer, context, guest, runtime, verdict};

#[test]
fn garbage_is_not_wasm() {
    let error = runtime()
        .load(b"definitely not a validator")
        .expect_err("refused");
    assert!(matches!(error, RuntimeError::NotWasm(_)), "{error}");
}

#[test]
fn a_core_module_is_not_a_component() {
    let module = wat::parse_str("(module (func (export \"validate\")))").expect("wat");
    let error = runtime().load(&module).expect_err("refused");
    assert!(matches!(error, RuntimeError::CoreModule), "{error}");
    assert!(error.to_string().contains("wasm32-wasip2"));
}

#[test]
fn a_broken_component_is_invalid() {
    let mut bytes = guest("trivial");
    bytes.truncate(bytes.len() / 2);
    let error = runtime().load(&bytes).expect_err("refused");
    assert!(
        matches!(error, RuntimeError::InvalidComponent(_)),
        "{error}"
    );
}

#[test]
fn a_component_without_the_world_exports_is_refused() {
    let component = wat::parse_str("(component)").expect("wat");
    let error = runtime().load(&component).expect_err("refused");
    assert!(
        matches!(&error, RuntimeError::MissingExport { name } if name == "validate"),
        "{error}"
    );
}

#[test]
fn exports_of_the_wrong_type_do_not_match_the_world() {
    let component = wat::parse_str(
        r#"(component
             (core module $m (func (export "f")))
             (core instance $i (instantiate $m))
             (func $f (canon lift (core func $i "f")))
             (export "validate" (func $f))
             (export "materials" (func $f)))"#,
    )
    .expect("wat");
    let error = runtime().load(&component).expect_err("refused");
    assert!(matches!(error, RuntimeError::WorldMismatch(_)), "{error}");
}

#[test]
fn a_foreign_import_is_refused_by_name() {
    let component = wat::parse_str(
        r#"(component
             (import "wasi:cli/environment@0.2.0" (instance))
             (import "wasi:http/incoming-handler@0.2.0" (instance)))"#,
    )
    .expect("wat");
    let error = runtime().load(&component).expect_err("refused");
    assert!(
        matches!(&error, RuntimeError::ForeignImport { name } if name == "wasi:http/incoming-handler@0.2.0"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("wasi:http/incoming-handler@0.2.0")
    );
}

#[test]
fn a_validator_above_the_module_limit_is_refused() {
    let runtime = runtime();
    let wasm = guest("trivial");
    let limits = Limits {
        max_module_bytes: wasm.len() - 1,
        ..*runtime.default_limits()
    };
    let error = runtime
        .load_with_limits(&wasm, &limits)
        .expect_err("refused");
    assert!(
        matches!(error, RuntimeError::ModuleTooLarge { size, max } if size == wasm.len() && max == wasm.len() - 1),
        "{error}"
    );
    runtime.check(&wasm).expect("fits the default limit");
}

#[test]
fn an_inconsistent_configuration_is_refused() {
    let config = RuntimeConfig {
        default_limits: Limits {
            fuel: u64::MAX,
            ..Limits::default()
        },
        ..RuntimeConfig::default()
    };
    assert!(matches!(Runtime::new(config), Err(RuntimeError::Config(_))));
}

fn runtime_on(cache: &std::path::Path) -> Runtime {
    Runtime::new(RuntimeConfig {
        cache_dir: Some(cache.to_path_buf()),
        workers: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime")
}

#[test]
fn compiled_validators_are_cached_on_disk_and_corrupt_entries_recompiled() {
    let cache = tempfile::tempdir().expect("temp dir");
    let wasm = guest("trivial");
    let ctx = |rt: &Runtime| context(*rt.default_limits());

    let first = runtime_on(cache.path());
    let compiled = first.load(&wasm).expect("load");
    assert_eq!(compiled.source(), ArtifactSource::Compiled);

    let second = runtime_on(cache.path());
    let cached = second.load(&wasm).expect("load");
    assert_eq!(cached.source(), ArtifactSource::Cached);
    assert_eq!(cached.hash(), compiled.hash());
    assert!(verdict(&cached.validate(&answer("42"), &ctx(&second))).passed);

    // Corrupt every artifact in place: the next load must notice, recompile and work.
    for entry in std::fs::read_dir(cache.path()).expect("cache dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "cwasm") {
            let mut bytes = std::fs::read(&path).expect("artifact");
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0xff;
            std::fs::write(&path, bytes).expect("corrupt");
        }
    }
    let third = runtime_on(cache.path());
    let recovered = third.load(&wasm).expect("recovers");
    assert_eq!(recovered.source(), ArtifactSource::Compiled);
    assert!(verdict(&recovered.validate(&answer("42"), &ctx(&third))).passed);

    // A missing digest is a miss too, and the entry is rewritten.
    let fourth = runtime_on(cache.path());
    assert_eq!(
        fourth.load(&wasm).expect("load").source(),
        ArtifactSource::Cached
    );
    for entry in std::fs::read_dir(cache.path()).expect("cache dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "blake3") {
            std::fs::remove_file(path).expect("remove digest");
        }
    }
    let fifth = runtime_on(cache.path());
    assert_eq!(
        fifth.load(&wasm).expect("load").source(),
        ArtifactSource::Compiled
    );
}

#[test]
fn limit_overrides_are_capped_at_the_server_maximum() {
    let runtime = runtime();
    let overrides: cohack_runtime::LimitOverrides =
        toml::from_str("fuel = 1_000_000_000_000\nmemory_mb = 64\nwall_time_ms = 100")
            .expect("toml");
    let limits = runtime.limits_for(&overrides);
    assert_eq!(limits.fuel, runtime.max_limits().fuel);
    assert_eq!(limits.memory_bytes, 64 << 20);
    assert_eq!(limits.wall_time.as_millis(), 100);
    assert_eq!(limits.max_log_bytes, runtime.default_limits().max_log_bytes);
}

#[tokio::test(flavor = "current_thread")]
async fn loading_and_refusing_work_off_the_executor_too() {
    let runtime = runtime();
    let validator = runtime.load_async(guest("trivial")).await.expect("loads");
    let report = runtime
        .judge(&validator, answer("42"), context(*runtime.default_limits()))
        .await;
    assert!(verdict(&report).passed);
    let error = runtime
        .load_async(b"garbage".to_vec())
        .await
        .expect_err("refused");
    assert!(matches!(error, RuntimeError::NotWasm(_)), "{error}");
}
