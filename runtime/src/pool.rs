//! Bounded concurrency for runs, off the async executor.
//!
//! One semaphore with a permit per worker gates every run, blocking or async, so the
//! instance pool never has more live stores than it has slots and the machine never runs
//! more validators than it has cores. Async runs ([`WorkerPool::run`]) wait for a permit
//! without holding a thread, then execute on one of the pool's own threads — never on the
//! executor, so a slow validator cannot stall the HTTP server — whose native stacks are sized
//! for the largest Wasm stack the runtime allows (tokio's blocking threads would be too
//! small). Blocking runs execute on the caller's thread when its stack is surely deep
//! enough, saving two thread hand-offs per run.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use tokio::sync::Semaphore;

use crate::RuntimeError;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Worker threads and the permits that bound all runs.
pub(crate) struct WorkerPool {
    permits: Arc<Semaphore>,
    jobs: crossbeam_channel::Sender<Job>,
}

impl WorkerPool {
    /// Starts `workers` threads with `stack_bytes` of native stack each.
    pub(crate) fn start(workers: usize, stack_bytes: usize) -> Result<Self, RuntimeError> {
        // A multi-consumer channel wakes exactly one idle worker per job (a shared
        // `Mutex<mpsc::Receiver>` wakes two: the lock holder, then the next in line).
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        for i in 0..workers {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("cohack-validator-{i}"))
                .stack_size(stack_bytes)
                .spawn(move || work(&queue))
                .map_err(|e| RuntimeError::Setup(format!("worker thread: {e}")))?;
        }
        Ok(Self {
            permits: Arc::new(Semaphore::new(workers)),
            jobs,
        })
    }

    /// Runs `job` on a worker thread once a permit is free; the future waits without
    /// blocking the executor. `None` if the pool is gone (the runtime is shutting down).
    pub(crate) async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Option<R> {
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        let (done, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let result = job();
                // The permit goes back only after the job (and its store) is finished.
                drop(permit);
                // The caller may have stopped waiting: the result is then simply dropped.
                let _ = done.send(result);
            }))
            .ok()?;
        answer.await.ok()
    }

    /// Runs `job` on the calling thread once a permit is free, blocking until then.
    pub(crate) fn run_here<R>(&self, job: impl FnOnce() -> R) -> R {
        let _permit = match self.permits.try_acquire() {
            Ok(permit) => Some(permit),
            // The semaphore is never closed, so waiting always ends with a permit.
            Err(_) => block_on(self.permits.acquire()).ok(),
        };
        job()
    }

    /// Runs `job` on a worker thread, blocking the caller until it is done: for runs whose
    /// Wasm stack may not fit on the caller's thread.
    pub(crate) fn run_on_worker<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Option<R> {
        block_on(self.run(job))
    }
}

/// The lane of live network runs: a permit per slot, a thread per run. A run here spends
/// most of its time waiting on a service, so it holds no worker of the pool; its compute is
/// bounded by its fuel like any run's.
pub(crate) struct NetworkLane {
    permits: Arc<Semaphore>,
    stack_bytes: usize,
}

impl NetworkLane {
    pub(crate) fn new(slots: usize, stack_bytes: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(slots)),
            stack_bytes,
        }
    }

    /// Runs `job` on a thread of its own once a slot is free. `None` if the thread cannot be
    /// started.
    pub(crate) async fn run<R: Send + 'static>(
        &self,
        job: impl FnOnce() -> R + Send + 'static,
    ) -> Option<R> {
        let permit = Arc::clone(&self.permits).acquire_owned().await.ok()?;
        let (done, answer) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("cohack-network-run".into())
            .stack_size(self.stack_bytes)
            .spawn(move || {
                let result = job();
                drop(permit);
                let _ = done.send(result);
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start a network run's thread");
            return None;
        }
        answer.await.ok()
    }
}

fn work(queue: &crossbeam_channel::Receiver<Job>) {
    // Ends when the pool (the only sender) is dropped.
    while let Ok(job) = queue.recv() {
        // Runs catch their own panics; this keeps the thread alive should anything else.
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).is_err() {
            tracing::error!("a validator job panicked outside its run");
        }
    }
}

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Drives a future to completion on the current thread (which must not be an async
/// executor's), parking between polls.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}
