//! The test harness: the real server on `127.0.0.1:0` against a fresh SQLite file, or a
//! fresh, uniquely named PostgreSQL database that is dropped afterwards.
//!
//! PostgreSQL tests run when `COHACK_TEST_POSTGRES` is set (CI sets it); otherwise they print
//! why they skip. `COHACK_TEST_POSTGRES_URL` points at the server (default
//! `postgres://postgres@127.0.0.1:5432`).

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use cohack_server::{config::Config, startup::Application};
use diesel::{Connection, PgConnection, RunQueryDsl};
use tempfile::TempDir;

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and what it needs to be torn down.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    _dir: TempDir,
    handle: actix_web::dev::ServerHandle,
    _pg: Option<PgDatabase>,
}

impl TestApp {
    /// Starts a server for `backend`; `None` (with a printed reason) when PostgreSQL tests are
    /// not enabled.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgDatabase::create()?),
        };
        let database_url = match &pg {
            Some(pg) => pg.url.clone(),
            None => format!("sqlite://{}", dir.path().join("cohack.db").display()),
        };
        Some(Self::spawn_with(dir, database_url, pg).await)
    }

    /// Starts a server on an explicit database URL (used with the proxy in readiness tests).
    pub async fn spawn_on(database_url: String) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn_with(dir, database_url, None).await
    }

    async fn spawn_with(dir: TempDir, database_url: String, pg: Option<PgDatabase>) -> TestApp {
        let config = Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: dir.path().join("data"),
            database_url,
            database_pool_size: 4,
            workers: 2,
            ..Config::default()
        };
        let app = Application::build(config).expect("server builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            client: reqwest::Client::new(),
            _dir: dir,
            handle,
            _pg: pg,
        }
    }

    /// `GET` a path.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }

    /// Stops the server (in-flight requests finish first).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// A uniquely named PostgreSQL database, dropped (with its connections) when this is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// The server URL without a database name.
    pub fn server_url() -> String {
        std::env::var("COHACK_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
    }

    /// Creates a fresh database, or `None` when PostgreSQL tests are not enabled.
    pub fn create() -> Option<PgDatabase> {
        if std::env::var_os("COHACK_TEST_POSTGRES").is_none() {
            eprintln!("skipping PostgreSQL test: set COHACK_TEST_POSTGRES=1 to run it");
            return None;
        }
        let server = Self::server_url();
        let name = format!("cohack_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::establish(&format!("{server}/postgres"))
            .expect("COHACK_TEST_POSTGRES is set but PostgreSQL is not reachable");
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .expect("create test database");
        Some(PgDatabase {
            url: format!("{server}/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", Self::server_url())) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// Generates `NAME::sqlite` and `NAME::postgres` tests from `async fn NAME(app: TestApp)`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::harness::TestApp::spawn($crate::harness::Backend::Sqlite)
                        .await
                        .expect("sqlite is always available");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) =
                        $crate::harness::TestApp::spawn($crate::harness::Backend::Postgres).await
                    {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}

/// The `cohack` binary under test.
pub fn cohack() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cohack"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("COHACK_CONFIG")
        .env_remove("COHACK_BIND")
        .env_remove("COHACK_DATA_DIR")
        .env_remove("COHACK_DATABASE_URL")
        .env_remove("COHACK_ADMIN_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

/// Runs `cohack` in `dir` with `args` and returns its output.
pub fn run_cohack(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = cohack();
    command.current_dir(dir).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("cohack runs")
}

/// A free local port (bound then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Path helper for readable assertions.
pub fn path_str(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The data dir a CLI test uses.
pub fn data_dir(dir: &TempDir) -> PathBuf {
    dir.path().join("data")
}
