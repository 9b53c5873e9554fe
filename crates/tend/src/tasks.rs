//! The supervisor of the server's background tasks (the indexer, the
//! sweeps, the survey job, the chat fan-out, the mail channels).
//!
//! Every task has a name and is a function from a [`Shutdown`] to a future
//! that returns when the shutdown is signalled, after the unit of work in
//! progress. The [`Supervisor`]:
//!
//! - runs each task in a span `task{task=<name>}`, so its log lines say
//!   which task wrote them;
//! - restarts a task that returned an error or panicked, after a backoff
//!   that starts at [`BACKOFF_FIRST`] and doubles up to [`BACKOFF_MAX`]
//!   (back to the start after a run that lasted [`BACKOFF_MAX`]); a task
//!   that returns `Ok` is done and is not restarted;
//! - counts restarts in `tend_task_restarts_total{task}` and runs in
//!   `tend_task_running{task}`;
//! - on [`Supervisor::stop`], signals every task at once and waits for all
//!   of them, aborting those still running after [`STOP_GRACE`].
//!
//! Restarts are for the unexpected: a task that meets an error it expects
//! (a relay that does not answer) logs it and retries on its own schedule.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures_util::FutureExt as _;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::Instrument as _;

/// The first pause before a task is restarted.
pub const BACKOFF_FIRST: Duration = Duration::from_secs(1);
/// The longest pause before a restart; a run this long resets the pause.
pub const BACKOFF_MAX: Duration = Duration::from_secs(60);
/// How long [`Supervisor::stop`] waits before it aborts the tasks left.
pub const STOP_GRACE: Duration = Duration::from_secs(30);

// The metrics are named where they are recorded (docs/CONTRACT.md lists
// them, and tests/api/contract.rs finds them there):
// `tend_task_restarts_total{task}`, restarts of a task (a counter), and
// `tend_task_running{task}`, runs in progress (a gauge: 0 or 1 for most
// tasks; the number of inboxes for the per-inbox IMAP tasks).

/// The nice value of background threads that do bulk work (the search
/// index's writer): under load, requests get most of the CPU.
pub const BACKGROUND_NICE: i32 = 10;

/// Lowers the CPU priority of the calling thread to [`BACKGROUND_NICE`];
/// threads it starts afterwards inherit it (Linux, where the nice value is
/// a thread's own; elsewhere nothing changes). A failure is logged and
/// otherwise ignored: the work still runs, at normal priority.
pub fn lower_this_thread_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(None, BACKGROUND_NICE) {
        tracing::debug!(error = %e, "could not lower a background thread's priority");
    }
}

/// A task's view of the shutdown signal.
#[derive(Clone, Debug)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// Whether the shutdown was signalled.
    pub fn is_stopping(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the shutdown is signalled (or the supervisor is gone).
    pub async fn stopped(&self) {
        let mut rx = self.0.clone();
        let _ = rx.wait_for(|stop| *stop).await;
    }
}

/// Named background tasks under one shutdown signal.
pub struct Supervisor {
    stop: watch::Sender<bool>,
    runners: JoinSet<()>,
    names: HashMap<tokio::task::Id, &'static str>,
}

impl Default for Supervisor {
    fn default() -> Self {
        Supervisor::new()
    }
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Supervisor")
            .field("tasks", &self.names.values().collect::<Vec<_>>())
            .finish()
    }
}

impl Supervisor {
    /// A supervisor without tasks.
    pub fn new() -> Supervisor {
        Supervisor {
            stop: watch::channel(false).0,
            runners: JoinSet::new(),
            names: HashMap::new(),
        }
    }

    /// The shutdown signal, for work that is not a task of this supervisor
    /// but stops with it (the HTTP listeners).
    pub fn shutdown(&self) -> Shutdown {
        Shutdown(self.stop.subscribe())
    }

    /// Runs `task` under `name` until the shutdown; each run (the first and
    /// every restart) calls `task` again.
    pub fn spawn<F, Fut>(&mut self, name: &'static str, task: F)
    where
        F: FnMut(Shutdown) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let shutdown = self.shutdown();
        let span = tracing::info_span!("task", task = name);
        let handle = self
            .runners
            .spawn(supervise(name, task, shutdown).instrument(span));
        self.names.insert(handle.id(), name);
    }

    /// Signals the shutdown to every task, without waiting.
    pub fn signal(&self) {
        self.stop.send_replace(true);
    }

    /// Signals the shutdown and waits until every task has returned; tasks
    /// still running after [`STOP_GRACE`] are aborted.
    pub async fn stop(mut self) {
        self.signal();
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            match tokio::time::timeout_at(deadline, self.runners.join_next_with_id()).await {
                Ok(None) => return,
                Ok(Some(Ok((id, ())))) => {
                    self.names.remove(&id);
                }
                Ok(Some(Err(e))) => {
                    // The runner itself never panics; a task's panic is
                    // caught inside it.
                    let name = self.names.remove(&e.id()).unwrap_or("?");
                    tracing::error!(task = name, error = %e, "a task's supervisor failed");
                }
                Err(_) => {
                    let left: Vec<&str> = self.names.values().copied().collect();
                    tracing::warn!(
                        tasks = ?left,
                        grace_s = STOP_GRACE.as_secs(),
                        "background tasks did not stop in time; aborting them"
                    );
                    self.runners.shutdown().await;
                    return;
                }
            }
        }
    }
}

/// Wraps a function of some state into a task: each run gets a fresh clone
/// of `state`, e.g. `with(&st, crate::surveys::jobs::run)`.
pub fn with<S, F, Fut>(state: &S, run: F) -> impl FnMut(Shutdown) -> Fut + Send + 'static
where
    S: Clone + Send + 'static,
    F: Fn(S, Shutdown) -> Fut + Send + 'static,
{
    let state = state.clone();
    move |shutdown| run(state.clone(), shutdown)
}

/// The pause before the restart that follows `pause`.
fn next_backoff(pause: Duration) -> Duration {
    (pause * 2).min(BACKOFF_MAX)
}

/// Keeps `tend_task_running{task}` up while a run is in progress, also
/// when the run is aborted.
struct RunningGauge(&'static str);

impl RunningGauge {
    fn up(name: &'static str) -> RunningGauge {
        metrics::gauge!("tend_task_running", "task" => name).increment(1.0);
        RunningGauge(name)
    }
}

impl Drop for RunningGauge {
    fn drop(&mut self) {
        metrics::gauge!("tend_task_running", "task" => self.0).decrement(1.0);
    }
}

/// Runs and restarts one task until it returns `Ok` or the shutdown (in
/// the task's span, which names it).
async fn supervise<F, Fut>(name: &'static str, mut task: F, shutdown: Shutdown)
where
    F: FnMut(Shutdown) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let mut pause = BACKOFF_FIRST;
    loop {
        let started = Instant::now();
        let outcome = {
            let _running = RunningGauge::up(name);
            AssertUnwindSafe(task(shutdown.clone()))
                .catch_unwind()
                .await
        };
        let failure = match outcome {
            Ok(Ok(())) => {
                if !shutdown.is_stopping() {
                    tracing::info!("background task finished");
                }
                return;
            }
            Ok(Err(e)) => format!("{e:#}"),
            Err(panic) => panic_message(panic.as_ref()),
        };
        if shutdown.is_stopping() {
            tracing::warn!(error = %failure, "background task failed while stopping");
            return;
        }
        if started.elapsed() >= BACKOFF_MAX {
            pause = BACKOFF_FIRST;
        }
        tracing::error!(
            error = %failure,
            retry_in_ms = pause.as_millis() as u64,
            "background task failed; restarting it"
        );
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.stopped() => return,
        }
        pause = next_backoff(pause);
        metrics::counter!("tend_task_restarts_total", "task" => name).increment(1);
    }
}

/// What a panic said, when it said it with a string.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let said = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str));
    match said {
        Some(s) => format!("panicked: {s}"),
        None => "panicked".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::sync::mpsc;

    use super::*;

    const RESTARTS: &str = "tend_task_restarts_total";
    const RUNNING: &str = "tend_task_running";

    /// The value of `metric{task="<task>"}` in `/metrics`, if present.
    /// A supervisor, with the metrics recorder installed first: a task's
    /// gauge moved before the recorder exists would be lost.
    fn supervisor() -> Supervisor {
        crate::http::metrics::install();
        Supervisor::new()
    }

    fn metric(name: &str, task: &str) -> Option<f64> {
        crate::http::metrics::install();
        let prefix = format!("{name}{{task=\"{task}\"}} ");
        crate::http::metrics::render().lines().find_map(|l| {
            l.strip_prefix(&prefix)
                .map(|v| v.trim().parse().expect("a number"))
        })
    }

    /// The next message, or a failure after a long wait (virtual time in
    /// the paused tests) rather than a test that hangs.
    async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
        tokio::time::timeout(Duration::from_secs(600), rx.recv())
            .await
            .expect("in time")
            .expect("a message")
    }

    /// Says when it is dropped: the task's future is gone.
    struct Dropped(mpsc::UnboundedSender<&'static str>, &'static str);

    impl Drop for Dropped {
        fn drop(&mut self) {
            let _ = self.0.send(self.1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_fails_is_restarted_with_growing_pauses_and_counted() {
        crate::http::metrics::install();
        let (started, mut starts) = mpsc::unbounded_channel();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut sup = supervisor();
        let counted = runs.clone();
        sup.spawn("test_fails_three_times", move |shutdown| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let started = started.clone();
            async move {
                let _ = started.send(Instant::now());
                if n < 3 {
                    anyhow::bail!("failure {n}");
                }
                shutdown.stopped().await;
                Ok(())
            }
        });
        let mut at = Vec::new();
        for _ in 0..4 {
            at.push(next(&mut starts).await);
        }
        let gaps: Vec<Duration> = at.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(
            gaps,
            [1, 2, 4].map(Duration::from_secs),
            "1 s, then doubled"
        );
        assert_eq!(metric(RESTARTS, "test_fails_three_times"), Some(3.0));
        assert_eq!(metric(RUNNING, "test_fails_three_times"), Some(1.0));
        sup.stop().await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            4,
            "not restarted after the stop"
        );
        assert_eq!(metric(RUNNING, "test_fails_three_times"), Some(0.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_restarted() {
        let (started, mut starts) = mpsc::unbounded_channel();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut sup = supervisor();
        let counted = runs.clone();
        sup.spawn("test_panics_once", move |shutdown| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let started = started.clone();
            async move {
                let _ = started.send(n);
                if n == 0 {
                    panic!("the first run panics");
                }
                shutdown.stopped().await;
                Ok(())
            }
        });
        assert_eq!(next(&mut starts).await, 0);
        assert_eq!(next(&mut starts).await, 1, "restarted after the panic");
        assert_eq!(metric(RESTARTS, "test_panics_once"), Some(1.0));
        sup.stop().await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn stop_lets_every_task_finish_its_work_and_returns() {
        let (started, mut starts) = mpsc::unbounded_channel();
        let (gone, mut gones) = mpsc::unbounded_channel();
        let (finished, mut finishes) = mpsc::unbounded_channel();
        let mut sup = supervisor();
        for name in ["test_stop_a", "test_stop_b", "test_stop_c"] {
            let (started, gone, finished) = (started.clone(), gone.clone(), finished.clone());
            sup.spawn(name, move |shutdown| {
                let (started, gone, finished) = (started.clone(), gone.clone(), finished.clone());
                async move {
                    let _guard = Dropped(gone, name);
                    let _ = started.send(name);
                    shutdown.stopped().await;
                    // The unit of work in progress when the signal came.
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    let _ = finished.send(name);
                    Ok(())
                }
            });
        }
        for _ in 0..3 {
            next(&mut starts).await;
        }
        let asked = Instant::now();
        sup.stop().await;
        assert_eq!(
            asked.elapsed(),
            Duration::from_secs(5),
            "waited for the work"
        );
        // All said before `stop` returned.
        let mut done = Vec::new();
        while let Ok(n) = finishes.try_recv() {
            done.push(n);
        }
        done.sort_unstable();
        assert_eq!(done, ["test_stop_a", "test_stop_b", "test_stop_c"]);
        let mut dropped = Vec::new();
        while let Ok(n) = gones.try_recv() {
            dropped.push(n);
        }
        assert_eq!(dropped.len(), 3, "every task's future is gone");
        for name in ["test_stop_a", "test_stop_b", "test_stop_c"] {
            assert_eq!(metric(RESTARTS, name), None, "{name} never restarted");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_ignores_the_shutdown_is_aborted_after_the_grace() {
        let (started, mut starts) = mpsc::unbounded_channel();
        let (gone, mut gones) = mpsc::unbounded_channel();
        let mut sup = supervisor();
        sup.spawn("test_deaf", move |_shutdown| {
            let (started, gone) = (started.clone(), gone.clone());
            async move {
                let _guard = Dropped(gone, "test_deaf");
                let _ = started.send(());
                std::future::pending::<()>().await;
                Ok(())
            }
        });
        next(&mut starts).await;
        let asked = Instant::now();
        sup.stop().await;
        assert_eq!(asked.elapsed(), STOP_GRACE);
        assert_eq!(next(&mut gones).await, "test_deaf");
        assert_eq!(metric(RUNNING, "test_deaf"), Some(0.0));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_returns_is_done_and_a_stop_during_the_pause_ends_it() {
        let runs = Arc::new(AtomicUsize::new(0));
        let (ended, mut ends) = mpsc::unbounded_channel();
        let mut sup = supervisor();
        let counted = runs.clone();
        sup.spawn("test_returns", move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            let ended = ended.clone();
            async move {
                let _ = ended.send(());
                Ok(())
            }
        });
        let failing = Arc::new(AtomicUsize::new(0));
        let f = failing.clone();
        sup.spawn("test_always_fails", move |_| {
            f.fetch_add(1, Ordering::SeqCst);
            async { anyhow::bail!("never works") }
        });
        next(&mut ends).await;
        // The failing task waits 1 s before its restart (or has not run
        // yet): the stop ends it at once, without a restart.
        let asked = Instant::now();
        sup.stop().await;
        assert_eq!(asked.elapsed(), Duration::ZERO);
        assert_eq!(runs.load(Ordering::SeqCst), 1, "Ok means done");
        assert_eq!(failing.load(Ordering::SeqCst), 1);
        assert_eq!(metric(RESTARTS, "test_always_fails"), None);
    }

    #[test]
    fn the_pause_doubles_up_to_a_minute() {
        let mut p = BACKOFF_FIRST;
        let mut seen = vec![p];
        for _ in 0..8 {
            p = next_backoff(p);
            seen.push(p);
        }
        assert_eq!(
            seen,
            [1, 2, 4, 8, 16, 32, 60, 60, 60].map(Duration::from_secs)
        );
    }

    #[test]
    fn a_panic_message_is_kept() {
        assert_eq!(panic_message(&"boom"), "panicked: boom");
        assert_eq!(panic_message(&String::from("bang")), "panicked: bang");
        assert_eq!(panic_message(&42), "panicked");
    }
}
