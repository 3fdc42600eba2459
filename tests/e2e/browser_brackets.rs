//! The big screen of a two-bracket event in Chromium (`tests/browser/brackets.mjs`): one
//! bracket ranked within itself and live, frozen at the freeze exactly like the whole board,
//! and the screen taking turns between the whole board and each bracket. The event, its
//! brackets and its teams are made through the API; the teams solve `first-contact` with its
//! real validator.
//!
//! The pages' own bracket fields (`tests/browser/brackets_pages.mjs`): `/events/new` creates a
//! two-bracket event, a participant picks a bracket when forming a team on the event's page,
//! and the organizer moves the team with the team list's select.

use cohack_server::models::role::EventRole;
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        expect, first_contact_answer, materials, publish_all, running_event, submit, user_with_role,
    },
    harness::{Backend, TestApp},
};

/// A participant's team in `bracket`, created through the API: (team id, token).
async fn team_in(
    app: &TestApp,
    event: &crate::challenges::TestEvent,
    name: &str,
    bracket: &str,
) -> (String, String) {
    let member = user_with_role(app, event, &name.to_lowercase(), EventRole::Participant).await;
    let team = expect(
        app.post(
            member.token(),
            &format!("/api/v1/events/{}/teams", event.slug),
            &json!({"name": name, "bracket": bracket}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(team["bracket"], bracket);
    (
        team["id"].as_str().expect("team id").to_owned(),
        member.access_token,
    )
}

/// The right answer to `first-contact` for a team.
async fn right_answer(app: &TestApp, token: &str, team: &str) -> String {
    let own = expect(materials(app, token, team, "first-contact").await, 200).await;
    first_contact_answer(&own)
}

/// Solves `first-contact` for a team.
async fn solve(app: &TestApp, token: &str, team: &str) {
    let answer = right_answer(app, token, team).await;
    let body = expect(
        submit(
            app,
            token,
            team,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(body["verdict"]["passed"], true, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_big_screen_ranks_each_bracket_live_and_frozen() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let event = running_event(&app, "brackets").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let changed = expect(
        app.send(
            reqwest::Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"brackets": ["On site", "Remote"]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["brackets"], json!(["On site", "Remote"]));

    let (beacon, beacon_token) = team_in(&app, &event, "Beacon", "Remote").await;
    let (anvil, anvil_token) = team_in(&app, &event, "Anvil", "On site").await;
    let (cobalt, cobalt_token) = team_in(&app, &event, "Cobalt", "On site").await;
    let (delta, delta_token) = team_in(&app, &event, "Delta", "Remote").await;
    solve(&app, &beacon_token, &beacon).await;
    solve(&app, &anvil_token, &anvil).await;
    let delta_answer = right_answer(&app, &delta_token, &delta).await;
    let cobalt_answer = right_answer(&app, &cobalt_token, &cobalt).await;

    run_scenario(
        &app,
        "brackets",
        &json!({
            "slug": event.slug,
            "organizer_token": event.organizer.access_token,
            "anvil": anvil,
            "beacon": beacon,
            "cobalt": cobalt,
            "delta": delta,
            "delta_token": delta_token,
            "delta_answer": delta_answer,
            "cobalt_token": cobalt_token,
            "cobalt_answer": cobalt_answer,
        }),
    )
    .await;

    // What the scenario left, over HTTP: the frozen public bracket hides Cobalt's late solve,
    // the organizers' live one shows it.
    let public: serde_json::Value = app
        .get(&format!(
            "/api/v1/events/{}/leaderboard?bracket=On%20site",
            event.slug
        ))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(public["frozen"], true);
    assert_eq!(public["rows"][1]["team"]["id"], cobalt);
    assert_eq!(public["rows"][1]["solved"], 0);
    let live: serde_json::Value = app
        .get_as(
            &event.organizer.access_token,
            &format!(
                "/api/v1/events/{}/leaderboard?bracket=On%20site",
                event.slug
            ),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(live["frozen"], false);
    let cobalt_live = live["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["team"]["id"] == cobalt.as_str())
        .expect("Cobalt's row");
    assert_eq!(cobalt_live["solved"], 1);
}

#[tokio::test]
async fn the_pages_create_brackets_pick_one_and_move_a_team() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let organizer = app.portal_organizer("lead@vendor.example").await;
    let participant = app.register("pia@acme.example", "Acme").await;
    run_scenario(
        &app,
        "brackets_pages",
        &json!({
            "slug": "two-rooms",
            "organizer": {"email": organizer.email, "token": organizer.access_token},
            "participant": {"email": participant.email},
        }),
    )
    .await;
    // The scenario's event, as the API has it afterwards.
    let event = expect(
        app.get_as(&organizer.access_token, "/api/v1/events/two-rooms")
            .await,
        200,
    )
    .await;
    assert_eq!(event["brackets"], json!(["On site", "Remote"]));
    app.stop().await;
}
