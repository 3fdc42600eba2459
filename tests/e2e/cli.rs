//! The `cohack` binary as an operator uses it: help, configuration errors, serving, stopping
//! and starting again, migrations, and readiness while the database comes and goes.

use std::{
    net::SocketAddr,
    process::{Child, Stdio},
    time::{Duration, Instant},
};

use crate::{
    harness::{
        PgDatabase, TestApp, built_challenges, cohack, data_dir, free_port, path_str, repo_root,
        run_cohack,
    },
    pg_proxy::PgProxy,
};

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["admin", "--help"],
        vec!["admin", "create-organizer", "--help"],
    ] {
        let out = run_cohack(dir.path(), &args, &[]);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage:"), "{args:?}: {text}");
    }
    let serve = run_cohack(dir.path(), &["serve", "--help"], &[]);
    let text = String::from_utf8_lossy(&serve.stdout);
    for flag in ["--bind", "--data-dir", "--database-url", "--print-config"] {
        assert!(text.contains(flag), "serve --help lacks {flag}");
    }
}

/// Runs a command expected to fail, and checks it says so in one line without a panic.
fn assert_one_line_failure(args: &[&str], env: &[(&str, &str)], expected: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let out = run_cohack(dir.path(), args, env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: one line expected, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(
        lines[0].to_lowercase().contains(&expected.to_lowercase()),
        "{args:?}: {stderr} should mention {expected:?}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
}

#[test]
fn bad_configuration_fails_in_one_line() {
    assert_one_line_failure(
        &["serve", "--database-url", "mysql://localhost/x"],
        &[],
        "malformed database url",
    );
    assert_one_line_failure(
        &["migrate"],
        &[("DATABASE_URL", "postgres://")],
        "malformed database url",
    );
    assert_one_line_failure(
        &[
            "serve",
            "--database-url",
            "postgres://postgres@127.0.0.1:1/nothing",
        ],
        &[],
        "cannot use database",
    );
    assert_one_line_failure(&["serve", "--bind", "not-an-address"], &[], "bind");
    assert_one_line_failure(
        &["serve"],
        &[("COHACK_BIND", "999.1.1.1:80")],
        "COHACK_BIND",
    );
    assert_one_line_failure(
        &["serve"],
        &[("COHACK_DATABASE_POOL_SIZE", "many")],
        "COHACK_DATABASE_POOL_SIZE",
    );
    assert_one_line_failure(
        &["serve", "--data-dir", "/proc/cohack-cannot-be-here"],
        &[],
        "data dir",
    );
    assert_one_line_failure(
        &["serve", "--config", "/nonexistent/cohack.toml"],
        &[],
        "does not exist",
    );
}

#[test]
fn bad_config_files_fail_in_one_line() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("cohack.toml"),
        "bind = \"127.0.0.1:0\"\nbnid = 3\n",
    )
    .expect("write");
    let out = run_cohack(dir.path(), &["serve", "--print-config"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("bnid"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");

    std::fs::write(dir.path().join("cohack.toml"), "bind = [").expect("write");
    let out = run_cohack(dir.path(), &["serve", "--print-config"], &[]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim().lines().count(),
        1
    );
}

#[test]
fn oidc_tables_are_checked_in_one_line_and_their_secrets_masked() {
    let dir = tempfile::tempdir().expect("dir");
    let good = "public_url = \"https://hack.example.com\"\n\
                [[oidc]]\nid = \"vendor-sso\"\nlabel = \"Vendor\"\n\
                issuer = \"https://login.vendor.example\"\nclient_id = \"cohack\"\n\
                client_secret = \"s3cret-in-file\"\nstaff = true\n\
                [[oidc]]\nid = \"google\"\nlabel = \"Google\"\n\
                issuer = \"https://accounts.google.com\"\nclient_id = \"g\"\n";
    std::fs::write(dir.path().join("cohack.toml"), good).expect("write");
    let out = run_cohack(
        dir.path(),
        &["serve", "--print-config"],
        &[("COHACK_OIDC_GOOGLE_CLIENT_SECRET", "s3cret-in-env")],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stdout.contains("s3cret"), "a secret shown: {stdout}");
    assert_eq!(
        stdout.matches("client_secret = \"***\"").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("id = \"vendor-sso\""), "{stdout}");

    // Without the environment's secret the second table names itself.
    let out = run_cohack(dir.path(), &["serve", "--print-config"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("table 2 (id \"google\")"), "{stderr}");
    assert!(
        stderr.contains("COHACK_OIDC_GOOGLE_CLIENT_SECRET"),
        "{stderr}"
    );

    let secret = [
        ("COHACK_OIDC_GOOGLE_CLIENT_SECRET", "x"),
        ("COHACK_OIDC_VENDOR_SSO_CLIENT_SECRET", "x"),
    ];
    for (bad, named) in [
        (
            good.replace(
                "https://login.vendor.example",
                "http://login.vendor.example",
            ),
            "https://",
        ),
        (good.replace("vendor-sso", "Vendor SSO"), "id must be"),
        (
            good.replace("id = \"google\"", "id = \"vendor-sso\""),
            "same id",
        ),
        (good.replace("staff = true", "staf = true"), "staf"),
        (
            good.replace("public_url = \"https://hack.example.com\"", ""),
            "public_url",
        ),
    ] {
        std::fs::write(dir.path().join("cohack.toml"), &bad).expect("write");
        let out = run_cohack(dir.path(), &["serve", "--print-config"], &secret);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "accepted: {bad}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(named), "{named:?} not in: {stderr}");
    }
}

#[test]
fn port_in_use_fails_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("dir");
    let out = run_cohack(dir.path(), &["serve", "--bind", &addr], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(stderr.to_lowercase().contains("in use"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

#[test]
fn configuration_layers_in_order_and_masks_secrets() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("cohack.toml"),
        "bind = \"127.0.0.1:7000\"\ndatabase_pool_size = 3\nworkers = 5\n",
    )
    .expect("write");
    let out = run_cohack(
        dir.path(),
        &["serve", "--print-config", "--bind", "127.0.0.1:9000"],
        &[
            ("COHACK_BIND", "127.0.0.1:8000"),
            ("COHACK_WORKERS", "7"),
            ("DATABASE_URL", "postgres://app:hunter2@db.example/cohack"),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("bind = \"127.0.0.1:9000\""),
        "flag wins: {stdout}"
    );
    assert!(stdout.contains("workers = 7"), "env beats file: {stdout}");
    assert!(
        stdout.contains("database_pool_size = 3"),
        "file beats default: {stdout}"
    );
    assert!(!stdout.contains("hunter2"), "password shown: {stdout}");
    assert!(stdout.contains("app:***@db.example"), "{stdout}");
}

struct Served {
    child: Child,
    address: String,
}

impl Served {
    fn start(dir: &std::path::Path) -> Served {
        let port = free_port();
        let child = cohack()
            .current_dir(dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let served = Served {
            child,
            address: format!("127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(&served.address).is_err() {
            assert!(Instant::now() < deadline, "server did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        served
    }

    fn get(&self, path: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.address).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let status = response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        (status, response)
    }

    /// SIGTERM, then wait: a graceful stop exits 0.
    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let exit = self.child.wait().expect("wait");
        assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn serve_on_sqlite_keeps_data_across_restarts() {
    let dir = tempfile::tempdir().expect("dir");
    let served = Served::start(dir.path());
    let (status, body) = served.get("/healthz");
    assert_eq!(status, 200, "{body}");
    assert_eq!(served.get("/readyz").0, 200);
    assert!(
        data_dir(&dir).join("cohack.db").exists(),
        "SQLite file under ./data"
    );

    let created = run_cohack(
        dir.path(),
        &["admin", "create-organizer", "--email", "Org@Example.com"],
        &[("COHACK_ADMIN_PASSWORD", "a long enough password")],
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        String::from_utf8_lossy(&created.stdout)
            .contains("created portal organizer org@example.com")
    );
    served.terminate();

    let served = Served::start(dir.path());
    assert_eq!(served.get("/healthz").0, 200);
    served.terminate();
    let again = run_cohack(
        dir.path(),
        &["admin", "create-organizer", "--email", "org@example.com"],
        &[("COHACK_ADMIN_PASSWORD", "another long password")],
    );
    assert!(again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("existing account"),
        "the account survived the restarts"
    );
}

#[test]
fn create_organizer_reads_the_password_from_stdin_never_argv() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("dir");
    let mut child = cohack()
        .current_dir(dir.path())
        .args(["admin", "create-organizer", "--email", "a@example.com"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"piped password 123\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A short password, an empty stdin and a bad email are refused in one line.
    let short = run_cohack(
        dir.path(),
        &["admin", "create-organizer", "--email", "b@example.com"],
        &[("COHACK_ADMIN_PASSWORD", "short")],
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least"));
    let empty = run_cohack(
        dir.path(),
        &["admin", "create-organizer", "--email", "c@example.com"],
        &[],
    );
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("COHACK_ADMIN_PASSWORD"));
    let bad_email = run_cohack(
        dir.path(),
        &["admin", "create-organizer", "--email", "not-an-email"],
        &[("COHACK_ADMIN_PASSWORD", "a long enough password")],
    );
    assert!(!bad_email.status.success());
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("email"));
}

#[test]
fn migrate_applies_from_empty_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("fresh.db");
    let url = format!("sqlite://{}", path_str(&db));
    let out = run_cohack(dir.path(), &["migrate", "--database-url", &url], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    assert!(db.exists());
    // Twice is fine: nothing pending.
    let out = run_cohack(dir.path(), &["migrate", "--database-url", &url], &[]);
    assert!(out.status.success());
}

#[test]
fn migrate_applies_from_empty_on_postgres() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let out = run_cohack(
        dir.path(),
        &["migrate"],
        &[("DATABASE_URL", pg.url.as_str())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_follows_the_database_without_a_restart() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let upstream: SocketAddr = url_host_port(&PgDatabase::server_url());
    let mut proxy = PgProxy::start(upstream).await;
    let database = pg.url.rsplit('/').next().expect("db name").to_owned();
    let user = "postgres";
    let app = TestApp::spawn_on(format!(
        "postgres://{user}@127.0.0.1:{}/{database}",
        proxy.port
    ))
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.cut();
    let down = app.get("/readyz").await;
    assert_eq!(down.status(), 503);
    let body: serde_json::Value = down.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unavailable");
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "alive while the db is down"
    );

    proxy.restore().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if app.get("/readyz").await.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "readyz did not recover");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.stop().await;
    drop(pg);
}

fn url_host_port(url: &str) -> SocketAddr {
    let parsed = url::Url::parse(url).expect("postgres url");
    let host = parsed.host_str().unwrap_or("127.0.0.1");
    let port = parsed.port().unwrap_or(5432);
    format!("{host}:{port}").parse().expect("host:port")
}

/// A tiny HTTP/1.1 service on 127.0.0.1 for `challenge test --live`: `GET /health` answers
/// `health_status` with `{"status":"ok"}`, `GET /echo?value=V` answers `{"value":"V"}`.
/// One request per connection; it stops when dropped.
struct ShipItService {
    address: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl ShipItService {
    fn start(health_status: u16) -> ShipItService {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = listener.local_addr().expect("address");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let target = request_line.split_whitespace().nth(1).unwrap_or("/");
                let (status, body) = match target.split_once('?') {
                    None if target == "/health" => (health_status, r#"{"status":"ok"}"#.to_owned()),
                    Some(("/echo", query)) => {
                        let value = query.strip_prefix("value=").unwrap_or("");
                        (200, format!(r#"{{"value":"{value}"}}"#))
                    }
                    _ => (404, r#"{"error":"not found"}"#.to_owned()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        ShipItService { address, stop }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for ShipItService {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop up so that it sees the flag.
        let _ = std::net::TcpStream::connect(self.address);
    }
}

/// `cohack challenge test --live URL` runs the passing samples of `06-ship-it` against a real
/// service on this machine: a working one passes, one whose `/health` answers 500 fails, and
/// a challenge without `[network]` has nothing to test live.
#[test]
fn challenge_test_live_calls_the_service_at_the_url() {
    built_challenges();
    let target = repo_root().join("target/challenges");
    let target = target.to_string_lossy();
    let package = repo_root().join("challenges/06-ship-it");
    let package = package.to_string_lossy();
    let dir = tempfile::tempdir().expect("dir");
    let live = |url: &str| {
        run_cohack(
            dir.path(),
            &["challenge", "test", "--live", url, &package],
            &[("CARGO_TARGET_DIR", &target)],
        )
    };

    let working = ShipItService::start(200);
    let out = live(&working.url());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("pass/working-service: pass 600/600"),
        "{stdout}"
    );
    assert!(stdout.contains("ok   health: "), "{stdout}");
    assert!(stdout.contains("ok   echo: "), "{stdout}");
    let health = format!("GET {}/health → 200 in ", working.url());
    assert!(stdout.contains(&health), "{stdout}");
    assert!(
        stdout.contains(&format!("GET {}/echo?value=", working.url())),
        "{stdout}"
    );
    assert!(
        stdout.contains("skipped fail/health-500"),
        "fail samples are skipped with a note: {stdout}"
    );
    drop(working);

    let broken = ShipItService::start(500);
    let out = live(&broken.url());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("pass/working-service: fail"), "{stdout}");
    assert!(stdout.contains("FAIL health: "), "{stdout}");
    assert!(
        stdout.contains(&format!("GET {}/health → 500 in ", broken.url())),
        "{stdout}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("error: ") && l.contains("did not pass against")),
        "{stderr}"
    );
    drop(broken);

    let first_contact = repo_root().join("challenges/01-first-contact");
    let out = run_cohack(
        dir.path(),
        &[
            "challenge",
            "test",
            "--live",
            "http://127.0.0.1:9",
            &first_contact.to_string_lossy(),
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no [network] section"), "{stderr}");
}

/// `cohack challenge new DIR --lang LANG`, then `cohack challenge test DIR`: the package
/// builds with the language's tools (installed into the tools folder the tests share) and
/// passes its own samples. Returns the folder (the package is `hello-lang` in it) and the
/// test's stdout and stderr.
fn new_package_in_language_passes_its_samples(
    language: &str,
) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("dir");
    let tools = repo_root().join("target/cohack-tools");
    let tools = tools.to_string_lossy();
    let env = [("COHACK_TOOLS_DIR", &*tools)];
    let created = run_cohack(
        dir.path(),
        &["challenge", "new", "hello-lang", "--lang", language],
        &env,
    );
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        stdout.contains(&format!("({language} validator)")),
        "{stdout}"
    );
    let manifest =
        std::fs::read_to_string(dir.path().join("hello-lang/challenge.toml")).expect("manifest");
    assert!(
        manifest.contains(&format!("language = \"{language}\"")),
        "{manifest}"
    );

    let tested = run_cohack(dir.path(), &["challenge", "test", "hello-lang"], &env);
    let stdout = String::from_utf8_lossy(&tested.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&tested.stderr).into_owned();
    assert!(tested.status.success(), "{stdout}\n{stderr}");
    for row in ["pass/correct", "fail/wrong-answer", "fail/missing-file"] {
        assert!(stdout.contains(row), "{row} missing from\n{stdout}");
    }
    assert!(stdout.contains("3 samples, 3 ok, 0 mismatched"), "{stdout}");
    (dir, stdout, stderr)
}

/// A Python package from `challenge new` to `challenge test` to `challenge publish`: the
/// server re-runs its samples on its own sandbox and the version goes live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_python_challenge_builds_passes_its_samples_and_publishes() {
    let (dir, _, progress) =
        tokio::task::spawn_blocking(|| new_package_in_language_passes_its_samples("python"))
            .await
            .expect("ran");
    assert!(
        progress.contains("with componentize-py 0.25.1"),
        "the build's progress is streamed: {progress}"
    );

    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = crate::challenges::running_event(&app, "py").await;
    let token = event.organizer.access_token.clone();
    let tools = repo_root().join("target/cohack-tools");
    let args = [
        "challenge".to_owned(),
        "publish".to_owned(),
        "hello-lang".to_owned(),
        "--url".to_owned(),
        app.address.clone(),
        "--event".to_owned(),
        "py".to_owned(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let tools = tools.to_string_lossy();
        run_cohack(
            dir.path(),
            &args,
            &[("COHACK_TOKEN", &token), ("COHACK_TOOLS_DIR", &tools)],
        )
    })
    .await
    .expect("ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stderr.contains("is up to date"), "built once: {stderr}");
    assert!(stdout.contains("published `hello-lang` v1"), "{stdout}");
    assert!(
        stdout.contains("fail/wrong-answer"),
        "the server's table: {stdout}"
    );
}

#[test]
fn a_new_javascript_challenge_builds_and_passes_its_samples() {
    let (_, _, progress) = new_package_in_language_passes_its_samples("javascript");
    assert!(
        progress.contains("with componentize-js 0.23.0"),
        "the build's progress is streamed: {progress}"
    );
}

#[test]
fn challenge_new_refuses_an_unknown_language() {
    let dir = tempfile::tempdir().expect("dir");
    let out = run_cohack(
        dir.path(),
        &["challenge", "new", "hello-go", "--lang", "go"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("`go` is not a validator language: rust, python or javascript"),
        "{stderr}"
    );
    assert!(!dir.path().join("hello-go").exists());
}
