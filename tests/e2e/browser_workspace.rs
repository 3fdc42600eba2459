//! Browser tests of the team workspace (`/teams/{id}`), in real headless Chromium
//! (`tests/browser/{join,workspace_pairing,workspace_submit,workspace_refused}.mjs`):
//! joining through an invite link as a newcomer, two people pairing in one document (edits,
//! cursors with names, presence, chat), a wrong then a right submission with the verdict, its
//! checks and the next challenge unlocking without a reload, and an outsider refused with a
//! 404. SQLite only; each test skips when no browser is installed.

use cohack_server::models::role::EventRole;
use serde_json::{Value, json};

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish_all, running_event, team,
        user_with_role,
    },
    harness::{Backend, PASSWORD, TestApp},
};

/// The two sample challenges every workspace test publishes.
const LADDER: &[&str] = &["01-first-contact", "02-pipeline-manifest"];

/// A server with a running event whose first two challenges are live.
async fn workspace_app(slug: &str) -> (TestApp, TestEvent) {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let event = running_event(&app, slug).await;
    publish_all(&app, &event, LADDER).await;
    (app, event)
}

/// The team's invite code, as its member reads it through the API.
async fn invite_code(app: &TestApp, token: &str, team_id: &str) -> String {
    let view = expect(
        app.get_as(token, &format!("/api/v1/teams/{team_id}")).await,
        200,
    )
    .await;
    view["invite_code"]
        .as_str()
        .expect("the invite code")
        .to_owned()
}

#[tokio::test]
async fn browser_workspace_join_through_an_invite_link() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("join-hack").await;
    let (owner, team_id) = team(&app, &event, "rustaceans").await;
    let code = invite_code(&app, &owner.access_token, &team_id).await;
    let fixture = json!({
        "invite": format!("/teams/{team_id}/join?code={code}"),
        "team": team_id,
        "team_name": "rustaceans",
        "newcomer": {
            "name": "Nadia Newcomer",
            "email": "nadia@customer.example",
            "organization": "Customer Corp",
        },
    });
    run_scenario(&app, "join", &fixture).await;
    app.stop().await;
}

#[tokio::test]
async fn browser_workspace_two_people_pair_in_one_document() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("pair-hack").await;
    let (ada, team_id) = team(&app, &event, "ada").await;
    let code = invite_code(&app, &ada.access_token, &team_id).await;
    let bob = user_with_role(&app, &event, "bob", EventRole::Participant).await;
    expect(
        app.post(
            Some(&bob.access_token),
            &format!("/api/v1/teams/{team_id}/members"),
            &json!({ "invite_code": code }),
        )
        .await,
        201,
    )
    .await;
    let fixture = json!({
        "team": team_id,
        "a": {"email": ada.email, "name": "ada"},
        "b": {"email": bob.email, "name": "bob"},
        "password": PASSWORD,
    });
    run_scenario(&app, "workspace_pairing", &fixture).await;
    app.stop().await;
}

#[tokio::test]
async fn browser_workspace_wrong_then_right_submission_unlocks_the_next() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("submit-hack").await;
    let (member, team_id) = team(&app, &event, "solvers").await;
    let own: Value = expect(
        materials(&app, &member.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();
    let fixture = json!({
        "team": team_id,
        "email": member.email,
        "right": right,
        "wrong": wrong,
    });
    run_scenario(&app, "workspace_submit", &fixture).await;
    app.stop().await;
}

#[tokio::test]
async fn browser_workspace_refuses_another_team() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("refused-hack").await;
    let (_, team_id) = team(&app, &event, "secretive").await;
    let (outsider, _) = team(&app, &event, "curious").await;
    let fixture = json!({
        "team": team_id,
        "team_name": "secretive",
        "email": outsider.email,
    });
    run_scenario(&app, "workspace_refused", &fixture).await;
    app.stop().await;
}

#[tokio::test]
async fn browser_workspace_renews_an_expired_page_token() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("renew-hack").await;
    let (member, team_id) = team(&app, &event, "renewers").await;
    let own: Value = expect(
        materials(&app, &member.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    // A second server on the same database whose access tokens live three seconds.
    let short_lived = app
        .spawn_sibling(|config| config.access_token_ttl_secs = 3)
        .await;
    let fixture = json!({
        "team": team_id,
        "email": member.email,
        "right": first_contact_answer(&own),
        "wait_ms": 9_000,
    });
    run_scenario(&short_lived, "workspace_token_renewal", &fixture).await;
    short_lived.stop().await;
    app.stop().await;
}
