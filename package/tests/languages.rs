//! Python validators on the real tools and the real sandbox: a new package passes its own
//! samples, and a wrong answer, a failing check, a validator that throws and a validator that
//! does not compile each end as they should, with a message the author can act on.
//!
//! Each Python build takes seconds (componentize-py, then compiling a 17 MiB component), so
//! this file builds one validator and asks it everything.

mod tools;

use std::path::Path;

use cohack_package::{Language, Package, PackageError, SampleOutcome, scaffold, test};
use cohack_runtime::{Runtime, RuntimeConfig, Submission, ValidatorErrorKind};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn sdk() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../challenge-sdk")
}

#[test]
fn a_python_validator_passes_fails_and_throws_readably() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("hello-python");
    scaffold(&dir, "hello-python", Language::Python, &sdk()).expect("scaffold");

    // The template, plus a bug on one input: a validator that throws.
    let app = dir.join("validator/app.py");
    let mut source = std::fs::read_to_string(&app).expect("app.py");
    source.push_str(
        r#"

from cohack_sdk import log


def validate_or_crash(s):
    log.info(f"judging {s.team}")
    print("a line on stdout")
    if s.answer == "crash":
        raise ValueError("the reference table is empty")
    return validate(s)


WitWorld = export(validate_or_crash)
"#,
    );
    write(&app, &source);
    write(&dir.join("samples/fail/bad-greeting/answer.txt"), "42\n");
    write(&dir.join("samples/fail/bad-greeting/hello.txt"), "hi\n");
    write(&dir.join("samples/fail/crash/answer.txt"), "crash\n");
    write(
        &dir.join("samples/fail/crash/hello.txt"),
        "hello, telemetry\n",
    );

    let wasm = tools::build_with_tools(&dir);

    // The template's unit tests pass natively, on the SDK's stand-ins.
    let unit = std::process::Command::new(
        std::env::var_os("COHACK_PYTHON").unwrap_or_else(|| "python3".into()),
    )
    .arg(sdk().join("python/scripts/test.py"))
    .arg(dir.join("validator"))
    .env("COHACK_TOOLS_DIR", tools::tools_dir())
    .output()
    .expect("python3 runs");
    let report = String::from_utf8_lossy(&unit.stderr);
    assert!(unit.status.success(), "{report}");
    assert!(report.contains("Ran 2 tests"), "{report}");
    assert!(
        !dir.join("validator/__pycache__").exists(),
        "nothing is written into the author's folder"
    );
    let runtime = Runtime::new(RuntimeConfig::default()).expect("sandbox");
    let validator = runtime
        .load(&wasm)
        .expect("the sandbox accepts the component");
    let package = Package::load(&dir).expect("package");
    let report = test(&package, &validator, &mut std::io::sink());
    let rows: Vec<(&str, &str, bool)> = report
        .results
        .iter()
        .map(|r| (r.name.as_str(), r.outcome.label(), r.ok()))
        .collect();
    assert_eq!(
        rows,
        [
            ("pass/correct", "pass", true),
            ("fail/bad-greeting", "fail", true),
            ("fail/crash", "error", false),
            ("fail/missing-file", "fail", true),
            ("fail/wrong-answer", "fail", true),
        ],
        "{report}"
    );

    // The exception's traceback reaches the author, in the report and in the error.
    let crash = &report.results[2];
    let SampleOutcome::Error(error) = &crash.outcome else {
        panic!("{report}");
    };
    assert_eq!(error.kind, ValidatorErrorKind::Trap);
    for words in [
        "Traceback (most recent call last)",
        "app.py",
        "ValueError: the reference table is empty",
    ] {
        assert!(
            error.detail.contains(words),
            "{words:?} in {}",
            error.detail
        );
    }
    let mismatch = crash.mismatch.as_deref().unwrap_or_default();
    assert!(
        mismatch.contains("ValueError: the reference table is empty"),
        "{mismatch}"
    );

    // Each failure says what to fix, to the team.
    let context = cohack_runtime::RunContext {
        config: package.manifest.config.clone(),
        ..cohack_runtime::RunContext::default()
    };
    let submission = |answer: &str, files: &[(&str, &str)]| Submission {
        challenge: "hello-python".into(),
        team: "team-1".into(),
        answer: answer.into(),
        files: files
            .iter()
            .map(|(path, text)| cohack_runtime::File {
                path: (*path).into(),
                content: text.as_bytes().to_vec(),
            })
            .collect(),
    };
    let verdict = |answer: &str, files: &[(&str, &str)]| {
        validator
            .validate(&submission(answer, files), &context)
            .outcome
            .expect("a verdict")
    };
    let wrong = verdict("41", &[("hello.txt", "hello, telemetry\n")]);
    assert!(!wrong.passed && wrong.score == 0);
    let failed: Vec<(&str, &str)> = wrong
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| (c.name.as_str(), c.message.as_str()))
        .collect();
    assert_eq!(failed, [("answer", "Not the answer we expected.")]);
    assert_eq!(wrong.feedback, "Not yet: 1 of 2 checks failed; see below.");
    assert_eq!(wrong.notes, "expected answer: 42");

    let greeting = verdict("42", &[("hello.txt", "hi")]);
    assert_eq!(
        greeting.checks[0].message,
        "`hello.txt` must contain `hello, telemetry`, not `hi`."
    );
    let missing = verdict("42", &[("Hello.txt", "hello, telemetry")]);
    assert_eq!(
        (
            missing.checks[0].name.as_str(),
            missing.checks[0].message.as_str()
        ),
        (
            "submission",
            "`hello.txt` is missing from the submission (found `Hello.txt`: file names are case-sensitive)."
        )
    );
    let right = verdict("42", &[("hello.txt", "hello, telemetry")]);
    assert!(right.passed && right.score == 100, "{right:?}");

    // The host answers `config` and keeps the log, `print` included.
    let mut other = context.clone();
    other.config.insert("answer".into(), "41".into());
    let run = validator.validate(
        &submission("41", &[("hello.txt", "hello, telemetry")]),
        &other,
    );
    assert!(run.outcome.expect("a verdict").passed, "the event's config");
    let logs: Vec<&str> = run.logs.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(logs, ["judging team-1", "a line on stdout"]);

    // A validator that does not even import: the build fails and shows Python's message.
    write(
        &app,
        "from cohack_sdk import export\n\ndef validate(s)\n    pass\n",
    );
    let options = cohack_package::BuildOptions {
        tools_dir: Some(tools::tools_dir()),
        ..cohack_package::BuildOptions::default()
    };
    let mut progress = Vec::new();
    let error = cohack_package::build_with(&dir, &options, &mut progress).unwrap_err();
    let progress = String::from_utf8_lossy(&progress);
    assert!(
        matches!(&error, PackageError::ToolFailed { tool, .. } if tool == "componentize-py"),
        "{error}"
    );
    assert!(progress.contains("SyntaxError"), "{progress}");
}

#[test]
fn a_python_package_without_its_entry_or_sdk_is_refused_before_any_tool_runs() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("bare");
    scaffold(&dir, "bare-one", Language::Python, &sdk()).expect("scaffold");
    let options = cohack_package::BuildOptions {
        tools_dir: Some(tmp.path().join("no-tools-needed")),
        ..cohack_package::BuildOptions::default()
    };

    std::fs::remove_file(dir.join("validator/sdk.toml")).expect("rm");
    let error = cohack_package::build_with(&dir, &options, &mut std::io::sink())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("sdk.toml: missing: it says where challenge-sdk is"),
        "{error}"
    );

    std::fs::rename(dir.join("validator/app.py"), dir.join("validator/main.py")).expect("mv");
    let error = cohack_package::build_with(&dir, &options, &mut std::io::sink())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("app.py: missing: a python validator's entry is `app.py`"),
        "{error}"
    );
    assert!(
        !tmp.path().join("no-tools-needed").exists(),
        "nothing was installed"
    );
}

/// The JavaScript counterpart: a new package's samples, plus a failing check, a wrong answer
/// and a validator that throws (a bug: a validator error whose stack reaches the author).
#[test]
fn a_javascript_validator_passes_fails_and_throws_readably() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("hello-javascript");
    scaffold(&dir, "hello-javascript", Language::Javascript, &sdk()).expect("scaffold");

    // The template, with a bug on one input.
    let entry = dir.join("validator/validator.js");
    let source = std::fs::read_to_string(&entry).expect("validator.js");
    let source = source.replacen(
        "    return judge(POINTS, (v) => {",
        "    if (s.answer() === 'crash') {\n      const table = JSON.parse('{}');\n      return table.rows.length;\n    }\n    return judge(POINTS, (v) => {",
        1,
    );
    assert!(
        source.contains("table.rows.length"),
        "the template changed: {source}"
    );
    write(&entry, &source);
    write(&dir.join("samples/fail/bad-greeting/answer.txt"), "42\n");
    write(&dir.join("samples/fail/bad-greeting/hello.txt"), "hi\n");
    write(&dir.join("samples/fail/crash/answer.txt"), "crash\n");
    write(
        &dir.join("samples/fail/crash/hello.txt"),
        "hello, telemetry\n",
    );

    let wasm = tools::build_with_tools(&dir);
    let runtime = Runtime::new(RuntimeConfig::default()).expect("sandbox");
    let validator = runtime
        .load(&wasm)
        .expect("the sandbox accepts the component");
    let package = Package::load(&dir).expect("package");
    let report = test(&package, &validator, &mut std::io::sink());
    let outcome = |name: &str| {
        report
            .results
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name} in {report}"))
    };
    for name in ["pass/correct", "fail/bad-greeting", "fail/wrong-answer"] {
        assert!(outcome(name).ok(), "{name}: {report}");
    }

    // The throw is the validator's bug: an error for the authors, with the engine's words.
    let SampleOutcome::Error(error) = &outcome("fail/crash").outcome else {
        panic!("{report}");
    };
    assert_eq!(error.kind, ValidatorErrorKind::Trap, "{error}");
    assert!(error.detail.contains("rows"), "{}", error.detail);
    assert!(!error.detail.contains("Rust"), "{}", error.detail);

    // The failing checks speak to the team.
    let context = cohack_runtime::RunContext {
        config: package.manifest.config.clone(),
        ..cohack_runtime::RunContext::default()
    };
    let run = |answer: &str, hello: &str| {
        validator
            .validate(
                &Submission {
                    challenge: "hello-javascript".into(),
                    team: "team-1".into(),
                    answer: answer.into(),
                    files: vec![cohack_runtime::File {
                        path: "hello.txt".into(),
                        content: hello.as_bytes().to_vec(),
                    }],
                },
                &context,
            )
            .outcome
            .expect("a verdict")
    };
    let wrong = run("41", "hello, telemetry\n");
    assert!(!wrong.passed && wrong.score == 0);
    assert!(
        wrong
            .checks
            .iter()
            .any(|c| c.name == "answer" && !c.passed && c.message == "Not the answer we expected."),
        "{wrong:?}"
    );
    let greeting = run("42", "hi");
    assert!(
        greeting.checks[0]
            .message
            .contains("must contain `hello, telemetry`, not `hi`"),
        "{greeting:?}"
    );
    assert!(run("42", "hello, telemetry").passed);
}
