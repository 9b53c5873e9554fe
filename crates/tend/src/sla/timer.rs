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
use crate::jobs::Job;
use crate::jobs::service::Pass;
use crate::state::{AppState, BusEvent};
use crate::tasks::Shutdown;
use crate::vocab::EventKind;

/// The longest sleep: deadlines set on other nodes are found within it.
pub const POLL: Duration = Duration::from_secs(5);

/// Clocks claimed per transaction.
const BATCH: i64 = 500;

/// Fires every warning and breach due now; answers how many fired.
///
/// A batch is one transaction. Should it fail, its clocks are fired one
/// by one, each in its own transaction, and a clock that fails backs off
/// and is parked (`crate::jobs`), so one bad conversation never holds up
/// the others' deadlines.
pub async fn run_once(st: &AppState) -> Result<usize> {
    let mut fired = 0;
    let pass = Pass::start(st, Job::SlaTimer).await?;
    loop {
        let now = st.clock.now_ms();
        let (n, seen) = match st
            .db
            .write(move |c| Box::pin(fire_due_in(c, now, None)))
            .await
        {
            Ok((n, seen, events)) => {
                st.publish(events);
                // Clocks that had failed before and went through now.
                pass.succeeded(st, &seen).await;
                (n, seen.len())
            }
            Err(e) => {
                tracing::warn!(error = %e, "a service-level timer batch failed; firing its clocks one by one");
                one_by_one(st, now).await?
            }
        };
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

/// Fires the due clocks of a failed batch each in its own transaction;
/// answers the firings and the clocks read.
async fn one_by_one(st: &AppState, now: i64) -> Result<(usize, usize)> {
    let ids = {
        let mut c = st.db.pool().acquire().await?;
        repo::due_ids(&mut c, now, BATCH).await?
    };
    let pass = Pass::start(st, Job::SlaTimer).await?;
    let mut fired = 0;
    for &id in &ids {
        let one = st
            .db
            .write(move |c| Box::pin(fire_due_in(c, now, Some(id))));
        if let Some((n, _, events)) = pass.run(st, id, one).await {
            st.publish(events);
            fired += n;
        }
    }
    Ok((fired, ids.len()))
}

/// One batch (or the one clock `only`): claims due clocks and appends
/// their events (and the built-in action of a breach). Answers the
/// firings, the ids of the clocks read and the events.
async fn fire_due_in(
    c: &mut sqlx::AnyConnection,
    now: i64,
    only: Option<i64>,
) -> Result<(usize, Vec<i64>, Vec<BusEvent>)> {
    let due = repo::due(c, now, BATCH, only).await?;
    let seen: Vec<i64> = due.iter().filter_map(|(_, _, k)| k.id).collect();
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
    let now = st.clock.now_ms();
    let next = repo::next_fire(&mut c, now).await?;
    Ok(match next {
        Some(at) if at <= now => Duration::ZERO,
        Some(at) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(POLL),
        None => POLL,
    })
}
