//! Unblocking a stuck team and the coach's guide in Chromium: the team's coach reads the
//! guide beside the statement (the member's page never holds it), opens the next locked
//! challenge for the team with a reason, and the member's workspace shows it open without a
//! reload, with who opened it and why; the progress page lists the opening. The scenario
//! (`tests/browser/openings.mjs`, SQLite, skipped without Chromium) leaves its screenshots in
//! `target/screenshots/openings/`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{coach, expect, publish, running_event, team, upload},
    harness::TestApp,
    openings::GUIDE_MARKER,
};

#[tokio::test]
async fn browser_openings_a_coach_unblocks_a_team_live() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "unblock-hack").await;
    let token = &event.organizer.access_token;
    let mut first = upload("01-first-contact");
    first["coach_guide"] = json!(format!(
        "## The expected approach\n\nCount devices, not lines. {GUIDE_MARKER}\n"
    ));
    expect(publish(&app, token, &event.slug, &first, "").await, 201).await;
    expect(
        publish(
            &app,
            token,
            &event.slug,
            &upload("02-pipeline-manifest"),
            "",
        )
        .await,
        201,
    )
    .await;
    let (hana, team_id) = team(&app, &event, "hanastuck").await;
    let cody = coach(&app, &event, &team_id, "codycoach").await;
    let fixture = json!({
        "event": event.slug,
        "member": {"email": hana.email, "team": team_id},
        "coach": {"email": cody.email},
        "first": "first-contact",
        "second": "pipeline-manifest",
        "marker": GUIDE_MARKER,
        "reason": "an hour on counting devices; moving on to the pipeline",
    });
    run_scenario(&app, "openings", &fixture).await;
    app.stop().await;
}
