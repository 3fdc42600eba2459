//! Every sample of every challenge in `challenges/` gets its declared outcome on the real
//! sandbox, and the ladder is what the product needs.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a panic is a clear test failure"
)]

mod common;

use std::path::PathBuf;

use cohack_package::{Expect, Package, test};

fn challenge_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(common::repo().join("challenges"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("challenge.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The `.wasm` of a package's validator crate in the built challenges workspace.
fn wasm_of(package_dir: &std::path::Path, release_dir: &std::path::Path) -> Vec<u8> {
    let cargo_toml = std::fs::read_to_string(package_dir.join("validator/Cargo.toml")).unwrap();
    let table: toml::Table = cargo_toml.parse().unwrap();
    let name = table["package"]["name"].as_str().unwrap().replace('-', "_");
    std::fs::read(release_dir.join(format!("{name}.wasm"))).unwrap()
}

#[test]
fn every_sample_of_every_challenge_gets_its_declared_outcome() {
    let release = common::build_challenges();
    let dirs = challenge_dirs();
    assert_eq!(dirs.len(), 6, "the demo ladder has six challenges");
    let mut failures = Vec::new();
    for dir in &dirs {
        let package = Package::load(dir).unwrap_or_else(|e| panic!("{e}"));
        let validator = common::runtime().load(&wasm_of(dir, release)).unwrap();
        let report = test(&package, &validator, &mut std::io::sink());
        println!("{report}\n");
        if !report.all_ok() {
            failures.push(report.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "mismatches:\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn the_ladder_is_complete_and_progressive() {
    let mut previous_points = 0;
    for dir in challenge_dirs() {
        let package = Package::load(&dir).unwrap();
        let (pass, fail) = package.sample_counts();
        assert!(
            pass >= 2 && fail >= 3,
            "{}: {pass} passing, {fail} failing samples",
            package.manifest.slug
        );
        assert!(
            package.manifest.points > previous_points,
            "{}: points must grow up the ladder",
            package.manifest.slug
        );
        previous_points = package.manifest.points;
        let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            folder.ends_with(&package.manifest.slug),
            "{folder} is named after its slug"
        );
        assert!(
            package
                .samples
                .iter()
                .any(|s| s.expect == Expect::Fail && s.expected_score.is_some())
        );
    }
}

#[test]
fn team_specific_materials_differ_between_teams() {
    let release = common::build_challenges();
    let context = cohack_runtime::RunContext::default();
    for slug in ["first-contact", "fleet-report", "route-planner"] {
        let dir = challenge_dirs()
            .into_iter()
            .find(|d| d.to_string_lossy().ends_with(slug))
            .unwrap();
        let validator = common::runtime().load(&wasm_of(&dir, release)).unwrap();
        let a = validator.materials("team-a", &context).unwrap();
        let b = validator.materials("team-b", &context).unwrap();
        assert!(!a.is_empty(), "{slug} hands out materials");
        assert_eq!(
            a,
            validator.materials("team-a", &context).unwrap(),
            "{slug}: materials are stable"
        );
        assert_ne!(a, b, "{slug}: materials differ per team");
    }
}

#[test]
fn build_finds_the_wasm_of_a_workspace_member() {
    common::build_challenges();
    let dir = challenge_dirs()
        .into_iter()
        .find(|d| d.to_string_lossy().ends_with("clean-readings"))
        .unwrap();
    let options = cohack_package::BuildOptions {
        target_dir: Some(common::challenges_target()),
        ..cohack_package::BuildOptions::default()
    };
    let wasm = cohack_package::build_with(&dir, &options, &mut std::io::sink()).unwrap();
    assert!(
        wasm.ends_with("wasm32-wasip2/release/clean_readings_validator.wasm"),
        "{}",
        wasm.display()
    );
}
