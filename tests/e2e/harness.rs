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
    time::Duration,
};

use cohack_server::{
    config::Config,
    models::{
        organization::Organization,
        user::{NewUser, User},
    },
    startup::Application,
};
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{Value, json};
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
    pub state: actix_web::web::Data<cohack_server::state::AppState>,
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

    /// Starts a server for `backend` with `configure` applied to its configuration; `None` as
    /// [`TestApp::spawn`].
    pub async fn spawn_configured_for(
        backend: Backend,
        configure: impl FnOnce(&mut Config),
    ) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let pg = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(PgDatabase::create()?),
        };
        let database_url = match &pg {
            Some(pg) => pg.url.clone(),
            None => format!("sqlite://{}", dir.path().join("cohack.db").display()),
        };
        let mut config = Self::test_config(&dir, database_url);
        configure(&mut config);
        Some(Self::spawn_configured(dir, config, pg).await)
    }

    /// Starts a server on an explicit database URL (used with the proxy in readiness tests).
    pub async fn spawn_on(database_url: String) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::spawn_with(dir, database_url, None).await
    }

    /// Starts a second server on this one's database (a restart, or another instance), with
    /// `configure` applied to its configuration.
    pub async fn spawn_sibling(&self, configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Self::test_config(&dir, self.state.config.database_url.clone());
        configure(&mut config);
        Self::spawn_configured(dir, config, None).await
    }

    fn test_config(dir: &TempDir, database_url: String) -> Config {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: dir.path().join("data"),
            database_url,
            database_pool_size: 4,
            workers: 2,
            ..Config::default()
        }
    }

    async fn spawn_with(dir: TempDir, database_url: String, pg: Option<PgDatabase>) -> TestApp {
        let config = Self::test_config(&dir, database_url);
        Self::spawn_configured(dir, config, pg).await
    }

    async fn spawn_configured(dir: TempDir, config: Config, pg: Option<PgDatabase>) -> TestApp {
        // The server's warnings and errors (an internal error's cause, say) go to the test's
        // own output, which the runner shows only for a test that fails.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
            .with_test_writer()
            .try_init();
        let app = Application::build(config).expect("server builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let state = app.state();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            address,
            // The server closes a keep-alive connection idle for 5 s (actix-web's default); a
            // pooled connection reused at that moment fails with "IncompleteMessage" (a test
            // that built a validator between two requests hit it). Dropping idle connections
            // sooner than the server does avoids the race.
            client: reqwest::Client::builder()
                .pool_idle_timeout(Duration::from_secs(2))
                .build()
                .expect("an HTTP client"),
            state,
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
            .unwrap_or_else(|e| panic!("GET {path} not sent: {e:?}"))
    }

    /// `GET` a path as `token`'s user.
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} not sent: {e:?}"))
    }

    /// `POST` JSON, optionally as `token`'s user.
    pub async fn post(&self, token: Option<&str>, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, token, path, body).await
    }

    /// Any method with a JSON body, optionally as `token`'s user.
    pub async fn send(
        &self,
        method: reqwest::Method,
        token: Option<&str>,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.address))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path} not sent: {e:?}"))
    }

    /// Registers a participant account in `organization` and returns its tokens.
    pub async fn register(&self, email: &str, organization: &str) -> Account {
        let response = self
            .post(
                None,
                "/api/v1/auth/register",
                &json!({
                    "email": email,
                    "password": PASSWORD,
                    "display_name": email.split('@').next().unwrap_or(email),
                    "organization": organization,
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "register {email}");
        Account::from_auth(response.json().await.expect("auth json"))
    }

    /// Logs in with the test password.
    pub async fn login(&self, email: &str) -> Account {
        let response = self
            .post(
                None,
                "/api/v1/auth/login",
                &json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(response.status(), 200, "login {email}");
        Account::from_auth(response.json().await.expect("auth json"))
    }

    /// A portal organizer (as `cohack admin create-organizer` makes), logged in.
    pub async fn portal_organizer(&self, email: &str) -> Account {
        let hash = cohack_server::auth::password::hash(PASSWORD).expect("hash");
        let email_owned = email.to_owned();
        self.state
            .db
            .write(move |conn| {
                let org = Organization::find_or_create(conn, "Vendor")?;
                User::create(
                    conn,
                    NewUser {
                        email: &email_owned,
                        password_hash: hash,
                        display_name: "Organizer",
                        organization_id: &org.id,
                        is_portal_organizer: true,
                    },
                )
                .map(|_| ())
            })
            .await
            .expect("organizer created");
        self.login(email).await
    }

    /// Stops the server (in-flight requests finish first).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery staple";

/// A logged-in test user.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub organization_id: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl Account {
    fn from_auth(body: Value) -> Account {
        let text = |v: &Value| v.as_str().expect("string field").to_owned();
        Account {
            id: text(&body["user"]["id"]),
            email: text(&body["user"]["email"]),
            organization_id: text(&body["user"]["organization"]["id"]),
            access_token: text(&body["access_token"]),
            refresh_token: text(&body["refresh_token"]),
        }
    }

    /// The bearer token.
    pub fn token(&self) -> Option<&str> {
        Some(&self.access_token)
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
        if let Ok(mut admin) = PgConnection::establish(&format!("{}/postgres", Self::server_url()))
        {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ))
            .execute(&mut admin);
        }
    }
}

/// Generates `NAME::sqlite` and `NAME::postgres` tests from `async fn NAME(app: TestApp)`.
/// `backend_tests!(config = CONFIGURE; NAME, …)` starts each server with
/// `fn CONFIGURE(&mut Config)` (of the calling module) applied to its configuration;
/// `backend_tests!(backend; NAME, …)` hands `async fn NAME(backend: Backend)` the backend
/// alone, for tests that start something else before the server (an SMTP sink).
#[macro_export]
macro_rules! backend_tests {
    (backend; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::harness::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::harness::PgDatabase::create().is_some() {
                        super::$name($crate::harness::Backend::Postgres).await;
                    }
                }
            }
        )+
    };
    (config = $configure:ident; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::harness::TestApp::spawn_configured_for(
                        $crate::harness::Backend::Sqlite,
                        super::$configure,
                    )
                    .await
                    .expect("sqlite is always available");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = $crate::harness::TestApp::spawn_configured_for(
                        $crate::harness::Backend::Postgres,
                        super::$configure,
                    )
                    .await
                    {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
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

/// Builds the sample challenges in `challenges/` for wasm32-wasip2, once per test process,
/// and returns a folder with copies of their `.wasm` files (`<crate_name>.wasm`). Copies,
/// because a test that builds one package on its own (as `cohack challenge publish` does)
/// rewrites its artifact in the shared target directory.
pub fn built_challenges() -> &'static Path {
    static BUILT: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let repo = repo_root();
            let target = repo.join("target/challenges");
            let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args(["build", "--release", "--target", "wasm32-wasip2"])
                .current_dir(repo.join("challenges"))
                .env("CARGO_TARGET_DIR", &target)
                // Flags meant for the host build (coverage, sanitizers) must not reach the guests.
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building challenges/ failed");
            let copies = tempfile::tempdir().expect("temp dir");
            let release = target.join("wasm32-wasip2/release");
            for entry in std::fs::read_dir(&release).expect("release dir") {
                let path = entry.expect("entry").path();
                if path.extension().is_some_and(|e| e == "wasm") {
                    let name = path.file_name().expect("file name");
                    std::fs::copy(&path, copies.path().join(name)).expect("copy wasm");
                }
            }
            copies
        })
        .path()
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("server/ has a parent")
        .to_path_buf()
}
