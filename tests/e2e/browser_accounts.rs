//! Accounts in the browser: a reset link used once, a personal token created and revoked, the organization picked at sign-up.
//!
//! `tests/browser/accounts.mjs` in headless Chromium; screenshots under
//! `target/screenshots/accounts/`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    harness::{Backend, TestApp},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_reset_link_and_personal_tokens() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let organizer = app.portal_organizer("root@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme Foods").await;
    run_scenario(
        &app,
        "accounts",
        &json!({
            "organizer": {"email": organizer.email},
            "alice": {"email": alice.email},
            "organization": "Acme Foods",
        }),
    )
    .await;
}
