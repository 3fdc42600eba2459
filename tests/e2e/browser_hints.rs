//! Hints in Chromium: a participant sees a challenge's hint titles and costs under the
//! statement, unlocks the free one and then (ticking the box that confirms its cost) the one
//! that costs points, and reads each text rendered from Markdown; the team's coach finds the
//! unlocks on the coach's page. The scenario (`tests/browser/hints.mjs`, SQLite, skipped
//! without Chromium) leaves its screenshots in `target/screenshots/playbook/`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{coach, expect, publish, running_event, team},
    harness::TestApp,
    hints::{FREE, WHERE, with_hints},
};

#[tokio::test]
async fn browser_hints_a_participant_unlocks_and_the_coach_sees_it() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "hints-hack").await;
    expect(
        publish(
            &app,
            &event.organizer.access_token,
            &event.slug,
            &with_hints("01-first-contact", 30),
            "",
        )
        .await,
        201,
    )
    .await;
    let (hana, team_id) = team(&app, &event, "hanahinted").await;
    let cody = coach(&app, &event, &team_id, "codycoach").await;
    let fixture = json!({
        "member": {"email": hana.email, "team": team_id, "team_name": "hanahinted"},
        "coach": {"email": cody.email},
        "challenge": "first-contact",
        "paid": {"title": "Where to look", "cost": 30, "text": WHERE},
        "free": {"title": "Which lines", "text": FREE},
    });
    run_scenario(&app, "hints", &fixture).await;
    app.stop().await;
}
