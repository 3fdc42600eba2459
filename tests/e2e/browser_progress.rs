//! Who is stuck, in real headless Chromium (`tests/browser/progress.mjs`): a coach's open
//! progress page puts the team that passes its expected time on top and shows the nudge
//! without a reload, as does their open coach page. Screenshots in
//! `target/screenshots/playbook/`.

use chrono::TimeDelta;
use cohack_server::db::now;
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        coach, expect, first_contact_answer, materials, publish_all, running_event, submit, team,
    },
    harness::{Backend, TestApp},
    progress::{expect_minutes, fast_nudges, opened_at},
};

/// Seconds from now until Borealis passes its one expected minute on `first-contact`.
const OVER_IN_SECS: i64 = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_sees_the_team_over_time_rise_to_the_top_and_the_nudge_arrive() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn_configured_for(Backend::Sqlite, fast_nudges)
        .await
        .expect("sqlite app");
    let event = running_event(&app, "stuck").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    expect_minutes(&app, &event, "first-contact", 1).await;
    let (aurora, aurora_id) = team(&app, &event, "Aurora").await;
    let (_borealis, borealis_id) = team(&app, &event, "Borealis").await;
    let (_cobalt, cobalt_id) = team(&app, &event, "Cobalt").await;
    let carol = coach(&app, &event, &aurora_id, "carol").await;
    for id in [&borealis_id, &cobalt_id] {
        let (team_id, coach_id, by) = (id.clone(), carol.id.clone(), event.organizer.id.clone());
        app.state
            .db
            .write(move |conn| {
                cohack_server::models::team::Team::assign_coach(conn, &team_id, &coach_id, &by)
            })
            .await
            .expect("coach assigned");
    }

    // Aurora solved the first challenge and works on the second (no expected time).
    let own = expect(
        materials(&app, &aurora.access_token, &aurora_id, "first-contact").await,
        200,
    )
    .await;
    let right = json!({"challenge": "first-contact", "answer": first_contact_answer(&own)});
    expect(
        submit(&app, &aurora.access_token, &aurora_id, &right).await,
        201,
    )
    .await;
    // Borealis opened the first challenge a little under a minute ago; Cobalt has not begun.
    let over_at = now() + TimeDelta::seconds(OVER_IN_SECS);
    opened_at(
        &app,
        &event,
        &borealis_id,
        "first-contact",
        over_at - TimeDelta::minutes(1),
    )
    .await;

    run_scenario(
        &app,
        "progress",
        &json!({
            "slug": event.slug,
            "coach": "carol@carol.example",
            "aurora": aurora_id,
            "borealis": borealis_id,
            "cobalt": cobalt_id,
            "over_at": over_at.and_utc(),
        }),
    )
    .await;
}
