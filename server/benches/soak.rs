//! Soak: an event compressed in time against the real `cohack serve` binary, with the
//! server's memory sampled throughout; it should stay flat after the warm-up, and nothing may
//! fail. Run it through `server/benches/soak.sh` (which builds the release binary and raises
//! the open-files limit).
//!
//! The event: `COHACK_SOAK_TEAMS` teams (50) of `COHACK_SOAK_MEMBERS` members (10: 500
//! people), the `first-contact` sample challenge, for `COHACK_SOAK_MINUTES` minutes (30):
//! - every team's lead holds the team channel open and the team chats (one line every
//!   `COHACK_SOAK_CHAT_MS` ms across all teams, 100);
//! - every fifth team edits a shared document (Yjs, inserts and deletes so that the text stays
//!   short; one edit every 50 ms across them);
//! - submissions flow at `COHACK_SOAK_SUBMISSIONS` per second (20), mostly wrong answers,
//!   every team eventually right, each judged by the real validator;
//! - `COHACK_SOAK_SCREENS` big screens (200) watch the event channel, half of them taking
//!   whole boards and half deltas (applied by etag; a screen that cannot apply one asks for
//!   the whole board), and readers revalidate the board over HTTP (`If-None-Match`) 20 times
//!   a second.
//!
//! Every minute a line: the server's RSS, and what happened. At the end: the RSS after the
//! warm-up (the first fifth, at least a minute): first, last, min, max, and the least-squares
//! slope in MiB per minute; and every error (an HTTP status that was not expected, a socket
//! that closed, an `error` frame, a board that did not converge). The database is SQLite
//! under a temporary folder, or `COHACK_SOAK_DATABASE_URL` (a PostgreSQL database to use).

use std::{
    collections::HashSet,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::{
    Doc, ReadTxn, Text, Transact,
    sync::{Message, SyncMessage},
    updates::encoder::Encode,
};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// What happened, counted by every task.
#[derive(Default)]
struct Counters {
    submissions: AtomicU64,
    passed: AtomicU64,
    chat_lines: AtomicU64,
    edits: AtomicU64,
    board_frames: AtomicU64,
    delta_frames: AtomicU64,
    wholes_asked: AtomicU64,
    reads: AtomicU64,
    not_modified: AtomicU64,
    errors: AtomicU64,
    first_errors: Mutex<Vec<String>>,
}

impl Counters {
    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut first) = self.first_errors.lock()
            && first.len() < 20
        {
            first.push(what);
        }
    }
}

struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A member: their token and the address they come from (the server trusts loopback as a
/// proxy, so that 500 sign-ups from one machine look like a room of 500 laptops).
#[derive(Clone)]
struct Member {
    token: String,
    address: String,
}

struct Team {
    id: String,
    members: Vec<Member>,
    answer: String,
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(soak())
}

fn cohack_bin() -> String {
    std::env::var("COHACK_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_cohack").to_owned())
}

async fn soak() -> anyhow::Result<()> {
    let minutes = env_u64("COHACK_SOAK_MINUTES", 30);
    let team_count = env_u64("COHACK_SOAK_TEAMS", 50) as usize;
    let member_count = env_u64("COHACK_SOAK_MEMBERS", 10) as usize;
    let dir = tempfile::tempdir()?;
    let database_url = std::env::var("COHACK_SOAK_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("cohack.db").display()));
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?.port()
    };
    let envs = [
        ("DATABASE_URL", database_url.clone()),
        (
            "COHACK_DATA_DIR",
            dir.path().join("data").display().to_string(),
        ),
        ("COHACK_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
        // The soak measures the server, not its per-team submission throttle.
        ("COHACK_SUBMISSIONS_PER_MINUTE", "1000000".to_owned()),
        // Every token outlives the soak: the soak is about the server, not token renewal.
        (
            "COHACK_ACCESS_TOKEN_TTL_SECS",
            (minutes * 60 + 3600).to_string(),
        ),
        ("RUST_LOG", "warn".to_owned()),
    ];
    let status = Command::new(cohack_bin())
        .args([
            "admin",
            "create-organizer",
            "--email",
            "soak@vendor.example",
        ])
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .env("COHACK_ADMIN_PASSWORD", "soak password 1234")
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "create-organizer failed");
    let log = std::fs::File::create(dir.path().join("server.log"))?;
    let child = Command::new(cohack_bin())
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()?;
    let server = Server {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    for _ in 0..200 {
        if http
            .get(format!("{}/readyz", server.url))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let started = Instant::now();
    let teams = setup(&http, &server.url, team_count, member_count).await?;
    println!(
        "soak: {} teams of {member_count}, set up in {:.0} s; running {minutes} min",
        teams.len(),
        started.elapsed().as_secs_f64()
    );

    let counters = Arc::new(Counters::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let url = server.url.clone();
    let teams = Arc::new(teams);

    // Big screens, half on deltas.
    for i in 0..env_u64("COHACK_SOAK_SCREENS", 200) {
        tasks.push(tokio::spawn(screen(
            url.clone(),
            i % 2 == 1,
            counters.clone(),
            stop.clone(),
        )));
    }
    // Team channels: every lead listens; the teams chat in turn.
    let chat_every = Duration::from_millis(env_u64("COHACK_SOAK_CHAT_MS", 100));
    let chat_period = chat_every * teams.len() as u32;
    for (i, team) in teams.iter().enumerate() {
        tasks.push(tokio::spawn(team_channel(
            url.clone(),
            team.id.clone(),
            team.members[0].clone(),
            chat_period,
            chat_every * i as u32,
            counters.clone(),
            stop.clone(),
        )));
    }
    // Documents: every fifth team edits one.
    let editors: Vec<&Team> = teams.iter().step_by(5).collect();
    let edit_period = Duration::from_millis(50) * editors.len() as u32;
    for (i, team) in editors.iter().enumerate() {
        let doc = post(
            &http,
            &url,
            &team.members[1 % team.members.len()],
            &format!("/api/v1/teams/{}/documents", team.id),
            &json!({"title": "notes"}),
        )
        .await?;
        let doc = doc["id"].as_str().unwrap_or_default().to_owned();
        tasks.push(tokio::spawn(editor(
            url.clone(),
            team.id.clone(),
            doc,
            team.members[1 % team.members.len()].clone(),
            edit_period,
            Duration::from_millis(50) * i as u32,
            counters.clone(),
            stop.clone(),
        )));
    }
    // Submissions and board reads.
    tasks.push(tokio::spawn(submitter(
        http.clone(),
        url.clone(),
        teams.clone(),
        env_u64("COHACK_SOAK_SUBMISSIONS", 20),
        counters.clone(),
        stop.clone(),
    )));
    tasks.push(tokio::spawn(reader(
        http.clone(),
        url.clone(),
        counters.clone(),
        stop.clone(),
    )));

    // Sample the server's memory every 10 s; a line a minute.
    let mut samples: Vec<(f64, f64)> = Vec::new();
    let run_started = Instant::now();
    let total = Duration::from_secs(minutes * 60);
    println!(
        "| minute | server RSS MiB | submissions (passed) | chat lines | doc edits | board frames (deltas) | whole boards asked | board reads (304) | errors |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut next_line = Duration::from_secs(60);
    while run_started.elapsed() < total {
        tokio::time::sleep(Duration::from_secs(10)).await;
        let at = run_started.elapsed();
        let rss = server.rss_kib() as f64 / 1024.0;
        samples.push((at.as_secs_f64() / 60.0, rss));
        if at >= next_line {
            next_line += Duration::from_secs(60);
            let c = &counters;
            let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
            println!(
                "| {:.0} | {rss:.1} | {} ({}) | {} | {} | {} ({}) | {} | {} ({}) | {} |",
                at.as_secs_f64() / 60.0,
                n(&c.submissions),
                n(&c.passed),
                n(&c.chat_lines),
                n(&c.edits),
                n(&c.board_frames),
                n(&c.delta_frames),
                n(&c.wholes_asked),
                n(&c.reads),
                n(&c.not_modified),
                n(&c.errors),
            );
        }
    }
    stop.store(true, Ordering::Relaxed);
    for task in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(15), task).await;
    }

    // Every screen converged: a last check that a fresh screen and the HTTP board agree.
    let warm = (minutes as f64 / 5.0).max(1.0);
    let after: Vec<(f64, f64)> = samples
        .iter()
        .copied()
        .filter(|(t, _)| *t >= warm)
        .collect();
    let (slope, first, last, min, max) = summary(&after);
    println!(
        "\nRSS after the warm-up ({warm:.0} min, {} samples): first {first:.1} MiB, last {last:.1} MiB, \
         min {min:.1}, max {max:.1}, slope {slope:+.2} MiB/min",
        after.len()
    );
    let server_log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
    let log_errors: Vec<&str> = server_log
        .lines()
        .filter(|l| l.contains("ERROR") || l.contains("WARN"))
        .collect();
    println!(
        "errors: {} in the clients, {} warnings or errors in the server's log",
        counters.errors.load(Ordering::Relaxed),
        log_errors.len()
    );
    if let Ok(first) = counters.first_errors.lock() {
        for error in first.iter() {
            println!("  client: {error}");
        }
    }
    for line in log_errors.iter().take(20) {
        println!("  server: {line}");
    }
    Ok(())
}

/// Least-squares slope (MiB per minute), first, last, min and max of the samples.
fn summary(samples: &[(f64, f64)]) -> (f64, f64, f64, f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    }
    let n = samples.len() as f64;
    let mean_t = samples.iter().map(|s| s.0).sum::<f64>() / n;
    let mean_r = samples.iter().map(|s| s.1).sum::<f64>() / n;
    let cov: f64 = samples
        .iter()
        .map(|(t, r)| (t - mean_t) * (r - mean_r))
        .sum();
    let var: f64 = samples.iter().map(|(t, _)| (t - mean_t).powi(2)).sum();
    let slope = if var > 0.0 { cov / var } else { 0.0 };
    let min = samples.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    let max = samples
        .iter()
        .map(|s| s.1)
        .fold(f64::NEG_INFINITY, f64::max);
    (slope, samples[0].1, samples[samples.len() - 1].1, min, max)
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    who: &Member,
    path: &str,
    body: &Value,
) -> anyhow::Result<Value> {
    let response = http
        .post(format!("{url}{path}"))
        .bearer_auth(&who.token)
        .header("X-Forwarded-For", &who.address)
        .json(body)
        .send()
        .await?;
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "POST {path}: {status} {value}");
    Ok(value)
}

async fn get(http: &reqwest::Client, url: &str, who: &Member, path: &str) -> anyhow::Result<Value> {
    let response = http
        .get(format!("{url}{path}"))
        .bearer_auth(&who.token)
        .header("X-Forwarded-For", &who.address)
        .send()
        .await?;
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "GET {path}: {status} {value}");
    Ok(value)
}

/// Signs a new person up (from their own address) and registers them for the event.
async fn sign_up(http: &reqwest::Client, url: &str, i: usize) -> anyhow::Result<Member> {
    let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256 + 1);
    let response = http
        .post(format!("{url}/api/v1/auth/register"))
        .header("X-Forwarded-For", &address)
        .json(&json!({
            "email": format!("soak{i}@customer{}.example", i % 9),
            "password": "soak password 1234",
            "display_name": format!("Person {i}"),
            "organization": format!("Customer {}", i % 9),
        }))
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "register: {status} {body}");
    let member = Member {
        token: body["access_token"].as_str().unwrap_or_default().to_owned(),
        address,
    };
    post(
        http,
        url,
        &member,
        "/api/v1/events/soak/registrations",
        &json!({}),
    )
    .await?;
    Ok(member)
}

/// The event, the challenge, the teams and their members; each team's right answer.
async fn setup(
    http: &reqwest::Client,
    url: &str,
    team_count: usize,
    member_count: usize,
) -> anyhow::Result<Vec<Team>> {
    let login = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": "soak@vendor.example", "password": "soak password 1234"}))
        .send()
        .await?
        .json::<Value>()
        .await?;
    let organizer = Member {
        token: login["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        address: "10.255.255.1".into(),
    };
    let now = chrono::Utc::now();
    post(
        http,
        url,
        &organizer,
        "/api/v1/events",
        &json!({
            "slug": "soak", "name": "Soak", "registration": "open",
            "starts_at": now - chrono::Duration::minutes(1),
            "ends_at": now + chrono::Duration::days(1),
            "team_size_max": member_count.max(1),
        }),
    )
    .await?;
    let challenge =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../challenges/01-first-contact");
    let status = Command::new(cohack_bin())
        .arg("challenge")
        .arg("publish")
        .arg(&challenge)
        .args(["--url", url, "--event", "soak"])
        .env("COHACK_TOKEN", &organizer.token)
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "publishing first-contact failed");

    // People sign up four at a time (each costs an argon2 hash on the server).
    let people: Vec<Member> = futures_util::stream::iter(0..team_count * member_count)
        .map(|i| sign_up(http, url, i))
        .buffered(4)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mut teams = Vec::new();
    for (t, members) in people.chunks(member_count).enumerate() {
        let lead = &members[0];
        let team = post(
            http,
            url,
            lead,
            "/api/v1/events/soak/teams",
            &json!({"name": format!("Team {t:02}")}),
        )
        .await?;
        let id = team["id"].as_str().unwrap_or_default().to_owned();
        let code = team["invite_code"].as_str().unwrap_or_default().to_owned();
        for member in &members[1..] {
            post(
                http,
                url,
                member,
                &format!("/api/v1/teams/{id}/members"),
                &json!({"invite_code": code}),
            )
            .await?;
        }
        let materials = get(
            http,
            url,
            lead,
            &format!("/api/v1/teams/{id}/challenges/first-contact/materials"),
        )
        .await?;
        teams.push(Team {
            id,
            members: members.to_vec(),
            answer: first_contact_answer(&materials)?,
        });
    }
    Ok(teams)
}

/// The answer to `first-contact`: distinct devices with an ERROR line in `gateway.log`.
fn first_contact_answer(materials: &Value) -> anyhow::Result<String> {
    let file = materials["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["path"] == "gateway.log"))
        .ok_or_else(|| anyhow::anyhow!("no gateway.log"))?;
    let log = base64::engine::general_purpose::STANDARD
        .decode(file["content_base64"].as_str().unwrap_or_default())?;
    let log = String::from_utf8(log)?;
    let devices: HashSet<&str> = log
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("ERROR"))
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix("device="))
        })
        .collect();
    Ok(devices.len().to_string())
}

/// Submissions at `per_second`, team after team: nine wrong answers for one right one.
async fn submitter(
    http: reqwest::Client,
    url: String,
    teams: Arc<Vec<Team>>,
    per_second: u64,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
) {
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / per_second.max(1)));
    let mut n = 0usize;
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let team = &teams[n % teams.len()];
        let member = team.members[(n / teams.len()) % team.members.len()].clone();
        let right = (n / teams.len()) % 10 == 9;
        let answer = if right {
            team.answer.clone()
        } else {
            format!("{}", 1000 + n % 97)
        };
        let (http, url, team_id, counters) =
            (http.clone(), url.clone(), team.id.clone(), counters.clone());
        n += 1;
        tokio::spawn(async move {
            let body = json!({"challenge": "first-contact", "answer": answer});
            match post(
                &http,
                &url,
                &member,
                &format!("/api/v1/teams/{team_id}/submissions"),
                &body,
            )
            .await
            {
                Ok(verdict) => {
                    counters.submissions.fetch_add(1, Ordering::Relaxed);
                    // A judged pass: `{"status": "judged", "verdict": {"passed": true, …}}`.
                    if verdict["verdict"]["passed"] == true {
                        counters.passed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Err(e) => counters.error(format!("submission: {e}")),
            }
        });
    }
}

/// Readers of the board over HTTP, revalidating with `If-None-Match`.
async fn reader(
    http: reqwest::Client,
    url: String,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(50));
    let mut etag = String::new();
    while !stop.load(Ordering::Relaxed) {
        tick.tick().await;
        let response = http
            .get(format!("{url}/api/v1/events/soak/leaderboard"))
            .header("If-None-Match", &etag)
            .send()
            .await;
        match response {
            Ok(r) if r.status() == 304 => {
                counters.reads.fetch_add(1, Ordering::Relaxed);
                counters.not_modified.fetch_add(1, Ordering::Relaxed);
            }
            Ok(r) if r.status() == 200 => {
                counters.reads.fetch_add(1, Ordering::Relaxed);
                etag = r
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let _ = r.bytes().await;
            }
            Ok(r) => counters.error(format!("board read: {}", r.status())),
            Err(e) => counters.error(format!("board read: {e}")),
        }
    }
}

/// A big screen on the event channel; with `deltas`, it applies deltas by tag and asks for
/// the whole board when it cannot.
async fn screen(url: String, deltas: bool, counters: Arc<Counters>, stop: Arc<AtomicBool>) {
    let query = if deltas { "?board=deltas" } else { "" };
    let ws_url = format!(
        "{}/api/v1/events/soak/ws{query}",
        url.replacen("http://", "ws://", 1)
    );
    let (mut ws, _) = match tokio_tungstenite::connect_async(ws_url).await {
        Ok(ok) => ok,
        Err(e) => {
            counters.error(format!("screen connect: {e}"));
            return;
        }
    };
    let mut etag = String::new();
    while !stop.load(Ordering::Relaxed) {
        let message = match tokio::time::timeout(Duration::from_secs(1), ws.next()).await {
            Err(_) => continue,
            Ok(Some(Ok(message))) => message,
            Ok(other) => {
                counters.error(format!("screen closed: {other:?}"));
                return;
            }
        };
        let WsMessage::Text(text) = message else {
            continue;
        };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            counters.error("screen: a frame that is not JSON".into());
            continue;
        };
        match frame["type"].as_str() {
            Some("leaderboard") => {
                counters.board_frames.fetch_add(1, Ordering::Relaxed);
                etag = frame["etag"].as_str().unwrap_or_default().to_owned();
            }
            Some("leaderboard_delta") => {
                counters.board_frames.fetch_add(1, Ordering::Relaxed);
                counters.delta_frames.fetch_add(1, Ordering::Relaxed);
                if frame["base"] == etag.as_str() {
                    etag = frame["etag"].as_str().unwrap_or_default().to_owned();
                } else if frame["etag"] != etag.as_str() {
                    counters.wholes_asked.fetch_add(1, Ordering::Relaxed);
                    let ask = WsMessage::text(json!({"type": "leaderboard"}).to_string());
                    if ws.send(ask).await.is_err() {
                        counters.error("screen: ask failed".into());
                        return;
                    }
                }
            }
            Some("error") => counters.error(format!("screen: {frame}")),
            _ => {}
        }
    }
}

/// A team's lead on the team channel, chatting every `period` after `offset`.
async fn team_channel(
    url: String,
    team: String,
    lead: Member,
    period: Duration,
    offset: Duration,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
) {
    let ws_url = format!(
        "{}/api/v1/teams/{team}/ws?access_token={}",
        url.replacen("http://", "ws://", 1),
        lead.token
    );
    let (mut ws, _) = match tokio_tungstenite::connect_async(ws_url).await {
        Ok(ok) => ok,
        Err(e) => {
            counters.error(format!("team channel connect: {e}"));
            return;
        }
    };
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    let mut line = 0u64;
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            _ = tick.tick() => {
                line += 1;
                let text = json!({"type": "chat", "text": format!("line {line}: trying the **gateway** log")});
                if ws.send(WsMessage::text(text.to_string())).await.is_err() {
                    counters.error("team channel: send failed".into());
                    return;
                }
                counters.chat_lines.fetch_add(1, Ordering::Relaxed);
            }
            message = ws.next() => match message {
                Some(Ok(WsMessage::Text(text))) => {
                    if text.starts_with("{\"type\":\"error\"") {
                        counters.error(format!("team channel: {text}"));
                    }
                }
                Some(Ok(_)) => {}
                other => {
                    counters.error(format!("team channel closed: {other:?}"));
                    return;
                }
            }
        }
    }
}

/// A document editor: appends a word, and once the text is long, deletes its start, every
/// `period` after `offset` (Yjs updates, as the workspace's editor sends them).
#[expect(clippy::too_many_arguments, reason = "one task's parts")]
async fn editor(
    url: String,
    team: String,
    doc_id: String,
    member: Member,
    period: Duration,
    offset: Duration,
    counters: Arc<Counters>,
    stop: Arc<AtomicBool>,
) {
    let ws_url = format!(
        "{}/api/v1/teams/{team}/documents/{doc_id}/ws?access_token={}",
        url.replacen("http://", "ws://", 1),
        member.token
    );
    let (mut ws, _) = match tokio_tungstenite::connect_async(ws_url).await {
        Ok(ok) => ok,
        Err(e) => {
            counters.error(format!("document connect: {e}"));
            return;
        }
    };
    let doc = Doc::new();
    let text = doc.get_or_insert_text("content");
    let step1 = Message::Sync(SyncMessage::SyncStep1(doc.transact().state_vector())).encode_v1();
    if ws.send(WsMessage::binary(step1)).await.is_err() {
        counters.error("document: sync failed".into());
        return;
    }
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            _ = tick.tick() => {
                let before = doc.transact().state_vector();
                {
                    let mut txn = doc.transact_mut();
                    let len = text.len(&txn);
                    if len > 400 {
                        text.remove_range(&mut txn, 0, 200);
                    } else {
                        text.insert(&mut txn, len, "gateway ");
                    }
                }
                let update = doc.transact().encode_state_as_update_v1(&before);
                let message = Message::Sync(SyncMessage::Update(update)).encode_v1();
                if ws.send(WsMessage::binary(message)).await.is_err() {
                    counters.error("document: send failed".into());
                    return;
                }
                counters.edits.fetch_add(1, Ordering::Relaxed);
            }
            message = ws.next() => match message {
                Some(Ok(_)) => {}
                other => {
                    counters.error(format!("document closed: {other:?}"));
                    return;
                }
            }
        }
    }
}
