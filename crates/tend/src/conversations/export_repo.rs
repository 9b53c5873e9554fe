//! The SQL behind [`super::export`]: reading the event log and whole
//! conversations for consumers that keep their own copy (the search index).
//! Kept apart from `repo.rs`, which holds the SQL of the use cases.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::Sql;
use crate::vocab::{EventKind, Status};

#[derive(Debug, FromRow)]
pub(super) struct EventRow {
    pub id: i64,
    pub conversation_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    pub data: String,
}

/// Events after `after_id`, oldest first.
pub(super) async fn events_after(
    c: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT id, conversation_id, kind, data FROM events WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The events among `ids` that exist.
pub(super) async fn events_by_id(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<EventRow>> {
    let mut sql = Sql::new("SELECT id, conversation_id, kind, data FROM events WHERE id IN ");
    sql.bind_list(ids.iter().copied()).push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The highest event id (0 when the log is empty).
pub(super) async fn last_event_id(c: &mut AnyConnection) -> Result<i64> {
    let (id,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM events")
        .fetch_one(c)
        .await?;
    Ok(id.unwrap_or(0))
}

/// The event ids in `after_id < id <= up_to`.
pub(super) async fn event_ids_between(
    c: &mut AnyConnection,
    after_id: i64,
    up_to: i64,
) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM events WHERE id > $1 AND id <= $2 ORDER BY id")
            .bind(after_id)
            .bind(up_to)
            .fetch_all(c)
            .await?,
    )
}

pub(super) async fn count_conversations(c: &mut AnyConnection) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM conversations")
        .fetch_one(c)
        .await?)
}

/// Conversation ids after `after_id`, in order.
pub(super) async fn conversation_ids_after(
    c: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM conversations WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after_id)
            .bind(limit)
            .fetch_all(c)
            .await?,
    )
}

#[derive(Debug, FromRow)]
pub(super) struct HeadRow {
    pub id: i64,
    pub inbox_id: i64,
    pub subject: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub assignee_id: Option<i64>,
    pub tags: String,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
}

/// The conversation rows among `ids` (no access filter: the index keeps
/// everything, and searches filter by inbox).
pub(super) async fn heads(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<HeadRow>> {
    let mut sql = Sql::new(
        "SELECT c.id, c.inbox_id, c.subject, c.status, c.assignee_id, c.tags, \
         cu.name AS customer_name, COALESCE(c.customer_email, (SELECT ce.email FROM customer_emails ce \
         WHERE ce.customer_id = c.customer_id ORDER BY ce.is_primary DESC, ce.created_at LIMIT 1)) \
         AS customer_email FROM conversations c JOIN customers cu ON cu.id = c.customer_id \
         WHERE c.id IN ",
    );
    sql.bind_list(ids.iter().copied()).push(" ORDER BY c.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

#[derive(Debug, FromRow)]
pub(super) struct MessageRow {
    pub id: i64,
    pub conversation_id: i64,
    pub internal: i64,
    pub text: String,
    pub created_at: i64,
}

/// Every message of these conversations.
pub(super) async fn messages_of(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
) -> Result<Vec<MessageRow>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, internal, text, created_at FROM messages WHERE conversation_id IN ",
    );
    sql.bind_list(conversation_ids.iter().copied())
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The mails of the side conversations of these conversations (as
/// [`MessageRow`]s of their conversation; `internal` is 1).
pub(super) async fn side_messages_of(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
) -> Result<Vec<MessageRow>> {
    let mut sql = Sql::new(SIDE_ROWS);
    sql.push("s.conversation_id IN ")
        .bind_list(conversation_ids.iter().copied())
        .push(" ORDER BY m.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// These side conversations' mails.
pub(super) async fn side_messages_by_id(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<MessageRow>> {
    let mut sql = Sql::new(SIDE_ROWS);
    sql.push("m.id IN ")
        .bind_list(ids.iter().copied())
        .push(" ORDER BY m.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

const SIDE_ROWS: &str = "SELECT m.id, s.conversation_id, CAST(1 AS BIGINT) AS internal, m.text, \
     m.created_at FROM side_messages m JOIN side_conversations s ON s.id = m.side_conversation_id \
     WHERE ";

/// These messages.
pub(super) async fn messages_by_id(
    c: &mut AnyConnection,
    message_ids: &[i64],
) -> Result<Vec<MessageRow>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, internal, text, created_at FROM messages WHERE id IN ",
    );
    sql.bind_list(message_ids.iter().copied())
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// (message id, file name) of the attachments of these messages (`side`:
/// of these side conversations' mails).
pub(super) async fn attachment_names(
    c: &mut AnyConnection,
    message_ids: &[i64],
    side: bool,
) -> Result<Vec<(i64, String)>> {
    let mut sql = Sql::new(if side {
        "SELECT side_message_id, filename FROM attachments WHERE side_message_id IN "
    } else {
        "SELECT message_id, filename FROM attachments WHERE message_id IN "
    });
    sql.bind_list(message_ids.iter().copied())
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

#[derive(Debug, FromRow)]
pub(super) struct HistoryEventRow {
    pub id: i64,
    pub conversation_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EventKind,
    #[sqlx(try_from = "String")]
    pub actor_kind: crate::vocab::ActorKind,
    pub actor_id: Option<i64>,
    pub data: String,
    pub created_at: i64,
}

/// Every event of these conversations, in log order.
pub(super) async fn history_events(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
) -> Result<Vec<HistoryEventRow>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, kind, actor_kind, actor_id, data, created_at FROM events \
         WHERE conversation_id IN ",
    );
    sql.bind_list(conversation_ids.iter().copied())
        .push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// (id, language, tags as JSON) of the conversations among `ids`.
pub(super) async fn history_heads(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, Option<String>, String)>> {
    let mut sql = Sql::new("SELECT id, language, tags FROM conversations WHERE id IN ");
    sql.bind_list(ids.iter().copied()).push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The conversations with events in `after_id < id <= up_to`.
pub(super) async fn conversations_with_events_between(
    c: &mut AnyConnection,
    after_id: i64,
    up_to: i64,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT conversation_id FROM events WHERE id > $1 AND id <= $2 ORDER BY conversation_id",
    )
    .bind(after_id)
    .bind(up_to)
    .fetch_all(c)
    .await?)
}

/// The customers of these conversations.
pub(super) async fn customers_of(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<i64>> {
    let mut sql = Sql::new("SELECT DISTINCT customer_id FROM conversations WHERE id IN ");
    sql.bind_list(ids.iter().copied())
        .push(" ORDER BY customer_id");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A customer's newest conversations: id, subject, start, inbox.
pub(super) async fn customer_heads(
    c: &mut AnyConnection,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String, i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, subject, created_at, inbox_id FROM conversations
         WHERE customer_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The newest customer messages (not notes) of these conversations: when, text.
pub(super) async fn customer_texts(
    c: &mut AnyConnection,
    ids: &[i64],
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    let mut sql = Sql::new(
        "SELECT created_at, text FROM messages WHERE direction = 'in' AND internal = 0 AND conversation_id IN ",
    );
    sql.bind_list(ids.iter().copied())
        .push(" ORDER BY id DESC LIMIT ")
        .bind(limit);
    Ok(sql.query_as().fetch_all(c).await?)
}
