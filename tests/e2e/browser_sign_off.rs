//! Coach sign-off in Chromium (`tests/browser/sign_off.mjs`, SQLite, skipped without
//! Chromium): the team submits and reads "awaiting a coach's sign-off", the coach rejects it
//! with a comment on the coach's page, the team reads the comment live, submits again, the
//! coach approves, and the team sees the challenge solved and the next one open without a
//! reload. Screenshots in `target/screenshots/playbook/`. What the server does is tested on
//! both backends in `sign_off.rs`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        coach, expect, first_contact_answer, materials, publish_all, running_event, team,
    },
    harness::TestApp,
    sign_off::require_sign_off,
};

#[tokio::test]
async fn browser_sign_off_rejected_then_approved() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "sign-off-browser").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    require_sign_off(&app, &event, "first-contact").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let own = expect(
        materials(&app, &alice.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let fixture = json!({
        "team": team_id,
        "member": alice.email,
        "coach": bob.email,
        "right": first_contact_answer(&own),
    });
    run_scenario(&app, "sign_off", &fixture).await;
    app.stop().await;
}
