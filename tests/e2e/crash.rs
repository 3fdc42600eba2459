//! Nothing acknowledged is lost: the real `cohack` process is killed (SIGKILL) while
//! submissions are in flight; after a restart on the same database every stored submission is
//! judged, and the leaderboard equals a recomputation from the database.

use std::{
    process::{Child, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{SecondsFormat, TimeDelta, Utc};
use cohack_server::{
    config::DatabaseUrl,
    db::{Database, schema::submissions},
    error::Error,
    models::event::Event,
    scoring,
};
use diesel::prelude::*;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::{
    challenges::{first_contact_answer, upload},
    harness::{PASSWORD, PgDatabase, cohack, free_port},
};

struct Process {
    child: Child,
    url: String,
}

impl Process {
    async fn start(data_dir: &std::path::Path, database_url: &str) -> Process {
        let port = free_port();
        let child = cohack()
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("COHACK_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("COHACK_SUBMISSIONS_PER_MINUTE", "100000")
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

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, in-flight requests die mid-way.
        self.child.kill().expect("kill");
        self.child.wait().expect("reaped");
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut request = client.request(method, url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_mid_flight_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    killed_mid_flight(dir.path(), &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_mid_flight_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    killed_mid_flight(dir.path(), &pg.url.clone()).await;
    drop(pg);
}

async fn killed_mid_flight(dir: &std::path::Path, database_url: &str) {
    let data_dir = dir.join("data");
    let made = cohack()
        .args([
            "admin",
            "create-organizer",
            "--email",
            "boss@vendor.example",
        ])
        .env("COHACK_DATA_DIR", &data_dir)
        .env("DATABASE_URL", database_url)
        .env("COHACK_ADMIN_PASSWORD", PASSWORD)
        .output()
        .expect("create organizer");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let server = Process::start(&data_dir, database_url).await;
    let client = reqwest::Client::new();
    let base = server.url.clone();
    let post = |path: &str, token: Option<String>, body: Value| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move { call(&client, reqwest::Method::POST, url, token.as_deref(), body).await }
    };
    let (_, login) = post(
        "/api/v1/auth/login",
        None,
        json!({"email": "boss@vendor.example", "password": PASSWORD}),
    )
    .await;
    let organizer = login["access_token"].as_str().expect("token").to_owned();
    let at = |d: TimeDelta| (Utc::now() + d).to_rfc3339_opts(SecondsFormat::Millis, true);
    let (status, _) = post(
        "/api/v1/events",
        Some(organizer.clone()),
        json!({
            "slug": "crash", "name": "Crash", "registration": "open", "team_size_max": 2,
            "starts_at": at(TimeDelta::hours(-1)), "ends_at": at(TimeDelta::days(1)),
        }),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = post(
        "/api/v1/events/crash/challenges",
        Some(organizer.clone()),
        upload("01-first-contact"),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // Eight teams, each with the right answer to its own material.
    let mut teams = Vec::new();
    for i in 0..8 {
        let (status, auth) = post(
            "/api/v1/auth/register",
            None,
            json!({
                "email": format!("p{i}@customer{}.example", i % 2), "password": PASSWORD,
                "display_name": format!("P{i}"), "organization": format!("Customer {}", i % 2),
            }),
        )
        .await;
        assert_eq!(status, 201);
        let token = auth["access_token"].as_str().expect("token").to_owned();
        post(
            "/api/v1/events/crash/registrations",
            Some(token.clone()),
            json!({}),
        )
        .await;
        let (status, team) = post(
            "/api/v1/events/crash/teams",
            Some(token.clone()),
            json!({"name": format!("Team {i}")}),
        )
        .await;
        assert_eq!(status, 201, "{team}");
        let team_id = team["id"].as_str().expect("id").to_owned();
        let material = client
            .get(format!(
                "{base}/api/v1/teams/{team_id}/challenges/first-contact/materials"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("materials")
            .json::<Value>()
            .await
            .expect("json");
        teams.push((team_id, token, first_contact_answer(&material)));
    }

    // A burst of submissions, wrong and right; the server dies in the middle of it.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut tasks = Vec::new();
    for n in 0..400usize {
        let (team, token, answer) = teams[n % teams.len()].clone();
        let answer = if n % 3 == 0 {
            answer
        } else {
            format!("{}", 1000 + n)
        };
        let client = client.clone();
        let url = format!("{base}/api/v1/teams/{team}/submissions");
        let acknowledged = acknowledged.clone();
        tasks.push(tokio::spawn(async move {
            let sent = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"challenge": "first-contact", "answer": answer}))
                .send()
                .await;
            if let Ok(response) = sent
                && matches!(response.status().as_u16(), 201 | 202)
                && let Ok(body) = response.json::<Value>().await
                && let Some(id) = body["id"].as_str()
            {
                acknowledged.lock().await.push(id.to_owned());
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().await.len() < 40 {
        assert!(Instant::now() < deadline, "no submissions acknowledged");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill();
    for task in tasks {
        let _ = task.await;
    }
    let acknowledged = acknowledged.lock().await.clone();
    assert!(acknowledged.len() >= 40);

    // Restart: every acknowledged submission gets its verdict, nothing stays pending.
    let server = Process::start(&data_dir, database_url).await;
    let db = Database::open(&DatabaseUrl::parse(database_url).expect("url"), 2).expect("db");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending: i64 = db
            .run(|conn| {
                submissions::table
                    .filter(submissions::status.eq("pending"))
                    .count()
                    .get_result(conn)
                    .map_err(Error::from)
            })
            .await
            .expect("count");
        if pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{pending} submissions still pending"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for id in &acknowledged {
        let view: Value = client
            .get(format!("{}/api/v1/submissions/{id}", server.url))
            .bearer_auth(&organizer)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(
            view["status"], "judged",
            "acknowledged submission {id}: {view}"
        );
    }

    // The served board equals one recomputed from the database.
    let (served_status, served) = call(
        &client,
        reqwest::Method::GET,
        format!("{}/api/v1/events/crash/leaderboard", server.url),
        Some(&organizer),
        Value::Null,
    )
    .await;
    assert_eq!(served_status, 200);
    let recomputed = db
        .run(|conn| {
            let event = Event::find_by_slug(conn, "crash")?;
            scoring::standings(conn, &event, None)
        })
        .await
        .expect("recompute");
    let served_rows: Vec<(String, u64, u64, i64)> = served["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["team"]["id"].as_str().expect("id").to_owned(),
                r["rank"].as_u64().expect("rank"),
                r["solved"].as_u64().expect("solved"),
                r["score"].as_i64().expect("score"),
            )
        })
        .collect();
    let recomputed_rows: Vec<(String, u64, u64, i64)> = recomputed
        .iter()
        .map(|r| {
            (
                r.team.id.clone(),
                u64::from(r.rank),
                u64::from(r.solved),
                r.score,
            )
        })
        .collect();
    assert_eq!(served_rows, recomputed_rows);
    assert!(
        recomputed.iter().any(|r| r.solved == 1),
        "some right answers were judged"
    );
}
