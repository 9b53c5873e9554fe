//! The `job_failures` table: the only SQL of jobs.

use sqlx::{AnyConnection, FromRow};

use super::model::{Failure, Job};
use crate::Result;
use crate::time::rfc3339;

#[derive(Debug, Clone, FromRow)]
pub(super) struct FailureRow {
    #[sqlx(try_from = "String")]
    pub job: Job,
    pub item: i64,
    pub attempts: i64,
    pub error: String,
    pub first_failed_at: i64,
    pub failed_at: i64,
    pub retry_at: Option<i64>,
    pub parked_at: Option<i64>,
}

impl FailureRow {
    pub(super) fn into_failure(self) -> Failure {
        Failure {
            job: self.job,
            item: self.item,
            attempts: self.attempts,
            error: self.error,
            first_failed_at: rfc3339(self.first_failed_at),
            failed_at: rfc3339(self.failed_at),
            retry_at: self.retry_at.map(rfc3339),
            parked: self.parked_at.is_some(),
        }
    }
}

const COLUMNS: &str = "SELECT job, item, attempts, error, first_failed_at, failed_at, retry_at, \
     parked_at FROM job_failures";

/// The items of `job` that have failed (waiting, due again or parked).
pub(super) async fn failing(c: &mut AnyConnection, job: Job) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT item FROM job_failures WHERE job = $1")
        .bind(job.as_str())
        .fetch_all(c)
        .await?;
    Ok(rows.into_iter().map(|(i,)| i).collect())
}

pub(super) async fn get(c: &mut AnyConnection, job: Job, item: i64) -> Result<Option<FailureRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} WHERE job = $1 AND item = $2"
    )))
    .bind(job.as_str())
    .bind(item)
    .fetch_optional(c)
    .await?)
}

/// Writes a failure (a new one, or the next attempt of a known one).
pub(super) async fn put(c: &mut AnyConnection, f: &FailureRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO job_failures (job, item, attempts, error, first_failed_at, failed_at, \
         retry_at, parked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (job, item) DO UPDATE SET attempts = excluded.attempts, \
         error = excluded.error, failed_at = excluded.failed_at, retry_at = excluded.retry_at, \
         parked_at = excluded.parked_at",
    )
    .bind(f.job.as_str())
    .bind(f.item)
    .bind(f.attempts)
    .bind(&f.error)
    .bind(f.first_failed_at)
    .bind(f.failed_at)
    .bind(f.retry_at)
    .bind(f.parked_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Forgets a failure (the item succeeded); false when there was none.
pub(super) async fn delete(c: &mut AnyConnection, job: Job, item: i64) -> Result<bool> {
    let n = sqlx::query("DELETE FROM job_failures WHERE job = $1 AND item = $2")
        .bind(job.as_str())
        .bind(item)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Failures, parked first, then the latest; at most `limit`.
pub(super) async fn list(
    c: &mut AnyConnection,
    job: Option<Job>,
    limit: i64,
) -> Result<Vec<FailureRow>> {
    let filter = if job.is_some() { "WHERE job = $2" } else { "" };
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COLUMNS} {filter} ORDER BY (CASE WHEN parked_at IS NULL THEN 1 ELSE 0 END), \
         failed_at DESC, job, item LIMIT $1"
    )))
    .bind(limit);
    if let Some(j) = job {
        q = q.bind(j.as_str());
    }
    Ok(q.fetch_all(c).await?)
}

/// Makes a failed item due now (and no longer parked); false when there
/// is no such failure.
pub(super) async fn retry_now(
    c: &mut AnyConnection,
    job: Job,
    item: i64,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE job_failures SET retry_at = $1, parked_at = NULL WHERE job = $2 AND item = $3",
    )
    .bind(now)
    .bind(job.as_str())
    .bind(item)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// How many items of `job` are parked.
pub(super) async fn parked(c: &mut AnyConnection, job: Job) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_failures WHERE job = $1 AND parked_at IS NOT NULL",
    )
    .bind(job.as_str())
    .fetch_one(c)
    .await?)
}
