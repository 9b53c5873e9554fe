//! The background sweep of `tend serve`: every few seconds, auto-away by
//! the injected clock and draining the queues (a safety net behind the
//! drains that follow each change, e.g. after a failed one).

use std::time::Duration;

use tokio::sync::watch;

use crate::app::AppState;

/// Pause between sweeps.
const EVERY: Duration = Duration::from_secs(5);

/// The running sweep.
pub struct SweepTask {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl SweepTask {
    /// Stops after the sweep in progress.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the sweep in the background.
pub fn spawn(st: &AppState) -> SweepTask {
    let (stop, mut rx) = watch::channel(false);
    let st = st.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(EVERY) => {}
                _ = rx.changed() => return,
            }
            if let Err(e) = super::service::sweep(&st).await {
                tracing::warn!(error = %e, "routing sweep failed; retrying in 5 s");
            }
        }
    });
    SweepTask { stop, task }
}
