//! Conversations by customer: a customer's history and totals, and moving
//! conversations between customers (merges).

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::rfc3339;

use super::super::status::{Channel, Status};

/// Every conversation of a customer as (id, inbox id), whatever the
/// viewer (a customer merge moves them all).
pub(in crate::conversations) async fn of_customer(
    c: &mut AnyConnection,
    customer_id: i64,
) -> Result<Vec<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, inbox_id FROM conversations WHERE customer_id = $1 ORDER BY id")
            .bind(customer_id)
            .fetch_all(c)
            .await?,
    )
}

/// Moves one conversation to another customer.
pub(in crate::conversations) async fn set_customer(
    c: &mut AnyConnection,
    id: i64,
    customer_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE conversations SET customer_id = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(customer_id)
        .bind(now)
        .execute(c)
        .await?;
    Ok(())
}

#[derive(FromRow)]
struct HistoryRow {
    id: i64,
    subject: String,
    #[sqlx(try_from = "String")]
    status: Status,
    #[sqlx(try_from = "String")]
    channel: Channel,
    inbox_id: i64,
    created_at: i64,
    updated_at: i64,
}

/// The viewer-visible conversations of a customer, newest first.
pub(in crate::conversations) async fn history_of_customer(
    c: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<crate::customers::model::HistoryItem>> {
    let mut sql = Sql::new(
        "SELECT c.id, c.subject, c.status, c.channel, c.inbox_id, c.created_at, c.updated_at \
         FROM conversations c WHERE c.customer_id = ",
    );
    sql.bind(customer_id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY c.id DESC LIMIT ").bind(limit);
    let rows: Vec<HistoryRow> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::customers::model::HistoryItem {
            id: r.id,
            subject: r.subject,
            status: r.status,
            channel: r.channel,
            inbox_id: r.inbox_id,
            created_at: rfc3339(r.created_at),
            updated_at: rfc3339(r.updated_at),
        })
        .collect())
}

/// (all conversations, conversations the viewer may see) of a customer.
pub(in crate::conversations) async fn totals_of_customer(
    c: &mut AnyConnection,
    viewer: &Viewer,
    customer_id: i64,
) -> Result<(i64, i64)> {
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(&mut *c)
        .await?;
    let mut sql = Sql::new("SELECT COUNT(*) FROM conversations c WHERE c.customer_id = ");
    sql.bind(customer_id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    let (seen,): (i64,) = sql.query_as().fetch_one(c).await?;
    Ok((all, seen))
}

/// The customer's newest conversation on `channel` in inbox `inbox_id`
/// that still takes messages (not closed), if any.
pub(in crate::conversations) async fn open_on_channel(
    c: &mut AnyConnection,
    customer_id: i64,
    inbox_id: i64,
    channel: Channel,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversations WHERE customer_id = $1 AND inbox_id = $2 \
         AND channel = $3 AND status <> 'closed' AND merged_into IS NULL \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(customer_id)
    .bind(inbox_id)
    .bind(channel.as_str())
    .fetch_optional(c)
    .await?)
}
