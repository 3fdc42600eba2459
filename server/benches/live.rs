//! Live-layer benchmark: delivery latency of one leaderboard update to 1,000 and 5,000
//! connected event-channel clients — clients taking whole `leaderboard` frames, then clients
//! taking `leaderboard_delta` frames (`?board=deltas`), in the same run
//! (`COHACK_BENCH_BOARD=full,deltas`) — server memory per idle connection, and the round trip
//! of a document edit between two clients on the same and on different instances.
//!
//! Needs PostgreSQL (`COHACK_BENCH_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432`):
//! a fresh database is created and dropped. The servers run as child processes of this one
//! (so that their memory is theirs alone); the clients run here. Everything stays on
//! 127.0.0.1. Run it through `server/benches/live.sh`, which raises the open-files limit.
//!
//! The update is what another instance's judge sends after a verdict: a new verdict row, then
//! `NOTIFY` naming the event. The measured time runs from just before the NOTIFY to the
//! moment each client has read the whole `leaderboard` frame; it includes the board's
//! recomputation from the database.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

/// The ladder is seeded as the end-to-end tests seed theirs (one copy of the direct inserts).
#[path = "../../tests/e2e/seed.rs"]
#[expect(
    dead_code,
    reason = "the bench seeds its ladder only: its verdicts go through its own PostgreSQL \
              connection (`record_verdict`), as another instance's judge would write them"
)]
mod seed;

use cohack_server::{
    config::{Config, DatabaseUrl},
    db::{
        Database, new_id,
        schema::{submissions, verdicts},
    },
    error::Error,
    models::{
        event::{Event, EventSettings},
        organization::Organization,
    },
    startup::Application,
};
use diesel::{Connection, PgConnection, RunQueryDsl, prelude::*};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use yrs::{
    Doc, GetString, ReadTxn, Text, Transact, Update,
    encoding::read::Cursor,
    sync::{Message, MessageReader, SyncMessage},
    updates::{
        decoder::{Decode, DecoderV1},
        encoder::Encode,
    },
};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("__serve") {
        return serve(&args[2], &args[3]);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(bench())
}

/// Child mode: one cohack instance; prints its port, serves until stdin closes.
fn serve(database_url: &str, data_dir: &str) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let config = Config {
            bind: "127.0.0.1:0".parse()?,
            data_dir: data_dir.into(),
            database_url: database_url.to_owned(),
            database_pool_size: 16,
            workers: 2,
            ..Config::default()
        };
        let app = Application::build(config)?;
        println!("port {}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        // Serve until the parent goes away.
        tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
        })
        .await?;
        handle.stop(false).await;
        Ok(())
    })
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(database_url: &str, dir: &std::path::Path) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["__serve", database_url, &dir.to_string_lossy()])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = line
            .trim()
            .strip_prefix("port ")
            .ok_or_else(|| anyhow::anyhow!("server did not start: {line:?}"))?
            .parse()?;
        Ok(Server { child, port })
    }

    /// Resident memory of the server process, in KiB.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

struct Fixture {
    event: Event,
    teams: Vec<String>,
    challenge: String,
    version: String,
    member: String,
    token_secret_user: String,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn bench() -> anyhow::Result<()> {
    let server_url = std::env::var("COHACK_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let name = format!("cohack_bench_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::establish(&format!("{server_url}/postgres"))?;
    diesel::sql_query(format!("CREATE DATABASE \"{name}\"")).execute(&mut admin)?;
    let url = format!("{server_url}/{name}");
    let result = run(&url).await;
    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)?;
    result
}

async fn run(url: &str) -> anyhow::Result<()> {
    let team_count = env_usize("COHACK_BENCH_TEAMS", 50);
    let sizes: Vec<usize> = std::env::var("COHACK_BENCH_CLIENTS")
        .unwrap_or_else(|_| "1000,5000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rounds = env_usize("COHACK_BENCH_ROUNDS", 20);
    let dir = tempfile::tempdir()?;
    let db = Database::open(&DatabaseUrl::Postgres(url.to_owned()), 4)?;
    db.migrate()?;
    let fixture = setup(&db, team_count).await?;
    let a = Server::start(url, &dir.path().join("a"))?;
    let b = Server::start(url, &dir.path().join("b"))?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let token = login_token(a.port, &fixture).await?;
    println!(
        "live benchmark: {team_count} teams on the board, {rounds} updates per size, 2 server workers"
    );

    // Leaderboard fan-out and memory per idle connection: first to clients that take whole
    // `leaderboard` frames (the baseline, as every client did before deltas), then to clients
    // that asked for `leaderboard_delta` frames, the same updates of the same board.
    let modes: Vec<bool> = std::env::var("COHACK_BENCH_BOARD")
        .unwrap_or_else(|_| "full,deltas".into())
        .split(',')
        .map(|mode| mode.trim() == "deltas")
        .collect();
    let mut pg = PgConnection::establish(url)?;
    let mut submission_seq = 0;
    for deltas in modes {
        let label = if deltas { "deltas" } else { "full" };
        let base_rss = a.rss_kib();
        let arrivals = Arc::new(Arrivals::default());
        let mut clients = Vec::new();
        let mut board_bytes = 0;
        for &size in &sizes {
            while clients.len() < size {
                let batch: Vec<_> = (clients.len()..size.min(clients.len() + 200))
                    .map(|_| connect_watcher(a.port, &fixture.event.slug, deltas, arrivals.clone()))
                    .collect();
                for handle in futures_util::future::join_all(batch).await {
                    clients.push(handle?);
                }
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            let rss = a.rss_kib();
            let per_connection =
                (rss.saturating_sub(base_rss)) as f64 * 1024.0 / clients.len() as f64;
            let mut latencies = Vec::new();
            let mut missing = 0;
            for _ in 0..rounds {
                submission_seq += 1;
                record_verdict(&mut pg, &fixture, submission_seq)?;
                arrivals.reset();
                let start = Instant::now();
                *arrivals.t0.lock().map_err(|_| anyhow::anyhow!("lock"))? = Some(start);
                diesel::sql_query(format!(
                "SELECT pg_notify('cohack_live', '{{\"k\":\"board\",\"o\":\"bench\",\"e\":\"{}\"}}')",
                fixture.event.id
            ))
            .execute(&mut pg)?;
                let deadline = Instant::now() + Duration::from_secs(10);
                while arrivals.count.load(Ordering::SeqCst) < clients.len()
                    && Instant::now() < deadline
                {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                let got = arrivals.take();
                missing += clients.len() - got.len().min(clients.len());
                latencies.extend(got);
                board_bytes = arrivals.bytes.load(Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            latencies.sort_by(f64::total_cmp);
            println!(
                "leaderboard update ({label:>6}) to {:>5} clients: p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms  \
             ({} deliveries, {} missed, frame {} bytes) | server RSS {} MiB, {:.1} KiB per idle connection",
                clients.len(),
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.99),
                latencies.last().copied().unwrap_or(f64::NAN),
                latencies.len(),
                missing,
                board_bytes,
                rss / 1024,
                per_connection / 1024.0,
            );
        }
        for client in clients {
            client.abort();
        }
        // Let the server close those sockets before the next mode measures its memory.
        tokio::time::sleep(Duration::from_secs(3)).await;
    }

    // Document edits between two clients.
    let doc = create_document(a.port, &token, &fixture.teams[0]).await?;
    let edits = env_usize("COHACK_BENCH_EDITS", 200);
    for (label, port) in [("same instance", a.port), ("across instances", b.port)] {
        let mut writer = YClient::connect(a.port, &token, &fixture.teams[0], &doc).await?;
        let mut reader = YClient::connect(port, &token, &fixture.teams[0], &doc).await?;
        let mut times = Vec::new();
        for i in 0..edits {
            let start = Instant::now();
            writer.insert(&format!("{}", i % 10)).await?;
            let want = writer.text();
            reader.wait_text(&want).await?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "document edit round trip, {label:<16}: p50 {:>5.1} ms  p99 {:>5.1} ms  ({} edits)",
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            times.len()
        );
    }
    drop((a, b));
    Ok(())
}

#[derive(Default)]
struct Arrivals {
    t0: std::sync::Mutex<Option<Instant>>,
    count: AtomicUsize,
    bytes: AtomicUsize,
    latencies: std::sync::Mutex<Vec<f64>>,
}

impl Arrivals {
    fn reset(&self) {
        self.count.store(0, Ordering::SeqCst);
        if let Ok(mut l) = self.latencies.lock() {
            l.clear();
        }
    }

    fn record(&self, bytes: usize) {
        let Some(t0) = self.t0.lock().ok().and_then(|t| *t) else {
            return;
        };
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        if let Ok(mut l) = self.latencies.lock() {
            l.push(ms);
        }
        self.bytes.store(bytes, Ordering::SeqCst);
        self.count.fetch_add(1, Ordering::SeqCst);
    }

    fn take(&self) -> Vec<f64> {
        if let Ok(mut t0) = self.t0.lock() {
            *t0 = None;
        }
        self.latencies
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// One big screen: connects, reads its greeting, then records every leaderboard push.
async fn connect_watcher(
    port: u16,
    slug: &str,
    deltas: bool,
    arrivals: Arc<Arrivals>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let query = if deltas { "?board=deltas" } else { "" };
    let url = format!("ws://127.0.0.1:{port}/api/v1/events/{slug}/ws{query}");
    let (mut stream, _) = tokio_tungstenite::connect_async(url).await?;
    // The greeting: hello, clock, leaderboard, announcements.
    let mut seen = 0;
    while seen < 4 {
        match stream.next().await {
            Some(Ok(WsMessage::Text(_))) => seen += 1,
            Some(Ok(_)) => {}
            _ => anyhow::bail!("watcher closed during greeting"),
        }
    }
    Ok(tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            if let WsMessage::Text(text) = message
                // `leaderboard` or `leaderboard_delta`, whichever this client takes.
                && text.starts_with("{\"type\":\"leaderboard")
            {
                arrivals.record(text.len());
            }
        }
    }))
}

async fn setup(db: &Database, team_count: usize) -> anyhow::Result<Fixture> {
    let hash = cohack_server::auth::password::hash("bench password 1234")?;
    let fixture = db
        .write(move |conn| {
            let org = Organization::find_or_create(conn, "Bench")?;
            let now = chrono::Utc::now().naive_utc();
            let mut user_ids = Vec::new();
            for i in 0..team_count {
                let user = cohack_server::models::user::User::create(
                    conn,
                    cohack_server::models::user::NewUser {
                        email: &format!("member{i}@bench.example"),
                        password_hash: hash.clone(),
                        display_name: &format!("Member {i}"),
                        organization_id: &org.id,
                        is_portal_organizer: i == 0,
                    },
                )?;
                user_ids.push(user.id);
            }
            let event = Event::create(
                conn,
                EventSettings {
                    slug: "bench".into(),
                    name: "Bench".into(),
                    description: String::new(),
                    starts_at: now - chrono::Duration::hours(1),
                    ends_at: now + chrono::Duration::hours(10),
                    freeze_at: None,
                    registration: "open".into(),
                    invite_code: None,
                    team_size_min: 1,
                    team_size_max: 4,
                },
                &user_ids[0],
            )?;
            let seeded = seed::ladder(conn, &event.id, &user_ids[0], 5, "challenge-", now)?;
            let (challenge, version) = (seeded.challenges[0].clone(), seeded.version);
            let mut team_ids = Vec::new();
            for (i, user) in user_ids.iter().enumerate() {
                cohack_server::models::role::grant(
                    conn,
                    &event.id,
                    user,
                    cohack_server::models::role::EventRole::Participant,
                    None,
                )?;
                let team = cohack_server::models::team::Team::create(
                    conn,
                    &event,
                    &format!("Team {i:03}"),
                    user,
                )?;
                team_ids.push(team.id);
            }
            Ok::<_, Error>(Fixture {
                event,
                teams: team_ids,
                challenge,
                version,
                member: user_ids[0].clone(),
                token_secret_user: "member0@bench.example".into(),
            })
        })
        .await?;
    Ok(fixture)
}

/// A new judged submission with a score that moves the board.
fn record_verdict(pg: &mut PgConnection, fixture: &Fixture, seq: usize) -> anyhow::Result<()> {
    let now = chrono::Utc::now().naive_utc();
    let submission = new_id();
    let team = &fixture.teams[seq % fixture.teams.len()];
    diesel::insert_into(submissions::table)
        .values((
            submissions::id.eq(&submission),
            submissions::team_id.eq(team),
            submissions::challenge_id.eq(&fixture.challenge),
            submissions::submitted_by.eq(&fixture.member),
            submissions::answer.eq("x"),
            submissions::status.eq("judged"),
            submissions::created_at.eq(now),
        ))
        .execute(pg)?;
    diesel::insert_into(verdicts::table)
        .values((
            verdicts::id.eq(new_id()),
            verdicts::submission_id.eq(&submission),
            verdicts::validator_version_id.eq(&fixture.version),
            verdicts::is_current.eq(true),
            verdicts::passed.eq(false),
            verdicts::score.eq(i32::try_from(seq % 100).unwrap_or(0)),
            verdicts::max_score.eq(100),
            verdicts::feedback.eq(""),
            verdicts::checks.eq("[]"),
            verdicts::notes.eq(""),
            verdicts::logs.eq("[]"),
            verdicts::fuel_used.eq(1i64),
            verdicts::duration_us.eq(1i64),
            verdicts::created_at.eq(now),
        ))
        .execute(pg)?;
    Ok(())
}

async fn login_token(port: u16, fixture: &Fixture) -> anyhow::Result<String> {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({
            "email": fixture.token_secret_user,
            "password": "bench password 1234",
        }))
        .send()
        .await?
        .json()
        .await?;
    response["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("log-in failed: {response}"))
}

async fn create_document(port: u16, token: &str, team: &str) -> anyhow::Result<String> {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/api/v1/teams/{team}/documents"
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({"title": "bench"}))
        .send()
        .await?
        .json()
        .await?;
    response["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("document not created: {response}"))
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A minimal Yjs client over a document socket.
struct YClient {
    ws: Socket,
    doc: Doc,
}

impl YClient {
    async fn connect(port: u16, token: &str, team: &str, doc: &str) -> anyhow::Result<YClient> {
        let url = format!(
            "ws://127.0.0.1:{port}/api/v1/teams/{team}/documents/{doc}/ws?access_token={token}"
        );
        let (ws, _) = tokio_tungstenite::connect_async(url).await?;
        let mut client = YClient {
            ws,
            doc: Doc::new(),
        };
        let sv = client.doc.transact().state_vector();
        client
            .ws
            .send(WsMessage::binary(
                Message::Sync(SyncMessage::SyncStep1(sv)).encode_v1(),
            ))
            .await?;
        while !client.receive().await? {}
        Ok(client)
    }

    async fn receive(&mut self) -> anyhow::Result<bool> {
        let message = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("document socket closed"))??;
        let WsMessage::Binary(data) = message else {
            return Ok(false);
        };
        let mut step2 = false;
        let mut replies = Vec::new();
        {
            let mut decoder = DecoderV1::new(Cursor::new(&data));
            for message in MessageReader::new(&mut decoder) {
                match message? {
                    Message::Sync(SyncMessage::SyncStep1(sv)) => {
                        let update = self.doc.transact().encode_state_as_update_v1(&sv);
                        replies.push(Message::Sync(SyncMessage::SyncStep2(update)).encode_v1());
                    }
                    Message::Sync(SyncMessage::SyncStep2(u)) => {
                        self.apply(&u)?;
                        step2 = true;
                    }
                    Message::Sync(SyncMessage::Update(u)) => self.apply(&u)?,
                    _ => {}
                }
            }
        }
        for reply in replies {
            self.ws.send(WsMessage::binary(reply)).await?;
        }
        Ok(step2)
    }

    fn apply(&self, update: &[u8]) -> anyhow::Result<()> {
        self.doc
            .transact_mut()
            .apply_update(Update::decode_v1(update)?)?;
        Ok(())
    }

    fn text(&self) -> String {
        let text = self.doc.get_or_insert_text("content");
        text.get_string(&self.doc.transact())
    }

    async fn insert(&mut self, chunk: &str) -> anyhow::Result<()> {
        let text = self.doc.get_or_insert_text("content");
        let before = self.doc.transact().state_vector();
        {
            let mut txn = self.doc.transact_mut();
            let len = text.len(&txn);
            text.insert(&mut txn, len, chunk);
        }
        let update = self.doc.transact().encode_state_as_update_v1(&before);
        self.ws
            .send(WsMessage::binary(
                Message::Sync(SyncMessage::Update(update)).encode_v1(),
            ))
            .await?;
        Ok(())
    }

    async fn wait_text(&mut self, want: &str) -> anyhow::Result<()> {
        while self.text() != want {
            self.receive().await?;
        }
        Ok(())
    }
}
