//! Browser tests of the team workspace (`/teams/{id}`), in real headless Chromium
//! (`tests/browser/{join,workspace_pairing,workspace_submit,workspace_submissions,
//! workspace_refused,workspace_endpoints}.mjs`): joining through an invite link as a
//! newcomer, two people pairing in one document (edits, cursors with names, presence, chat), a
//! wrong then a right submission with the verdict, its checks and the next challenge unlocking
//! without a reload, a submission that stays (a teammate and the coach open it after a reload,
//! its file sent under the path the member chose) with feedback and a coach's note, an
//! outsider refused with a 404, and a team setting its endpoint in the Endpoints panel and
//! seeing the requests the judge sent to its service beside the verdict. SQLite only; each
//! test skips when no browser is installed.

use cohack_server::models::role::EventRole;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, coach, expect, first_contact_answer, materials, publish, publish_all,
        running_event, team, upload, user_with_role,
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

#[tokio::test]
async fn browser_workspace_submissions_and_feedback_stay() {
    if !browser_available() {
        return;
    }
    let (app, event) = workspace_app("stay-hack").await;
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
    let carol = coach(&app, &event, &team_id, "carol").await;
    let own: Value = expect(
        materials(&app, &ada.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();
    let fixture = json!({
        "team": team_id,
        "member": {"email": ada.email, "token": ada.access_token},
        "teammate": {"email": bob.email},
        "coach": {"email": carol.email, "token": carol.access_token},
        "wrong": wrong,
        "path": "notes/count.txt",
        "file_content": "grep -c ERROR gateway.log\n",
        "note": "Counted lines, not devices; pointed them at the level column.",
        "feedback": "The traps in the log were fair once we read the statement.",
    });
    run_scenario(&app, "workspace_submissions", &fixture).await;
    app.stop().await;
}

/// A team's service for `ship-it` on 127.0.0.1: `/health` answers 200 with `health` (what
/// ship-it wants is `{"status":"ok"}`), `/echo?value=V` is `{"value":"V"}`, anything else 404;
/// one request per connection. Returns its base URL (the endpoint a team sets) and the task
/// to abort. (`tests/e2e/network.rs` has a switchable one for the judging tests.)
pub(crate) async fn ship_it_service(health: &'static str) -> (String, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer_ship_it(stream, health));
        }
    });
    (format!("http://127.0.0.1:{port}/"), task)
}

async fn answer_ship_it(mut stream: TcpStream, health: &'static str) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or_default();
    // The judge's value is eight lower-case letters and digits: nothing to decode.
    let (status, body) = if target == "/health" {
        ("200 OK", health.to_owned())
    } else if let Some(value) = target.strip_prefix("/echo?value=") {
        ("200 OK", json!({ "value": value }).to_string())
    } else {
        (
            "404 Not Found",
            json!({"error": "no such path"}).to_string(),
        )
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A server whose validators may call `http://` services on 127.0.0.1 (as
/// `tests/e2e/network.rs`'s), with a running event where `first-contact` and `ship-it` (open
/// to every team) are live. Returns the first server too: the second shares its database,
/// which lives as long as it does.
pub(crate) async fn ship_it_app(slug: &str) -> (TestApp, TestApp, TestEvent) {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let net = app
        .spawn_sibling(|config| {
            config.validator_network_allow_private = true;
            config.validator_network_allow_http = true;
        })
        .await;
    let event = running_event(&net, slug).await;
    publish_all(&net, &event, &["01-first-contact"]).await;
    expect(
        publish(
            &net,
            &event.organizer.access_token,
            &event.slug,
            &upload("06-ship-it"),
            "?always_open=true",
        )
        .await,
        201,
    )
    .await;
    (app, net, event)
}

#[tokio::test]
async fn browser_workspace_endpoints_panel_and_the_requests_beside_the_verdict() {
    if !browser_available() {
        return;
    }
    let (app, net, event) = ship_it_app("ship-hack").await;
    let (member, team_id) = team(&net, &event, "shippers").await;
    let (service, task) = ship_it_service(r#"{"status":"ok"}"#).await;
    let fixture = json!({
        "team": team_id,
        "email": member.email,
        "service": service,
    });
    run_scenario(&net, "workspace_endpoints", &fixture).await;
    task.abort();
    net.stop().await;
    app.stop().await;
}
