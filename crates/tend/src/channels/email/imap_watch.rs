//! Watching IMAP mailboxes: one long-lived task per inbox with an
//! `imap_url`, each under its own [`Supervisor`], kept in step with the
//! inbox list by [`run`].
//!
//! A task connects and logs in. When the server's CAPABILITY lists `IDLE`
//! (RFC 2177) it keeps the session: after each fetch pass it enters IDLE and
//! wakes on any untagged response (EXISTS, RECENT…), or after the poll
//! interval at the latest (capped at 25 minutes, below the 29 that servers
//! may log an idle client off at), then runs the next pass. Without IDLE
//! it runs one pass per connection and waits the poll interval, as plain
//! polling. Errors are logged and retried with exponential backoff.
//!
//! Every pass is [`imap::fetch_new`], so the exactly-once rules are the same
//! either way: the position is saved only after each message is committed,
//! and no database transaction is open while the task waits on the server.
//! A pass that ingested anything is followed by another before IDLE, so
//! IDLE only starts once the mailbox has nothing new; the EXPUNGE responses
//! that moving messages produces never count as new mail.

use std::collections::HashMap;
use std::time::Duration;

use async_imap::types::UnsolicitedResponse;

use crate::state::AppState;
use crate::tasks::{Shutdown, Supervisor};

use super::imap::{self, COMMAND_TIMEOUT, within};

/// The longest one IDLE command is kept before it is re-issued.
pub const IDLE_MAX: Duration = Duration::from_secs(25 * 60);
/// The first retry delay after an error; doubled per failure up to
/// [`BACKOFF_MAX`], reset after a successful pass.
const BACKOFF_MIN: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(5 * 60);
/// [`run`] re-reads the inbox list at least this often, so a long
/// poll interval (reasonable with IDLE) does not delay inbox changes.
const RECONCILE_MAX: Duration = Duration::from_secs(30);

/// One inbox's task, under its own supervisor (so that it restarts after
/// a panic, and stops alone when its inbox changes).
struct Watcher {
    url: String,
    task: Supervisor,
}

/// Watches every IMAP inbox until the shutdown (a task of `crate::tasks`),
/// then stops every inbox task and waits for them. Inboxes added, changed
/// (URL) or removed take effect at the next reconciliation, at most
/// `min(imap_poll_seconds, 30 s)` later.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let every = st.config.imap_poll_interval;
    let mut watchers: HashMap<i64, Watcher> = HashMap::new();
    loop {
        match crate::inboxes::service::imap_inboxes(&st).await {
            Ok(inboxes) => reconcile(&st, every, &mut watchers, inboxes).await,
            Err(e) => tracing::warn!(error = %e, "listing IMAP inboxes failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every.min(RECONCILE_MAX)) => {}
            _ = shutdown.stopped() => break,
        }
    }
    for w in watchers.values() {
        w.task.signal();
    }
    for (_, w) in watchers {
        w.task.stop().await;
    }
    Ok(())
}

/// Stops the tasks of inboxes that went away or whose URL changed (waiting
/// until each has stopped, so two tasks never work one inbox), and starts
/// tasks for new inboxes.
async fn reconcile(
    st: &AppState,
    every: Duration,
    watchers: &mut HashMap<i64, Watcher>,
    inboxes: Vec<(i64, String)>,
) {
    let wanted: HashMap<i64, String> = inboxes.into_iter().collect();
    let stale: Vec<i64> = watchers
        .iter()
        .filter(|(id, w)| wanted.get(*id) != Some(&w.url))
        .map(|(id, _)| *id)
        .collect();
    for id in stale {
        if let Some(w) = watchers.remove(&id) {
            w.task.stop().await;
            tracing::info!(
                inbox = id,
                "IMAP inbox changed or removed; its task stopped"
            );
        }
    }
    for (id, url) in wanted {
        watchers.entry(id).or_insert_with(|| {
            let mut task = Supervisor::new();
            let (st, watched) = (st.clone(), url.clone());
            task.spawn("imap_inbox", move |shutdown| {
                watch_inbox(st.clone(), id, watched.clone(), every, shutdown)
            });
            Watcher { url, task }
        });
    }
}

/// One inbox, until the shutdown: sessions one after another, with
/// backoff on errors.
async fn watch_inbox(
    st: AppState,
    inbox_id: i64,
    url: String,
    every: Duration,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let mut backoff = BACKOFF_MIN;
    loop {
        let pause = match session(&st, inbox_id, &url, every, &mut backoff, &shutdown).await {
            // Polling: the pass is done; wait for the next one.
            Ok(()) => every,
            Err(e) => {
                tracing::warn!(
                    inbox = inbox_id,
                    error = format!("{e:#}"),
                    retry_in_s = backoff.as_secs(),
                    "IMAP failed; will retry"
                );
                let pause = backoff;
                backoff = (backoff * 2).min(BACKOFF_MAX);
                pause
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.stopped() => return Ok(()),
        }
    }
}

/// One connection. Without IDLE: one pass, log out, `Ok`. With IDLE: passes
/// and IDLE waits until an error ends the session.
async fn session(
    st: &AppState,
    inbox_id: i64,
    url: &str,
    every: Duration,
    backoff: &mut Duration,
    shutdown: &Shutdown,
) -> anyhow::Result<()> {
    let t = crate::inboxes::imap_url::parse_target(url)?;
    let mut session = imap::connect(st, &t).await?;
    let idle = within(COMMAND_TIMEOUT, "CAPABILITY", session.capabilities())
        .await?
        .has_str("IDLE");
    if !idle {
        imap::fetch_new(st, inbox_id, &t, &mut session).await?;
        *backoff = BACKOFF_MIN;
        let _ = within(COMMAND_TIMEOUT, "LOGOUT", session.logout()).await;
        return Ok(());
    }
    // Untagged responses that arrive while another command runs (an EXISTS
    // for mail appended during a pass) land here rather than in IDLE.
    let unsolicited = session.unsolicited_responses.clone();
    let idle_for = every.min(IDLE_MAX);
    tracing::debug!(
        inbox = inbox_id,
        idle_s = idle_for.as_secs(),
        "IMAP IDLE session"
    );
    loop {
        while unsolicited.try_recv().is_ok() {}
        let n = imap::fetch_new(st, inbox_id, &t, &mut session).await?;
        *backoff = BACKOFF_MIN;
        if n > 0 {
            tracing::debug!(inbox = inbox_id, ingested = n, "IMAP pass");
            // Go round once more before idling: an EXISTS for mail that
            // arrived during a busy pass may have been dropped from the
            // (bounded) queue, crowded out by the EXPUNGE responses of
            // moved messages or the FETCH responses of flag changes. A pass
            // that finds nothing costs a SELECT.
            continue;
        }
        let mut handle = session.idle();
        within(COMMAND_TIMEOUT, "IDLE", handle.init()).await?;
        if mail_announced(std::iter::from_fn(|| unsolicited.try_recv().ok())) {
            tracing::debug!(inbox = inbox_id, "new mail announced during the pass");
        } else {
            let (wait, stop) = handle.wait_with_timeout(idle_for);
            // The library's own timeout restarts on every keep-alive
            // ("* OK Still here"), so bound the whole wait as well.
            let woke = tokio::select! {
                woke = tokio::time::timeout(idle_for, wait) => woke,
                // Nothing is in progress: the connection is just closed.
                _ = shutdown.stopped() => return Ok(()),
            };
            drop(stop);
            match woke {
                Ok(Ok(r)) => tracing::debug!(inbox = inbox_id, woke = ?r, "IMAP IDLE woke"),
                Ok(Err(e)) => {
                    return Err(anyhow::Error::new(e).context("IMAP IDLE"));
                }
                Err(_) => tracing::debug!(inbox = inbox_id, "IMAP IDLE interval over"),
            }
        }
        session = within(COMMAND_TIMEOUT, "DONE", handle.done()).await?;
    }
}

/// Whether the responses queued since the pass began announce new mail.
/// Takes all of them (the queue is bounded and drops what does not fit).
fn mail_announced(queued: impl Iterator<Item = UnsolicitedResponse>) -> bool {
    let mut news = false;
    for r in queued {
        news |= matches!(
            r,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        );
    }
    news
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_mail_cuts_idle_short_and_the_queue_is_drained() {
        let mut q = vec![
            UnsolicitedResponse::Expunge(3),
            UnsolicitedResponse::Exists(7),
            UnsolicitedResponse::Expunge(4),
        ]
        .into_iter();
        assert!(mail_announced(&mut q));
        assert_eq!(q.next(), None, "everything taken");
        assert!(mail_announced([UnsolicitedResponse::Recent(1)].into_iter()));
        assert!(!mail_announced(
            [UnsolicitedResponse::Expunge(1)].into_iter()
        ));
        assert!(!mail_announced(std::iter::empty()));
    }
}
