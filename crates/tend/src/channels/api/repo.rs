//! The only SQL of the channel API: `channel_inbound` (what arrived, by the
//! provider's id) and `channel_outbox` (what the desk sends).

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::Sql;
use crate::jobs::model::Job;
use crate::vocab::Status;

/// The conversation that holds the message `external_id` of this inbox, if
/// it arrived before.
pub(super) async fn seen(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT conversation_id FROM channel_inbound WHERE inbox_id = $1 AND external_id = $2",
    )
    .bind(inbox_id)
    .bind(external_id)
    .fetch_optional(c)
    .await?)
}

/// The conversation of the thread's latest message on this inbox, with
/// its status.
pub(super) async fn thread_conversation(
    c: &mut AnyConnection,
    inbox_id: i64,
    thread_key: &str,
) -> Result<Option<(i64, Status)>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT i.conversation_id, c.status FROM channel_inbound i \
         JOIN conversations c ON c.id = i.conversation_id \
         WHERE i.inbox_id = $1 AND i.thread_key = $2 ORDER BY i.id DESC LIMIT 1",
    )
    .bind(inbox_id)
    .bind(thread_key)
    .fetch_optional(c)
    .await?;
    row.map(|(id, status)| Ok((id, Status::from_db(&status).map_err(anyhow::Error::from)?)))
        .transpose()
}

/// A message that arrived through the channel.
pub(super) struct Arrived<'a> {
    pub inbox_id: i64,
    pub external_id: &'a str,
    pub from_id: &'a str,
    pub thread_id: Option<&'a str>,
    pub thread_key: &'a str,
    pub conversation_id: i64,
    pub message_id: i64,
}

/// Records an arrival; a second one with the same `(inbox_id,
/// external_id)` violates the unique index (and undoes its write).
pub(super) async fn insert_arrived(c: &mut AnyConnection, a: &Arrived<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO channel_inbound (inbox_id, external_id, from_id, thread_id, thread_key, \
         conversation_id, message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.inbox_id)
    .bind(a.external_id)
    .bind(a.from_id)
    .bind(a.thread_id)
    .bind(a.thread_key)
    .bind(a.conversation_id)
    .bind(a.message_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Who the desk answers in a conversation that arrived through the
/// channel: the latest customer message's `(from_id, thread_id)`.
pub(super) async fn latest_sender(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<(String, Option<String>)>> {
    Ok(sqlx::query_as(
        "SELECT from_id, thread_id FROM channel_inbound WHERE conversation_id = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(conversation_id)
    .fetch_optional(c)
    .await?)
}

/// When the customer's latest message on the channel arrived in this
/// conversation (ms).
pub(super) async fn last_arrival(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar(
            "SELECT MAX(created_at) FROM channel_inbound WHERE conversation_id = $1",
        )
        .bind(conversation_id)
        .fetch_one(c)
        .await?,
    )
}

/// Queues a message of the desk for the inbox's URL.
pub(super) async fn queue(
    c: &mut AnyConnection,
    inbox_id: i64,
    conversation_id: i64,
    message_id: Option<i64>,
    payload: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO channel_outbox (inbox_id, conversation_id, message_id, payload, attempts, \
         lease_until, created_at) VALUES ($1, $2, $3, $4, 0, 0, $5)",
    )
    .bind(inbox_id)
    .bind(conversation_id)
    .bind(message_id)
    .bind(payload)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// A queued message the sender may post.
#[derive(Debug, Clone, FromRow)]
pub(super) struct Due {
    pub id: i64,
    pub inbox_id: i64,
    pub message_id: Option<i64>,
    pub payload: String,
    pub parts_sent: i64,
}

/// Unsent messages not leased, not backing off or parked (`job_failures`),
/// each the oldest unsent one of its conversation (so a conversation's
/// messages arrive in order), oldest first.
pub(super) async fn due(c: &mut AnyConnection, now: i64, limit: i64) -> Result<Vec<Due>> {
    let ready = crate::jobs::service::ready_sql(Job::ChannelOutbox, "o.id", now);
    let mut q = Sql::new(&format!(
        "SELECT o.id, o.inbox_id, o.message_id, o.payload, o.parts_sent FROM channel_outbox o \
         WHERE o.sent_at IS NULL AND {ready} AND o.lease_until <= "
    ));
    q.bind(now).push(
        " AND NOT EXISTS (SELECT 1 FROM channel_outbox p WHERE p.sent_at IS NULL \
         AND p.conversation_id = o.conversation_id AND p.id < o.id) ORDER BY o.id LIMIT ",
    );
    q.bind(limit);
    Ok(q.query_as().fetch_all(c).await?)
}

/// The channel outbox, as `db::claim` leases it (`lease_until` is 0 when
/// no attempt holds a row).
pub(super) const QUEUE: crate::db::Queue = crate::db::Queue {
    table: "channel_outbox",
    done: "sent_at",
    due_at: "lease_until",
};

/// Records a message the URL accepted.
pub(super) async fn sent(c: &mut AnyConnection, id: i64, code: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE channel_outbox SET attempts = attempts + 1, sent_at = $1, last_status_code = $2, \
         last_error = NULL, lease_until = 0 WHERE id = $3",
    )
    .bind(now)
    .bind(code)
    .bind(id)
    .execute(c)
    .await?;
    Ok(())
}

/// Records a failed attempt, not to be tried again before `not_before`
/// (0: the backoff decides), with the parts the channel took so far when
/// known; answers the attempts so far.
pub(super) async fn failed(
    c: &mut AnyConnection,
    id: i64,
    code: Option<i64>,
    error: &str,
    not_before: i64,
    parts_sent: Option<i64>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "UPDATE channel_outbox SET attempts = attempts + 1, last_status_code = $1, \
         last_error = $2, lease_until = $3, parts_sent = COALESCE($4, parts_sent) \
         WHERE id = $5 RETURNING attempts",
    )
    .bind(code)
    .bind(error)
    .bind(not_before)
    .bind(parts_sent)
    .bind(id)
    .fetch_one(c)
    .await?)
}
