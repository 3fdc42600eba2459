//! Building and running the server: check the data dir, open and migrate the database, bind
//! the listener, start the workers. Every failure here is a one-line, non-panicking error.

use std::{net::TcpListener, path::Path, sync::Arc, time::Duration};

use actix_web::{HttpServer, dev::Server, web};
use anyhow::Context;

use crate::{
    auth::{
        sessions::SessionPolicy,
        throttle::Throttles,
        tokens::{TokenKeys, load_or_create_secret},
    },
    config::Config,
    db::Database,
    http,
    judge::{Judge, recovery},
    live::{LiveHub, caps::SocketCaps},
    outbox::{Channel, Outbox, Pacing},
    scoring::LeaderboardCache,
    state::AppState,
    telemetry::metrics::Metrics,
    webhooks::{WebhookDeliverer, phases},
};

/// How long a cached leaderboard may be served without an invalidation: the bound on how
/// stale a board can be when another instance changed it.
const LEADERBOARD_TTL: Duration = Duration::from_secs(2);

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    /// Prepares everything and binds the listener; nothing is served until
    /// [`Application::run_until_stopped`].
    pub fn build(mut config: Config) -> anyhow::Result<Self> {
        // The `[[oidc]]` tables are checked here too, for configurations built in code.
        config.check_oidc()?;
        ensure_writable_dir(&config.data_dir)?;
        let oidc = crate::auth::oidc::Providers::new(&config)?;
        // Mail settings fail fast, before anything is opened (`public_url` missing, say).
        let mail = crate::mail::settings(&config)?;
        say_network_settings(&config);
        let db = open_database(&config)?;
        let listener = TcpListener::bind(config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let port = listener
            .local_addr()
            .context("listener has no address")?
            .port();
        let secret = {
            let mut conn = db.checkout(Duration::from_secs(10))?;
            load_or_create_secret(&mut conn, &config.jwt_secret)
                .map_err(|e| anyhow::anyhow!("cannot load the token signing secret: {e}"))?
        };
        let leaderboard = Arc::new(LeaderboardCache::new(db.clone(), LEADERBOARD_TTL));
        let metrics = Metrics::new().context("cannot register metrics")?;
        let mut outbox = Outbox::builder(
            db.clone(),
            outbox_pacing(&config),
            metrics.registry().clone(),
        );
        if let Some((mailer, _)) = &mail {
            outbox = outbox.register(
                Channel::Mail,
                crate::mail::deliver::MailDeliverer::new(mailer.clone()),
            );
        }
        let outbox = outbox
            .register(
                Channel::Webhook,
                Arc::new(
                    WebhookDeliverer::new(
                        db.clone(),
                        Duration::from_millis(config.webhook_timeout_ms.max(100)),
                        config.webhook_allow_private,
                    )
                    .context("cannot build the webhook client")?,
                ),
            )
            .build()
            .context("cannot register the outbox's metrics")?;
        let state = web::Data::new(AppState {
            tokens: TokenKeys::new(&secret, Duration::from_secs(config.access_token_ttl_secs)),
            session_policy: SessionPolicy {
                refresh_ttl: Duration::from_secs(config.refresh_token_ttl_secs),
            },
            throttles: Throttles::new(config.submissions_per_minute),
            socket_caps: SocketCaps::default(),
            live: LiveHub::new(db.clone(), Arc::clone(&leaderboard)),
            board_states: Default::default(),
            board_races: Default::default(),
            leaderboard,
            metrics,
            outbox,
            mail: mail.map(|(_, public)| crate::mail::Links::new(public, &secret)),
            oidc,
            judge: Judge::new(&config)?,
            config: Arc::new(config),
            db,
        });
        let workers = match state.config.workers {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        };
        // Nothing acknowledged is lost: what a previous run left pending is judged now.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(recovery::keep_backlog_judged(state.clone()));
                // Whatever was accepted for delivery and not yet sent goes out now.
                state.outbox.start();
                runtime.spawn(phases::keep_phases_told(state.clone()));
                if state.mail.is_some() {
                    runtime.spawn(crate::actions::mailings::watch(
                        state.clone(),
                        crate::web::pages::report::named_file,
                    ));
                }
                LiveHub::start(&state, &state.config.database()?)?;
            }
            Err(_) => tracing::warn!("no async runtime: pending submissions are not swept"),
        }
        let app_state = state.clone();
        let server = HttpServer::new(move || http::app(app_state.clone()))
            .workers(workers)
            .shutdown_timeout(30)
            .listen(listener)
            .context("cannot start the HTTP server")?
            .run();
        Ok(Self {
            port,
            server,
            state,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Shared state, for in-process tests and background tasks.
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Says at start-up when validators may reach more than public `https://` services: the
/// settings that loosen the network rules are for tests and venues, and whoever reads the
/// log should know they are on.
fn say_network_settings(config: &Config) {
    if config.validator_network_allow_private {
        tracing::warn!(
            "validator_network_allow_private is on: validators of challenges with [network] may \
             reach loopback, private and link-local addresses (this machine, its network, a \
             venue's network) through the endpoints teams set. Use it for tests and closed \
             networks only; cloud-metadata addresses stay refused"
        );
    }
    if config.webhook_allow_private {
        tracing::warn!(
            "webhook_allow_private is on: webhooks may be sent to loopback, private and \
             link-local addresses (this machine, its network). Use it for tests and closed \
             networks only; cloud-metadata addresses stay refused"
        );
    }
    if config.validator_network_allow_http {
        tracing::info!(
            "validator_network_allow_http is on: validators may call http:// URLs, unencrypted"
        );
    }
}

/// How the outbox worker paces itself, from the configuration.
fn outbox_pacing(config: &Config) -> Pacing {
    Pacing {
        poll: Duration::from_millis(config.outbox_poll_ms.max(10)),
        retry_base: Duration::from_millis(config.outbox_retry_base_ms.max(10)),
        lease: Duration::from_millis(config.outbox_lease_ms.max(100)),
    }
}

/// Opens the database and applies pending migrations, failing fast if it is unreachable.
pub fn open_database(config: &Config) -> anyhow::Result<Database> {
    let url = config.database()?;
    let db = Database::open(&url, config.database_pool_size)
        .with_context(|| format!("cannot open database {url}"))?;
    let applied = db
        .migrate()
        .with_context(|| format!("cannot use database {url}"))?;
    if applied > 0 {
        tracing::info!(applied, database = %url, "applied migrations");
    }
    Ok(db)
}

/// The data dir must exist (it is created) and accept files: checked by writing one.
fn ensure_writable_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("data dir {} cannot be created", dir.display()))?;
    let probe = dir.join(".cohack-write-test");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("data dir {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}
