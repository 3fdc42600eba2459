//! Questions in Chromium: a member of one team asks in the workspace, the team's coach
//! answers to everyone on the coach's page (the question arrives there live), and another
//! team's open workspace shows the clarification without a reload and without naming the
//! asking team or the asker. The scenario (`tests/browser/questions.mjs`, SQLite, skipped
//! without Chromium) leaves its screenshots in `target/screenshots/playbook/`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{coach, publish_all, running_event, user_with_role},
    harness::TestApp,
};
use cohack_server::models::{event::Event, role::EventRole, team::Team};

#[tokio::test]
async fn browser_questions_a_clarification_reaches_every_workspace_without_its_asker() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "questions-hack").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let mut teams = Vec::new();
    for (member, name) in [("quinnasker", "Zephyr Works"), ("bobrival", "Borealis")] {
        let account = user_with_role(&app, &event, member, EventRole::Participant).await;
        let (event_id, user_id, team_name) =
            (event.id.clone(), account.id.clone(), name.to_owned());
        let team = app
            .state
            .db
            .write(move |conn| {
                let event = Event::find(conn, &event_id)?;
                Team::create(conn, &event, &team_name, &user_id)
            })
            .await
            .expect("team created");
        teams.push((account, team.id));
    }
    let carla = coach(&app, &event, &teams[0].1, "carlacoach").await;
    let fixture = json!({
        "asker": {"email": teams[0].0.email, "name": "quinnasker", "team": teams[0].1, "team_name": "Zephyr Works"},
        "rival": {"email": teams[1].0.email, "team": teams[1].1},
        "coach": {"email": carla.email},
        "challenge": "first-contact",
    });
    run_scenario(&app, "questions", &fixture).await;
    app.stop().await;
}
