//! Rewards in Chromium: Rita, the event's runner, keeps the rewards page open; a team on site
//! solves its first challenge and the delivery appears without a reload; she prints its slip
//! (print media) and marks it delivered with one click; the rest of the event is closed to
//! her. A remote team's member reads the event's `remote_reward` words in the workspace as the
//! solve lands. The scenario (`tests/browser/rewards.mjs`, SQLite, skipped without Chromium)
//! leaves its screenshots in `target/screenshots/rewards/`.
//!
//! The floor's settings (`tests/browser/rewards_floor.mjs`): a team says where it sits from its
//! workspace, an organizer changes it in the team list and gives a challenge the event's own
//! reward words on the ladder, and an event that holds its rewards until the end releases them
//! to the runner's open page when the end comes.

use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::Method;
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{expect, publish_all, running_event, team},
    harness::{TestApp, repo_root},
};

const REMOTE: &str = "a coffee voucher, sent to you by mail after the event";

#[tokio::test]
async fn browser_rewards_a_runner_delivers_live_and_a_remote_team_is_told() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "rewards-hack").await;
    expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"rewards": true, "remote_reward": REMOTE}),
        )
        .await,
        200,
    )
    .await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (olga, onsite) = team(&app, &event, "tablesevens").await;
    expect(
        app.send(
            Method::PATCH,
            olga.token(),
            &format!("/api/v1/teams/{onsite}"),
            &json!({"location": "Table 7"}),
        )
        .await,
        200,
    )
    .await;
    let (rene, remote) = team(&app, &event, "faraway").await;
    let rita = app.register("rita@venue.example", "Venue").await;
    expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/events/{}/roles", event.slug),
            &json!({"user_id": rita.id, "role": "runner"}),
        )
        .await,
        201,
    )
    .await;
    let pipeline = std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample");
    let submission = json!({
        "challenge": "pipeline-manifest",
        "files": [{"path": "pipeline.toml", "content_base64": STANDARD.encode(pipeline)}],
    });
    let fixture = json!({
        "event": event.slug,
        "runner": {"email": rita.email},
        "onsite": {"token": olga.access_token, "team": onsite, "name": "tablesevens",
                   "location": "Table 7"},
        "remote": {"email": rene.email, "token": rene.access_token, "team": remote},
        "remote_reward": REMOTE,
        "submission": submission,
        "challenge_title": "Plumb the pipeline",
    });
    run_scenario(&app, "rewards", &fixture).await;
    app.stop().await;
}

#[tokio::test]
async fn browser_rewards_location_words_and_the_held_queue_released_at_the_end() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "rewards-floor").await;
    expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"rewards": true, "remote_reward": REMOTE}),
        )
        .await,
        200,
    )
    .await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (olga, team_id) = team(&app, &event, "tablesevens").await;
    let rita = app.register("rita@venue.example", "Venue").await;
    expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/events/{}/roles", event.slug),
            &json!({"user_id": rita.id, "role": "runner"}),
        )
        .await,
        201,
    )
    .await;
    let pipeline = std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample");
    let fixture = json!({
        "event": event.slug,
        "organizer": {"email": event.organizer.email, "token": event.organizer.access_token},
        "member": {"email": olga.email, "token": olga.access_token},
        "team": team_id,
        "team_name": "tablesevens",
        "runner": {"email": rita.email},
        "remote_reward": REMOTE,
        "challenge": "pipeline-manifest",
        "challenge_title": "Plumb the pipeline",
        "submission": {
            "challenge": "pipeline-manifest",
            "files": [{"path": "pipeline.toml", "content_base64": STANDARD.encode(pipeline)}],
        },
    });
    run_scenario(&app, "rewards_floor", &fixture).await;
    // What the pages left, over HTTP: the delivery at the organizer's table, with the words.
    let delivered = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/rewards", event.slug),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(delivered[0]["location"], "Table 9", "{delivered}");
    assert_eq!(delivered[0]["reward"], "a cookie", "{delivered}");
    app.stop().await;
}
