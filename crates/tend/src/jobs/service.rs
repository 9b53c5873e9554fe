//! The rule for an item a job could not do, the pass that applies it, and
//! the admins' view of what failed.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::model::{Failure, Job};
use super::repo::{self, FailureRow};
use crate::agents::Viewer;
use crate::state::AppState;
use crate::{Error, Result};

/// Failed attempts after which an item is parked.
pub const MAX_ATTEMPTS: i64 = 5;

/// How long to wait after the `n`-th consecutive failure (`n` ≥ 1)
/// before trying again: 30 s, 1 min, 2 min … capped at an hour. The
/// outbox's retries of a relay that refuses for now follow it too.
pub fn backoff_ms(failures: i64) -> i64 {
    let base: i64 = 30_000;
    base.saturating_mul(1_i64 << (failures - 1).clamp(0, 7))
        .min(3_600_000)
}

/// SQL condition on an item of `job` whose id is in `item_column`: it is
/// neither waiting out a backoff at `now` nor parked. Every job's query
/// for work has it, so failed items never crowd out the others.
pub fn ready_sql(job: Job, item_column: &str, now: i64) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM job_failures jf WHERE jf.job = '{}' AND jf.item = {item_column} \
         AND (jf.parked_at IS NOT NULL OR jf.retry_at > {now}))",
        job.as_str()
    )
}

/// What happens to an item after its `attempts`-th failure at `now`:
/// `(retry_at, parked_at)`.
pub fn after_failure(attempts: i64, now: i64) -> (Option<i64>, Option<i64>) {
    if attempts >= MAX_ATTEMPTS {
        (None, Some(now))
    } else {
        (Some(now + backoff_ms(attempts)), None)
    }
}

/// Whether a recorded failure's item may be tried again at `now` (so a
/// new failure is the next step): not parked, and its backoff over.
fn due_again(f: &FailureRow, now: i64) -> bool {
    f.parked_at.is_none() && f.retry_at.is_none_or(|at| at <= now)
}

/// One pass of a job over its items.
pub struct Pass {
    job: Job,
    failing: HashSet<i64>,
    failed: AtomicUsize,
}

impl Pass {
    /// Starts a pass of `job`: notes which items failed before (so that
    /// their success clears them) and refreshes the parked gauge.
    pub async fn start(st: &AppState, job: Job) -> Result<Pass> {
        let mut c = st.db.pool().acquire().await?;
        let failing = repo::failing(&mut c, job).await?.into_iter().collect();
        let parked = repo::parked(&mut c, job).await?;
        metrics::gauge!("tend_job_parked_items", "job" => job.as_str()).set(parked as f64);
        Ok(Pass {
            job,
            failing,
            failed: AtomicUsize::new(0),
        })
    }

    /// How many items failed in this pass so far.
    pub fn failures(&self) -> usize {
        self.failed.load(Ordering::Relaxed)
    }

    /// Clears the failures of items that succeeded outside [`Pass::run`]
    /// (a batch that went through at once).
    pub async fn succeeded(&self, st: &AppState, items: &[i64]) {
        for &item in items.iter().filter(|i| self.failing.contains(i)) {
            if let Err(e) = succeeded(st, self.job, item).await {
                tracing::warn!(job = self.job.as_str(), item, error = %e, "could not clear a job item's failure");
            }
        }
    }

    /// Runs one item. A failure is recorded (backoff, then parking) and
    /// answers `None`, so that the pass goes on with the next item.
    pub async fn run<T>(
        &self,
        st: &AppState,
        item: i64,
        work: impl Future<Output = Result<T>>,
    ) -> Option<T> {
        match work.await {
            Ok(v) => {
                if self.failing.contains(&item)
                    && let Err(e) = succeeded(st, self.job, item).await
                {
                    tracing::warn!(job = self.job.as_str(), item, error = %e, "could not clear a job item's failure");
                }
                Some(v)
            }
            Err(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Err(e2) = failed(st, self.job, item, &e.to_string()).await {
                    tracing::warn!(job = self.job.as_str(), item, error = %e, record_error = %e2,
                        "a job item failed, and the failure could not be recorded");
                }
                None
            }
        }
    }
}

/// Records a failure of `item`: the next attempt after a backoff, or
/// parked after [`MAX_ATTEMPTS`]. Logged here, once per failure.
pub async fn failed(st: &AppState, job: Job, item: i64, error: &str) -> Result<()> {
    let now = st.clock.now_ms();
    let error: String = error.chars().take(2000).collect();
    let row = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let before = repo::get(c, job, item).await?;
                if let Some(b) = before.as_ref().filter(|b| !due_again(b, now)) {
                    // Another pass (a node, the server's own task) already
                    // recorded this step's failure: it is one failure.
                    return Ok((b.clone(), false));
                }
                let attempts = before.as_ref().map_or(0, |b| b.attempts) + 1;
                let (retry_at, parked_at) = after_failure(attempts, now);
                let row = FailureRow {
                    job,
                    item,
                    attempts,
                    error,
                    first_failed_at: before.map_or(now, |b| b.first_failed_at),
                    failed_at: now,
                    retry_at,
                    parked_at,
                };
                repo::put(c, &row).await?;
                Ok((row, true))
            })
        })
        .await?;
    let (row, new) = row;
    if !new {
        return Ok(());
    }
    metrics::counter!("tend_job_failures_total", "job" => job.as_str()).increment(1);
    match row.retry_at {
        Some(at) => tracing::warn!(
            job = job.as_str(), item, attempt = row.attempts, retry_in_s = (at - now) / 1000,
            error = %row.error, "a job item failed; it will be retried"
        ),
        None => {
            tracing::error!(
                job = job.as_str(), item, attempts = row.attempts, error = %row.error,
                "a job item failed too often and is parked; an admin can retry it at /admin/jobs"
            );
            let mut c = st.db.pool().acquire().await?;
            let parked = repo::parked(&mut c, job).await?;
            metrics::gauge!("tend_job_parked_items", "job" => job.as_str()).set(parked as f64);
        }
    }
    Ok(())
}

/// Forgets the failures of an item that has now succeeded.
async fn succeeded(st: &AppState, job: Job, item: i64) -> Result<()> {
    st.db
        .write(move |c| Box::pin(async move { repo::delete(c, job, item).await }))
        .await?;
    tracing::info!(
        job = job.as_str(),
        item,
        "a job item that had failed succeeded"
    );
    Ok(())
}

/// The items jobs could not do, parked first (at most 1,000). Admins.
pub async fn list(st: &AppState, viewer: &Viewer, job: Option<Job>) -> Result<Vec<Failure>> {
    viewer.require_admin()?;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::list(&mut c, job, 1000)
        .await?
        .into_iter()
        .map(FailureRow::into_failure)
        .collect())
}

/// Makes a failed item due now, parked or not: the job takes it up on
/// its next pass. Should it fail again once more, it is parked again at
/// once. Admins.
pub async fn retry(st: &AppState, viewer: &Viewer, job: Job, item: i64) -> Result<Failure> {
    viewer.require_admin()?;
    let now = st.clock.now_ms();
    let row = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if !repo::retry_now(c, job, item, now).await? {
                    return Err(Error::NotFound("failed job item"));
                }
                repo::get(c, job, item)
                    .await?
                    .ok_or(Error::NotFound("failed job item"))
            })
        })
        .await?;
    tracing::info!(
        job = job.as_str(),
        item,
        "an admin retries a failed job item"
    );
    let mut c = st.db.pool().acquire().await?;
    let parked = repo::parked(&mut c, job).await?;
    metrics::gauge!("tend_job_parked_items", "job" => job.as_str()).set(parked as f64);
    if job == Job::Outbox {
        st.outbox_wake.notify_one();
    }
    Ok(row.into_failure())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_then_park() {
        assert_eq!(after_failure(1, 1_000), (Some(31_000), None));
        assert_eq!(after_failure(2, 1_000), (Some(61_000), None));
        assert_eq!(after_failure(4, 1_000), (Some(241_000), None));
        assert_eq!(after_failure(MAX_ATTEMPTS, 1_000), (None, Some(1_000)));
        assert_eq!(after_failure(MAX_ATTEMPTS + 3, 7), (None, Some(7)));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(4), 240_000);
        assert_eq!(backoff_ms(12), 3_600_000);
        assert_eq!(backoff_ms(0), 30_000);
    }

    #[test]
    fn the_ready_condition_names_its_job() {
        let sql = ready_sql(Job::Survey, "c.id", 5);
        assert!(sql.contains("jf.job = 'survey'"), "{sql}");
        assert!(sql.contains("jf.item = c.id"), "{sql}");
        assert!(sql.contains("jf.retry_at > 5"), "{sql}");
    }
}
