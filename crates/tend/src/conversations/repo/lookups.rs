//! Finding messages: by Message-ID (threading), by a chat client's id,
//! by sender; and the conversations nobody has answered (the monitor).

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::vocab::Status;

/// The conversation of inbox `inbox_id` holding the message with this
/// Message-ID. A conversation of another inbox is never answered: mail
/// joins only conversations of the inbox it arrived at.
pub(in crate::conversations) async fn conversation_of_message_id(
    c: &mut AnyConnection,
    inbox_id: i64,
    message_id: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT m.conversation_id FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.message_id = $1 AND c.inbox_id = $2 LIMIT 1",
    )
    .bind(message_id)
    .bind(inbox_id)
    .fetch_optional(c)
    .await?)
}

/// The message stored under a chat client's id in a conversation, if any.
pub(in crate::conversations) async fn message_by_client_id(
    c: &mut AnyConnection,
    conversation_id: i64,
    client_id: &str,
) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM messages WHERE conversation_id = $1 AND client_id = $2")
            .bind(conversation_id)
            .bind(client_id)
            .fetch_optional(&mut *c)
            .await?,
    )
}

/// The public message of a conversation just before message `id` (0 when
/// there is none).
pub(in crate::conversations) async fn public_message_before(
    c: &mut AnyConnection,
    conversation_id: i64,
    id: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(id), 0) FROM messages \
         WHERE conversation_id = $1 AND id < $2 AND internal = 0",
    )
    .bind(conversation_id)
    .bind(id)
    .fetch_one(c)
    .await?)
}

/// Whether any customer mail from `email` is stored as a message.
pub(in crate::conversations) async fn mail_came_from(
    c: &mut AnyConnection,
    email: &str,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE author_email = $1 \
         AND direction = 'in' AND raw_sha256 IS NOT NULL LIMIT 1) m",
    )
    .bind(email)
    .fetch_one(c)
    .await?;
    Ok(n > 0)
}

/// Whether a message with this Message-ID is stored (in any inbox).
pub(in crate::conversations) async fn message_id_stored(
    c: &mut AnyConnection,
    message_id: &str,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE message_id = $1")
        .bind(message_id)
        .fetch_one(c)
        .await?;
    Ok(n > 0)
}

/// For each of `message_ids` stored in a conversation of inbox `inbox_id`:
/// (Message-ID, conversation). One statement for
/// a whole References list. Conversations of other inboxes are never
/// answered.
pub(in crate::conversations) async fn conversations_of_message_ids(
    c: &mut AnyConnection,
    inbox_id: i64,
    message_ids: &[&str],
) -> Result<Vec<(String, i64)>> {
    if message_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = Sql::new(
        "SELECT m.message_id, m.conversation_id FROM messages m \
         JOIN conversations c ON c.id = m.conversation_id WHERE c.inbox_id = ",
    );
    sql.bind(inbox_id)
        .push(" AND m.message_id IN ")
        .bind_list(message_ids.iter().map(|m| m.to_string()));
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The conversation a subject token leads to (the one it names, or the
/// one that was merged into: `merged_into`), its inbox, and whether
/// `email` (lower case) takes part in it: one of its customer's addresses,
/// or an address in the CC of one of its messages (`messages.cc`, a JSON
/// array of lower-case addresses). `None` when there is no such
/// conversation. Whoever asks: threading decides with it.
pub(in crate::conversations) async fn token_target(
    c: &mut AnyConnection,
    conversation_id: i64,
    email: &str,
) -> Result<Option<(i64, i64, bool)>> {
    let cc = if crate::db::is_postgres(c) {
        "SELECT 1 FROM messages m WHERE m.conversation_id = cv.id AND m.cc IS NOT NULL \
         AND jsonb_exists(m.cc::jsonb, $2)"
    } else {
        "SELECT 1 FROM messages m, \
         json_each(CASE WHEN json_valid(m.cc) THEN m.cc ELSE '[]' END) j \
         WHERE m.conversation_id = cv.id AND m.cc IS NOT NULL AND j.value = $2"
    };
    let row: Option<(i64, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT cv.id, cv.inbox_id, (SELECT COUNT(*) FROM customer_emails ce \
         WHERE ce.customer_id = cv.customer_id AND ce.email = $2) \
         + (SELECT COUNT(*) FROM ({cc}) x) FROM conversations cv \
         WHERE cv.id = (SELECT COALESCE(n.merged_into, n.id) FROM conversations n WHERE n.id = $1)"
    )))
    .bind(conversation_id)
    .bind(email)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|(id, inbox, n)| (id, inbox, n > 0)))
}

/// Message-IDs already in a conversation, oldest first (for References).
pub(in crate::conversations) async fn message_ids_of(
    c: &mut AnyConnection,
    conversation_id: i64,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT message_id FROM messages WHERE conversation_id = $1 AND message_id IS NOT NULL ORDER BY id",
    )
    .bind(conversation_id)
    .fetch_all(c)
    .await?)
}

/// What the desk holds of a sender's mail before a new one is ingested.
#[derive(Debug, FromRow)]
pub struct MailFacts {
    /// Messages the sender sent since the window's start (loop protection).
    pub recent: i64,
    /// Messages with this Message-ID already (in any inbox).
    pub stored: i64,
    /// The conversation of the arrival inbox holding it, if any (another
    /// inbox's is never named to whoever delivered the mail).
    pub stored_in: Option<i64>,
}

/// [`MailFacts`] in one round trip (`sender` in lower case).
pub(in crate::conversations) async fn mail_facts(
    c: &mut AnyConnection,
    sender: &str,
    since: i64,
    message_id: &str,
    inbox_id: i64,
) -> Result<MailFacts> {
    Ok(sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM messages WHERE author_email = $1 AND direction = 'in' \
          AND created_at >= $2) AS recent, \
         (SELECT COUNT(*) FROM messages WHERE message_id = $3) AS stored, \
         (SELECT m.conversation_id FROM messages m JOIN conversations cv ON cv.id = m.conversation_id \
          WHERE m.message_id = $3 AND cv.inbox_id = $4 LIMIT 1) AS stored_in",
    )
    .bind(sender)
    .bind(since)
    .bind(message_id)
    .bind(inbox_id)
    .fetch_one(c)
    .await?)
}

/// Active conversations whose customer has waited since before `before`
/// without a public reply, per channel and inbox: `(channel, inbox id,
/// count, the longest wait's start)`.
pub(in crate::conversations) async fn unanswered(
    c: &mut AnyConnection,
    viewer: &Viewer,
    before: i64,
) -> Result<Vec<(String, i64, i64, i64)>> {
    let mut sql = Sql::new(
        "SELECT c.channel, c.inbox_id, COUNT(*), MIN(c.waiting_since) FROM conversations c \
         WHERE c.status IN ",
    );
    sql.push(&Status::sql_list(Status::is_active))
        .push(" AND c.waiting_since IS NOT NULL AND c.waiting_since < ")
        .bind(before);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" GROUP BY c.channel, c.inbox_id ORDER BY c.channel, c.inbox_id");
    Ok(sql.query_as().fetch_all(c).await?)
}
