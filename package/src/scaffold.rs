//! `cohack challenge new DIR [--lang python|javascript]`: a new package that builds and
//! passes its own samples, to edit from there. The statement and the samples are the same in
//! every language; the validator is a Rust crate, `app.py` or `validator.js`, from the
//! templates in `package/templates/` (Rust's is below).

use std::path::{Component, Path, PathBuf};

use crate::build::SDK_FILE;
use crate::manifest::is_slug;
use crate::{Language, PackageError};

/// The Python template: `validator/app.py`, and its unit tests (run natively with
/// `python3 challenge-sdk/python/scripts/test.py validator/`).
const PYTHON_APP: &str = include_str!("../templates/python/app.py");
const PYTHON_TESTS: &str = include_str!("../templates/python/test_app.py");
/// The JavaScript template: `validator/validator.js`, and its unit tests (run natively with
/// `node challenge-sdk/js/scripts/test.mjs validator/`).
const JAVASCRIPT_VALIDATOR: &str = include_str!("../templates/javascript/validator.js");
const JAVASCRIPT_TESTS: &str = include_str!("../templates/javascript/validator.test.js");

/// Writes a new challenge package for `slug` with a validator in `language` into `dir`
/// (created if missing; refused if it has files). `sdk_path` is the challenge-sdk folder:
/// the validator refers to it by a relative path when one exists (a Rust crate in its
/// `Cargo.toml`, Python and JavaScript in `validator/sdk.toml`).
///
/// For Rust, when `dir` is inside a cargo workspace whose `members` already cover the new
/// crate (as with `challenges/NN-name/validator`), the crate joins it; otherwise it is a
/// workspace of its own with the size-optimised release profile.
pub fn scaffold(
    dir: &Path,
    slug: &str,
    language: Language,
    sdk_path: &Path,
) -> Result<(), PackageError> {
    if !is_slug(slug) {
        return Err(PackageError::invalid(
            dir,
            format!(
                "`{slug}` is not a valid slug: 3 to 48 lowercase letters, digits and single dashes, like `clean-readings`"
            ),
        ));
    }
    let needed = match language {
        Language::Rust => ["Cargo.toml", "wit"],
        Language::Python => ["python/cohack_sdk", "wit/validator.wit"],
        Language::Javascript => ["js/package.json", "wit/validator.wit"],
    };
    if needed.iter().any(|p| !sdk_path.join(p).exists()) {
        return Err(PackageError::invalid(
            sdk_path,
            format!(
                "this is not the challenge-sdk folder for {language} (no {} here)",
                needed.join(" and ")
            ),
        ));
    }
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(|e| PackageError::io(dir, e))?;
        if entries.next().is_some() {
            return Err(PackageError::NotEmpty(dir.to_path_buf()));
        }
    }
    let source_dir = dir.join("validator");
    std::fs::create_dir_all(&source_dir).map_err(|e| PackageError::io(&source_dir, e))?;
    let source_abs = source_dir
        .canonicalize()
        .map_err(|e| PackageError::io(&source_dir, e))?;
    let sdk_abs = sdk_path
        .canonicalize()
        .map_err(|e| PackageError::io(sdk_path, e))?;
    let sdk_relative = relative_path(&source_abs, &sdk_abs).unwrap_or(sdk_abs);

    let mut files = vec![
        (PathBuf::from("challenge.toml"), manifest(slug, language)),
        (PathBuf::from("README.md"), statement(slug)),
        (PathBuf::from(crate::COACH_GUIDE_FILE), coach_guide(slug)),
    ];
    match language {
        Language::Rust => {
            let standalone = !covered_by_workspace(&source_abs);
            files.extend([
                (
                    PathBuf::from(".gitignore"),
                    "# Built by `cohack challenge build`.\n/validator/target/\n".to_owned(),
                ),
                (PathBuf::from(".cargo/config.toml"), CARGO_CONFIG.to_owned()),
                (
                    PathBuf::from("validator/Cargo.toml"),
                    cargo_toml(slug, &sdk_relative, standalone),
                ),
                (PathBuf::from("validator/src/lib.rs"), VALIDATOR.to_owned()),
            ]);
        }
        Language::Python | Language::Javascript => {
            let templates: &[(&str, &str)] = match language {
                Language::Python => &[("app.py", PYTHON_APP), ("test_app.py", PYTHON_TESTS)],
                _ => &[
                    ("validator.js", JAVASCRIPT_VALIDATOR),
                    ("validator.test.js", JAVASCRIPT_TESTS),
                ],
            };
            files.extend(
                templates.iter().map(|(name, text)| {
                    (PathBuf::from("validator").join(name), (*text).to_owned())
                }),
            );
            files.extend([
                (
                    PathBuf::from(".gitignore"),
                    "# Built by `cohack challenge build`.\n/target/\n__pycache__/\n".to_owned(),
                ),
                (
                    PathBuf::from("validator").join(SDK_FILE),
                    sdk_toml(&sdk_relative, language),
                ),
            ]);
        }
    }
    files.extend([
        (
            PathBuf::from("samples/pass/correct/answer.txt"),
            "42\n".to_owned(),
        ),
        (
            PathBuf::from("samples/pass/correct/hello.txt"),
            "hello, telemetry\n".to_owned(),
        ),
        (
            PathBuf::from("samples/pass/correct/sample.toml"),
            "score = 100\n".to_owned(),
        ),
        (
            PathBuf::from("samples/fail/wrong-answer/answer.txt"),
            "41\n".to_owned(),
        ),
        (
            PathBuf::from("samples/fail/wrong-answer/hello.txt"),
            "hello, telemetry\n".to_owned(),
        ),
        (
            PathBuf::from("samples/fail/missing-file/answer.txt"),
            "42\n".to_owned(),
        ),
        (
            PathBuf::from("samples/fail/missing-file/sample.toml"),
            "score = 0\n".to_owned(),
        ),
    ]);
    for (relative, content) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PackageError::io(parent, e))?;
        }
        std::fs::write(&path, content).map_err(|e| PackageError::io(&path, e))?;
    }
    Ok(())
}

/// `validator/sdk.toml`: where the build finds challenge-sdk.
fn sdk_toml(sdk: &Path, language: Language) -> String {
    let sdk = sdk.to_string_lossy().replace('\\', "/");
    let folder = match language {
        Language::Javascript => "js",
        _ => "python",
    };
    format!(
        "# Where `cohack challenge build` finds challenge-sdk (its wit/ and {folder}/ folders),\n\
         # relative to this folder.\n\
         path = \"{sdk}\"\n"
    )
}

/// `to` relative to `from` (both absolute), with `/` separators.
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return None;
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part);
    }
    Some(path)
}

/// Whether an ancestor's `[workspace]` lists `crate_dir` in its `members` (and not in
/// `exclude`): then the crate must not declare a workspace of its own.
fn covered_by_workspace(crate_dir: &Path) -> bool {
    for ancestor in crate_dir.ancestors().skip(1) {
        let Ok(text) = std::fs::read_to_string(ancestor.join("Cargo.toml")) else {
            continue;
        };
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        let Some(workspace) = table.get("workspace").and_then(toml::Value::as_table) else {
            continue;
        };
        let Ok(relative) = crate_dir.strip_prefix(ancestor) else {
            return false;
        };
        let relative: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let listed = |key: &str| {
            workspace
                .get(key)
                .and_then(toml::Value::as_array)
                .is_some_and(|patterns| {
                    patterns
                        .iter()
                        .filter_map(toml::Value::as_str)
                        .any(|p| path_matches(p, &relative))
                })
        };
        // The nearest workspace decides: cargo does not look further up.
        return listed("members") && !listed("exclude");
    }
    false
}

/// A cargo `members` glob (`*` within a segment) against path segments.
fn path_matches(pattern: &str, segments: &[String]) -> bool {
    let parts: Vec<&str> = pattern
        .trim_end_matches('/')
        .split('/')
        .filter(|p| *p != ".")
        .collect();
    parts.len() == segments.len()
        && parts
            .iter()
            .zip(segments)
            .all(|(p, s)| wildcard(p.as_bytes(), s.as_bytes()))
}

fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| wildcard(rest, &text[i..])),
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && wildcard(rest, tail)),
    }
}

fn manifest(slug: &str, language: Language) -> String {
    let language_line = match language {
        Language::Rust => String::new(),
        other => format!("language = \"{other}\"\n"),
    };
    format!(
        r#"slug = "{slug}"
title = "{title}"
points = 100
summary = "Say hello to the telemetry platform."
validator = "validator"
{language_line}
# Optional: tighter or looser sandbox limits for this challenge (capped by the server).
# [limits]
# fuel = 500_000_000
# wall_time_ms = 2000

# Optional: the minutes a team is expected to need (1 to 1440); past it, its coaches are
# nudged. And `sign_off = "coach"` makes a validator pass wait for a coach's approval.
# expected_minutes = 30
# sign_off = "coach"

# Optional: what a team's first solve earns when the event gives rewards (the event may name
# its own); "a reward" when none.
# reward = "a coffee"

# Defaults of the settings the validator reads with `config::get`; organizers can change them
# per event.
[config]
answer = "42"

# Optional, at most 16: hints a stuck team may unlock. The title shows with the statement;
# the text (a Markdown file in this package) once the team unlocks it. `cost` is in points
# (0 for a free hint, at most `points`), taken only if the team solves the challenge unless
# the event says otherwise.
# [[hints]]
# title = "Where the answer comes from"
# cost = 10
# file = "hints/answer.md"
"#,
        title = title_of(slug)
    )
}

fn title_of(slug: &str) -> String {
    let words: Vec<String> = slug
        .split('-')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    words.join(" ")
}

fn statement(slug: &str) -> String {
    format!(
        r#"# {title}

Replace this statement with yours: it is what the teams read. Say what the goal is, what
material they get, **what to submit**, and **how it is judged** (one line per check).

## What to submit

- A file **`hello.txt`** containing `hello, telemetry`.
- The **short answer** `42`.

## How it is judged

- `greeting`: `hello.txt` says `hello, telemetry`.
- `answer`: the short answer is right.
"#,
        title = title_of(slug)
    )
}

/// `coach.md`: the coach's guide, for the event's coaches and organizers only.
fn coach_guide(slug: &str) -> String {
    format!(
        r#"# {title}: the coach's guide

Only the event's coaches and organizers read this, next to the statement; teams never see it.
Replace it with what a coach needs at a team's table (or delete the file).

## The expected approach

Write `hello, telemetry` into `hello.txt` and answer `42`.

## Common mistakes

- A trailing space or a capital letter in `hello.txt`.
- Answering in `hello.txt` instead of the short answer field.

## The shape of a solution

One file and one short answer; nothing to build.

## How long teams usually take

About 10 minutes.
"#,
        title = title_of(slug)
    )
}

fn cargo_toml(slug: &str, sdk: &Path, standalone: bool) -> String {
    let sdk = sdk.to_string_lossy().replace('\\', "/");
    let mut text = format!(
        r#"[package]
name = "{slug}-validator"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# cdylib: the WebAssembly component the server runs; rlib: `cargo test` on your machine.
crate-type = ["cdylib", "rlib"]

[dependencies]
# Features: "json", "csv", "toml" add `Submission::json`/`csv`/`toml`.
challenge-sdk = {{ path = "{sdk}" }}
"#
    );
    if standalone {
        text.push_str(
            r#"
# A workspace of its own, so that it builds wherever the package lives.
[workspace]

# Validators are uploaded and loaded per event: small beats fast to build.
[profile.release]
opt-level = "s"
lto = true
strip = true
codegen-units = 1
panic = "abort"
"#,
        );
    }
    text
}

const CARGO_CONFIG: &str = r#"# `cohack challenge build` runs `cargo build --release --target wasm32-wasip2` in validator/.
# By hand: `cargo build-validator` from validator/ does the same. `cargo test` there runs the
# validator's unit tests natively.
[alias]
build-validator = "build --release --target wasm32-wasip2"
"#;

const VALIDATOR: &str = r#"//! The validator: judges every submission, in the cohack sandbox.

use challenge_sdk::prelude::*;

/// The challenge's points: must match `points` in challenge.toml.
const POINTS: u32 = 100;

/// The validator type, exported below.
pub struct Challenge;

impl Validator for Challenge {
    fn validate(s: Submission) -> Verdict {
        // `judge` turns an `Err` (e.g. a missing file, from `?`) into a failed check.
        judge(POINTS, |v| {
            let greeting = s.text("hello.txt")?;
            let greeted = greeting.trim() == "hello, telemetry";
            v.check(
                "greeting",
                greeted,
                if greeted {
                    "`hello.txt` says hello.".to_owned()
                } else {
                    format!("`hello.txt` must contain `hello, telemetry`, not `{}`.", greeting.trim())
                },
            );

            // Settings come from challenge.toml's [config], overridable per event.
            let expected = config::get_or("answer", "42");
            let right = s.answer() == expected;
            v.check("answer", right, if right { "Right." } else { "Not the answer we expected." });
            v.note(format!("expected answer: {expected}"));
            Ok(())
        })
    }
}

challenge_sdk::export!(Challenge);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_answer_passes() {
        let s = Submission::new("c", "team").with_answer("42").with_file("hello.txt", "hello, telemetry\n");
        assert!(Challenge::validate(s).passed);
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/a/sdk")),
            Some(PathBuf::from("../../sdk"))
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/x")),
            Some(PathBuf::from("x"))
        );
    }

    #[test]
    fn member_globs() {
        let segments = |s: &str| s.split('/').map(str::to_owned).collect::<Vec<_>>();
        assert!(path_matches("*/validator", &segments("06-new/validator")));
        assert!(path_matches("crates/*", &segments("crates/x")));
        assert!(!path_matches(
            "*/validator",
            &segments("06-new/validator/src")
        ));
        assert!(path_matches("0*-x/v", &segments("06-x/v")));
        assert!(!path_matches("a", &segments("b")));
    }

    #[test]
    fn every_language_gets_its_validator_and_the_same_samples() {
        let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../challenge-sdk");
        for language in Language::ALL {
            if language == Language::Javascript && !sdk.join("js/package.json").exists() {
                continue;
            }
            let tmp = tempfile::tempdir().unwrap();
            let dir = tmp.path().join("hello");
            scaffold(&dir, "say-hello", language, &sdk).unwrap();
            let manifest = crate::Manifest::load(&dir).unwrap();
            assert_eq!(manifest.language, language);
            let entry = match language {
                Language::Rust => "validator/src/lib.rs",
                Language::Python => "validator/app.py",
                Language::Javascript => "validator/validator.js",
            };
            assert!(dir.join(entry).is_file(), "{language}: {entry}");
            let tests = match language {
                Language::Rust => "validator/src/lib.rs",
                Language::Python => "validator/test_app.py",
                Language::Javascript => "validator/validator.test.js",
            };
            assert!(dir.join(tests).is_file(), "{language}: {tests}");
            assert!(dir.join("samples/fail/missing-file/answer.txt").is_file());
            let package = crate::Package::load(&dir).unwrap();
            let guide = package.coach_guide.expect("a coach's guide");
            assert!(guide.contains("## Common mistakes"), "{guide}");
            if language != Language::Rust {
                let found = crate::SdkLocation::find(&dir.join("validator"), "wit").unwrap();
                assert_eq!(found.root, sdk.canonicalize().unwrap());
                let text = std::fs::read_to_string(dir.join("validator/sdk.toml")).unwrap();
                assert!(text.contains("path = \"../"), "relative: {text}");
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let error = scaffold(
            &tmp.path().join("x"),
            "say-hello",
            Language::Python,
            tmp.path(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("not the challenge-sdk folder for python (no python/cohack_sdk"),
            "{error}"
        );
    }

    #[test]
    fn titles_from_slugs() {
        assert_eq!(title_of("first-contact"), "First Contact");
    }
}
