//! The background sweep of `tend serve`: every few seconds, auto-away by
//! the injected clock and draining the queues (a safety net behind the
//! drains that follow each change, e.g. after a failed one).

use std::time::Duration;

use crate::state::AppState;
use crate::tasks::Shutdown;

/// Pause between sweeps.
const EVERY: Duration = Duration::from_secs(5);

/// Sweeps until the shutdown (a task of `crate::tasks`); a sweep in
/// progress finishes first.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = shutdown.stopped() => return Ok(()),
        }
        if let Err(e) = super::service::sweep(&st).await {
            tracing::warn!(error = %e, "routing sweep failed; retrying in 5 s");
        }
    }
}
