//! The durable timer of time rules. A rule's timer on a conversation is a
//! row (`automation_timers`) set when its moment happens; the timer task
//! finds what is due in the table, so nothing is kept in memory and any
//! node may fire. A firing takes its row by a conditional delete in the
//! same transaction that runs the rule, so each moment fires once, across
//! restarts and nodes. The task sleeps until the earliest due time, at
//! most [`POLL`].

use std::time::Duration;

use super::service::{self, Due};
use crate::Result;
use crate::jobs::Job;
use crate::jobs::service::Pass;
use crate::state::AppState;
use crate::tasks::Shutdown;

/// The longest sleep: timers set on other nodes, or by a rule just
/// enabled, are found within it.
pub const POLL: Duration = Duration::from_secs(5);

/// Timers read per pass.
const BATCH: i64 = 200;

/// Fires every time rule due now, each conversation in its own
/// transaction (a failing one backs off and is parked, see `crate::jobs`,
/// and never holds up the others). Answers how many fired (were due and
/// found their conditions holding).
pub async fn run_once(st: &AppState) -> Result<usize> {
    let pass = Pass::start(st, Job::AutomationTimer).await?;
    let mut fired = 0;
    loop {
        let now = st.clock.now_ms();
        let due = {
            let mut c = st.db.pool().acquire().await?;
            service::due_in(&mut c, now, BATCH).await?
        };
        let n = due.len();
        for d in due {
            let one = st.db.write(move |c| Box::pin(fire_in(c, d, now)));
            if let Some((took, events)) = pass.run(st, d.conversation_id, one).await {
                fired += usize::from(took);
                st.publish(events);
            }
        }
        if n < BATCH as usize || pass.failures() >= n {
            break;
        }
    }
    if fired > 0 {
        metrics::counter!("tend_automation_timers_fired_total").increment(fired as u64);
    }
    Ok(fired)
}

/// Takes one due timer and runs its rule (when it is still active);
/// answers whether it fired.
async fn fire_in(
    c: &mut sqlx::AnyConnection,
    d: Due,
    now: i64,
) -> Result<(bool, Vec<crate::state::BusEvent>)> {
    if !service::take_in(c, &d).await? {
        return Ok((false, Vec::new()));
    }
    let rules = service::rules_in(c).await?;
    let Some(rule) = rules.rule(d.automation_id).cloned() else {
        return Ok((false, Vec::new()));
    };
    crate::conversations::service::fire_time_rule_in(c, &rule, d.conversation_id, d.moment, now)
        .await
}

/// Runs until the shutdown (a task of `crate::tasks`).
pub async fn run(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    loop {
        let wait = match next_wait(&st).await {
            Ok(w) if w.is_zero() => match run_once(&st).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => Duration::from_millis(200),
                Err(e) => {
                    tracing::warn!(error = %e, "automation timer pass failed; retrying");
                    POLL
                }
            },
            Ok(w) => w,
            Err(e) => {
                tracing::warn!(error = %e, "automation timer could not read the next due time");
                POLL
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = shutdown.stopped() => return Ok(()),
        }
    }
}

async fn next_wait(st: &AppState) -> Result<Duration> {
    let mut c = st.db.pool().acquire().await?;
    let now = st.clock.now_ms();
    Ok(match service::next_due_in(&mut c).await? {
        Some(at) if at <= now => Duration::ZERO,
        Some(at) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)).min(POLL),
        None => POLL,
    })
}
