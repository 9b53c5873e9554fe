//! The write path. On SQLite, one thread owns the only write connection and
//! commits whatever writes queued up while the previous commit was syncing
//! in a single transaction (group commit). Each write runs inside its own
//! savepoint, so one failing write does not undo its neighbours, and every
//! caller is answered only after the commit that holds its write is durable.

use std::panic::AssertUnwindSafe;

use anyhow::{Context as _, anyhow};
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use sqlx::AnyConnection;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor as _};
use tokio::sync::{mpsc, oneshot};

use super::changes::Seen;
use crate::{Error, Result};

/// A unit of write work: runs against the connection inside a transaction.
pub type WriteFn<T> =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send>;

/// Called once the fate of the batch is known: `None` when committed.
type Finish = Box<dyn FnOnce(Option<String>) + Send>;

/// A type-erased write job: reports whether it succeeded and how to answer.
type Job = Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Finish)> + Send>;

/// How many queued writes one commit may carry.
const MAX_BATCH: usize = 512;

#[derive(Clone, Debug)]
pub(crate) enum Writer {
    Direct(AnyPool),
    Batched {
        pool: AnyPool,
        tx: mpsc::Sender<Job>,
    },
}

impl Writer {
    pub(crate) fn direct(pool: AnyPool) -> Self {
        Writer::Direct(pool)
    }

    /// Opens the SQLite write pool (one connection) on a thread of its own
    /// and starts the batching writer there.
    ///
    /// Every statement of a batch is a round trip to sqlx's worker thread for
    /// the connection, and the writer runs them one after another for the
    /// whole process, so the time of a wake-up, not CPU, sets the write rate.
    /// On a shared runtime each wake-up of the writer would wait in a queue
    /// behind HTTP and WebSocket tasks; and a wake-up that crosses CPUs costs
    /// an inter-processor interrupt (a VM exit on virtual machines). So the
    /// writer runs on its own thread, pinned to one CPU, and opens the
    /// connection from there: sqlx's worker thread for it inherits the pin,
    /// and the two hand the connection back and forth on one CPU. (On a
    /// 2-core VM this took creation from about 2,300/s to 3,400/s.)
    pub(crate) async fn sqlite(
        options: AnyPoolOptions,
        connect: AnyConnectOptions,
    ) -> anyhow::Result<Self> {
        let (tx, rx) = mpsc::channel::<Job>(4096);
        let (opened, pool) = oneshot::channel::<anyhow::Result<AnyPool>>();
        std::thread::Builder::new()
            .name("tend-writer".into())
            .spawn(move || {
                pin_to_one_cpu();
                super::changes::this_thread_is_the_writer();
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = opened.send(Err(e.into()));
                        return;
                    }
                };
                rt.block_on(async move {
                    let pool = match options.connect_with(connect).await {
                        Ok(p) => p,
                        Err(e) => {
                            let _ = opened.send(Err(e.into()));
                            return;
                        }
                    };
                    if opened.send(Ok(pool.clone())).is_ok() {
                        run_batches(pool, rx).await;
                    }
                });
            })
            .context("starting the database writer thread")?;
        let pool = pool
            .await
            .context("the database writer thread stopped while opening the database")??;
        Ok(Writer::Batched { pool, tx })
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        match self {
            Writer::Direct(p) | Writer::Batched { pool: p, .. } => p,
        }
    }

    pub(crate) async fn close(&self) {
        self.pool().close().await;
    }

    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match self {
            Writer::Direct(pool) => {
                let mut tx = pool.begin().await?;
                let value = f(&mut tx).await?;
                tx.commit().await?;
                Ok(value)
            }
            Writer::Batched { tx, .. } => {
                let (answer, wait) = oneshot::channel::<Result<T>>();
                let job: Job = Box::new(move |conn| {
                    Box::pin(async move {
                        let result = AssertUnwindSafe(f(conn))
                            .catch_unwind()
                            .await
                            .unwrap_or_else(|_| Err(Error::Internal(anyhow!("write panicked"))));
                        let ok = result.is_ok();
                        let finish: Finish = Box::new(move |commit_error| {
                            let outcome = match (result, commit_error) {
                                (Ok(v), None) => Ok(v),
                                (Ok(_), Some(e)) => {
                                    Err(Error::Internal(anyhow!("commit failed: {e}")))
                                }
                                (Err(e), _) => Err(e),
                            };
                            // The caller may have gone away (request cancelled);
                            // the write still stands.
                            let _ = answer.send(outcome);
                        });
                        (ok, finish)
                    })
                });
                tx.send(job)
                    .await
                    .map_err(|_| Error::Internal(anyhow!("database writer has stopped")))?;
                wait.await.map_err(|_| {
                    Error::Internal(anyhow!(
                        "the database write was not carried out (see the log)"
                    ))
                })?
            }
        }
    }
}

async fn run_batches(pool: AnyPool, mut rx: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    let mut seen = Seen::default();
    loop {
        let got = match tokio::time::timeout(super::IDLE, rx.recv_many(&mut batch, MAX_BATCH)).await
        {
            Ok(n) => n,
            Err(_) => {
                // Quiet for a while: give the page cache's memory back
                // (the pages stay in the system's file cache), then wait.
                shrink(&pool).await;
                rx.recv_many(&mut batch, MAX_BATCH).await
            }
        };
        if got == 0 {
            break;
        }
        let jobs = std::mem::take(&mut batch);
        match pool.acquire().await {
            Ok(mut conn) => run_one_batch(&mut conn, jobs, &mut seen).await,
            Err(e) => {
                let msg = e.to_string();
                for job in jobs {
                    fail_job(job, &msg);
                }
            }
        }
    }
}

/// Frees the write connection's page cache (`PRAGMA shrink_memory`).
async fn shrink(pool: &AnyPool) {
    let done = match pool.acquire().await {
        Ok(mut conn) => conn.execute("PRAGMA shrink_memory").await.map(drop),
        Err(e) => Err(e),
    };
    if let Err(e) = done {
        tracing::debug!(error = %e, "could not shrink the writer's page cache");
    }
}

/// A job that cannot run still answers its caller.
fn fail_job(job: Job, msg: &str) {
    // Dropping the job drops its answer channel; the caller sees "stopped".
    tracing::error!(error = msg, "database write could not run");
    drop(job);
}

async fn run_one_batch(conn: &mut AnyConnection, jobs: Vec<Job>, seen: &mut Seen) {
    if let Err(e) = conn.execute("BEGIN IMMEDIATE; SAVEPOINT w").await {
        let msg = e.to_string();
        let _ = conn.execute("ROLLBACK").await;
        for job in jobs {
            fail_job(job, &msg);
        }
        return;
    }
    // Each statement is a round trip to sqlx's SQLite worker thread, and the
    // writer runs them one after another for the whole process: closing one
    // job's savepoint and opening the next one's (or committing) is therefore
    // one multi-statement round trip, not two or three.
    let count = jobs.len();
    let mut finishes: Vec<Finish> = Vec::with_capacity(count);
    let mut broken: Option<String> = None;
    for (i, job) in jobs.into_iter().enumerate() {
        if let Some(e) = &broken {
            fail_job(job, e);
            continue;
        }
        let (ok, finish) = job(&mut *conn).await;
        finishes.push(finish);
        let end = match (ok, i + 1 == count) {
            (true, false) => "RELEASE w; SAVEPOINT w",
            (true, true) => "RELEASE w; COMMIT",
            (false, false) => "ROLLBACK TO w; RELEASE w; SAVEPOINT w",
            (false, true) => "ROLLBACK TO w; RELEASE w; COMMIT",
        };
        if let Err(e) = conn.execute(end).await {
            broken = Some(e.to_string());
        }
    }
    if broken.is_some() {
        let _ = conn.execute("ROLLBACK").await;
        tracing::error!(error = ?broken, "write batch rolled back");
    }
    // Before anyone hears of the commit: caches drop what they read while
    // this batch was being written (see `db::changes`).
    seen.after_commit();
    for finish in finishes {
        finish(broken.clone());
    }
}

/// Pins the calling thread to the last CPU it may run on (Linux; elsewhere,
/// and with a single CPU, it stays where the scheduler puts it). Threads it
/// starts afterwards inherit the pin.
fn pin_to_one_cpu() {
    #[cfg(target_os = "linux")]
    {
        use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
        use nix::unistd::Pid;
        let me = Pid::from_raw(0);
        let Ok(allowed) = sched_getaffinity(me) else {
            return;
        };
        let cpus: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| allowed.is_set(c).unwrap_or(false))
            .collect();
        let (Some(&last), true) = (cpus.last(), cpus.len() > 1) else {
            return;
        };
        let mut one = CpuSet::new();
        if one.set(last).is_ok()
            && let Err(e) = sched_setaffinity(me, &one)
        {
            tracing::debug!(error = %e, "the database writer could not be pinned to a CPU");
        }
    }
}
