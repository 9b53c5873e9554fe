//! Long polling: for each Telegram inbox in polling mode, one node at a
//! time (a lease taken with `db::claim`) calls `getUpdates` from the
//! stored offset, hands each update to [`inbound::handle`] in order and
//! stores the offset after it, so a restart or another node goes on from
//! the first update not stored. An update that cannot be stored for now
//! (the Bot API's file server unreachable) is tried again on the next
//! poll; one that cannot be read at all is skipped, never blocking the
//! next. A 401 (a revoked token) marks the inbox failing, and the bot is
//! polled again once a minute until its token works. A 409 (a webhook is
//! still registered with Telegram) removes the webhook (`deleteWebhook`):
//! the inbox's mode decides. The same task registers the webhook of bots
//! in webhook mode (`register`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::inbound;
use super::repo;
use crate::Error;
use crate::inboxes::InboxKind;
use crate::state::AppState;
use crate::tasks::Shutdown;

/// How long `getUpdates` waits for an update (Telegram holds the request).
pub const LONG_POLL: Duration = Duration::from_secs(25);
/// How often the poller looks for bots to poll (and how long it waits
/// after a poll that brought nothing and answered at once).
pub const POLL: Duration = Duration::from_secs(1);
/// How long a node holds a bot beyond the long poll.
const LEASE_MS: i64 = LONG_POLL.as_millis() as i64 + 60_000;
/// How long after a failed poll the bot is polled again (ms).
pub(super) const RETRY_MS: i64 = 5_000;
/// How long after a refused token the bot is polled again (ms).
pub(super) const REFUSED_MS: i64 = 60_000;

/// The poller, until the shutdown (a task of `crate::tasks`).
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let busy: Arc<Mutex<HashSet<i64>>> = Arc::default();
    let mut polls = tokio::task::JoinSet::new();
    loop {
        match claim(&st, &busy, Work::Poll).await {
            Ok(ids) => {
                for id in ids {
                    let (st, busy) = (st.clone(), busy.clone());
                    polls.spawn(async move {
                        poll(&st, id).await;
                        busy.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                    });
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the Telegram poller could not read its bots; retrying")
            }
        }
        // Bots in webhook mode tell Telegram where to post, once their
        // settings are saved (only Tend's public address can be told).
        if let Some(public_url) = st.config.public_url.clone() {
            match claim(&st, &busy, Work::Register).await {
                Ok(ids) => {
                    for id in ids {
                        let (st, busy, public_url) = (st.clone(), busy.clone(), public_url.clone());
                        polls.spawn(async move {
                            super::register::register(&st, id, &public_url).await;
                            busy.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                        });
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the Telegram task could not read its webhooks; retrying")
                }
            }
        }
        while polls.try_join_next().is_some() {}
        tokio::select! {
            () = super::state(&st).wake.notified() => {}
            () = tokio::time::sleep(POLL) => {}
            () = stop.stopped() => {
                polls.abort_all();
                return Ok(());
            }
        }
    }
}

/// What the task leases a bot for.
#[derive(Debug, Clone, Copy)]
enum Work {
    /// A `getUpdates` (polling mode).
    Poll,
    /// A `setWebhook` (webhook mode, settings not registered yet).
    Register,
}

/// Leases the bots due for `work` that this node is not busy with already.
async fn claim(st: &AppState, busy: &Mutex<HashSet<i64>>, work: Work) -> crate::Result<Vec<i64>> {
    let now = st.clock.now_ms();
    let due: Vec<i64> = {
        let mut c = st.db.pool().acquire().await?;
        match work {
            Work::Poll => repo::due(&mut c, now)
                .await?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            Work::Register => repo::unregistered(&mut c, now).await?,
        }
    }
    .into_iter()
    .filter(|id| !busy.lock().unwrap_or_else(|e| e.into_inner()).contains(id))
    .collect();
    if due.is_empty() {
        return Ok(Vec::new());
    }
    let queue = match work {
        Work::Poll => repo::POLLS,
        Work::Register => repo::REGISTRATIONS,
    };
    let until = now + LEASE_MS;
    let leased = st
        .db
        .write(move |c| Box::pin(async move { crate::db::claim(c, queue, &due, now, until).await }))
        .await?;
    busy.lock()
        .unwrap_or_else(|e| e.into_inner())
        .extend(leased.iter().copied());
    Ok(leased)
}

/// One poll of one bot, then lets go of it (at once when it brought
/// updates, so the next poll follows).
async fn poll(st: &AppState, inbox_id: i64) {
    let started = tokio::time::Instant::now();
    let (not_before, brought) = match poll_once(st, inbox_id).await {
        Ok(n) => (0, n),
        Err((e, wait_ms)) => {
            tracing::warn!(inbox_id, error = %e, "Telegram: getUpdates failed");
            (st.clock.now_ms() + wait_ms, 0)
        }
    };
    release(st, inbox_id, not_before).await;
    if brought > 0 {
        super::wake(st);
    } else if not_before == 0 && started.elapsed() < POLL {
        // A server that answers at once (no long poll) is not hammered.
        tokio::time::sleep(POLL - started.elapsed()).await;
    }
}

/// Lets go of a leased bot: any node may take it up from `not_before`
/// (ms; 0: at once).
pub(super) async fn release(st: &AppState, inbox_id: i64, not_before: i64) {
    let released = st
        .db
        .write(move |c| Box::pin(async move { repo::release(c, inbox_id, not_before).await }))
        .await;
    if let Err(e) = released {
        tracing::warn!(inbox_id, error = %e, "Telegram: could not let go of the bot");
    }
}

/// Polls once; answers how many updates were read, or what failed and how
/// long to wait before the next poll (ms).
async fn poll_once(st: &AppState, inbox_id: i64) -> Result<usize, (String, i64)> {
    let fail = |e: Error| (e.to_string(), RETRY_MS);
    let inbox = crate::inboxes::service::channel_inbox(st, inbox_id)
        .await
        .map_err(fail)?;
    let Some((failing, tg)) = inbox
        .filter(|i| i.kind == InboxKind::Telegram)
        .and_then(|i| Some((i.failing_since.is_some(), i.telegram?)))
    else {
        return Ok(0);
    };
    let Some(bot) = inbound::bot(st, &tg).map_err(fail)? else {
        return Ok(0);
    };
    let offset = {
        let mut c = st.db.pool().acquire().await.map_err(|e| fail(e.into()))?;
        repo::offset(&mut c, inbox_id).await.map_err(fail)?
    };
    let updates = match bot.get_updates(offset, LONG_POLL).await {
        Ok(u) => u,
        Err(e) => {
            let error = e.to_string();
            if e.revoked() {
                super::mark_failing(st, inbox_id, &error).await;
                return Err((error, REFUSED_MS));
            }
            // A webhook is still registered (the inbox was switched to
            // polling): the inbox's mode wins.
            if e.code == Some(409) {
                return match bot.delete_webhook().await {
                    Ok(()) => {
                        tracing::info!(
                            inbox_id,
                            "Telegram: the bot's webhook was removed, as the inbox polls"
                        );
                        Ok(0)
                    }
                    Err(e) => Err((e.to_string(), RETRY_MS)),
                };
            }
            let wait = e.retry_after.map_or(RETRY_MS, |s| s.max(1) * 1000);
            return Err((error, wait));
        }
    };
    if failing {
        super::mark_working(st, inbox_id).await;
    }
    let n = updates.len();
    for u in updates {
        let Some(update_id) = u["update_id"].as_i64() else {
            continue;
        };
        let raw = serde_json::to_vec(&u).unwrap_or_default();
        match inbound::handle(st, inbox_id, Some(&bot), &raw).await {
            Ok(_) => {}
            // Unreadable: skipped, never blocking the next one.
            Err(e @ (Error::Invalid { .. } | Error::InvalidJson { .. })) => {
                tracing::warn!(inbox_id, update_id, error = %e, "Telegram: an update was skipped");
            }
            Err(e) => return Err((e.to_string(), RETRY_MS)),
        }
        let next = update_id + 1;
        st.db
            .write(move |c| Box::pin(async move { repo::advance(c, inbox_id, next).await }))
            .await
            .map_err(fail)?;
    }
    Ok(n)
}
