//! Persistence: one connection type for SQLite and PostgreSQL, a pool, embedded migrations,
//! and the one way database work is run — on tokio's blocking pool, never on the executor.
//!
//! The backend is chosen by the URL scheme ([`DatabaseUrl`]). Both backends go through the
//! same diesel code: [`DbConnection`] is a `MultiConnection`, and the schema in [`schema`]
//! only uses types that mean the same on both. Backend-specific SQL lives here and nowhere
//! else: the SQLite pragmas set on every new connection, and migrations per backend folder.

mod connection;
mod group_commit;
pub mod schema;

pub use connection::DbConnection;
pub use group_commit::GroupCommitStats;

use std::{sync::Arc, time::Duration};

use diesel::{
    Connection, PgConnection, SqliteConnection,
    connection::SimpleConnection,
    r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection},
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::config::DatabaseUrl;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// Set on every new SQLite connection: a busy timeout so a second connection or process (the
/// CLI) waits instead of failing, WAL so readers never block the writer, and foreign keys, which
/// SQLite leaves off by default. `synchronous = NORMAL` is durable against process crashes in
/// WAL mode; only a power loss can drop the last commits. The busy timeout comes first: setting
/// the journal mode takes a lock, and a connection opened while the writer holds one (a pool
/// growing under a burst of sign-ups) could otherwise fail at once with SQLITE_BUSY.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// How long a request waits for a pooled connection before the database counts as unavailable.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which backend a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Errors of the persistence layer. HTTP mapping happens in [`crate::error`].
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be made or checked out in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A query failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// Applying migrations failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// The blocking task running the query panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
}

/// The pooled database, cheap to clone.
#[derive(Clone)]
pub struct Database {
    pool: Pool<Manager>,
    backend: Backend,
    /// SQLite allows one writer at a time; queueing writers here, instead of letting them
    /// spin on `SQLITE_BUSY`, keeps write latency flat and avoids lock-upgrade deadlocks.
    /// PostgreSQL has no such lock.
    writer: Option<Arc<Mutex<()>>>,
    /// Writes queued to be committed together ([`Database::write_grouped`]).
    grouped: Arc<group_commit::GroupCommit>,
}

impl Database {
    /// Opens a pool for `url`. Nothing is connected yet: call [`Database::migrate`] (which
    /// connects) to fail fast on an unreachable database.
    pub fn open(url: &DatabaseUrl, pool_size: u32) -> Result<Self, DbError> {
        let backend = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        DbError::Unavailable(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                Backend::Sqlite
            }
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        };
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .test_on_check_out(true)
            // Connection failures surface through `checkout`'s error (and `/readyz`); r2d2's
            // own logging would print them a second time.
            .error_handler(Box::new(diesel::r2d2::NopErrorHandler))
            // `build_unchecked`: an outage after start-up must not stop the server from
            // starting its listener; `/readyz` reports it instead.
            .build_unchecked(Manager { url: url.clone() });
        let writer = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        let grouped = Arc::new(group_commit::GroupCommit::start(
            pool.clone(),
            backend,
            writer.clone(),
        ));
        Ok(Self {
            pool,
            backend,
            writer,
            grouped,
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies pending migrations, returning how many were applied.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.checkout(CHECKOUT_TIMEOUT)?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            DbConnection::Postgres(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        applied.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Whether the database answers within `timeout` and has every migration applied.
    pub fn check_ready(&self, timeout: Duration) -> Result<(), DbError> {
        let mut conn = self.checkout(timeout)?;
        let pending = match &mut *conn {
            DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
            DbConnection::Postgres(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))?;
        if pending {
            return Err(DbError::Migration("migrations are pending".into()));
        }
        Ok(())
    }

    /// Connections in the pool and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// The pool's maximum size.
    pub fn pool_max(&self) -> u32 {
        self.pool.max_size()
    }

    /// Runs read-only or self-contained work on a pooled connection, off the async executor.
    pub async fn run<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.spawn(None, work).await
    }

    /// Runs work that writes. On SQLite, writers queue here one at a time (see `writer`).
    pub async fn write<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let guard = match &self.writer {
            Some(lock) => Some(Arc::clone(lock).lock_owned().await),
            None => None,
        };
        self.spawn(guard, work).await
    }

    /// Runs a write in a transaction shared with the other grouped writes queued at the same
    /// time (see [`group_commit`]), and answers once that transaction committed. `work` may run
    /// twice (once in the batch, once alone when another item of the batch refused), so it must
    /// be a `Fn` that does the same again; it must not open a transaction of its own where it can
    /// avoid it (on PostgreSQL a nested one is two more round trips for its savepoint).
    pub async fn write_grouped<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.grouped.write(work).await
    }

    /// What group commit has done since the start.
    pub fn group_commit_stats(&self) -> GroupCommitStats {
        self.grouped.stats()
    }

    async fn spawn<F, T, E>(&self, guard: Option<OwnedMutexGuard<()>>, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let _guard = guard;
            let mut conn = db.checkout(CHECKOUT_TIMEOUT)?;
            work(&mut conn)
        })
        .await
        .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }

    /// A blocking checkout, for the CLI and for code already on a blocking thread.
    pub fn checkout(&self, timeout: Duration) -> Result<PooledConnection<Manager>, DbError> {
        self.pool.get_timeout(timeout).map_err(|e| {
            DbError::Unavailable(
                e.to_string()
                    .trim_end()
                    .lines()
                    .last()
                    .unwrap_or("timed out")
                    .to_owned(),
            )
        })
    }
}

/// Makes connections for the pool from the URL, setting SQLite's pragmas on each.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(&with_connect_timeout(url))
                .map(DbConnection::Postgres)
                .map_err(diesel::r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// libpq waits forever for an unreachable host by default; a bounded connect keeps
/// `/readyz` and start-up honest.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout=5")
}

/// A new random identifier (UUIDv7: unique, and sortable by creation time).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time as stored in the database: UTC, microsecond precision (PostgreSQL's).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}
