//! Customer health follows the event log on its own cursor, off the
//! single writer.
//!
//! A pass reads the events after its cursor (at most [`BATCH`]), takes the
//! customers of the conversations they belong to, reads those customers'
//! conversations and texts on a pooled connection and scores them (pure:
//! `health::rules`); only then does it take the writer, for one short
//! write of the scores that changed and the cursor. The write moves the
//! cursor only from where the pass read it, so of two nodes' passes over
//! the same events one writes and the other reads again (a stale score
//! never overwrites a newer one). A score is computed from the
//! customer's data as it is when read, never from the events alone, so a
//! pass read twice changes nothing. On PostgreSQL an id is taken at
//! insert, not at commit, so each pass also scores again the customers of
//! the ids below the cursor (`bus::window`) (reads; unchanged scores are not
//! written).
//!
//! Under load a pass starts at most every [`GATHER`]: a customer who
//! wrote three times in that second is scored once. Health is a daily
//! view of a customer; a second's delay costs nothing, and keeping the
//! reads and the text analysis off the writer keeps them from slowing
//! every other write.

use std::time::Duration;

use super::repo;
use super::service::{self, Scoring};
use crate::Result;
use crate::bus::Pace;
use crate::conversations::history;
use crate::db::Backend;
use crate::state::AppState;
use crate::tasks::Shutdown;

/// Events read per pass.
pub const BATCH: i64 = 2000;
/// The task reads the log this often when the bus is quiet.
pub const POLL: Duration = Duration::from_secs(2);
/// Under load, a pass starts at most this long after the previous one.
pub const GATHER: Duration = Duration::from_secs(1);

/// One pass; answers whether more events wait (or the pass must be read
/// again because another node moved the cursor meanwhile).
pub async fn pass(st: &AppState, woken: bool) -> Result<bool> {
    let pg = st.db.backend() == Backend::Postgres;
    let scoring = Scoring::of(st);
    let (cursor, hi, more, plan) = {
        let mut c = st.db.pool().acquire().await?;
        let cursor = repo::cursor(&mut c).await?;
        let head = history::last_event_id_in(&mut c).await?;
        let Some((lo, hi)) = crate::bus::window(cursor, head, BATCH, pg, woken) else {
            return Ok(false);
        };
        let ids = history::touched_between_in(&mut c, lo, hi).await?;
        let plan = service::plan_in(&mut c, &ids, &scoring).await?;
        (cursor, hi, hi < head, plan)
    };
    if plan.is_empty() && hi == cursor {
        return Ok(more);
    }
    let moved = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if repo::lock_cursor(c).await? != cursor {
                    return Ok(false);
                }
                service::apply_in(c, &plan, &scoring).await?;
                repo::set_cursor(c, hi).await?;
                Ok(true)
            })
        })
        .await?;
    Ok(more || !moved)
}

/// Passes until the log is read to its end (tests instead of waiting for
/// the task).
pub async fn catch_up(st: &AppState) -> Result<()> {
    while pass(st, true).await? {}
    Ok(())
}

/// The task (of `crate::tasks`): a pass at most every [`GATHER`] while
/// writes are announced on the bus, and every [`POLL`] when it is quiet.
pub async fn run(st: AppState, stop: Shutdown) -> anyhow::Result<()> {
    let pace = Pace {
        gather: GATHER,
        poll: POLL,
    };
    crate::bus::paced(&st, &stop, pace, "customer health", |woken| {
        pass(&st, woken)
    })
    .await
}
