//! The API contract under a fuzzer nobody here wrote: schemathesis (PyPI, pinned in
//! `tests/contract/requirements.txt`) reads the live `/api/openapi.json` and runs every
//! operation with every check — server errors, undocumented statuses and content types,
//! responses that break their schema, schema-valid requests refused, missing 405s, links that
//! do not lead where they say — in its example, coverage, fuzzing and stateful phases, against
//! a real server seeded with an event, a published challenge, a team with a submission and one
//! account per role. What schemathesis may not check is in `tests/contract/schemathesis.toml`,
//! each exception with its reason.
//!
//! schemathesis is installed (once, under a lock) into a virtual environment of its own,
//! `target/cohack-tools/schemathesis-VERSION`; Python 3.11+ with `venv` is needed, as for
//! Python validators. Each role gets its own server, so that one run's changes (an organizer
//! ending the event, say) cannot hide operations from another. A failure prints the seed and
//! the command that replays it.

use std::{fs, process::Stdio, time::Instant};

use cohack_server::models::role::EventRole;
use serde_json::json;
use tokio::process::Command;

use crate::{
    backend_tests,
    challenges::{
        coach, expect, first_contact_answer, materials, publish_all, running_event, submit, team,
        user_with_role,
    },
    harness::{Backend, TestApp, repo_root},
    python_tools::venv_with,
};

/// The seed of every run: a failure in CI replays locally.
const SEED: &str = "1";

/// The section of `schemathesis.toml` that sends the role's token.
const BEARER_SECTION: &str = "[auth.openapi.bearer]\nbearer = \"${COHACK_ST_TOKEN}\"\n";

/// The role whose token a run carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The event's organizer (a portal organizer: they may also create events).
    Organizer,
    /// An author of the event.
    Author,
    /// An engineer coaching the team.
    Engineer,
    /// A member of the team.
    Participant,
    /// No token at all.
    Anonymous,
}

backend_tests!(the_organizers_view_keeps_the_contract);

async fn the_organizers_view_keeps_the_contract(app: TestApp) {
    run(app, Role::Organizer).await;
}

/// The other roles see the same code paths on either backend; SQLite keeps the suite short.
macro_rules! sqlite_role_tests {
    ($($name:ident => $role:expr),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let app = TestApp::spawn(Backend::Sqlite)
                    .await
                    .expect("sqlite is always available");
                run(app, $role).await;
            }
        )+
    };
}

sqlite_role_tests!(
    an_authors_view_keeps_the_contract => Role::Author,
    an_engineers_view_keeps_the_contract => Role::Engineer,
    a_participants_view_keeps_the_contract => Role::Participant,
    an_anonymous_view_keeps_the_contract => Role::Anonymous,
);

/// Seeds the event, then runs schemathesis with `role`'s token against the server.
async fn run(app: TestApp, role: Role) {
    let schemathesis = venv_with("tests/contract/requirements.txt", "schemathesis")
        .await
        .join("bin/schemathesis");

    let event = running_event(&app, "contract").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (member, team_id) = team(&app, &event, "member").await;
    let engineer = coach(&app, &event, &team_id, "engineer").await;
    let author = user_with_role(&app, &event, "author", EventRole::Author).await;
    let files = materials(&app, &member.access_token, &team_id, "first-contact").await;
    let answer = first_contact_answer(&expect(files, 200).await);
    let submission = expect(
        submit(
            &app,
            &member.access_token,
            &team_id,
            &json!({ "challenge": "first-contact", "answer": answer }),
        )
        .await,
        201,
    )
    .await;
    let submission = submission["id"].as_str().expect("submission id").to_owned();

    let token = match role {
        Role::Organizer => Some(&event.organizer),
        Role::Author => Some(&author),
        Role::Engineer => Some(&engineer),
        Role::Participant => Some(&member),
        Role::Anonymous => None,
    }
    .map(|account| account.access_token.clone());

    let work = tempfile::Builder::new()
        .prefix("cohack-schemathesis-")
        .tempdir()
        .expect("temp dir");
    // The anonymous run uses the configuration without its bearer section: it sends no
    // `Authorization` at all, as a script without a token would.
    let config = fs::read_to_string(repo_root().join("tests/contract/schemathesis.toml"))
        .expect("tests/contract/schemathesis.toml");
    let config = match token {
        Some(_) => config,
        None => {
            let without = config.replace(BEARER_SECTION, "");
            assert_ne!(without, config, "schemathesis.toml has the bearer section");
            without
        }
    };
    let config_file = work.path().join("schemathesis.toml");
    fs::write(&config_file, config).expect("write the configuration");
    let document = format!("{}/api/openapi.json", app.address);
    let mut args: Vec<String> = [
        "--config-file",
        &config_file.to_string_lossy(),
        "run",
        &document,
        "--checks",
        "all",
        "--seed",
        SEED,
        "--no-color",
    ]
    .map(str::to_owned)
    .into();
    if role != Role::Organizer {
        // The organizer reaches every operation and runs with schemathesis' full budget (100
        // examples an operation) on both backends. The other roles mostly meet the same
        // operations' refusals: their fuzzing phase gets a third of it, which keeps the
        // suite's longest runs within CI's time. The coverage and stateful phases are whole.
        args.extend(["--max-examples".into(), "35".into()]);
    }
    if token.is_some() {
        // It would end the session whose token the run carries; the anonymous run covers it.
        args.extend(["--exclude-path".into(), "/api/v1/auth/logout".into()]);
    }
    let started = Instant::now();
    let output = Command::new(&schemathesis)
        .args(&args)
        .current_dir(work.path())
        .env("COHACK_ST_BASE_URL", &app.address)
        .env("COHACK_ST_TOKEN", token.as_deref().unwrap_or(""))
        .env("COHACK_ST_SLUG", &event.slug)
        .env("COHACK_ST_CHALLENGE", "first-contact")
        .env("COHACK_ST_TEAM", &team_id)
        .env("COHACK_ST_SUBMISSION", &submission)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("{} does not start: {e}", schemathesis.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // `N generated, …` and the closing `==== … in 41.55s ====` line.
    let cases = stdout
        .lines()
        .find(|line| line.trim_start().contains(" generated"))
        .unwrap_or("")
        .trim();
    let verdict = stdout
        .lines()
        .rev()
        .find(|line| line.starts_with('=') && line.contains(" in "))
        .unwrap_or("")
        .trim_matches(|c| c == '=' || c == ' ');
    eprintln!(
        "schemathesis as {role:?}: {cases}; {verdict} ({:.0} s with the server)",
        started.elapsed().as_secs_f64()
    );
    assert!(
        output.status.success(),
        "schemathesis as {role:?} found contract failures ({}); replay with the same seed \
         against a server seeded like this one:\n  {} {}\n--- stdout\n{stdout}\n--- stderr\n{}",
        output.status,
        schemathesis.display(),
        args.join(" "),
        String::from_utf8_lossy(&output.stderr),
    );
}
