//! The survey job: after every status change (and once a minute in case a
//! wake-up was missed, or a node crashed mid-way), it surveys new solves
//! and closes conversations whose quiet period passed. All time rules read
//! `st.clock`, so tests move a `ManualClock` and call [`run_once`].
//! Every step is idempotent and safe to run on several nodes at once.

use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use crate::Result;
use crate::state::AppState;
use crate::tasks::Shutdown;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Solves surveyed (sent, asked inline or skipped with a reason).
    pub surveyed: usize,
    /// Conversations closed after the quiet period.
    pub closed: usize,
}

/// One pass: survey new solves, close quiet ones.
pub async fn run_once(st: &AppState) -> Result<Pass> {
    let mut pass = Pass::default();
    // Until a batch comes back short: failed items wait out their backoff
    // (`crate::jobs`), so the next batch holds other solves.
    loop {
        let (n, full) = super::service::survey_solves(st).await?;
        pass.surveyed += n;
        if !full {
            break;
        }
    }
    loop {
        let (n, full) = super::service::close_quiet(st).await?;
        pass.closed += n;
        if !full {
            break;
        }
    }
    Ok(pass)
}

/// Runs until the shutdown (a task of `crate::tasks`); a pass in progress
/// finishes first.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    loop {
        if let Err(e) = run_once(&st).await {
            tracing::warn!(error = %e, "survey pass failed; retrying later");
        }
        let wake = async {
            loop {
                match bus.recv().await {
                    Ok(e) if e.kind == crate::vocab::EventKind::StatusChanged => return,
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => return,
                    Err(RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        };
        tokio::select! {
            _ = wake => {},
            _ = tokio::time::sleep(Duration::from_secs(60)) => {},
            _ = shutdown.stopped() => return Ok(()),
        }
    }
}
