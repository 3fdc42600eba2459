//! The author workflow on real files: scaffold → build → test, the refusals, and uploads.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a clear test failure"
)]

mod common;

use std::path::Path;

use cohack_package::{
    BuildOptions, Expect, Language, Package, PackageError, SampleLimits, Upload, build, build_with,
    scaffold, test,
};

fn sdk() -> std::path::PathBuf {
    common::repo().join("challenge-sdk")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A valid package without a validator crate, to exercise loading rules.
fn minimal_package(dir: &Path) {
    write(
        &dir.join("challenge.toml"),
        "slug = \"tiny\"\ntitle = \"Tiny\"\npoints = 10\nsummary = \"Small.\"\n",
    );
    write(&dir.join("README.md"), "# Tiny\n");
    write(&dir.join("samples/pass/a/answer.txt"), "yes\n");
    write(&dir.join("samples/pass/a/data/in.csv"), "x\n");
    write(
        &dir.join("samples/fail/b/sample.toml"),
        "score = 3\nteam = \"t-9\"\n",
    );
}

#[test]
fn scaffold_build_test_round_trip_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("hello-telemetry");
    scaffold(&dir, "hello-telemetry", Language::Rust, &sdk()).unwrap();

    let package = Package::load(&dir).unwrap();
    assert_eq!(package.manifest.slug, "hello-telemetry");
    assert_eq!(package.sample_counts(), (1, 2));

    // Share the compiled dependencies with the challenges build (built first, so the SDK's
    // dependencies are compiled once per process however the tests are scheduled).
    common::build_challenges();
    let options = BuildOptions {
        target_dir: Some(common::challenges_target()),
        ..BuildOptions::default()
    };
    let mut progress = Vec::new();
    let wasm_path = build_with(&dir, &options, &mut progress).unwrap_or_else(|e| {
        panic!("{e}\n{}", String::from_utf8_lossy(&progress));
    });
    assert_eq!(wasm_path.extension().unwrap(), "wasm");
    assert!(
        String::from_utf8_lossy(&progress).contains("Finished"),
        "cargo's progress is streamed"
    );

    let validator = common::runtime()
        .load(&std::fs::read(&wasm_path).unwrap())
        .unwrap();
    let report = test(&package, &validator, &mut std::io::sink());
    assert!(report.all_ok(), "{report}");

    // Break a sample's declaration: the report names it and says why.
    write(&dir.join("samples/pass/correct/answer.txt"), "41\n");
    let broken = Package::load(&dir).unwrap();
    let report = test(&broken, &validator, &mut std::io::sink());
    assert!(!report.all_ok());
    let text = report.to_string();
    assert!(
        text.contains("pass/correct: expected pass, got fail"),
        "{text}"
    );
    assert!(text.contains("failed checks: answer"), "{text}");
    assert!(text.contains("1 mismatched"), "{text}");
}

#[test]
fn scaffold_refuses_a_non_empty_folder_and_bad_slugs() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("taken/notes.txt"), "mine");
    let err = scaffold(
        &tmp.path().join("taken"),
        "fine-slug",
        Language::Rust,
        &sdk(),
    )
    .unwrap_err();
    assert!(matches!(err, PackageError::NotEmpty(_)), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("taken/notes.txt")).unwrap(),
        "mine"
    );

    let err = scaffold(&tmp.path().join("new"), "Bad Slug", Language::Rust, &sdk()).unwrap_err();
    assert!(err.to_string().contains("not a valid slug"), "{err}");
    let err = scaffold(
        &tmp.path().join("new"),
        "ok-slug",
        Language::Rust,
        tmp.path(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("not the challenge-sdk folder for rust"),
        "{err}"
    );
}

#[test]
fn build_reports_a_missing_crate_and_compile_errors() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_package(tmp.path());
    let err = build(tmp.path(), &mut std::io::sink()).unwrap_err();
    assert!(err.to_string().contains("no validator crate here"), "{err}");

    let dir = tmp.path().join("broken");
    scaffold(&dir, "broken-one", Language::Rust, &sdk()).unwrap();
    write(
        &dir.join("validator/src/lib.rs"),
        "pub fn oops() -> u32 { \"not a number\" }\n",
    );
    let options = BuildOptions {
        target_dir: Some(common::challenges_target()),
        ..BuildOptions::default()
    };
    let mut progress = Vec::new();
    let err = build_with(&dir, &options, &mut progress).unwrap_err();
    assert!(matches!(err, PackageError::BuildFailed { .. }), "{err}");
    assert!(
        String::from_utf8_lossy(&progress).contains("mismatched types"),
        "diagnostics are streamed"
    );
}

#[test]
fn packages_load_answers_settings_and_nested_files() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_package(tmp.path());
    let package = Package::load(tmp.path()).unwrap();
    let names: Vec<&str> = package.samples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["pass/a", "fail/b"]);
    let a = &package.samples[0];
    assert_eq!(
        (a.answer.as_str(), a.team.as_str(), a.expected_score),
        ("yes", "sample-team", None)
    );
    assert_eq!(a.files.len(), 1);
    assert_eq!(a.files[0].path, "data/in.csv");
    let b = &package.samples[1];
    assert_eq!(
        (b.expect, b.team.as_str(), b.expected_score),
        (Expect::Fail, "t-9", Some(3))
    );
    assert!(b.files.is_empty(), "sample.toml is not submitted");
}

#[test]
fn malformed_manifests_are_refused_naming_file_and_field() {
    let cases = [
        (
            "slug = \"x\"\ntitle = \"T\"\npoints = 10\nsummary = \"S\"\n",
            "field `slug`",
        ),
        (
            "slug = \"tiny\"\ntitle = \"\"\npoints = 10\nsummary = \"S\"\n",
            "field `title`: must not be empty",
        ),
        (
            "slug = \"tiny\"\ntitle = \"T\"\npoints = 0\nsummary = \"S\"\n",
            "field `points`",
        ),
        (
            "slug = \"tiny\"\ntitle = \"T\"\npoints = 10\n",
            "missing field `summary`",
        ),
        (
            "slug = \"tiny\"\ntitle = \"T\"\npoints = 10\nsummary = \"S\"\n[limits]\nfuel = \"lots\"\n",
            "fuel",
        ),
        (
            "slug = \"tiny\"\ntitle = \"T\"\npoints = 10\nsummary = \"S\"\nvalidator = \"/etc\"\n",
            "field `validator`",
        ),
        ("slug = \"tiny\" title", "TOML parse error"),
    ];
    for (manifest, expected) in cases {
        let tmp = tempfile::tempdir().unwrap();
        minimal_package(tmp.path());
        write(&tmp.path().join("challenge.toml"), manifest);
        let err = Package::load(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("challenge.toml"), "names the file: {err}");
        assert!(err.contains(expected), "{expected:?} in {err}");
    }
}

#[test]
fn sample_rules_are_enforced() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_package(tmp.path());
    write(
        &tmp.path().join("samples/fail/b/sample.toml"),
        "score = 11\n",
    );
    let err = Package::load(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("field `score`: 11 is above the challenge's 10 points"),
        "{err}"
    );

    write(&tmp.path().join("samples/fail/b/sample.toml"), "scor = 1\n");
    let err = Package::load(tmp.path()).unwrap_err().to_string();
    assert!(
        err.contains("sample.toml") && err.contains("unknown field `scor`"),
        "{err}"
    );

    write(&tmp.path().join("samples/fail/b/sample.toml"), "");
    write(
        &tmp.path().join("samples/fail/b/big.bin"),
        &"x".repeat(2000),
    );
    let small = SampleLimits {
        max_sample_bytes: 1000,
        ..SampleLimits::default()
    };
    let err = Package::load_with_limits(tmp.path(), &small)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("the limit for a sample is 1000 bytes"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn sample_paths_that_escape_the_package_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let package = tmp.path().join("pkg");
    minimal_package(&package);
    write(&tmp.path().join("secret.txt"), "do not upload");
    std::os::unix::fs::symlink(
        tmp.path().join("secret.txt"),
        package.join("samples/pass/a/leak.txt"),
    )
    .unwrap();
    let err = Package::load(&package).unwrap_err().to_string();
    assert!(
        err.contains("leak.txt") && err.contains("leads outside the package"),
        "{err}"
    );

    std::fs::remove_file(package.join("samples/pass/a/leak.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), package.join("samples/pass/a/up")).unwrap();
    let err = Package::load(&package).unwrap_err().to_string();
    assert!(err.contains("leads outside the package"), "{err}");
}

#[test]
fn uploads_round_trip_and_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    minimal_package(tmp.path());
    let package = Package::load(tmp.path()).unwrap();
    let wasm = b"\0asm fake bytes".to_vec();

    let json = serde_json::to_string(&package.to_upload(&wasm)).unwrap();
    let upload: Upload = serde_json::from_str(&json).unwrap();
    let (back, bytes) = Package::from_upload(upload.clone()).unwrap();
    assert_eq!(bytes, wasm);
    assert_eq!(back.dir, None);
    assert_eq!(
        (back.manifest, back.statement, back.samples),
        (package.manifest, package.statement, package.samples)
    );

    let mut damaged = upload.clone();
    damaged.validator_sha256 = "00".repeat(32);
    assert!(
        Package::from_upload(damaged)
            .unwrap_err()
            .to_string()
            .contains("damaged")
    );

    let mut escaping = upload.clone();
    escaping.samples[0].files[0].path = "../../etc/passwd".to_owned();
    let err = Package::from_upload(escaping).unwrap_err().to_string();
    assert!(
        err.contains("must be relative and stay inside the sample"),
        "{err}"
    );

    let mut renamed = upload.clone();
    renamed.samples[0].name = "pass/../x".to_owned();
    assert!(Package::from_upload(renamed).is_err());

    let mut bad_manifest = upload.clone();
    bad_manifest.manifest.points = 0;
    assert!(
        Package::from_upload(bad_manifest)
            .unwrap_err()
            .to_string()
            .contains("field `points`")
    );

    let mut future = upload;
    future.format = 2;
    assert!(
        Package::from_upload(future)
            .unwrap_err()
            .to_string()
            .contains("format 2")
    );
}

#[test]
fn scaffold_joins_an_enclosing_workspace_that_covers_it() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        &tmp.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"*/validator\"]\n",
    );
    scaffold(
        &tmp.path().join("06-joined"),
        "joined",
        Language::Rust,
        &sdk(),
    )
    .unwrap();
    let member =
        std::fs::read_to_string(tmp.path().join("06-joined/validator/Cargo.toml")).unwrap();
    assert!(!member.contains("[workspace]"), "{member}");
    assert!(member.contains("challenge-sdk = { path = \""), "{member}");

    // Outside any workspace, the crate is its own, with the size-optimised profile.
    let alone = tempfile::tempdir().unwrap();
    scaffold(&alone.path().join("solo"), "solo", Language::Rust, &sdk()).unwrap();
    let own = std::fs::read_to_string(alone.path().join("solo/validator/Cargo.toml")).unwrap();
    assert!(
        own.contains("[workspace]") && own.contains("opt-level = \"s\""),
        "{own}"
    );
}
