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

/// The pause between two full batches of the server's pass: a backlog
/// (the quiet closes of a week's downtime, tens of thousands) is worked
/// through at most some 500 conversations a second, each batch its own
/// short write, so requests keep their turn at the database.
pub const CATCH_UP_PAUSE: Duration = Duration::from_millis(100);

/// One pass: survey new solves, close quiet ones, batch after batch
/// without a pause (tests, and a pass with little to do).
pub async fn run_once(st: &AppState) -> Result<Pass> {
    pass(st, Duration::ZERO, None).await
}

/// One pass, with `pause` between full batches; stops early (what is
/// done stays done) when `stop` is signalled.
async fn pass(st: &AppState, pause: Duration, stop: Option<&Shutdown>) -> Result<Pass> {
    let mut pass = Pass::default();
    let paused = async || {
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        stop.is_some_and(Shutdown::is_stopping)
    };
    // Until a batch comes back short: failed items wait out their backoff
    // (`crate::jobs`), so the next batch holds other solves.
    loop {
        let (n, full) = super::service::survey_solves(st).await?;
        pass.surveyed += n;
        if !full || paused().await {
            break;
        }
    }
    loop {
        let (n, full) = super::service::close_quiet(st).await?;
        pass.closed += n;
        if !full || paused().await {
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
        if let Err(e) = pass(&st, CATCH_UP_PAUSE, Some(&shutdown)).await {
            tracing::warn!(error = %e, "survey pass failed; retrying later");
        }
        let wake = async {
            loop {
                match bus.recv().await {
                    Ok(batch)
                        if batch
                            .iter()
                            .any(|e| e.kind == crate::vocab::EventKind::StatusChanged) =>
                    {
                        return;
                    }
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
