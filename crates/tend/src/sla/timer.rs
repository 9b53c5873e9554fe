//! The one durable timer of service levels. Every clock stores when the
//! timer next acts on it (`fire_at`: its warning, then its breach), so the
//! timer keeps nothing in memory: after a restart, or on any node, it
//! finds what is due in the table.
//!
//! A firing is claimed by a conditional write (`… WHERE fire_at = <what
//! was read>`) in the same transaction that appends its event, so each
//! warning and breach fires exactly once, however many nodes run the timer
//! and whenever they stop. The timer sleeps until the earliest `fire_at`,
//! at most [`POLL`].

use std::time::Duration;

use super::clock::Fire;
use super::model::BreachAction;
use super::repo;
use super::service::setup_in;
use crate::Result;
use crate::conversations::followup::{Cause, append_event_in};
use crate::state::{AppState, BusEvent};
use crate::tasks::Shutdown;
use crate::vocab::EventKind;

/// The longest sleep: deadlines set on other nodes are found within it.
pub const POLL: Duration = Duration::from_secs(5);

/// Clocks claimed per transaction.
const BATCH: i64 = 500;

/// Fires every warning and breach due now; answers how many fired.
pub async fn run_once(st: &AppState) -> Result<usize> {
    let mut fired = 0;
    loop {
        let now = st.clock.now_ms();
        let (n, seen, events) = st.db.write(move |c| Box::pin(fire_due_in(c, now))).await?;
        st.publish(events);
        fired += n;
        if seen < BATCH as usize {
            break;
        }
    }
    if fired > 0 {
        metrics::counter!("tend_sla_fired_total").increment(fired as u64);
    }
    Ok(fired)
}

/// One batch: claims due clocks and appends their events (and the
/// built-in action of a breach). Answers the firings, the clocks read and
/// the events.
async fn fire_due_in(
    c: &mut sqlx::AnyConnection,
    now: i64,
) -> Result<(usize, usize, Vec<BusEvent>)> {
    let due = repo::due(c, now, BATCH).await?;
    let seen = due.len();
    let setup = setup_in(c).await?;
    let mut fired = 0;
    let mut events = Vec::new();
    for (inbox_id, conversation_id, mut k) in due {
        let was = k.fire_at;
        let mut acts = Vec::new();
        while let Some(f) = k.fire(now) {
            acts.push(f);
        }
        let Some(id) = k.id else { continue };
        if acts.is_empty() || !repo::update_clock(c, id, &k, was).await? {
            // Another node fired it first.
            continue;
        }
        let policy = setup.policy_by_id(k.policy_id);
        for act in acts {
            fired += 1;
            let mut data = k.event_data();
            let kind = match act {
                Fire::Warning => EventKind::SlaWarning,
                Fire::Breach => EventKind::SlaBreached,
            };
            if act == Fire::Breach
                && let Some(p) = policy
            {
                data["action"] = serde_json::json!(p.on_breach);
                data["notify_team_id"] = serde_json::json!(p.notify_team_id);
            }
            events.extend(
                append_event_in(c, conversation_id, inbox_id, kind, Cause::System, data, now)
                    .await?,
            );
            if act == Fire::Breach
                && let Some(p) = policy
                && p.on_breach == Some(BreachAction::RaisePriority)
            {
                events.extend(
                    crate::conversations::service::raise_priority_in(c, conversation_id, now)
                        .await?,
                );
            }
        }
    }
    Ok((fired, seen, events))
}

/// Runs until the shutdown (a task of `crate::tasks`): reads the earliest
/// `fire_at` (a read, not a write), fires what is due, and otherwise sleeps
/// until then, at most [`POLL`]. It is not woken by new deadlines: one
/// set while it sleeps is at most [`POLL`] late, and a desk creating
/// thousands of conversations a second does not pay a timer pass for each.
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    loop {
        let wait = match next_wait(&st).await {
            Ok(w) if w.is_zero() => match run_once(&st).await {
                Ok(n) if n > 0 => continue,
                // Due but nothing to fire (another node took it): a tick.
                Ok(_) => Duration::from_millis(100),
                Err(e) => {
                    tracing::warn!(error = %e, "service-level timer pass failed; retrying");
                    POLL
                }
            },
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "service-level timer could not read the next deadline");
                POLL
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown.stopped() => return Ok(()),
        }
    }
}

/// How long to sleep: zero when something is due, else until the earliest
/// `fire_at`, at most [`POLL`].
async fn next_wait(st: &AppState) -> Result<Duration> {
    let mut c = st.db.pool().acquire().await?;
    let next = repo::next_fire(&mut c).await?;
    let now = st.clock.now_ms();
    Ok(match next {
        Some(at) if at <= now => Duration::ZERO,
        Some(at) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(POLL),
        None => POLL,
    })
}
