//! The ownership log (who owned a conversation when, and why it moved)
//! and handling times, and the transfer reports read from them.

use crate::Result;
use sqlx::AnyConnection;

/// A change of owner for the log.
pub(in crate::routing) struct OwnershipRow<'a> {
    pub conversation_id: i64,
    pub customer_id: i64,
    pub team_id: Option<i64>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub kind: &'a str,
    pub by: &'a str,
    pub reason_category: Option<&'a str>,
    pub now: i64,
}

pub(in crate::routing) async fn log_ownership(
    c: &mut AnyConnection,
    o: &OwnershipRow<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO routing_ownership (conversation_id, customer_id, team_id, from_user_id, to_user_id, \
         kind, by_kind, reason_category, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(o.conversation_id)
    .bind(o.customer_id)
    .bind(o.team_id)
    .bind(o.from)
    .bind(o.to)
    .bind(o.kind)
    .bind(o.by)
    .bind(o.reason_category)
    .bind(o.now)
    .execute(c)
    .await?;
    Ok(())
}

/// The last agent who owned another conversation of this customer.
pub(in crate::routing) async fn previous_agent(
    c: &mut AnyConnection,
    customer_id: i64,
    conversation_id: i64,
) -> Result<Option<i64>> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT to_user_id FROM routing_ownership WHERE customer_id = $1 AND conversation_id <> $2 \
         AND to_user_id IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(customer_id)
    .bind(conversation_id)
    .fetch_optional(c)
    .await?;
    Ok(row.and_then(|(u,)| u))
}

/// When `user_id` last became the owner of the conversation.
pub(in crate::routing) async fn owner_since(
    c: &mut AnyConnection,
    conversation_id: i64,
    user_id: i64,
) -> Result<Option<i64>> {
    let row: Option<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT to_user_id, created_at FROM routing_ownership WHERE conversation_id = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(conversation_id)
    .fetch_optional(c)
    .await?;
    Ok(row.and_then(|(to, at)| (to == Some(user_id)).then_some(at)))
}

/// A finished stretch of handling.
pub(in crate::routing) struct HandlingRow<'a> {
    pub conversation_id: i64,
    pub team_id: Option<i64>,
    pub channel: &'a str,
    pub user_id: i64,
    pub started_at: i64,
    pub finished_at: i64,
}

pub(in crate::routing) async fn insert_handling(
    c: &mut AnyConnection,
    h: &HandlingRow<'_>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO routing_handling (conversation_id, team_id, channel, user_id, started_at, finished_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(h.conversation_id)
    .bind(h.team_id)
    .bind(h.channel)
    .bind(h.user_id)
    .bind(h.started_at)
    .bind(h.finished_at)
    .execute(c)
    .await?;
    Ok(())
}

/// Handling times (ms) of the team's latest conversations on a channel
/// finished after `since`.
pub(in crate::routing) async fn recent_handling(
    c: &mut AnyConnection,
    team_id: i64,
    channel: &str,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT finished_at - started_at FROM routing_handling WHERE team_id = $1 AND channel = $2 \
         AND finished_at >= $3 ORDER BY finished_at DESC LIMIT $4",
    )
    .bind(team_id)
    .bind(channel)
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?;
    Ok(rows.into_iter().map(|(d,)| d).collect())
}

/// Ownership changes in `[from, to)`, counted for the transfer report:
/// `(to_user_id, count)` of owners received.
pub(in crate::routing) async fn received_by_agent(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT to_user_id, COUNT(*) FROM routing_ownership WHERE to_user_id IS NOT NULL \
         AND created_at >= $1 AND created_at < $2 GROUP BY to_user_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// `(from_user_id, kind, by_kind, count)` of owners lost.
pub(in crate::routing) async fn lost_by_agent(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT from_user_id, kind, by_kind, COUNT(*) FROM routing_ownership WHERE from_user_id IS NOT NULL \
         AND created_at >= $1 AND created_at < $2 GROUP BY from_user_id, kind, by_kind",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// `(team_id, conversations that got an owner, conversations transferred, transfers)`.
pub(in crate::routing) async fn team_transfers(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT team_id, \
         COUNT(DISTINCT CASE WHEN to_user_id IS NOT NULL THEN conversation_id END), \
         COUNT(DISTINCT CASE WHEN kind = 'transferred' THEN conversation_id END), \
         COUNT(CASE WHEN kind = 'transferred' THEN 1 END) \
         FROM routing_ownership WHERE team_id IS NOT NULL AND created_at >= $1 AND created_at < $2 \
         GROUP BY team_id ORDER BY team_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}

/// Transfers per reason category.
pub(in crate::routing) async fn transfer_categories(
    c: &mut AnyConnection,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT COALESCE(reason_category, 'other'), COUNT(*) FROM routing_ownership \
         WHERE kind = 'transferred' AND created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1",
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await?)
}
