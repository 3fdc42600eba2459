//! The browser harness: each scenario is a script in `tests/browser/` that drives Debian's
//! headless Chromium with playwright-core (installed from npm into `web/node_modules` by the
//! build; nothing downloads a browser) against the real server this test started, with a
//! fixture the test prepared through the API.
//!
//! Without Chromium the tests print why and skip, unless `COHACK_TEST_BROWSER` is set (CI
//! sets it), in which case they fail. Screenshots land in `target/screenshots/`.

use std::{path::PathBuf, process::Stdio, time::Duration};

use serde_json::Value;

use crate::harness::{TestApp, repo_root};

/// How long one scenario may take.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(180);

fn chromium() -> PathBuf {
    std::env::var_os("COHACK_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

/// Whether browser tests can run here; prints why not (and panics if they must run).
pub fn browser_available() -> bool {
    let playwright = repo_root().join("web/node_modules/playwright-core");
    let missing = if !chromium().exists() {
        Some(format!(
            "{} not found (apt-get install chromium)",
            chromium().display()
        ))
    } else if !playwright.exists() {
        Some(format!(
            "{} not installed (the server build runs npm ci)",
            playwright.display()
        ))
    } else {
        None
    };
    match missing {
        None => true,
        Some(reason) if std::env::var_os("COHACK_TEST_BROWSER").is_some() => {
            panic!("COHACK_TEST_BROWSER is set but {reason}")
        }
        Some(reason) => {
            eprintln!("skipping browser test: {reason}; set COHACK_TEST_BROWSER=1 to require it");
            false
        }
    }
}

/// Runs `tests/browser/{script}.mjs` against `app` with `fixture`, failing the test (with the
/// script's output) if the scenario fails or takes longer than three minutes.
pub async fn run_scenario(app: &TestApp, script: &str, fixture: &Value) {
    let root = repo_root();
    let path = root.join("tests/browser").join(format!("{script}.mjs"));
    let screenshots = root.join("target/screenshots");
    let child = tokio::process::Command::new("node")
        .arg(&path)
        .current_dir(&root)
        .env("COHACK_URL", &app.address)
        .env("COHACK_FIXTURE", fixture.to_string())
        .env("COHACK_SCREENSHOTS", &screenshots)
        .env("COHACK_CHROMIUM", chromium())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node for {}: {e}", path.display()));
    let output = tokio::time::timeout(SCENARIO_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| {
            panic!("browser scenario {script} took longer than {SCENARIO_TIMEOUT:?}")
        })
        .expect("node ran");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser scenario {script} failed ({}); screenshots in {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status,
        screenshots.display()
    );
    print!("{stdout}");
}
