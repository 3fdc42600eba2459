//! Requests that try to cost the server memory or to leak secrets.
//!
//! - **Uploads are refused before their body is read.** The client here is a raw TCP socket:
//!   it declares a large body (`Content-Length`), sends only its first 64 KiB and then sends
//!   nothing more, as a slow or stalled upload would. A server that read the body before
//!   authorizing would wait for the rest and never answer; the server must answer 403/404/409
//!   (or 413 for a declared size over the limit) while the client still owes almost all of
//!   the body, which proves it did not read it.
//! - **Query-string tokens open WebSockets only**: anywhere else `?access_token=` is a 401
//!   that says what to do instead.
//! - **Secrets stay out of the request log**: the real `cohack` binary is run, requests with
//!   an access token, a refresh token and invite codes in their query strings are sent, and
//!   its standard error (the request log) is read back.

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use chrono::TimeDelta;
use cohack_server::{db::now, models::role::EventRole};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, event_between, running_event, team, user_with_role},
    harness::{TestApp, cohack, free_port},
    live_client::try_connect,
};

backend_tests!(
    a_participants_package_upload_is_refused_before_it_is_read,
    a_submission_for_someone_elses_team_is_refused_before_it_is_read,
    a_members_submission_body_is_still_checked,
    query_tokens_open_websockets_only,
);

/// What the stalled client sends of its body before it stops.
const SENT: usize = 64 * 1024;
/// How long the stalled client waits for an answer. A server that waits for the body never
/// answers, so this only bounds how long such a server makes the test fail.
const PATIENCE: Duration = Duration::from_secs(30);

/// What a stalled upload got back.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: Value,
}

/// Sends `POST path` declaring a body of `declared` bytes, sends only its first [`SENT`]
/// bytes, and returns the answer, which must come while the rest is still owed.
async fn stalled_upload(app: &TestApp, token: &str, path: &str, declared: usize) -> Answer {
    let address = app.address.trim_start_matches("http://");
    let mut socket = TcpStream::connect(address).await.expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.expect("head sent");
    // The start of a plausible JSON body: a string that goes on for the declared length.
    let mut start = br#"{"challenge":"first-contact","answer":""#.to_vec();
    start.resize(SENT.min(declared), b'a');
    socket.write_all(&start).await.expect("first bytes sent");
    socket.flush().await.expect("flushed");

    let mut response = Vec::new();
    let read = async {
        let mut buffer = [0u8; 8192];
        loop {
            // A server that answers early closes the connection with our bytes unread, which
            // may reset it once its answer has arrived: the end of the answer either way.
            let n = socket.read(&mut buffer).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buffer[..n]);
            if let Some(end) = find(&response, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&response[..end]).to_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if response.len() >= end + 4 + length {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "POST {path}: no answer while {} of the declared {declared} bytes were still owed: \
             the server is waiting for the body",
                declared - SENT.min(declared)
            )
        });
    let end = find(&response, b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line: {head}"));
    let body = serde_json::from_slice(&response[end + 4..]).unwrap_or(Value::Null);
    Answer { status, body }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn assert_refused(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert_eq!(answer.body["error"]["code"], code, "{answer:?}");
}

/// 60 MB: under the package limit (64 MiB), so only authorization can refuse it early.
const SIXTY_MB: usize = 60 * 1000 * 1000;

async fn a_participants_package_upload_is_refused_before_it_is_read(app: TestApp) {
    let event = running_event(&app, "pkg").await;
    let participant = user_with_role(&app, &event, "pat", EventRole::Participant).await;
    let path = "/api/v1/events/pkg/challenges";

    // Four at once, as in the report that found the problem.
    let uploads = (0..4).map(|_| stalled_upload(&app, &participant.access_token, path, SIXTY_MB));
    for answer in futures_util::future::join_all(uploads).await {
        assert_refused(&answer, 403, "forbidden");
    }
    // A coach is no author either; an unknown event is not found.
    let (_, team_id) = team(&app, &event, "ann").await;
    let coach = coach(&app, &event, &team_id, "cole").await;
    assert_refused(
        &stalled_upload(&app, &coach.access_token, path, SIXTY_MB).await,
        403,
        "forbidden",
    );
    assert_refused(
        &stalled_upload(
            &app,
            &participant.access_token,
            "/api/v1/events/nope/challenges",
            SIXTY_MB,
        )
        .await,
        404,
        "not_found",
    );
    // An organizer who declares more than the package limit is refused before reading too.
    let over = app.state.config.max_upload_bytes + 1;
    assert_refused(
        &stalled_upload(&app, &event.organizer.access_token, path, over).await,
        413,
        "payload_too_large",
    );
}

async fn a_submission_for_someone_elses_team_is_refused_before_it_is_read(app: TestApp) {
    let event = running_event(&app, "sub").await;
    let (_, team_id) = team(&app, &event, "ann").await;
    let (bob, _) = team(&app, &event, "bob").await;
    let coach = coach(&app, &event, &team_id, "cole").await;
    let path = format!("/api/v1/teams/{team_id}/submissions");
    // Under the general body limit, so only authorization can refuse it early.
    let declared = app.state.config.max_body_bytes / 2;

    assert_refused(
        &stalled_upload(&app, &bob.access_token, &path, declared).await,
        404,
        "not_found",
    );
    assert_refused(
        &stalled_upload(&app, &coach.access_token, &path, declared).await,
        403,
        "forbidden",
    );
    assert_refused(
        &stalled_upload(&app, &event.organizer.access_token, &path, declared).await,
        403,
        "forbidden",
    );

    // A member of an event that has ended: 409 before the body.
    let at = now();
    let ended: TestEvent = event_between(
        &app,
        "ended",
        at - TimeDelta::days(2),
        at - TimeDelta::days(1),
    )
    .await;
    let (late, late_team) = team(&app, &ended, "late").await;
    assert_refused(
        &stalled_upload(
            &app,
            &late.access_token,
            &format!("/api/v1/teams/{late_team}/submissions"),
            declared,
        )
        .await,
        409,
        "not_running",
    );
}

async fn a_members_submission_body_is_still_checked(app: TestApp) {
    let event = running_event(&app, "body").await;
    let (ann, team_id) = team(&app, &event, "ann").await;
    let url = format!("{}/api/v1/teams/{team_id}/submissions", app.address);
    let send = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(&url)
            .bearer_auth(&ann.access_token)
            .header("Content-Type", content_type)
            .body(body)
            .send()
    };
    let error = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("json");
        (
            status,
            body["error"]["code"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(
        error(send("text/plain", b"{}".to_vec()).await.expect("sent")).await,
        (415, "unsupported_media_type".to_owned())
    );
    assert_eq!(
        error(send("application/json", b"{".to_vec()).await.expect("sent")).await,
        (400, "invalid_json".to_owned())
    );
    assert_eq!(
        error(
            send(
                "application/json",
                json!({"challenge": "nope", "answer": "42"})
                    .to_string()
                    .into()
            )
            .await
            .expect("sent")
        )
        .await
        .0,
        404,
        "a member's well-formed submission reaches the action"
    );
    // A member who declares more than the body limit: 413 before the body.
    let over = app.state.config.max_body_bytes + 1;
    let path = format!("/api/v1/teams/{team_id}/submissions");
    assert_refused(
        &stalled_upload(&app, &ann.access_token, &path, over).await,
        413,
        "payload_too_large",
    );
}

async fn query_tokens_open_websockets_only(app: TestApp) {
    let event = running_event(&app, "ws").await;
    let (ann, team_id) = team(&app, &event, "ann").await;
    let token = &ann.access_token;

    // A REST call with the token in its query string: 401, saying what to do instead.
    for path in [
        format!("/api/v1/me?access_token={token}"),
        format!("/api/v1/teams/{team_id}?access_token={token}"),
        format!("/api/v1/teams/{team_id}/ws?access_token={token}"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 401, "{path}");
        let body: Value = response.json().await.expect("json");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("WebSocket") && message.contains("Authorization: Bearer"),
            "{message}"
        );
    }
    // Even beside a valid header: a client that puts tokens in addresses is told to stop.
    let response = app
        .client
        .get(format!("{}/api/v1/me?access_token={token}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 401);
    // The header alone works, and so does the query string on a WebSocket upgrade.
    assert_eq!(app.get_as(token, "/api/v1/me").await.status(), 200);
    let socket = try_connect(&app, &format!("/api/v1/teams/{team_id}/ws"), Some(token)).await;
    assert!(socket.is_ok(), "the team socket opens with a query token");
    let socket = try_connect(&app, "/api/v1/events/ws/ws", Some(token)).await;
    assert!(socket.is_ok(), "the event socket opens with a query token");
}

/// Starts the real binary on a fresh SQLite database with its request log (`info`, in
/// `format`) written to `log`, and waits until it is ready.
async fn start_logging_server(
    dir: &std::path::Path,
    format: &str,
    log: &std::path::Path,
) -> (std::process::Child, String) {
    let port = free_port();
    let child = cohack()
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("COHACK_DATA_DIR", dir.join(format!("data-{format}")))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join(format!("{format}.db")).display()),
        )
        .env("COHACK_LOG_FORMAT", format)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("cohack serve");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{url}/readyz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "server did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_stay_out_of_the_request_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in ["text", "json"] {
        let log = dir.path().join(format!("{format}.log"));
        let (mut server, url) = start_logging_server(dir.path(), format, &log).await;
        let client = reqwest::Client::new();
        let account: Value = client
            .post(format!("{url}/api/v1/auth/register"))
            .json(&json!({
                "email": "eve@acme.example", "password": crate::harness::PASSWORD,
                "display_name": "Eve", "organization": "Acme",
            }))
            .send()
            .await
            .expect("register")
            .json()
            .await
            .expect("json");
        let access = account["access_token"].as_str().expect("access token");
        let refresh = account["refresh_token"].as_str().expect("refresh token");
        let invite = "INVITE-7f3a9c";
        let nested_invite = "INVITE-d41e08";
        let event_invite = "EVENTCODE-b2c7";

        let requests = [
            format!("/api/v1/me?access_token={access}"),
            format!("/api/v1/me?refresh_token={refresh}&limit=5"),
            format!("/teams/t-1/join?code={invite}"),
            format!("/signin?next=%2Fteams%2Ft-2%2Fjoin%3Fcode%3D{nested_invite}"),
            format!("/api/v1/events/hack?invite_code={event_invite}"),
        ];
        for path in &requests {
            client
                .get(format!("{url}{path}"))
                .header("Accept", "text/html")
                .send()
                .await
                .expect("request sent");
        }
        // A WebSocket upgrade with the token where browsers put it (the event is unknown:
        // the request is refused, and logged all the same).
        let ws = url.replacen("http://", "ws://", 1);
        let _ = tokio_tungstenite::connect_async(format!(
            "{ws}/api/v1/events/hack/ws?access_token={access}"
        ))
        .await;
        // The request line is written when the response is sent; give the writer a moment.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = server.kill();
        let _ = server.wait();

        let text = std::fs::read_to_string(&log).expect("log");
        for secret in [access, refresh, invite, nested_invite, event_invite] {
            assert!(
                !text.contains(secret),
                "{format} log shows the secret {secret}:\n{text}"
            );
        }
        // The requests were logged, with the secrets' places marked.
        for logged in [
            "/api/v1/me?access_token=[redacted]",
            "/api/v1/me?refresh_token=[redacted]&limit=5",
            "/teams/t-1/join?code=[redacted]",
            "/signin?next=/teams/t-2/join?code=[redacted]",
            "/api/v1/events/hack?invite_code=[redacted]",
            "/api/v1/events/hack/ws?access_token=[redacted]",
        ] {
            assert!(
                text.contains(logged),
                "{format} log lacks {logged}:\n{text}"
            );
        }
    }
}
