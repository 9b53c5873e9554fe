//! What automation rules read of a conversation's messages and events.

use serde_json::Value;
use sqlx::AnyConnection;

use crate::Result;
use crate::automation::Since;
use crate::vocab::ActorKind;

/// Who caused an event, and the message it added (if any).
pub(in crate::conversations) async fn event_message(
    c: &mut AnyConnection,
    event_id: i64,
) -> Result<Option<(ActorKind, Option<i64>)>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT actor_kind, data FROM events WHERE id = $1")
            .bind(event_id)
            .fetch_optional(c)
            .await?;
    let Some((kind, data)) = row else {
        return Ok(None);
    };
    let kind = ActorKind::from_db(&kind)?;
    let mid = serde_json::from_str::<Value>(&data)
        .ok()
        .and_then(|d| d.get("message_id").and_then(Value::as_i64));
    Ok(Some((kind, mid)))
}

/// A message's text.
pub(in crate::conversations) async fn message_text(
    c: &mut AnyConnection,
    message_id: i64,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT text FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_optional(c)
            .await?,
    )
}

/// The customer's latest message: its id and text.
pub(in crate::conversations) async fn latest_customer_message(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT id, text FROM messages WHERE conversation_id = $1 AND direction = 'in' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(conversation_id)
    .fetch_optional(c)
    .await?)
}

/// Conversations not closed after `after_id` (by id, `limit` of them) with
/// their moment `since` (none: it has not happened).
pub(in crate::conversations) async fn moments(
    c: &mut AnyConnection,
    since: Since,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<i64>)>> {
    let moment = match since {
        Since::Created => "c.created_at",
        Since::StatusChanged => {
            "COALESCE((SELECT MAX(e.created_at) FROM events e WHERE e.conversation_id = c.id \
             AND e.kind = 'status_changed'), c.created_at)"
        }
        Since::LastCustomerMessage => {
            "(SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
             AND m.direction = 'in')"
        }
        Since::LastAgentMessage => {
            "(SELECT MAX(m.created_at) FROM messages m WHERE m.conversation_id = c.id \
             AND m.direction = 'out' AND m.internal = 0 AND m.author_kind = 'agent')"
        }
    };
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, {moment} FROM conversations c WHERE c.status <> 'closed' AND c.id > $1 \
         ORDER BY c.id LIMIT $2"
    )))
    .bind(after_id)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// The conversations changed since `since`, newest change first.
pub(in crate::conversations) async fn changed_since(
    c: &mut AnyConnection,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversations WHERE updated_at >= $1 ORDER BY updated_at DESC, id DESC LIMIT $2",
    )
    .bind(since)
    .bind(limit)
    .fetch_all(c)
    .await?)
}

/// An event as a webhook posts it: its id, kind, data and time (`id`:
/// that event; `None`: the conversation's latest).
pub(in crate::conversations) async fn event_for_webhook(
    c: &mut AnyConnection,
    conversation_id: i64,
    id: Option<i64>,
) -> Result<Option<(i64, crate::vocab::EventKind, Value, i64)>> {
    let row: Option<(i64, String, String, i64)> = match id {
        Some(id) => sqlx::query_as(
            "SELECT id, kind, data, created_at FROM events WHERE id = $1 AND conversation_id = $2",
        )
        .bind(id)
        .bind(conversation_id),
        None => sqlx::query_as(
            "SELECT id, kind, data, created_at FROM events WHERE conversation_id = $1 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(conversation_id),
    }
    .fetch_optional(c)
    .await?;
    row.map(|(id, kind, data, at)| {
        Ok((
            id,
            crate::vocab::EventKind::from_db(&kind)?,
            serde_json::from_str(&data).unwrap_or(Value::Null),
            at,
        ))
    })
    .transpose()
}
