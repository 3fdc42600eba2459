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
    let ben = app.register("ben@acme.example", "Acme Foods Ltd").await;
    assert_ne!(alice.organization_id, ben.organization_id);
    run_scenario(
        &app,
        "accounts",
        &json!({
            "organizer": {"email": organizer.email},
            "alice": {"email": alice.email},
            "organization": "Acme Foods",
            "other_organization": "Acme Foods Ltd",
        }),
    )
    .await;
    // The page's merge is the API's: one organization is left, with both accounts.
    let organizations = app
        .get_as(&organizer.access_token, "/api/v1/organizations")
        .await
        .json::<serde_json::Value>()
        .await
        .expect("organizations");
    let acme: Vec<_> = organizations
        .as_array()
        .expect("a list")
        .iter()
        .filter(|o| o["name"].as_str().is_some_and(|n| n.starts_with("Acme")))
        .collect();
    assert_eq!(acme.len(), 1, "{organizations}");
    assert_eq!(acme[0]["members"], 2, "{organizations}");
}
