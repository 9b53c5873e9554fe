//! SQL for the survey loop's view of conversations (see `followup.rs`).

use sqlx::AnyConnection;

use crate::Result;

/// Agents who sent public replies on a conversation, in order of first reply.
pub(super) async fn public_repliers(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT author_id, MIN(id) FROM messages WHERE conversation_id = $1 AND direction = 'out' \
         AND internal = 0 AND author_kind = 'agent' AND author_id IS NOT NULL GROUP BY author_id ORDER BY 2",
    )
    .bind(conversation_id)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id, _)| id).collect())
}

/// Solved conversations whose quiet period ended (solved at or before `cutoff`).
pub(super) async fn solved_before(
    c: &mut AnyConnection,
    cutoff: i64,
    limit: i64,
    ready: &str,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM conversations WHERE status = 'solved' AND solved_at <= $1 AND {ready} \
         ORDER BY solved_at, id LIMIT $2"
    )))
    .bind(cutoff)
    .bind(limit)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
