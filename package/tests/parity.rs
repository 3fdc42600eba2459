//! Every validator written in another language than Rust gives the verdicts of its Rust twin.
//!
//! A twin is a package under `challenges/python/` or `challenges/javascript/` named like the
//! Rust package under `challenges/` it ports (`python/03-clean-readings` →
//! `03-clean-readings`). It has no samples of its own: it runs on its twin's samples, and each
//! verdict must equal the Rust one (passed, score, feedback, every check's name, result and
//! message, notes), as must the materials it hands out. Its manifest is its twin's but for
//! `language` (and `[limits]`, since interpreters burn more fuel), and its statement is the
//! same.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a clear test failure"
)]

mod common;
mod tools;

use std::path::{Path, PathBuf};

use cohack_package::{Language, Manifest, Package};
use cohack_runtime::{LimitOverrides, RunContext, Validator};

/// The folders of other-language validators, by language.
const LANGUAGE_FOLDERS: [(&str, Language); 2] = [
    ("python", Language::Python),
    ("javascript", Language::Javascript),
];

/// Every (twin, Rust package) pair in `challenges/`.
fn twins() -> Vec<(PathBuf, PathBuf)> {
    let challenges = common::repo().join("challenges");
    let mut pairs = Vec::new();
    for (folder, _) in LANGUAGE_FOLDERS {
        let Ok(entries) = std::fs::read_dir(challenges.join(folder)) else {
            continue;
        };
        for entry in entries {
            let twin = entry.unwrap().path();
            if twin.join("challenge.toml").is_file() {
                let rust = challenges.join(twin.file_name().unwrap());
                pairs.push((twin, rust));
            }
        }
    }
    pairs.sort();
    pairs
}

/// The Rust package's component, from the challenges workspace build.
fn rust_wasm(dir: &Path) -> Vec<u8> {
    let release = common::build_challenges();
    let cargo_toml = std::fs::read_to_string(dir.join("validator/Cargo.toml")).unwrap();
    let table: toml::Table = cargo_toml.parse().unwrap();
    let name = table["package"]["name"].as_str().unwrap().replace('-', "_");
    std::fs::read(release.join(format!("{name}.wasm"))).unwrap()
}

fn context(manifest: &Manifest) -> RunContext {
    RunContext {
        config: manifest.config.clone(),
        limits: common::runtime().limits_for(&manifest.limits),
        network: None,
    }
}

#[test]
fn the_python_twin_of_clean_readings_is_checked() {
    let found: Vec<String> = twins()
        .iter()
        .map(|(twin, _)| {
            twin.strip_prefix(common::repo())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        found
            .iter()
            .any(|t| t.ends_with("challenges/python/03-clean-readings")),
        "{found:?}"
    );
}

#[test]
fn every_twin_gives_its_rust_validators_verdicts_and_materials() {
    let mut differences = Vec::new();
    for (twin_dir, rust_dir) in twins() {
        let name = twin_dir
            .strip_prefix(common::repo())
            .unwrap()
            .display()
            .to_string();
        assert!(
            rust_dir.join("challenge.toml").is_file(),
            "{name} has no Rust twin at {}",
            rust_dir.display()
        );
        let rust = Package::load(&rust_dir).unwrap();
        let twin = Package::load(&twin_dir).unwrap();
        let language = LANGUAGE_FOLDERS
            .iter()
            .find(|(folder, _)| name.contains(&format!("/{folder}/")))
            .map(|(_, language)| *language)
            .unwrap();
        assert_eq!(twin.manifest.language, language, "{name}: its language");
        assert!(
            twin.samples.is_empty(),
            "{name}: runs its twin's samples, has none"
        );
        assert_eq!(
            Manifest {
                language: Language::Rust,
                limits: LimitOverrides::default(),
                ..twin.manifest.clone()
            },
            Manifest {
                limits: LimitOverrides::default(),
                ..rust.manifest.clone()
            },
            "{name}: the manifest is its twin's"
        );
        assert_eq!(twin.statement, rust.statement, "{name}: the statement");

        let rust_validator: Validator = common::runtime().load(&rust_wasm(&rust_dir)).unwrap();
        let twin_validator: Validator = common::runtime()
            .load(&tools::build_with_tools(&twin_dir))
            .unwrap();
        let (rust_context, twin_context) = (context(&rust.manifest), context(&twin.manifest));
        for sample in &rust.samples {
            let submission = sample.submission(&rust.manifest.slug);
            let expected = rust_validator.validate(&submission, &rust_context).outcome;
            let got = twin_validator.validate(&submission, &twin_context).outcome;
            let expected = expected.unwrap_or_else(|e| panic!("{name} {}: Rust: {e}", sample.name));
            match got {
                Ok(verdict) if verdict == expected => {}
                Ok(verdict) => differences.push(format!(
                    "{name} {}:\n  Rust: {expected:?}\n  twin: {verdict:?}",
                    sample.name
                )),
                Err(e) => differences.push(format!("{name} {}: validator error: {e}", sample.name)),
            }
        }
        for team in [cohack_package::DEFAULT_TEAM, "team-blue"] {
            let expected = rust_validator.materials(team, &rust_context).unwrap();
            let got = twin_validator.materials(team, &twin_context);
            if got.as_ref() != Ok(&expected) {
                differences.push(format!("{name}: materials for {team} differ"));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// A Python twin's own unit tests (`test*.py` beside `app.py`, the Rust validator's tests
/// ported) pass natively, as `challenge-sdk/python/scripts/test.py` runs them.
#[test]
fn the_python_twins_pass_their_unit_tests() {
    let tools = cohack_package::Tools::at(tools::tools_dir());
    let mut progress = Vec::new();
    tools
        .componentize_py(&mut progress)
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&progress)));
    let script = common::repo().join("challenge-sdk/python/scripts/test.py");
    for (twin, _) in twins() {
        if Manifest::load(&twin).unwrap().language != Language::Python {
            continue;
        }
        let python = std::env::var_os("COHACK_PYTHON").unwrap_or_else(|| "python3".into());
        let run = std::process::Command::new(python)
            .arg(&script)
            .arg(twin.join("validator"))
            .env("COHACK_TOOLS_DIR", tools::tools_dir())
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{}: {report}", twin.display());
        assert!(
            !report.contains("Ran 0 tests"),
            "{}: {report}",
            twin.display()
        );
    }
}
