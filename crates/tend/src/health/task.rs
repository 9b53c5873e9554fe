//! The `health` task: the daily scoring (time-based signals, changed
//! weights, outreaches whose wait is over) and the weekly digest, checked
//! every hour, each done once per day or week across nodes and restarts
//! (the durable `rescore` and `digest` marks).

use std::time::Duration;

use crate::state::AppState;
use crate::tasks::Shutdown;

/// How often the task looks whether the scoring is due.
pub const CHECK: Duration = Duration::from_secs(3600);

/// The task (of `crate::tasks`).
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    loop {
        if let Err(e) = super::service::daily(&st).await {
            tracing::warn!(error = %e, "the daily health scoring failed; retrying within the hour");
        }
        if let Err(e) = super::digest::weekly(&st).await {
            tracing::warn!(error = %e, "the weekly radar digest failed; retrying within the hour");
        }
        tokio::select! {
            () = tokio::time::sleep(CHECK) => {}
            () = stop.stopped() => return Ok(()),
        }
    }
}
