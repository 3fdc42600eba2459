//! Group commit: writes that arrive together are stored in one transaction.
//!
//! A submission and its verdict are each one small write. Committed one at a time, every one
//! pays a hop to the blocking pool, a turn at SQLite's writer lock (or, on PostgreSQL, a WAL
//! flush and the round trips of `BEGIN` and `COMMIT`), and at a few thousand per second that
//! cost is the whole budget. Here every such write is queued; a committer thread takes
//! whatever has queued up while the previous batch was committing, runs it in ONE
//! transaction, commits, and only then answers each caller. So an answer still means
//! "durably stored": nobody hears `Ok` before the transaction holding their write committed.
//!
//! One bad item must not fail the others: each item's closure may refuse (return `Err`), and
//! then the whole batch is rolled back and every item is run again in a transaction of its own,
//! so the others are stored and the bad one gets its own error. The common case, where all
//! items succeed, pays for no savepoints. Because an item may run twice, its work must be a
//! `Fn` that does the same thing again (all writes here are).
//!
//! Batches are naturally sized: under a light load each batch holds one item and nothing
//! waits; under a heavy one the queue fills while a batch commits. SQLite runs one committer
//! (it allows one writer, and the committer takes the same writer lock as
//! [`super::Database::write`]); PostgreSQL runs [`POSTGRES_COMMITTERS`], so that one batch's
//! statements overlap another's WAL flush.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    time::Duration,
};

use diesel::{Connection, r2d2::Pool};
use tokio::sync::oneshot;

use super::{Backend, DbConnection, DbError, Manager};

/// Most items in one transaction: bounds how long one batch holds the writer lock.
const MAX_BATCH: usize = 256;

/// Committer threads on PostgreSQL (one on SQLite).
pub(super) const POSTGRES_COMMITTERS: usize = 2;

/// How long a committer waits for a pooled connection.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// One queued write, with the channel its caller waits on.
trait Queued: Send {
    /// Runs the write in the open transaction; `false` when it refused.
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    /// Answers the caller with the result of its last run (after that run committed, or
    /// when it refused and was rolled back).
    fn answer(self: Box<Self>);
    /// Answers the caller that nothing was stored.
    fn fail(self: Box<Self>, error: String);
}

struct Item<F, T, E> {
    work: F,
    result: Option<Result<T, E>>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<F, T, E> Queued for Item<F, T, E>
where
    F: Fn(&mut DbConnection) -> Result<T, E> + Send,
    T: Send,
    E: From<DbError> + Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let result = (self.work)(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn answer(self: Box<Self>) {
        let Item { result, reply, .. } = *self;
        let result = result.unwrap_or_else(|| {
            Err(E::from(DbError::Task(
                "group commit: item never ran".into(),
            )))
        });
        // The caller may have gone away (its request was cancelled): what committed stays.
        let _ = reply.send(result);
    }

    fn fail(self: Box<Self>, error: String) {
        let _ = self.reply.send(Err(E::from(DbError::Task(error))));
    }
}

/// What the committers have done since the start (for tests, benchmarks and the logs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCommitStats {
    /// Transactions that held a batch (one per batch, retries alone not counted).
    pub batches: u64,
    /// Writes taken from the queue.
    pub items: u64,
    /// Batches of several items in which one refused, so that each was run alone.
    pub split: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    items: AtomicU64,
    split: AtomicU64,
}

/// The queue of grouped writes and its committer threads.
pub(super) struct GroupCommit {
    queue: Mutex<mpsc::Sender<Box<dyn Queued>>>,
    counters: Arc<Counters>,
}

impl GroupCommit {
    /// Starts the committers over `pool`; they stop when the queue is dropped.
    pub(super) fn start(
        pool: Pool<Manager>,
        backend: Backend,
        writer: Option<Arc<tokio::sync::Mutex<()>>>,
    ) -> Self {
        let (tx, rx) = mpsc::channel::<Box<dyn Queued>>();
        let rx = Arc::new(Mutex::new(rx));
        let counters = Arc::new(Counters::default());
        let committers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_COMMITTERS,
        };
        for n in 0..committers {
            let (pool, writer, rx) = (pool.clone(), writer.clone(), Arc::clone(&rx));
            let counters = Arc::clone(&counters);
            let spawned = std::thread::Builder::new()
                .name(format!("group-commit-{n}"))
                .spawn(move || committer(&pool, writer.as_deref(), &rx, &counters));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "group commit: committer thread not started");
            }
        }
        Self {
            queue: Mutex::new(tx),
            counters,
        }
    }

    /// The counters so far.
    pub(super) fn stats(&self) -> GroupCommitStats {
        GroupCommitStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            items: self.counters.items.load(Ordering::Relaxed),
            split: self.counters.split.load(Ordering::Relaxed),
        }
    }

    /// Queues `work` and waits until the transaction holding it committed (or it refused).
    pub(super) async fn write<F, T, E>(&self, work: F) -> Result<T, E>
    where
        F: Fn(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let item: Box<dyn Queued> = Box::new(Item {
            work,
            result: None,
            reply,
        });
        let sent = match self.queue.lock() {
            Ok(queue) => queue.send(item).is_ok(),
            Err(_) => false,
        };
        if !sent {
            return Err(E::from(DbError::Task("group commit stopped".into())));
        }
        answer
            .await
            .map_err(|_| E::from(DbError::Task("group commit dropped a write".into())))?
    }
}

/// A committer: waits for a first item, takes whatever else is queued (up to [`MAX_BATCH`]),
/// commits it, answers, and starts again.
fn committer(
    pool: &Pool<Manager>,
    writer: Option<&tokio::sync::Mutex<()>>,
    rx: &Mutex<mpsc::Receiver<Box<dyn Queued>>>,
    counters: &Counters,
) {
    loop {
        let batch = {
            let Ok(rx) = rx.lock() else { return };
            let Ok(first) = rx.recv() else { return };
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(item) => batch.push(item),
                    Err(_) => break,
                }
            }
            batch
        };
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters
            .items
            .fetch_add(batch.len() as u64, Ordering::Relaxed);
        // SQLite: the same writer lock as `Database::write`, so grouped and single writes
        // never contend for SQLite's own lock.
        let _guard = writer.map(tokio::sync::Mutex::blocking_lock);
        match pool.get_timeout(CHECKOUT_TIMEOUT) {
            Ok(mut conn) => {
                // A panicking item must not take the committer with it: its batch's callers
                // are told the write was dropped (their answer channels close), and the
                // connection, left inside a transaction, counts as broken and leaves the pool.
                let run = std::panic::AssertUnwindSafe(|| commit(&mut conn, batch, counters));
                if std::panic::catch_unwind(run).is_err() {
                    tracing::error!("group commit: a write panicked; its batch was dropped");
                }
            }
            Err(e) => {
                let why = format!("database unavailable: {e}");
                for item in batch {
                    item.fail(why.clone());
                }
            }
        }
    }
}

/// Why a batch's transaction was not committed.
enum Abort {
    /// An item refused.
    Refused,
    /// The database failed (begin, a statement outside the items, or commit).
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(e: diesel::result::Error) -> Self {
        Abort::Database(e)
    }
}

/// Commits `batch` in one transaction; if that fails and there is more than one item, each
/// item alone in its own.
fn commit(conn: &mut DbConnection, mut batch: Vec<Box<dyn Queued>>, counters: &Counters) {
    let together = conn.transaction::<_, Abort, _>(|conn| {
        for item in batch.iter_mut() {
            if !item.run(conn) {
                return Err(Abort::Refused);
            }
        }
        Ok(())
    });
    match together {
        Ok(()) => batch.into_iter().for_each(|item| item.answer()),
        Err(Abort::Database(e)) if batch.len() == 1 => {
            let why = e.to_string();
            batch.into_iter().for_each(|item| item.fail(why.clone()));
        }
        // One item alone refused: it is answered its own error (nothing was stored).
        Err(Abort::Refused) if batch.len() == 1 => batch.into_iter().for_each(|item| item.answer()),
        Err(_) => {
            counters.split.fetch_add(1, Ordering::Relaxed);
            for mut item in batch {
                let alone = conn.transaction::<_, Abort, _>(|conn| {
                    if item.run(conn) {
                        Ok(())
                    } else {
                        Err(Abort::Refused)
                    }
                });
                match alone {
                    Ok(()) | Err(Abort::Refused) => item.answer(),
                    Err(Abort::Database(e)) => item.fail(e.to_string()),
                }
            }
        }
    }
}
