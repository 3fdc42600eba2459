//! The API contract from the outside, with other people's tools:
//!
//! - a client generated from the server's live `/api/openapi.json` by openapi-typescript and
//!   driven through openapi-fetch (`tests/contract/client`), type-checked by TypeScript in
//!   strict mode, walks a small event: a wrong document fails to compile, a server that
//!   disagrees with its document fails the run (the client checks every request and response
//!   against the document too);
//! - `/metrics`, after traffic of every kind, passes `promtool check metrics` without a lint.
//!
//! Node.js and npm are needed (the build needs them anyway); `npm ci` runs in the client's
//! folder only when its `node_modules` does not match `package-lock.json`. promtool comes with
//! Debian's `prometheus` package, or from `COHACK_TEST_PROMTOOL`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Output, Stdio},
    time::Instant,
};

use cohack_server::config::Config;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::{io::AsyncWriteExt, process::Command};

use crate::{
    backend_tests,
    challenges::{
        expect, first_contact_answer, materials, publish_all, running_event, submit, team, upload,
    },
    harness::{PASSWORD, TestApp, repo_root},
    live_client::connect,
};

backend_tests!(config = judge_in_the_background; a_generated_client_runs_an_event);
backend_tests!(metrics_pass_promtool);

/// Submissions always answer 202, so that the client polls for the verdict.
fn judge_in_the_background(config: &mut Config) {
    config.judge_wait_ms = 0;
}

/// The npm project of the generated client.
fn client_dir() -> PathBuf {
    repo_root().join("tests/contract/client")
}

async fn a_generated_client_runs_an_event(app: TestApp) {
    let started = Instant::now();
    let email = "organizer@vendor.example";
    app.portal_organizer(email).await;

    // A private copy of the client project, so that concurrent runs never share `generated/`
    // or `dist/`; `node_modules` is the installed one, linked.
    let work = tempfile::Builder::new()
        .prefix("cohack-generated-client-")
        .tempdir()
        .expect("temp dir");
    let dir = work.path();
    let upload_file = dir.join("upload.json");
    let upload = upload("01-first-contact");
    fs::write(&upload_file, serde_json::to_vec(&upload).expect("upload")).expect("write upload");
    install_client_packages().await;
    copy_client(dir);

    let document = app.get("/api/openapi.json").await;
    assert_eq!(document.status(), 200);
    let document = document.bytes().await.expect("document");
    fs::write(dir.join("generated/openapi.json"), &document).expect("write the document");

    let steps: [(&str, Vec<&str>); 3] = [
        (
            "openapi-typescript",
            vec![
                "npx",
                "--no",
                "--",
                "openapi-typescript",
                "generated/openapi.json",
                "-o",
                "generated/schema.d.ts",
            ],
        ),
        (
            "tsc",
            vec!["npx", "--no", "--", "tsc", "--project", "tsconfig.json"],
        ),
        (
            "the event walk",
            vec![
                "node",
                "dist/src/event.js",
                &app.address,
                "upload.json",
                email,
            ],
        ),
    ];
    for (name, argv) in steps {
        let step = Instant::now();
        let output = Command::new(argv[0])
            .args(&argv[1..])
            .current_dir(dir)
            .env("COHACK_ORGANIZER_PASSWORD", PASSWORD)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "{} does not start ({e}): are Node.js and npm installed?",
                    argv[0]
                )
            });
        eprintln!(
            "generated client: {name} took {:.1} s",
            step.elapsed().as_secs_f64()
        );
        // The generator's warnings are document problems too.
        let warned = name == "openapi-typescript" && !output.stderr.is_empty();
        if !output.status.success() || warned {
            failed(work, name, &argv, &output);
        }
        if name == "the event walk" {
            eprint!("{}", String::from_utf8_lossy(&output.stdout));
        }
    }
    eprintln!(
        "generated client: {:.1} s in all",
        started.elapsed().as_secs_f64()
    );
}

/// Fails the test with a tool's output, keeping its working folder to look into.
fn failed(work: TempDir, name: &str, argv: &[&str], output: &Output) -> ! {
    let kept = work.keep();
    panic!(
        "{name} failed ({}): {}\n(in {}, kept)\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        argv.join(" "),
        kept.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
}

/// Copies the client project (but not its generated or built files) into `dir`, and links its
/// `node_modules`.
fn copy_client(dir: &Path) {
    let client = client_dir();
    for file in ["package.json", "tsconfig.json"] {
        fs::copy(client.join(file), dir.join(file)).expect("copy the client project");
    }
    fs::create_dir_all(dir.join("src")).expect("src");
    fs::create_dir_all(dir.join("generated")).expect("generated");
    for entry in fs::read_dir(client.join("src")).expect("the client's src/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "ts") {
            let name = path.file_name().expect("file name");
            fs::copy(&path, dir.join("src").join(name)).expect("copy a source");
        }
    }
    std::os::unix::fs::symlink(client.join("node_modules"), dir.join("node_modules"))
        .expect("link node_modules");
}

/// Runs `npm ci` in the client's folder unless `node_modules` already holds exactly what
/// `package-lock.json` pins; one installer at a time, across test threads and processes.
async fn install_client_packages() {
    tokio::task::spawn_blocking(|| {
        let client = client_dir();
        if installed_as_locked(&client) {
            return;
        }
        let lock = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract-client-npm.lock");
        let lock = fs::File::create(&lock).expect("create the npm lock file");
        lock.lock().expect("take the npm lock");
        if installed_as_locked(&client) {
            return;
        }
        let started = Instant::now();
        let output = std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&client)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("npm does not start ({e}): install Node.js and npm"));
        assert!(
            output.status.success(),
            "npm ci in {} failed ({}):\n{}\n{}",
            client.display(),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        eprintln!(
            "generated client: npm ci took {:.1} s",
            started.elapsed().as_secs_f64()
        );
    })
    .await
    .expect("npm ci");
}

/// Whether npm's record of what it installed (`node_modules/.package-lock.json`) lists the
/// same packages as `package-lock.json` (optional ones may be absent).
fn installed_as_locked(client: &Path) -> bool {
    let read =
        |path: PathBuf| -> Option<Value> { serde_json::from_slice(&fs::read(path).ok()?).ok() };
    let (Some(locked), Some(installed)) = (
        read(client.join("package-lock.json")),
        read(client.join("node_modules/.package-lock.json")),
    ) else {
        return false;
    };
    let (Some(wanted), Some(present)) = (
        locked["packages"].as_object(),
        installed["packages"].as_object(),
    ) else {
        return false;
    };
    let wanted_there = wanted
        .iter()
        .filter(|(path, _)| !path.is_empty())
        .all(|(path, entry)| match present.get(path) {
            Some(installed) => installed == entry,
            None => entry["optional"] == true,
        });
    wanted_there && present.keys().all(|path| wanted.contains_key(path))
}

async fn metrics_pass_promtool(app: TestApp) {
    // Traffic of every kind: probes, an unknown path, a failed log-in, a published challenge,
    // materials, a wrong and a right submission, the big screen's socket.
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    assert_eq!(app.get("/no/such/path").await.status(), 404);
    let refused = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({ "email": "nobody@example.com", "password": "not the password" }),
        )
        .await;
    assert_eq!(refused.status(), 401);
    let event = running_event(&app, "metered").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (member, team_id) = team(&app, &event, "meters").await;
    let mut screen = connect(&app, &format!("/api/v1/events/{}/ws", event.slug), None).await;
    screen.expect("hello").await;
    let own = expect(
        materials(&app, &member.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    for answer in ["0".to_owned(), first_contact_answer(&own)] {
        let judged = submit(
            &app,
            &member.access_token,
            &team_id,
            &json!({ "challenge": "first-contact", "answer": answer }),
        )
        .await;
        assert!(judged.status().is_success(), "{}", judged.status());
    }
    screen.expect("leaderboard").await;
    drop(screen);

    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("metrics text");
    for route in [
        "/api/v1/teams/{id}/submissions",
        "/api/v1/events/{slug}/ws",
        "unmatched",
    ] {
        assert!(
            text.contains(&format!("route=\"{route}\"")),
            "{route} missing from\n{text}"
        );
    }

    let promtool = std::env::var_os("COHACK_TEST_PROMTOOL").unwrap_or_else(|| "promtool".into());
    let mut child = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{} does not start ({e}): install Prometheus' promtool (Debian: apt-get install \
                 prometheus) or point COHACK_TEST_PROMTOOL at it",
                promtool.to_string_lossy()
            )
        });
    let mut stdin = child.stdin.take().expect("promtool's stdin");
    stdin
        .write_all(text.as_bytes())
        .await
        .expect("metrics to promtool");
    drop(stdin);
    let output = child.wait_with_output().await.expect("promtool runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && said.trim().is_empty(),
        "promtool check metrics ({}):\n{said}\n--- the metrics\n{text}",
        output.status
    );
}
