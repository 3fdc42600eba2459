//! Webhooks through the outbox (#23): a real HTTP receiver in the test takes the deliveries,
//! and their signatures are checked by the `standardwebhooks` package from PyPI (the
//! specification's own Python library, installed at test time into a virtual environment under
//! `target/cohack-tools`, pinned in `tests/webhooks/requirements.txt`), not by cohack's code.
//!
//! A first solve arrives once per subscription; a solve acknowledged right before a kill -9
//! is delivered after the restart; a receiver that was down gets the delivery once it is back;
//! a private destination is refused when the webhook is made (422) and, if it got in, at
//! delivery (recorded as failed); two instances on one PostgreSQL send each delivery once;
//! what the frozen board hides waits for the end unless the webhook is staff-only.

use std::{
    collections::HashMap,
    path::Path,
    process::{Child, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::TimeDelta;
use cohack_server::{
    config::Config,
    db::{Backend as DbBackend, new_id, now, schema::webhooks},
};
use diesel::prelude::*;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
    time::Instant,
};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, edit_settings, expect, first_contact_answer, materials, publish_all,
        running_event, team,
    },
    harness::{Account, TestApp, cohack, free_port, repo_root},
    python_tools::venv_with,
};

mod allowed {
    use super::*;

    backend_tests!(
        config = receivers_on_this_machine;
        signed_deliveries_verify_and_a_first_solve_arrives_once_per_subscription,
        a_receiver_that_is_down_gets_the_delivery_once_it_is_back,
        two_instances_send_each_delivery_once,
        the_frozen_board_holds_solves_from_public_webhooks_until_the_end,
    );
}

mod killed {
    use super::*;

    backend_tests!(
        config = sleepy_outbox;
        a_solve_acknowledged_before_a_kill_is_delivered_after_the_restart,
    );
}

mod refused {
    use super::*;

    backend_tests!(
        config = fast_outbox;
        a_private_destination_is_refused_when_made_and_when_delivered,
    );
}

/// The outbox polls often, retries soon, and a lease runs out fast (a killed instance's).
fn fast_outbox(config: &mut Config) {
    config.outbox_poll_ms = 50;
    config.outbox_retry_base_ms = 200;
    config.outbox_lease_ms = 2_000;
    config.webhook_timeout_ms = 5_000;
    config.judge_wait_ms = 30_000;
}

/// An in-process instance that sets up and stays out of the way: its outbox worker polls
/// hourly (and nothing it does wakes it), so the real binary's deliveries are the binary's.
fn sleepy_outbox(config: &mut Config) {
    receivers_on_this_machine(config);
    config.outbox_poll_ms = 3_600_000;
}

/// [`fast_outbox`], and webhooks may reach the receiver on 127.0.0.1.
fn receivers_on_this_machine(config: &mut Config) {
    fast_outbox(config);
    config.webhook_allow_private = true;
}

// ---------------------------------------------------------------------------------------
// A receiver: a small HTTP/1.1 server that keeps what it is sent.

/// One request the receiver took.
#[derive(Debug, Clone)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    accept: JoinHandle<()>,
}

impl Receiver {
    /// Listens on `port` (0: any free one) and answers every request 204.
    async fn start(port: u16) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the receiver binds");
        let port = listener.local_addr().expect("address").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&got);
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(take(stream, Arc::clone(&kept)));
            }
        });
        Receiver { port, got, accept }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().expect("lock").clone()
    }

    /// Waits until `done` holds for what arrived (a minute at most).
    async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let got = self.got();
            if done(&got) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "never arrived: {what}; got {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Reads one request (headers, then `content-length` bytes) and answers 204.
async fn take(mut stream: TcpStream, got: Arc<Mutex<Vec<Received>>>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    got.lock().expect("lock").push(Received {
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let _ = stream
        .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
        .await;
}

// ---------------------------------------------------------------------------------------
// Verifying with the `standardwebhooks` package.

/// What `standardwebhooks` says of each message signed with `secret`: `ok <type>` or
/// `bad <reason>`.
async fn verify(secret: &str, messages: &[Received]) -> Vec<String> {
    let python = venv_with("tests/webhooks/requirements.txt", "standardwebhooks")
        .await
        .join("bin/python");
    let input = json!({
        "secret": secret,
        "messages": messages.iter().map(|m| json!({
            "headers": m.headers,
            "body": m.body,
        })).collect::<Vec<_>>(),
    });
    let mut child = tokio::process::Command::new(python)
        .arg(repo_root().join("tests/webhooks/verify.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the verifier runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(input.to_string().as_bytes())
        .await
        .expect("write");
    drop(stdin);
    let output = child.wait_with_output().await.expect("the verifier ends");
    assert!(
        output.status.success(),
        "verifier: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Fixtures.

/// Makes a webhook as the event's organizer; returns the answer (with `id` and `secret`).
async fn make_webhook(app: &TestApp, event: &TestEvent, body: Value) -> Value {
    expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}/webhooks", event.slug),
            &body,
        )
        .await,
        201,
    )
    .await
}

/// The event's webhooks as its organizer lists them.
async fn listed(app: &TestApp, event: &TestEvent) -> Value {
    expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/webhooks", event.slug),
        )
        .await,
        200,
    )
    .await
}

/// Waits until the listed deliveries of webhook `id` satisfy `done`; returns them.
async fn wait_listed(
    app: &TestApp,
    event: &TestEvent,
    id: &str,
    what: &str,
    done: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = listed(app, event).await;
        let deliveries = list
            .as_array()
            .and_then(|hooks| hooks.iter().find(|h| h["id"] == id))
            .and_then(|h| h["last_deliveries"].as_array().cloned())
            .unwrap_or_default();
        if done(&deliveries) {
            return deliveries;
        }
        assert!(Instant::now() < deadline, "{what}: {list}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A running event with `first-contact` published.
async fn event_with_challenge(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    publish_all(app, &event, &["01-first-contact"]).await;
    event
}

/// The right answer to `first-contact` for `team_id`.
async fn right_answer(app: &TestApp, member: &Account, team_id: &str) -> String {
    let own = expect(
        materials(app, &member.access_token, team_id, "first-contact").await,
        200,
    )
    .await;
    first_contact_answer(&own)
}

/// Submits the right answer through `base` (an instance's address) and waits for the pass.
async fn solve_at(base: &str, token: &str, team_id: &str, answer: &str) {
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/api/v1/teams/{team_id}/submissions"))
        .bearer_auth(token)
        .json(&json!({"challenge": "first-contact", "answer": answer}))
        .send()
        .await
        .expect("submitted");
    let status = response.status().as_u16();
    let mut view: Value = response.json().await.expect("json");
    assert!(matches!(status, 201 | 202), "{status}: {view}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while view["status"] == "pending" {
        assert!(Instant::now() < deadline, "never judged: {view}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        let id = view["id"].as_str().expect("id").to_owned();
        view = client
            .get(format!("{base}/api/v1/submissions/{id}"))
            .bearer_auth(token)
            .send()
            .await
            .expect("read")
            .json()
            .await
            .expect("json");
    }
    assert_eq!(view["verdict"]["passed"], true, "{view}");
}

/// A team of one (`name`) that solves `first-contact` on `app`.
async fn team_solves(app: &TestApp, event: &TestEvent, name: &str) -> String {
    let (member, team_id) = team(app, event, name).await;
    let answer = right_answer(app, &member, &team_id).await;
    solve_at(&app.address, &member.access_token, &team_id, &answer).await;
    team_id
}

fn of_type<'a>(got: &'a [Received], event_type: &str) -> Vec<&'a Received> {
    got.iter()
        .filter(|r| r.body.contains(&format!("\"type\":\"{event_type}\"")))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The tests.

async fn signed_deliveries_verify_and_a_first_solve_arrives_once_per_subscription(app: TestApp) {
    let event = event_with_challenge(&app, "hooks-once").await;
    let both = Receiver::start(0).await;
    let first_only = Receiver::start(0).await;
    let chat = Receiver::start(0).await;
    let all = make_webhook(
        &app,
        &event,
        json!({"url": both.url(), "events": ["challenge.first_solve", "challenge.solved"],
            "format": "standard"}),
    )
    .await;
    let first = make_webhook(
        &app,
        &event,
        json!({"url": first_only.url(), "events": ["challenge.first_solve"], "format": "standard"}),
    )
    .await;
    make_webhook(
        &app,
        &event,
        json!({"url": chat.url(), "events": ["challenge.first_solve"], "format": "slack"}),
    )
    .await;
    let secret = all["secret"].as_str().expect("the secret, shown once");
    assert!(secret.starts_with("whsec_"), "{all}");
    // The secret is shown once: the list does not carry it.
    assert!(!listed(&app, &event).await.to_string().contains(secret));

    // Nimbus solves first, then twice more (no news: solved already); Orbit solves second.
    let (nimbus, nimbus_team) = team(&app, &event, "nimbus").await;
    let answer = right_answer(&app, &nimbus, &nimbus_team).await;
    for _ in 0..2 {
        solve_at(&app.address, &nimbus.access_token, &nimbus_team, &answer).await;
    }
    let orbit_team = team_solves(&app, &event, "orbit").await;

    // Everything queued has been sent: nothing more can arrive.
    for hook in [&all, &first] {
        let id = hook["id"].as_str().expect("id");
        wait_listed(&app, &event, id, "all sent", |d| {
            !d.is_empty() && d.iter().all(|d| d["state"] == "sent")
        })
        .await;
    }
    let got = both.wait_for("three deliveries", |g| g.len() >= 3).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let firsts = of_type(&got, "challenge.first_solve");
    assert_eq!(firsts.len(), 1, "one first solve: {got:?}");
    assert_eq!(firsts[0].json()["data"]["team"]["id"], nimbus_team.as_str());
    let solved = of_type(&got, "challenge.solved");
    assert_eq!(solved.len(), 2, "one solve per team: {got:?}");
    assert_eq!(solved[1].json()["data"]["team"]["id"], orbit_team.as_str());
    assert_eq!(solved[1].json()["data"]["first"], false);
    // Each delivery has an id of its own, and the library of the specification accepts it.
    let mut ids: Vec<&str> = got.iter().map(|r| r.header("webhook-id")).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    let verdicts = verify(secret, &got).await;
    let types: Vec<String> = got
        .iter()
        .map(|r| format!("ok {}", r.json()["type"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(verdicts, types);
    assert!(
        verdicts.iter().all(|v| v.starts_with("ok ")),
        "{verdicts:?}"
    );
    // A body changed on the way, or signed with another secret, is refused.
    let mut forged = got[0].clone();
    forged.body = forged.body.replace("nimbus", "orbit");
    let other_secret = first["secret"].as_str().expect("secret");
    let refusals = verify(other_secret, &[got[0].clone()]).await;
    assert!(refusals[0].starts_with("bad "), "{refusals:?}");
    let refusals = verify(secret, &[forged]).await;
    assert!(refusals[0].starts_with("bad "), "{refusals:?}");

    let got = first_only
        .wait_for("one first solve", |g| !g.is_empty())
        .await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].json()["type"], "challenge.first_solve");
    let got = chat.wait_for("the chat line", |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1, "{got:?}");
    let text = got[0].json()["text"].as_str().expect("text").to_owned();
    assert!(
        text.starts_with("nimbus solved *First contact* first — ") && text.ends_with(" in"),
        "{text}"
    );
    assert!(got[0].header("webhook-signature").is_empty());
}

async fn a_receiver_that_is_down_gets_the_delivery_once_it_is_back(app: TestApp) {
    let event = running_event(&app, "hooks-down").await;
    // Nothing listens on the port yet.
    let port = free_port();
    let hook = make_webhook(
        &app,
        &event,
        json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": ["help.requested"],
            "format": "standard"}),
    )
    .await;
    let id = hook["id"].as_str().expect("id");
    let ping = expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}/webhooks/{id}/ping", event.slug),
            &json!({}),
        )
        .await,
        202,
    )
    .await;
    let delivery = ping["delivery_id"].as_str().expect("delivery id");
    let failed_once = wait_listed(&app, &event, id, "an attempt failed", |d| {
        d.first()
            .is_some_and(|d| d["attempts"].as_i64() >= Some(1) && !d["last_error"].is_null())
    })
    .await;
    assert_eq!(failed_once[0]["state"], "queued", "{failed_once:?}");
    assert_eq!(failed_once[0]["id"], delivery);

    let receiver = Receiver::start(port).await;
    let got = receiver.wait_for("the ping", |g| !g.is_empty()).await;
    wait_listed(&app, &event, id, "sent", |d| {
        d.first().is_some_and(|d| d["state"] == "sent")
    })
    .await;
    let got_now = receiver.got();
    assert_eq!(got_now.len(), 1, "sent once: {got_now:?}");
    assert_eq!(got[0].header("webhook-id"), delivery);
    assert_eq!(got[0].json()["type"], "webhook.ping");
    let secret = hook["secret"].as_str().expect("secret");
    assert_eq!(verify(secret, &got).await, ["ok webhook.ping"]);
}

/// The real binary, started on `database_url` with the outbox settings of the tests.
struct Process {
    child: Child,
    url: String,
}

impl Process {
    async fn start(data_dir: &Path, database_url: &str) -> Process {
        let port = free_port();
        let child = cohack()
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("COHACK_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("COHACK_WEBHOOK_ALLOW_PRIVATE", "true")
            .env("COHACK_OUTBOX_POLL_MS", "50")
            .env("COHACK_OUTBOX_RETRY_BASE_MS", "200")
            .env("COHACK_OUTBOX_LEASE_MS", "1000")
            .env("COHACK_JUDGE_WAIT_MS", "30000")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
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
        Process { child, url }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // SIGKILL: no graceful shutdown.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn a_solve_acknowledged_before_a_kill_is_delivered_after_the_restart(sleepy: TestApp) {
    let event = event_with_challenge(&sleepy, "hooks-kill").await;
    let port = free_port();
    let hook = make_webhook(
        &sleepy,
        &event,
        json!({"url": format!("http://127.0.0.1:{port}/hook"),
            "events": ["challenge.first_solve"], "format": "standard"}),
    )
    .await;
    let (member, team_id) = team(&sleepy, &event, "nimbus").await;
    let answer = right_answer(&sleepy, &member, &team_id).await;
    let database_url = sleepy.state.config.database_url.clone();
    let dir = tempfile::tempdir().expect("temp dir");

    // The real binary judges the solve; the receiver is down, so it cannot deliver; then
    // SIGKILL.
    let first = Process::start(&dir.path().join("one"), &database_url).await;
    solve_at(&first.url, &member.access_token, &team_id, &answer).await;
    drop(first);

    let receiver = Receiver::start(port).await;
    let restarted = Process::start(&dir.path().join("two"), &database_url).await;
    let got = receiver
        .wait_for("the first solve", |g| !g.is_empty())
        .await;
    let id = hook["id"].as_str().expect("id");
    wait_listed(&sleepy, &event, id, "sent", |d| {
        d.first().is_some_and(|d| d["state"] == "sent")
    })
    .await;
    let got_now = receiver.got();
    assert_eq!(got_now.len(), 1, "once: {got_now:?}");
    assert_eq!(got[0].json()["data"]["team"]["id"], team_id.as_str());
    let secret = hook["secret"].as_str().expect("secret");
    assert_eq!(verify(secret, &got).await, ["ok challenge.first_solve"]);
    drop(restarted);
}

async fn two_instances_send_each_delivery_once(app: TestApp) {
    if app.state.db.backend() != DbBackend::Postgres {
        // SQLite serves one instance; several share a PostgreSQL.
        return;
    }
    let other = app.spawn_sibling(receivers_on_this_machine).await;
    let event = running_event(&app, "hooks-two").await;
    let receiver = Receiver::start(0).await;
    let hook = make_webhook(
        &app,
        &event,
        json!({"url": receiver.url(), "events": ["help.requested"], "format": "standard"}),
    )
    .await;
    let id = hook["id"].as_str().expect("id");
    const PINGS: usize = 40;
    let mut sent = Vec::new();
    for n in 0..PINGS {
        let base = if n % 2 == 0 {
            &app.address
        } else {
            &other.address
        };
        let response = app
            .client
            .post(format!(
                "{base}/api/v1/events/{}/webhooks/{id}/ping",
                event.slug
            ))
            .bearer_auth(&event.organizer.access_token)
            .json(&json!({}))
            .send()
            .await
            .expect("ping");
        let body = expect(response, 202).await;
        sent.push(body["delivery_id"].as_str().expect("id").to_owned());
    }
    let got = receiver.wait_for("every ping", |g| g.len() >= PINGS).await;
    // All recorded as sent: whatever was to arrive has arrived.
    let outbox_settled = {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let db = app.state.db.clone();
            let queued: i64 = db
                .run(|conn| {
                    use cohack_server::db::schema::outbox;
                    Ok::<_, cohack_server::error::Error>(
                        outbox::table
                            .filter(outbox::state.ne("sent"))
                            .count()
                            .get_result(conn)?,
                    )
                })
                .await
                .expect("count");
            if queued == 0 {
                break true;
            }
            assert!(Instant::now() < deadline, "{queued} never sent");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    assert!(outbox_settled);
    let got_now = receiver.got();
    let mut arrived: Vec<String> = got_now
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    arrived.sort();
    sent.sort();
    assert_eq!(arrived, sent, "each once ({} arrived)", got.len());
    // Both instances took a share (each woke its own worker).
    let metrics = |base: String| {
        let client = app.client.clone();
        async move {
            let text = client
                .get(format!("{base}/metrics"))
                .send()
                .await
                .expect("metrics")
                .text()
                .await
                .expect("text");
            text.lines()
                .find(|l| l.starts_with("cohack_outbox_sent_total{channel=\"webhook\"}"))
                .and_then(|l| l.rsplit(' ').next())
                .and_then(|n| n.parse::<u64>().ok())
                .expect("the sent counter")
        }
    };
    let (one, two) = (
        metrics(app.address.clone()).await,
        metrics(other.address.clone()).await,
    );
    assert_eq!(one + two, PINGS as u64, "sent {one} + {two}");
}

async fn the_frozen_board_holds_solves_from_public_webhooks_until_the_end(app: TestApp) {
    let event = event_with_challenge(&app, "hooks-freeze").await;
    edit_settings(&app, &event, |settings| {
        settings.freeze_at = Some(now() - TimeDelta::minutes(1));
    })
    .await;
    let public = Receiver::start(0).await;
    let staff = Receiver::start(0).await;
    let public_hook = make_webhook(
        &app,
        &event,
        json!({"url": public.url(), "events": ["challenge.first_solve"], "format": "slack"}),
    )
    .await;
    make_webhook(
        &app,
        &event,
        json!({"url": staff.url(), "events": ["challenge.first_solve"], "format": "standard",
            "staff_only": true}),
    )
    .await;
    team_solves(&app, &event, "nimbus").await;

    // The staff hears of it now; the public channel's delivery waits for the end.
    let got = staff
        .wait_for("the staff's first solve", |g| !g.is_empty())
        .await;
    assert_eq!(got[0].json()["type"], "challenge.first_solve");
    let id = public_hook["id"].as_str().expect("id");
    let held = wait_listed(&app, &event, id, "held", |d| !d.is_empty()).await;
    assert_eq!(held[0]["state"], "queued", "{held:?}");
    assert!(held[0]["held_until"].is_string(), "{held:?}");
    assert_eq!(held[0]["attempts"], 0, "{held:?}");
    assert!(public.got().is_empty());

    // The event ends (earlier than planned): the held solve goes out.
    edit_settings(&app, &event, |settings| {
        settings.ends_at = now();
    })
    .await;
    let got = public
        .wait_for("the public first solve", |g| !g.is_empty())
        .await;
    assert!(
        got[0].json()["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("nimbus solved *First contact* first")),
        "{got:?}"
    );
}

async fn a_private_destination_is_refused_when_made_and_when_delivered(app: TestApp) {
    let event = running_event(&app, "hooks-private").await;
    // Nothing listens on this port: even a wrong server could reach nothing there.
    let port = free_port();
    for url in [
        format!("https://127.0.0.1:{port}/hook"),
        format!("https://[::1]:{port}/hook"),
        "https://10.0.0.7/hook".to_owned(),
        "https://169.254.169.254/latest/meta-data".to_owned(),
        format!("https://localhost:{port}/hook"),
    ] {
        let response = app
            .post(
                Some(&event.organizer.access_token),
                &format!("/api/v1/events/{}/webhooks", event.slug),
                &json!({"url": url, "events": ["help.requested"], "format": "standard"}),
            )
            .await;
        let body = expect(response, 422).await;
        assert_eq!(
            body["error"]["code"], "webhook_url_refused",
            "{url}: {body}"
        );
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("address") && message.contains("webhook_allow_private")
                || message.contains("metadata"),
            "{url}: {message}"
        );
    }
    // Plain http is refused too while private addresses are.
    let body = expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}/webhooks", event.slug),
            &json!({"url": format!("http://127.0.0.1:{port}/"), "events": ["help.requested"],
                "format": "standard"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(body["error"]["code"], "webhook_url_refused");
    assert!(
        listed(&app, &event)
            .await
            .as_array()
            .expect("list")
            .is_empty()
    );
    // Not an organizer: 403 before any address is looked at.
    let stranger = app.register("stranger@else.example", "Else").await;
    let response = app
        .post(
            Some(&stranger.access_token),
            &format!("/api/v1/events/{}/webhooks", event.slug),
            &json!({"url": "https://hooks.example/x", "events": ["help.requested"],
                "format": "standard"}),
        )
        .await;
    assert_eq!(response.status().as_u16(), 403);

    // A webhook stored while the setting was on (straight into the database), pinged with it
    // off: the delivery is refused and recorded as failed, with the reason.
    let (event_id, hook_id) = (event.id.clone(), new_id());
    let row = (
        webhooks::id.eq(hook_id.clone()),
        webhooks::event_id.eq(event_id),
        webhooks::url.eq(format!("https://127.0.0.1:{port}/hook")),
        webhooks::events.eq(r#"["help.requested"]"#),
        webhooks::format.eq("standard"),
        webhooks::secret.eq("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        webhooks::staff_only.eq(false),
        webhooks::created_at.eq(now()),
    );
    app.state
        .db
        .write(move |conn| {
            diesel::insert_into(webhooks::table)
                .values(row)
                .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("stored");
    expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}/webhooks/{hook_id}/ping", event.slug),
            &json!({}),
        )
        .await,
        202,
    )
    .await;
    let failed = wait_listed(&app, &event, &hook_id, "refused", |d| {
        d.first().is_some_and(|d| d["state"] == "failed")
    })
    .await;
    let reason = failed[0]["last_error"].as_str().expect("the reason");
    assert!(
        reason.contains("loopback") && reason.contains("webhook_allow_private"),
        "{reason}"
    );
    assert_eq!(failed[0]["attempts"], 1);
}
