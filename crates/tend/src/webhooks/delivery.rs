//! The two background tasks of webhooks.
//!
//! - **The follower** ([`follow`]) reads the `events` log after its
//!   durable cursor and queues one delivery per subscription that wants
//!   the event, in the transaction that moves the cursor (unique per
//!   subscription and event, so a crash or a restart between the two never
//!   queues one twice). It wakes on the bus after every commit, so the
//!   write path only announces, as it does anyway. On PostgreSQL an id is
//!   taken at insert, not at commit, so each pass also looks back
//!   [`LOOK_BACK`] ids for events committed late (the unique key makes
//!   that free of duplicates).
//! - **The sender** ([`send`]) posts due deliveries, at most
//!   [`MAX_IN_FLIGHT`] at once, each the oldest undelivered one of its
//!   subscription (or URL) and conversation, so one conversation's events
//!   arrive in order while other conversations' go on. A delivery is
//!   claimed with a lease ([`LEASE_MS`]) before it is posted, so another
//!   node, or this one after a crash, takes it up only once the lease has
//!   passed. An answer other than a 2xx (or none within
//!   [`super::TIMEOUT`]) is retried with the jobs' backoff
//!   (`jobs::service::backoff_ms`: 30 s, 1 min, 2 min … at most an hour),
//!   without end: the log shows it failing, and an admin may remove the
//!   subscription. Delivery is at least once: receivers deduplicate by
//!   `Tend-Delivery`.

use std::time::Duration;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::task::JoinSet;

use super::model::Payload;
use super::repo::{self, DueRow, Outcome};
use crate::Result;
use crate::db::Backend;
use crate::secrets::{Purpose, is_sealed};
use crate::state::AppState;
use crate::tasks::Shutdown;
use crate::time::rfc3339;
use crate::vocab::EventKind;

/// The follower reads the log this often when the bus is quiet.
pub const FOLLOW_POLL: Duration = Duration::from_secs(1);
/// After the bus wakes it, the follower waits this long before it reads,
/// so one pass (one write) covers the commits of that moment rather than
/// one each: at 500 creations a second it took the server's CPU for
/// 10,000 deliveries from some 7.5 s to 3–4.5 s, for about 5 ms more
/// latency (`bench/BENCHMARKS.md`, session 16).
pub const GATHER: Duration = Duration::from_millis(5);
/// Events read per pass of the follower.
const FOLLOW_BATCH: i64 = 5000;
/// How far below its cursor the follower looks again on PostgreSQL.
pub const LOOK_BACK: i64 = 1000;
/// The sender looks for due deliveries at least this often.
pub const SEND_POLL: Duration = Duration::from_secs(5);
/// Deliveries posted at once.
pub const MAX_IN_FLIGHT: usize = 256;
/// How long a claimed delivery is left to its attempt.
pub const LEASE_MS: i64 = super::TIMEOUT.as_millis() as i64 + 5_000;
/// The longest error text kept.
const ERROR_CHARS: usize = 300;
/// The most of an answer's body read (for the error text).
const BODY_BYTES: usize = 1024;

/// One pass of the follower from `cursor` (moved on). Answers how many
/// deliveries it queued and whether more events wait.
pub async fn follow_once(st: &AppState, cursor: &mut i64, woken: bool) -> Result<(u64, bool)> {
    let pg = st.db.backend() == Backend::Postgres;
    let (head, any) = {
        let mut c = st.db.pool().acquire().await?;
        repo::head_and_any_webhook(&mut c).await?
    };
    if !any {
        // Nothing to queue: a subscription made later starts after its
        // own creation anyway.
        *cursor = (*cursor).max(head);
        return Ok((0, false));
    }
    if head <= *cursor && !(pg && woken) {
        return Ok((0, false));
    }
    let hi = head.min(*cursor + FOLLOW_BATCH).max(*cursor);
    let lo = if pg { *cursor - LOOK_BACK } else { *cursor };
    let now = st.clock.now_ms();
    let queued = st
        .db
        .write(move |c| Box::pin(repo::queue_range(c, lo, hi, now)))
        .await?;
    *cursor = hi;
    if queued > 0 {
        metrics::counter!("tend_webhook_queued_total").increment(queued);
    }
    Ok((queued, hi < head))
}

/// The follower, until the shutdown (a task of `crate::tasks`).
pub async fn follow(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    let mut cursor = {
        let mut c = st.db.pool().acquire().await?;
        repo::cursor(&mut c).await?
    };
    let mut woken = true;
    // Whether the events since the last pass may have come with deliveries
    // that an automation queued in their own transaction
    // (`service::enqueue_in`): a rule fired, or the follower cannot tell.
    let mut fired = true;
    loop {
        let was = cursor;
        match follow_once(&st, &mut cursor, woken).await {
            Ok((queued, more)) => {
                if queued > 0 || (fired && cursor > was) {
                    super::service::wake(&st);
                }
                if more {
                    continue;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "the webhook follower could not read the event log; retrying")
            }
        }
        (woken, fired) = tokio::select! {
            r = bus.recv() => {
                let mut fired = announces_firing(&r);
                if matches!(r, Err(RecvError::Closed)) {
                    tokio::time::sleep(FOLLOW_POLL).await;
                }
                tokio::time::sleep(GATHER).await;
                // One pass for everything announced meanwhile.
                loop {
                    let r = bus.try_recv();
                    if matches!(r, Err(TryRecvError::Empty | TryRecvError::Closed)) {
                        break;
                    }
                    fired |= r.map_or(true, |a| a.iter().any(|e| e.kind == EventKind::AutomationFired));
                }
                (true, fired)
            }
            // Without the bus (events of other nodes, a missed wake-up):
            // the sender looks anyway.
            () = tokio::time::sleep(FOLLOW_POLL) => (false, true),
            () = stop.stopped() => return Ok(()),
        };
    }
}

/// Whether a bus message may announce a rule's firing (a lost or closed
/// bus may have).
fn announces_firing(r: &std::result::Result<crate::state::Announcement, RecvError>) -> bool {
    r.as_ref().map_or(true, |a| {
        a.iter().any(|e| e.kind == EventKind::AutomationFired)
    })
}

/// The sender, until the shutdown (a task of `crate::tasks`): attempts in
/// flight finish and are recorded first.
pub async fn send(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let mut flying: JoinSet<Outcome> = JoinSet::new();
    loop {
        let room = MAX_IN_FLIGHT.saturating_sub(flying.len());
        let wait = if room > 0 {
            match start_due(&st, &mut flying, room).await {
                Ok(w) => w,
                Err(e) => {
                    tracing::warn!(error = %e, "the webhook sender could not read its queue; retrying");
                    SEND_POLL
                }
            }
        } else {
            SEND_POLL
        };
        tokio::select! {
            Some(done) = flying.join_next(), if !flying.is_empty() => {
                let mut outcomes: Vec<Outcome> = done.into_iter().collect();
                while let Some(more) = flying.try_join_next() {
                    outcomes.extend(more);
                }
                record(&st, outcomes).await;
            }
            () = st.webhooks().wake.notified() => {}
            () = tokio::time::sleep(wait) => {}
            () = stop.stopped() => {
                let mut outcomes = Vec::new();
                while let Some(done) = flying.join_next().await {
                    outcomes.extend(done);
                }
                record(&st, outcomes).await;
                return Ok(());
            }
        }
    }
}

/// Claims and starts due deliveries (at most `room`); answers how long to
/// wait before looking again when nothing else wakes the sender.
async fn start_due(st: &AppState, flying: &mut JoinSet<Outcome>, room: usize) -> Result<Duration> {
    let now = st.clock.now_ms();
    let due = {
        let mut c = st.db.pool().acquire().await?;
        let due = repo::due(&mut c, now, room as i64).await?;
        if due.is_empty() {
            let next = repo::next_due(&mut c).await?;
            return Ok(match next {
                Some(at) if at > now => {
                    Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(SEND_POLL)
                }
                _ => SEND_POLL,
            });
        }
        due
    };
    let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    let lease = now + LEASE_MS;
    let claimed = st
        .db
        .write(move |c| {
            Box::pin(async move { crate::db::claim(c, repo::QUEUE, &ids, now, lease).await })
        })
        .await?;
    for d in due.into_iter().filter(|d| claimed.contains(&d.id)) {
        let secret = match d.secret.as_deref() {
            None => Ok(None),
            Some(s) if is_sealed(s) => st.secrets().open(Purpose::WebhookSecret, s).map(Some),
            Some(s) => Ok(Some(s.to_string())),
        };
        let st = st.clone();
        flying.spawn(async move {
            match secret {
                Ok(secret) => attempt(&st, d, secret).await,
                Err(e) => failed(
                    &st,
                    &d,
                    None,
                    format!("the signing secret cannot be opened: {e}"),
                ),
            }
        });
    }
    Ok(Duration::ZERO)
}

/// The body of a delivery.
fn body(d: &DueRow) -> std::result::Result<String, String> {
    let kind = EventKind::from_db(&d.kind).map_err(|e| e.to_string())?;
    let payload = Payload {
        id: d.event_id,
        kind,
        conversation_id: d.conversation_id,
        data: serde_json::from_str(&d.data).unwrap_or(serde_json::Value::Null),
        created_at: rfc3339(d.event_created_at),
    };
    serde_json::to_string(&payload).map_err(|e| e.to_string())
}

/// One attempt of one delivery.
async fn attempt(st: &AppState, d: DueRow, secret: Option<String>) -> Outcome {
    let body = match body(&d) {
        Ok(b) => b,
        Err(e) => return failed(st, &d, None, e),
    };
    let mut req = st
        .webhooks()
        .client
        .post(&d.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("Tend-Delivery", d.id.to_string());
    if let Some(secret) = &secret {
        let t = st.clock.now_ms().div_euclid(1000);
        req = req.header(
            "Tend-Signature",
            crate::crypto::signature(secret, t, body.as_bytes()),
        );
    }
    match req.body(body).send().await {
        Ok(resp) if resp.status().is_success() => {
            let at = st.clock.now_ms();
            metrics::histogram!("tend_webhook_delivery_seconds")
                .record((at - d.event_created_at).max(0) as f64 / 1000.0);
            Outcome {
                id: d.id,
                status_code: Some(i64::from(resp.status().as_u16())),
                error: None,
                retry_at: 0,
                at,
            }
        }
        Ok(mut resp) => {
            let code = resp.status();
            let mut text = Vec::new();
            while text.len() < BODY_BYTES {
                match resp.chunk().await {
                    Ok(Some(chunk)) => text.extend_from_slice(&chunk),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&text);
            let text = text.trim();
            let message = if text.is_empty() {
                format!("answered {code}")
            } else {
                format!("answered {code}: {text}")
            };
            failed(st, &d, Some(i64::from(code.as_u16())), message)
        }
        Err(e) => {
            let why = if e.is_timeout() {
                format!("no answer within {} s", super::TIMEOUT.as_secs())
            } else if e.is_connect() {
                format!(
                    "could not connect: {}",
                    std::error::Error::source(&e)
                        .map_or_else(|| e.to_string(), ToString::to_string)
                )
            } else {
                e.to_string()
            };
            failed(st, &d, None, why)
        }
    }
}

/// A failed attempt, due again after the backoff.
fn failed(st: &AppState, d: &DueRow, status_code: Option<i64>, error: String) -> Outcome {
    let at = st.clock.now_ms();
    let error: String = error.chars().take(ERROR_CHARS).collect();
    tracing::debug!(delivery = d.id, url = %d.url, attempt = d.attempts + 1, error = %error, "a webhook delivery failed; it will be retried");
    Outcome {
        id: d.id,
        status_code,
        error: Some(error),
        retry_at: at + crate::jobs::service::backoff_ms(d.attempts + 1),
        at,
    }
}

/// Records finished attempts in one write.
async fn record(st: &AppState, outcomes: Vec<Outcome>) {
    if outcomes.is_empty() {
        return;
    }
    let delivered = outcomes.iter().filter(|o| o.error.is_none()).count() as u64;
    let failed = outcomes.len() as u64 - delivered;
    metrics::counter!("tend_webhook_attempts_total", "outcome" => "delivered").increment(delivered);
    metrics::counter!("tend_webhook_attempts_total", "outcome" => "failed").increment(failed);
    if let Err(e) = st
        .db
        .write(move |c| Box::pin(async move { repo::record(c, &outcomes).await }))
        .await
    {
        // Their leases pass and they are attempted again (at least once).
        tracing::warn!(error = %e, "could not record webhook attempts; they will be attempted again");
    }
}
