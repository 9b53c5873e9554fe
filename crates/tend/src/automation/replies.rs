//! Sends the automatic replies that rules decided inside their writes.
//! A reply is composed by the conversation's channel like an agent's
//! (mail is marked auto-submitted, so other desks do not answer it), just
//! after the write that queued it; at most one goes out per customer
//! message (the queue's key).

use std::time::Duration;

use super::service;
use crate::Result;
use crate::jobs::Job;
use crate::jobs::service::Pass;
use crate::state::AppState;
use crate::tasks::Shutdown;
use crate::vocab::EventKind;
use tokio::sync::broadcast::error::TryRecvError;

/// The longest wait between looks.
pub const POLL: Duration = Duration::from_secs(5);
/// After a firing wakes it, the job waits this long before it looks, so
/// that one look covers the firings of that moment (most queue no reply)
/// rather than one each.
pub const GATHER: Duration = Duration::from_millis(20);

/// Sends every queued reply; answers how many were handled.
pub async fn run_once(st: &AppState) -> Result<usize> {
    let mut batch = service::unsent_replies(st, 50).await?;
    if batch.is_empty() {
        // Most rules that fire queue no reply: one read, no pass.
        return Ok(0);
    }
    let pass = Pass::start(st, Job::AutomationReply).await?;
    let mut handled = 0;
    loop {
        let n = batch.len();
        for r in std::mem::take(&mut batch) {
            let id = r.id;
            let one = crate::conversations::service::send_automatic_reply(st, r);
            if pass.run(st, id, one).await.is_some() {
                handled += 1;
            }
        }
        if n < 50 || pass.failures() >= n {
            break;
        }
        batch = service::unsent_replies(st, 50).await?;
    }
    Ok(handled)
}

/// Runs until the shutdown: wakes when a rule fires anywhere (the bus),
/// and every [`POLL`].
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    loop {
        if let Err(e) = run_once(&st).await {
            tracing::warn!(error = %e, "automatic replies could not be sent; retrying");
        }
        let woken = async {
            loop {
                match bus.recv().await {
                    Ok(batch) if batch.iter().any(|e| e.kind == EventKind::AutomationFired) => {
                        tokio::time::sleep(GATHER).await;
                        // One look for everything announced meanwhile.
                        while let Ok(_) | Err(TryRecvError::Lagged(_)) = bus.try_recv() {}
                        return;
                    }
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => return,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                        std::future::pending::<()>().await
                    }
                }
            }
        };
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep(POLL) => {}
            () = shutdown.stopped() => return Ok(()),
        }
    }
}
