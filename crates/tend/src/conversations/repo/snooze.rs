//! The snooze job's query: conversations whose snooze is due.

use sqlx::AnyConnection;

use crate::Result;

/// Snoozed conversations due at `now` (oldest snooze first) that the
/// snooze job may take (`ready`: `jobs::service::ready_sql`).
pub(in crate::conversations) async fn snoozes_due(
    c: &mut AnyConnection,
    now: i64,
    limit: i64,
    ready: &str,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM conversations WHERE snoozed_until IS NOT NULL AND snoozed_until <= $1 \
         AND {ready} ORDER BY snoozed_until, id LIMIT $2"
    )))
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The earliest snooze that ends (ms), if any.
pub(in crate::conversations) async fn next_snooze_end(
    c: &mut AnyConnection,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(snoozed_until) FROM conversations WHERE snoozed_until IS NOT NULL",
    )
    .fetch_one(c)
    .await?)
}
