//! Side conversations with third parties and their mails, and the BCC of
//! the desk's replies: what talking to people other than the customer
//! stores.

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::db::Sql;

/// Records the BCC of the desk's reply `id` (a JSON list), in the
/// transaction that inserted it.
pub(in crate::conversations) async fn set_bcc(
    c: &mut AnyConnection,
    id: i64,
    bcc: &str,
) -> Result<()> {
    sqlx::query("UPDATE messages SET bcc = $1 WHERE id = $2")
        .bind(bcc)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Keeps the Markdown a formatted message was typed as (for undo send).
pub(in crate::conversations) async fn set_markdown(
    c: &mut AnyConnection,
    id: i64,
    markdown: &str,
) -> Result<()> {
    sqlx::query("UPDATE messages SET markdown = $1 WHERE id = $2")
        .bind(markdown)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// A side conversation row.
#[derive(Debug, Clone, FromRow)]
pub(in crate::conversations) struct SideRow {
    pub id: i64,
    pub conversation_id: i64,
    pub subject: String,
    /// JSON list of addresses.
    pub participants: String,
    pub started_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A side conversation's mail, with its delivery state (from the outbox).
#[derive(Debug, Clone, FromRow)]
pub(in crate::conversations) struct SideMessageRow {
    pub id: i64,
    pub side_conversation_id: i64,
    pub direction: String,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub author_email: Option<String>,
    pub text: String,
    pub html: Option<String>,
    pub message_id: String,
    pub created_at: i64,
    pub delivery: Option<String>,
}

/// A new side conversation's row; answers its id.
pub(in crate::conversations) async fn insert_side(
    c: &mut AnyConnection,
    conversation_id: i64,
    subject: &str,
    participants: &str,
    started_by: Option<i64>,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO side_conversations (conversation_id, subject, participants, started_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(conversation_id)
    .bind(subject)
    .bind(participants)
    .bind(started_by)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// The fields of a new side message.
pub(in crate::conversations) struct NewSideMessage<'a> {
    pub side_id: i64,
    pub inbound: bool,
    pub author_id: Option<i64>,
    pub author_name: Option<&'a str>,
    pub author_email: Option<&'a str>,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub message_id: &'a str,
    pub raw_sha256: Option<&'a str>,
    pub now: i64,
}

/// Stores a side message and marks its side conversation updated; `None`
/// when its Message-ID is stored already (the same mail again).
pub(in crate::conversations) async fn insert_side_message(
    c: &mut AnyConnection,
    m: &NewSideMessage<'_>,
) -> Result<Option<i64>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO side_messages (side_conversation_id, direction, author_id, author_name, \
         author_email, text, html, message_id, raw_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (message_id) DO NOTHING RETURNING id",
    )
    .bind(m.side_id)
    .bind(if m.inbound { "in" } else { "out" })
    .bind(m.author_id)
    .bind(m.author_name)
    .bind(m.author_email)
    .bind(m.text)
    .bind(m.html)
    .bind(m.message_id)
    .bind(m.raw_sha256)
    .bind(m.now)
    .fetch_optional(&mut *c)
    .await?;
    if id.is_some() {
        sqlx::query("UPDATE side_conversations SET updated_at = $1 WHERE id = $2")
            .bind(m.now)
            .bind(m.side_id)
            .execute(&mut *c)
            .await?;
    }
    Ok(id)
}

/// The side conversations of a conversation, oldest first (`only`: just
/// that one).
pub(in crate::conversations) async fn sides_of(
    c: &mut AnyConnection,
    conversation_id: i64,
    only: Option<i64>,
) -> Result<Vec<SideRow>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, subject, participants, started_by, created_at, updated_at \
         FROM side_conversations WHERE conversation_id = ",
    );
    sql.bind(conversation_id);
    if let Some(id) = only {
        sql.push(" AND id = ").bind(id);
    }
    sql.push(" ORDER BY id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The mails of side conversations `side_ids`, oldest first, with the
/// outbox's state of the desk's.
pub(in crate::conversations) async fn side_messages_of(
    c: &mut AnyConnection,
    side_ids: &[i64],
) -> Result<Vec<SideMessageRow>> {
    if side_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT m.id, m.side_conversation_id, m.direction, m.author_id, m.author_name, \
         m.author_email, m.text, m.html, m.message_id, m.created_at, \
         (SELECT o.status FROM outbox o WHERE o.smtp_message_id = m.message_id \
          ORDER BY o.id LIMIT 1) AS delivery \
         FROM side_messages m WHERE m.side_conversation_id IN ",
    );
    sql.bind_list(side_ids.iter().copied())
        .push(" ORDER BY m.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The side conversation (and its conversation) of the first of `keys`
/// (Message-IDs, in the order looked at) that names a side mail of a
/// conversation of `inbox_id`.
pub(in crate::conversations) async fn side_of_message_ids(
    c: &mut AnyConnection,
    inbox_id: i64,
    keys: &[&str],
) -> Result<Option<(i64, i64)>> {
    if keys.is_empty() {
        return Ok(None);
    }
    let mut sql = Sql::new(
        "SELECT m.message_id, s.id, s.conversation_id FROM side_messages m \
         JOIN side_conversations s ON s.id = m.side_conversation_id \
         JOIN conversations cv ON cv.id = s.conversation_id \
         WHERE cv.inbox_id = ",
    );
    sql.bind(inbox_id).push(" AND m.message_id IN ");
    sql.bind_list(keys.iter().map(|k| k.to_string()));
    let found: Vec<(String, i64, i64)> = sql.query_as().fetch_all(c).await?;
    Ok(keys.iter().find_map(|k| {
        found
            .iter()
            .find(|(id, _, _)| id == k)
            .map(|(_, side, conv)| (*side, *conv))
    }))
}

/// Links a stored file to side mail `side_message_id` (never to a
/// message: nothing that reads a conversation's messages finds it).
pub(in crate::conversations) async fn insert_side_attachment(
    c: &mut AnyConnection,
    side_message_id: i64,
    a: &super::AttachmentMeta,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO attachments (side_message_id, sha256, size, content_type, filename, inline, \
         content_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(side_message_id)
    .bind(&a.sha256)
    .bind(a.size)
    .bind(&a.content_type)
    .bind(&a.filename)
    .bind(i64::from(a.inline))
    .bind(&a.content_id)
    .bind(now)
    .fetch_one(c)
    .await?)
}

#[derive(FromRow)]
struct SideFileRow {
    side_message_id: i64,
    id: i64,
    sha256: String,
    size: i64,
    content_type: String,
    filename: String,
    inline: i64,
    content_id: Option<String>,
}

/// The files of side mails `ids`, oldest first: (side mail id, file).
pub(in crate::conversations) async fn side_files_of(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, crate::conversations::model::Attachment)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT side_message_id, id, sha256, size, content_type, filename, inline, content_id \
         FROM attachments WHERE side_message_id IN ",
    );
    sql.bind_list(ids.iter().copied()).push(" ORDER BY id");
    let rows: Vec<SideFileRow> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let file = crate::conversations::model::Attachment {
                id: r.id,
                filename: r.filename,
                content_type: r.content_type,
                size: r.size,
                sha256: r.sha256,
                inline: r.inline != 0,
                content_id: r.content_id,
            };
            (r.side_message_id, file)
        })
        .collect())
}

/// Moves the side conversations of `from` (their mails and files follow
/// them) to `into`, with their events; answers their ids.
pub(in crate::conversations) async fn move_sides(
    c: &mut AnyConnection,
    from: i64,
    into: i64,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM side_conversations WHERE conversation_id = $1 ORDER BY id",
    )
    .bind(from)
    .fetch_all(&mut *c)
    .await?;
    sqlx::query("UPDATE side_conversations SET conversation_id = $2 WHERE conversation_id = $1")
        .bind(from)
        .bind(into)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "UPDATE events SET conversation_id = $2 WHERE conversation_id = $1 AND kind IN \
         ('side_conversation_started', 'side_message_sent', 'side_reply_received')",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *c)
    .await?;
    Ok(ids)
}

/// A stored JSON list of addresses (`cc`, `bcc`); none when absent.
pub(in crate::conversations) fn address_list(stored: Option<String>) -> Vec<String> {
    stored
        .and_then(|c| serde_json::from_str(&c).ok())
        .unwrap_or_default()
}
