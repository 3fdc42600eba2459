//! Challenges judged against what teams deploy: the team sets its endpoint, the validator of
//! `ship-it` (`challenges/06-ship-it`) calls it, every request is recorded with the verdict,
//! and a rejudge replays the recording or calls the service again.
//!
//! The team's service is a few lines of HTTP/1.1 on 127.0.0.1 started by each test, whose
//! behaviour the test switches (right, wrong, hanging) or stops; the server allows private
//! addresses and `http://` for it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use cohack_server::{actions, config::Config, models::user::User};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::Notify,
    task::JoinHandle,
};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, expect, first_contact_answer, materials, publish, publish_all,
        running_event, submit, team, upload,
    },
    harness::TestApp,
};

backend_tests!(
    config = reach_local_services;
    members_set_endpoints_and_staff_read_them,
    submitting_needs_the_endpoints_the_challenge_names,
    the_judge_calls_the_teams_service_and_shows_every_exchange,
    rejudges_replay_the_record_or_call_again,
    a_hanging_service_holds_up_no_other_challenge,
    members_adding_the_same_endpoint_at_once_all_succeed,
);

/// The server of these tests reaches services on 127.0.0.1 over `http://`.
fn reach_local_services(config: &mut Config) {
    config.validator_network_allow_private = true;
    config.validator_network_allow_http = true;
}

// ---------------------------------------------------------------------------------------
// The team's service.

/// How the test service answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// `/health` is `{"status":"ok"}`, `/echo?value=V` is `{"value":"V"}`.
    Right,
    /// `/health` is fine, `/echo` always says `{"value":"test"}`.
    Wrong,
    /// Reads the request and never answers.
    Hanging,
}

/// A tiny HTTP/1.1 service on 127.0.0.1: one request per connection.
struct Service {
    port: u16,
    behaviour: Arc<Mutex<Behaviour>>,
    /// The request targets received (`/health`, `/echo?value=…`), in order.
    received: Arc<Mutex<Vec<String>>>,
    /// Woken at each request received.
    arrived: Arc<Notify>,
    task: JoinHandle<()>,
}

impl Service {
    async fn start(behaviour: Behaviour) -> Service {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let behaviour = Arc::new(Mutex::new(behaviour));
        let received = Arc::new(Mutex::new(Vec::new()));
        let arrived = Arc::new(Notify::new());
        let task = tokio::spawn({
            let (behaviour, received, arrived) =
                (behaviour.clone(), received.clone(), arrived.clone());
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let now = *behaviour.lock().unwrap_or_else(PoisonError::into_inner);
                    tokio::spawn(serve(stream, now, received.clone(), arrived.clone()));
                }
            }
        });
        Service {
            port,
            behaviour,
            received,
            arrived,
            task,
        }
    }

    /// The endpoint URL a team sets.
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn behave(&self, behaviour: Behaviour) {
        *self
            .behaviour
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = behaviour;
    }

    fn received(&self) -> Vec<String> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The value the judge asked this service to echo.
    fn echo_value(&self) -> String {
        self.received()
            .iter()
            .find_map(|target| target.strip_prefix("/echo?value="))
            .expect("the judge asked for /echo")
            .to_owned()
    }

    /// Stops listening: from now on connections are refused.
    async fn stop(self) {
        self.task.abort();
        let _ = self.task.await;
    }
}

/// Answers one request on `stream` as `behaviour` says.
async fn serve(
    mut stream: TcpStream,
    behaviour: Behaviour,
    received: Arc<Mutex<Vec<String>>>,
    arrived: Arc<Notify>,
) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    received
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(target.clone());
    arrived.notify_waiters();
    let (status, body) = match (behaviour, target.as_str()) {
        (Behaviour::Hanging, _) => {
            // Holds the connection open and says nothing, until the judge gives up.
            std::future::pending::<()>().await;
            return;
        }
        (_, "/health") => (200, json!({"status": "ok"}).to_string()),
        (Behaviour::Right, t) if t.starts_with("/echo?value=") => (
            200,
            json!({"value": t.trim_start_matches("/echo?value=")}).to_string(),
        ),
        (Behaviour::Wrong, t) if t.starts_with("/echo") => {
            (200, json!({"value": "test"}).to_string())
        }
        _ => (404, json!({"error": "no such path"}).to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        if status == 200 { "OK" } else { "Not Found" },
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// Fixtures.

/// A running event with `first-contact` (the first rung) and `ship-it` (open to everyone).
async fn ship_it_event(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    publish_all(app, &event, &["01-first-contact"]).await;
    let response = publish(
        app,
        &event.organizer.access_token,
        &event.slug,
        &upload("06-ship-it"),
        "?always_open=true",
    )
    .await;
    expect(response, 201).await;
    event
}

async fn set_endpoint(
    app: &TestApp,
    token: &str,
    team: &str,
    name: &str,
    url: &str,
) -> reqwest::Response {
    app.send(
        reqwest::Method::PUT,
        Some(token),
        &format!("/api/v1/teams/{team}/endpoints/{name}"),
        &json!({ "url": url }),
    )
    .await
}

async fn endpoints(app: &TestApp, token: &str, team: &str) -> reqwest::Response {
    app.get_as(token, &format!("/api/v1/teams/{team}/endpoints"))
        .await
}

async fn submit_ship_it(app: &TestApp, token: &str, team: &str) -> Value {
    let response = submit(
        app,
        token,
        team,
        &json!({"challenge": "ship-it", "answer": ""}),
    )
    .await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json");
    assert!(matches!(status, 201 | 202), "{status}: {body}");
    body
}

/// Polls a submission until it leaves `pending`.
async fn judged(app: &TestApp, token: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view = expect(
            app.get_as(token, &format!("/api/v1/submissions/{id}"))
                .await,
            200,
        )
        .await;
        if view["status"] != "pending" {
            return view;
        }
        assert!(Instant::now() < deadline, "still pending: {view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn check<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["verdict"]["checks"]
        .as_array()
        .and_then(|checks| checks.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name} in {view}"))
}

async fn rejudge(app: &TestApp, event: &TestEvent, body: Option<Value>) -> reqwest::Response {
    let path = format!("/api/v1/events/{}/challenges/ship-it/rejudge", event.slug);
    let token = &event.organizer.access_token;
    match body {
        Some(body) => app.post(Some(token), &path, &body).await,
        None => app
            .client
            .post(format!("{}{path}", app.address))
            .bearer_auth(token)
            .send()
            .await
            .expect("request sent"),
    }
}

// ---------------------------------------------------------------------------------------
// Tests.

async fn members_set_endpoints_and_staff_read_them(app: TestApp) {
    let event = ship_it_event(&app, "endpoints").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = &alice.access_token;

    assert_eq!(
        set_endpoint(&app, token, &team_id, "api", "https://acme.example.net")
            .await
            .status(),
        204
    );
    let listed = expect(endpoints(&app, token, &team_id).await, 200).await;
    let list = listed["endpoints"].as_array().expect("endpoints");
    assert_eq!(list.len(), 1, "{listed}");
    assert_eq!(list[0]["name"], "api");
    assert_eq!(list[0]["url"], "https://acme.example.net/");
    assert!(list[0]["updated_at"].is_string());
    // What the workspace's Endpoints panel shows: the endpoints the challenges name.
    let (user_id, own_team) = (alice.id.clone(), team_id.clone());
    let needed = app
        .state
        .db
        .run(move |conn| {
            let user = User::find(conn, &user_id)?;
            actions::endpoints::needed(conn, &user, &own_team)
        })
        .await
        .expect("needed endpoints");
    assert_eq!(
        needed,
        [actions::endpoints::NeededEndpoint {
            name: "api".into(),
            challenges: vec![("ship-it".into(), "Ship it".into())],
            url: Some("https://acme.example.net/".into()),
        }]
    );
    // Setting it again replaces it.
    assert_eq!(
        set_endpoint(&app, token, &team_id, "api", "https://acme.example.net/v2/")
            .await
            .status(),
        204
    );

    // Coaches and organizers read them, and may not set them; others do not see the team.
    let coach = coach(&app, &event, &team_id, "coachy").await;
    for staff in [&coach.access_token, &event.organizer.access_token] {
        let seen = expect(endpoints(&app, staff, &team_id).await, 200).await;
        assert_eq!(seen["endpoints"][0]["url"], "https://acme.example.net/v2/");
        let refused = expect(
            set_endpoint(&app, staff, &team_id, "api", "https://else.example.net/").await,
            403,
        )
        .await;
        assert_eq!(refused["error"]["code"], "forbidden");
    }
    let (bob, _) = team(&app, &event, "rivals").await;
    assert_eq!(
        endpoints(&app, &bob.access_token, &team_id).await.status(),
        404
    );
    assert_eq!(
        set_endpoint(
            &app,
            &bob.access_token,
            &team_id,
            "api",
            "https://x.example/"
        )
        .await
        .status(),
        404
    );
    assert_eq!(endpoints(&app, token, "no-such-team").await.status(), 404);

    // Bad names and URLs are refused with the reason.
    let long = "x".repeat(33);
    for (name, url, says) in [
        ("api", "ftp://acme.example.net/", "ftp://"),
        ("api", "acme.example.net", "absolute URL"),
        ("api", "https://me:secret@acme.example.net/", "password"),
        ("api", "https://acme.example.net/#top", "fragment"),
        ("API", "https://acme.example.net/", "like `api`"),
        (long.as_str(), "https://acme.example.net/", "1 to 32"),
    ] {
        let refused = expect(set_endpoint(&app, token, &team_id, name, url).await, 422).await;
        assert_eq!(refused["error"]["code"], "invalid_endpoint", "{url}");
        let message = refused["error"]["message"].as_str().expect("message");
        assert!(message.contains(says), "{url}: {message}");
    }

    // At most 16 per team.
    for i in 1..16 {
        assert_eq!(
            set_endpoint(
                &app,
                token,
                &team_id,
                &format!("svc-{i}"),
                "https://a.example/"
            )
            .await
            .status(),
            204
        );
    }
    let full = expect(
        set_endpoint(&app, token, &team_id, "svc-16", "https://a.example/").await,
        409,
    )
    .await;
    assert_eq!(full["error"]["code"], "too_many_endpoints");

    // Removing.
    let remove = |name: &'static str| {
        let path = format!("/api/v1/teams/{team_id}/endpoints/{name}");
        let (client, address) = (app.client.clone(), app.address.clone());
        let token = token.clone();
        async move {
            client
                .delete(format!("{address}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("request sent")
                .status()
        }
    };
    assert_eq!(remove("svc-1").await, 204);
    assert_eq!(remove("svc-1").await, 404);
    let listed = expect(endpoints(&app, token, &team_id).await, 200).await;
    assert_eq!(listed["endpoints"].as_array().expect("list").len(), 15);

    // A server that does not allow http:// says so.
    let strict = app.spawn_sibling(|_| {}).await;
    let refused = expect(
        set_endpoint(&strict, token, &team_id, "api", "http://acme.example.net/").await,
        422,
    )
    .await;
    assert_eq!(refused["error"]["code"], "invalid_endpoint");
    let message = refused["error"]["message"].as_str().expect("message");
    assert!(message.contains("https://"), "{message}");
    let private = expect(
        set_endpoint(&strict, token, &team_id, "api", "https://127.0.0.1:8443/").await,
        422,
    )
    .await;
    assert!(
        private["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("loopback")),
        "{private}"
    );
    strict.stop().await;

    // The OpenAPI document describes them, and what the submission views and rejudges carry.
    let doc = expect(app.get("/api/openapi.json").await, 200).await;
    for (path, method) in [
        ("/api/v1/teams/{id}/endpoints", "get"),
        ("/api/v1/teams/{id}/endpoints/{name}", "put"),
        ("/api/v1/teams/{id}/endpoints/{name}", "delete"),
        (
            "/api/v1/events/{slug}/challenges/{challenge}/rejudge",
            "post",
        ),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    for schema in [
        "EndpointList",
        "ExchangeView",
        "RejudgeRequest",
        "RejudgeMode",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing from the OpenAPI document"
        );
    }
    assert!(
        doc["paths"]["/api/v1/events/{slug}/challenges/{challenge}/rejudge"]["post"]["requestBody"]
            .is_object()
    );
}

async fn submitting_needs_the_endpoints_the_challenge_names(app: TestApp) {
    let event = ship_it_event(&app, "missing").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let refused = expect(
        submit(
            &app,
            &alice.access_token,
            &team_id,
            &json!({"challenge": "ship-it", "answer": ""}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(refused["error"]["code"], "endpoint_missing");
    assert_eq!(
        refused["error"]["message"],
        format!(
            "Set your team's endpoint `api` (Endpoints panel in the workspace, or PUT \
             /api/v1/teams/{team_id}/endpoints/api) before submitting to Ship it."
        )
    );
    // Nothing was stored, and other challenges are not affected.
    let list = expect(
        app.get_as(
            &alice.access_token,
            &format!("/api/v1/teams/{team_id}/submissions"),
        )
        .await,
        200,
    )
    .await;
    assert!(list["submissions"].as_array().expect("list").is_empty());
    expect(
        submit(
            &app,
            &alice.access_token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": "1"}),
        )
        .await,
        201,
    )
    .await;
}

async fn the_judge_calls_the_teams_service_and_shows_every_exchange(app: TestApp) {
    let event = ship_it_event(&app, "calls").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = &alice.access_token;
    let service = Service::start(Behaviour::Right).await;
    expect(
        set_endpoint(&app, token, &team_id, "api", &service.url()).await,
        204,
    )
    .await;

    // The right service passes, and the team sees what the judge asked and heard.
    let first = submit_ship_it(&app, token, &team_id).await;
    let id = first["id"].as_str().expect("id").to_owned();
    let passed = judged(&app, token, &id).await;
    assert_eq!(passed["verdict"]["passed"], true, "{passed}");
    assert_eq!(passed["verdict"]["score"], passed["verdict"]["max_score"]);
    let value = service.echo_value();
    assert_eq!(
        service.received(),
        ["/health".to_owned(), format!("/echo?value={value}")]
    );
    let exchanges = passed["exchanges"].as_array().expect("exchanges");
    assert_eq!(exchanges.len(), 2, "{passed}");
    let health = &exchanges[0];
    assert_eq!(health["method"], "GET");
    assert_eq!(health["url"], format!("{}health", service.url()));
    assert_eq!(health["status"], 200);
    assert_eq!(health["outcome"], "response");
    assert_eq!(health["error"], Value::Null);
    assert_eq!(health["response_body"], r#"{"status":"ok"}"#);
    assert!(health["duration_ms"].is_u64());
    let summary = health["summary"].as_str().expect("summary");
    assert!(
        summary.starts_with(&format!("GET {}health → 200 in ", service.url())),
        "{summary}"
    );
    assert_eq!(
        exchanges[1]["response_body"],
        json!({"value": value}).to_string()
    );

    // The same exchanges for its coach, its organizers and in the team's list; no one else.
    let coach = coach(&app, &event, &team_id, "coachy").await;
    for reader in [&coach.access_token, &event.organizer.access_token] {
        let seen = expect(
            app.get_as(reader, &format!("/api/v1/submissions/{id}"))
                .await,
            200,
        )
        .await;
        assert_eq!(seen["exchanges"], passed["exchanges"]);
    }
    let list = expect(
        app.get_as(token, &format!("/api/v1/teams/{team_id}/submissions"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["submissions"][0]["exchanges"], passed["exchanges"]);
    let (bob, _) = team(&app, &event, "rivals").await;
    assert_eq!(
        app.get_as(&bob.access_token, &format!("/api/v1/submissions/{id}"))
            .await
            .status(),
        404
    );

    // A wrong service fails, and the checks say what came back and what was expected.
    service.behave(Behaviour::Wrong);
    let second = submit_ship_it(&app, token, &team_id).await;
    let failed = judged(&app, token, second["id"].as_str().expect("id")).await;
    assert_eq!(failed["status"], "judged");
    assert_eq!(failed["verdict"]["passed"], false, "{failed}");
    assert_eq!(check(&failed, "health")["passed"], true);
    let echo = check(&failed, "echo");
    assert_eq!(echo["passed"], false);
    let message = echo["message"].as_str().expect("message");
    assert!(
        message.contains(r#"answered {"value":"test"}"#),
        "{message}"
    );
    assert!(
        message.contains(&format!(r#"expects {{"value":"{value}"}}"#)),
        "{message}"
    );
    assert_eq!(
        failed["exchanges"][1]["response_body"],
        r#"{"value":"test"}"#
    );
    service.stop().await;
}

async fn rejudges_replay_the_record_or_call_again(app: TestApp) {
    let event = ship_it_event(&app, "rejudges").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = &alice.access_token;
    let service = Service::start(Behaviour::Right).await;
    expect(
        set_endpoint(&app, token, &team_id, "api", &service.url()).await,
        204,
    )
    .await;
    let right = submit_ship_it(&app, token, &team_id).await;
    let right = judged(&app, token, right["id"].as_str().expect("id")).await;
    assert_eq!(right["verdict"]["passed"], true, "{right}");
    service.behave(Behaviour::Wrong);
    let wrong = submit_ship_it(&app, token, &team_id).await;
    let wrong = judged(&app, token, wrong["id"].as_str().expect("id")).await;
    assert_eq!(wrong["verdict"]["passed"], false, "{wrong}");
    // The team moves its service: the submissions keep the URL they were judged against.
    expect(
        set_endpoint(&app, token, &team_id, "api", "https://moved.example.net/").await,
        204,
    )
    .await;
    let called = service.received().len();
    service.stop().await;

    let refused = expect(
        rejudge(&app, &event, Some(json!({"mode": "sideways"}))).await,
        422,
    )
    .await;
    assert_eq!(refused["error"]["code"], "invalid_mode");

    // Replay (the default) with the service gone: the same verdicts, nothing called.
    for body in [None, Some(json!({"mode": "replay"}))] {
        let report = expect(rejudge(&app, &event, body).await, 200).await;
        assert_eq!(report["mode"], "replay", "{report}");
        assert_eq!(report["rejudged"], 2);
        assert_eq!(report["changed"], json!([]), "{report}");
        for before in [&right, &wrong] {
            let id = before["id"].as_str().expect("id");
            let after = expect(
                app.get_as(token, &format!("/api/v1/submissions/{id}"))
                    .await,
                200,
            )
            .await;
            assert_eq!(after["verdict"]["passed"], before["verdict"]["passed"]);
            assert_eq!(after["verdict"]["checks"], before["verdict"]["checks"]);
            assert_eq!(after["exchanges"], before["exchanges"]);
        }
    }

    // Live: the service is called again at the URL the submission was judged against, and
    // it is gone.
    let report = expect(
        rejudge(&app, &event, Some(json!({"mode": "live"}))).await,
        200,
    )
    .await;
    assert_eq!(report["mode"], "live", "{report}");
    assert_eq!(report["rejudged"], 2);
    let changed = report["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1, "{report}");
    assert_eq!(changed[0]["submission"], right["id"]);
    assert_eq!(changed[0]["before"]["passed"], true);
    assert_eq!(changed[0]["after"]["passed"], false);
    let id = right["id"].as_str().expect("id");
    let after = expect(
        app.get_as(token, &format!("/api/v1/submissions/{id}"))
            .await,
        200,
    )
    .await;
    assert_eq!(after["status"], "judged", "not a validator error: {after}");
    let health = check(&after, "health");
    assert_eq!(health["passed"], false);
    let message = health["message"].as_str().expect("message");
    assert!(
        message.contains(&format!("{}health", service_url(&right)))
            && message.contains("is your service running"),
        "{message}"
    );
    assert_eq!(after["exchanges"][0]["outcome"], "failed");
    assert_eq!(after["exchanges"][0]["error"], "connection_refused");
    assert_eq!(called, 4, "the first judgings only");
}

/// A time the API returned.
fn at(value: &Value) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a time")).expect("RFC 3339")
}

/// The endpoint a judged submission called (from its first exchange).
fn service_url(view: &Value) -> String {
    let url = view["exchanges"][0]["url"].as_str().expect("url");
    url.strip_suffix("health")
        .expect("a /health request")
        .to_owned()
}

async fn a_hanging_service_holds_up_no_other_challenge(app: TestApp) {
    let event = ship_it_event(&app, "hanging").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = alice.access_token.clone();
    let service = Service::start(Behaviour::Hanging).await;
    expect(
        set_endpoint(&app, &token, &team_id, "api", &service.url()).await,
        204,
    )
    .await;
    let own = expect(
        materials(&app, &token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let answer = first_contact_answer(&own);

    // The ship-it submission waits on the service (the request may wait for its verdict too).
    let arrived = service.arrived.notified();
    let hanging = tokio::spawn({
        let (app_client, address, token, team_id) = (
            app.client.clone(),
            app.address.clone(),
            token.clone(),
            team_id.clone(),
        );
        async move {
            let response = app_client
                .post(format!("{address}/api/v1/teams/{team_id}/submissions"))
                .bearer_auth(token)
                .json(&json!({"challenge": "ship-it", "answer": ""}))
                .send()
                .await
                .expect("request sent");
            let body: Value = response.json().await.expect("json");
            body["id"].as_str().expect("id").to_owned()
        }
    });
    // A bound only so that a broken judge fails the test instead of hanging it.
    tokio::time::timeout(Duration::from_secs(120), arrived)
        .await
        .expect("the judge called the service");
    assert_eq!(service.received(), ["/health"]);

    // Meanwhile another challenge is judged.
    let other = expect(
        submit(
            &app,
            &token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(other["verdict"]["passed"], true, "{other}");

    // Then the hanging one fails at its timeout: the team's failure, not the validator's.
    let id = hanging.await.expect("submit task");
    let failed = judged(&app, &token, &id).await;
    assert_eq!(failed["status"], "judged", "{failed}");
    assert_eq!(failed["verdict"]["passed"], false);
    assert_eq!(
        check(&failed, "health")["message"],
        format!(
            "your service at {}health did not answer within 2 s",
            service.url()
        )
    );
    assert!(
        check(&failed, "echo")["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Not tried")),
        "{failed}"
    );
    assert_eq!(failed["exchanges"].as_array().map(Vec::len), Some(1));
    assert_eq!(failed["exchanges"][0]["outcome"], "failed");
    assert_eq!(failed["exchanges"][0]["error"], "timeout");

    // The order: submitted first, judged last; the other verdict came while it was pending.
    assert!(
        at(&failed["created_at"]) < at(&other["created_at"]),
        "submitted in this order: {failed} {other}"
    );
    assert!(
        at(&other["verdict"]["judged_at"]) < at(&failed["verdict"]["judged_at"]),
        "judged in this order: {other} {failed}"
    );
    service.stop().await;
}

/// Several members of one team add the same new endpoint in the same instant (everyone copies
/// the URL from the team chat): every write succeeds and one URL is left, never a 500.
async fn members_adding_the_same_endpoint_at_once_all_succeed(app: TestApp) {
    let event = ship_it_event(&app, "endpoint-race").await;
    let (alice, team_id) = team(&app, &event, "racers").await;
    let token = &alice.access_token;
    let writes = (0..12).map(|i| {
        let (app, team_id) = (&app, &team_id);
        async move {
            set_endpoint(
                app,
                token,
                team_id,
                "api",
                &format!("https://racers-{i}.example.net/"),
            )
            .await
            .status()
        }
    });
    for status in futures_util::future::join_all(writes).await {
        assert_eq!(status, 204);
    }
    let listed = expect(endpoints(&app, token, &team_id).await, 200).await;
    let list = listed["endpoints"].as_array().expect("endpoints");
    assert_eq!(list.len(), 1, "{listed}");
    assert!(
        list[0]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://racers-")),
        "{listed}"
    );
}
