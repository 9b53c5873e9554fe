//! The SQL of undo send: the sent message's facts, its removal, and the
//! customer's wait it had ended.

use sqlx::AnyConnection;

use crate::Result;

/// What undo send needs to know of a message.
#[derive(Debug, sqlx::FromRow)]
pub(in crate::conversations) struct SentFacts {
    pub author_id: Option<i64>,
    pub author_kind: String,
    pub direction: String,
    pub internal: i64,
    pub text: String,
    pub created_at: i64,
}

/// Message `message_id` of conversation `conversation_id`; its text is
/// the Markdown its agent typed when it was formatted.
pub(in crate::conversations) async fn sent_facts(
    c: &mut AnyConnection,
    conversation_id: i64,
    message_id: i64,
) -> Result<Option<SentFacts>> {
    Ok(sqlx::query_as(
        "SELECT author_id, author_kind, direction, internal, COALESCE(markdown, text) AS text, created_at FROM messages \
         WHERE id = $1 AND conversation_id = $2",
    )
    .bind(message_id)
    .bind(conversation_id)
    .fetch_optional(c)
    .await?)
}

/// Removes a message and its file rows (the files themselves stay in the
/// content-addressed store, like any unreferenced blob).
pub(in crate::conversations) async fn delete_message(
    c: &mut AnyConnection,
    message_id: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM attachments WHERE message_id = $1")
        .bind(message_id)
        .execute(&mut *c)
        .await?;
    sqlx::query("DELETE FROM messages WHERE id = $1")
        .bind(message_id)
        .execute(c)
        .await?;
    Ok(())
}

/// Since when the customer waits, from the messages: their first message
/// after the desk's last public reply by an agent (`None`: answered).
pub(in crate::conversations) async fn waiting_since(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(created_at) FROM messages WHERE conversation_id = $1 AND direction = 'in' \
         AND created_at > COALESCE((SELECT MAX(created_at) FROM messages WHERE conversation_id = $1 \
         AND direction = 'out' AND internal = 0 AND author_kind = 'agent'), -1)",
    )
    .bind(conversation_id)
    .fetch_one(c)
    .await?)
}

/// Whether an agent has answered the customer publicly (another reply
/// than the one taken back).
pub(in crate::conversations) async fn agent_replied(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND direction = 'out' \
         AND internal = 0 AND author_kind = 'agent'",
    )
    .bind(conversation_id)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Whether the reply written at `at` moved the conversation from New to
/// Open (its `status_changed` event, in the same write and instant).
pub(in crate::conversations) async fn reply_opened(
    c: &mut AnyConnection,
    conversation_id: i64,
    at: i64,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE conversation_id = $1 AND kind = 'status_changed' \
         AND created_at = $2 AND data LIKE '%\"from\":\"new\"%' AND data LIKE '%\"to\":\"open\"%'",
    )
    .bind(conversation_id)
    .bind(at)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}
