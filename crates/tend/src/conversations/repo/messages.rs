//! Messages and their attachments.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::rfc3339;

use super::super::model::{Actor, Attachment, AuthVerdict, MailAuth, Message};
use crate::vocab::{ActorKind, DeliveryStatus, Direction};

use super::*;
/// The fields of a new message row.
pub(in crate::conversations) struct NewMessageRow<'a> {
    pub conversation_id: i64,
    pub direction: Direction,
    pub internal: bool,
    pub author_kind: ActorKind,
    pub author_id: Option<i64>,
    pub author_name: Option<&'a str>,
    pub author_email: Option<&'a str>,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub delivery_status: Option<DeliveryStatus>,
    pub now: i64,
    /// Email extras; `Default` for other channels.
    pub email: EmailExtras<'a>,
}

/// What an email message carries beyond text.
#[derive(Debug, Clone, Default)]
pub(in crate::conversations) struct EmailExtras<'a> {
    pub cc: Option<&'a str>,
    pub raw_sha256: Option<&'a str>,
    pub reply_text: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// Sender authentication, when it was checked.
    pub auth: Option<&'a MailAuth>,
}

/// The insert of a message row, parameters `$1`…`$20` (see [`bind_message!`]).
macro_rules! insert_message_sql {
    () => {
        "INSERT INTO messages (conversation_id, direction, internal, author_kind, author_id, author_name, \
         author_email, text, html, message_id, delivery_status, created_at, cc, raw_sha256, reply_text, notes, \
         auth_spf, auth_dkim, auth_dmarc, auth_domain) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
    };
}

/// Binds a [`NewMessageRow`] as `$1`…`$20` of [`insert_message_sql!`].
macro_rules! bind_message {
    ($query:expr, $m:expr) => {
        $query
            .bind($m.conversation_id)
            .bind($m.direction.as_str())
            .bind(i64::from($m.internal))
            .bind($m.author_kind.as_str())
            .bind($m.author_id)
            .bind($m.author_name)
            .bind($m.author_email)
            .bind($m.text)
            .bind($m.html)
            .bind($m.message_id)
            .bind($m.delivery_status.map(DeliveryStatus::as_str))
            .bind($m.now)
            .bind($m.email.cc)
            .bind($m.email.raw_sha256)
            .bind($m.email.reply_text)
            .bind($m.email.notes)
            .bind($m.email.auth.map(|a| a.spf.as_str()))
            .bind($m.email.auth.map(|a| a.dkim.as_str()))
            .bind($m.email.auth.map(|a| a.dmarc.as_str()))
            .bind($m.email.auth.and_then(|a| a.domain.as_deref()))
    };
}

pub(in crate::conversations) async fn insert_message(
    c: &mut AnyConnection,
    m: &NewMessageRow<'_>,
) -> Result<i64> {
    Ok(bind_message!(
        sqlx::query_scalar(concat!(insert_message_sql!(), " RETURNING id")),
        m
    )
    .fetch_one(c)
    .await?)
}

/// The service-level part of an opening: the new clocks and their events
/// (by Tend), written in the same statement.
pub(in crate::conversations) struct OpeningSla<'a> {
    pub clocks: Vec<&'a crate::sla::clock::Clock>,
    pub events: &'a [(crate::vocab::EventKind, Value)],
}

/// SQLite: a new conversation's first message `m`, its `created` event
/// (`created`: actor and data), the `message_added` event (`added`: actor,
/// and data without `message_id`), then the service-level clocks and
/// their `sla_applied` events (`sla`), in one round trip to the worker
/// thread. Answers the message id and the event ids in order.
///
/// Every result sqlx's worker hands back (each statement's, each row)
/// wakes the single writer, so the statement returns one row in all:
/// the events go in with one `INSERT` and no `RETURNING`, and the last
/// `SELECT` reads their ids back (consecutive: one writer, one statement)
/// with the message id. `json_set` adds `message_id` last and writes
/// compact JSON, so the text is what `json!` writes (keys sorted) when
/// every other key sorts before `message_id`.
/// The last `SELECT` of [`insert_opening_sqlite`]: the first and last event
/// ids, how many events, the message id.
#[derive(FromRow)]
struct OpenedIds(Option<i64>, Option<i64>, i64, Option<i64>);

pub(in crate::conversations) async fn insert_opening_sqlite(
    c: &mut AnyConnection,
    m: &NewMessageRow<'_>,
    created: (&EventActor, &Value),
    added: (&EventActor, &Value),
    sla: &OpeningSla<'_>,
) -> Result<(i64, Vec<i64>)> {
    let mut sql = String::from(concat!(
        insert_message_sql!(),
        "; INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) \
         VALUES ($1, 'created', $21, $22, $23, $12), \
         ($1, 'message_added', $24, $25, json_set($26, '$.message_id', \
         (SELECT MAX(id) FROM messages WHERE conversation_id = $1)), $12)"
    ));
    // The clocks' events, then the clocks, after the 26 parameters above.
    let mut next = 27;
    for _ in sla.events {
        sql.push_str(&format!(
            ", ($1, ${}, 'system', NULL, ${}, $12)",
            next,
            next + 1
        ));
        next += 2;
    }
    if !sla.clocks.is_empty() {
        sql.push_str("; ");
        sql.push_str(&crate::sla::repo::insert_clocks_sql(
            1,
            next,
            sla.clocks.len(),
        ));
    }
    sql.push_str(
        "; SELECT MIN(id), MAX(id), COUNT(*), MAX(json_extract(data, '$.message_id')) \
         FROM events WHERE conversation_id = $1",
    );
    let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    let mut query = bind_message!(query, m)
        .bind(created.0.kind.as_str())
        .bind(created.0.id)
        .bind(created.1.to_string())
        .bind(added.0.kind.as_str())
        .bind(added.0.id)
        .bind(added.1.to_string());
    for (kind, data) in sla.events {
        query = query.bind(kind.as_str()).bind(data.to_string());
    }
    let query = crate::sla::repo::bind_clocks(query, &sla.clocks);
    // Not `fetch_optional`: sqlx's `Any` driver answers `None` when the
    // first result of a statement list is not a row.
    let rows: Vec<OpenedIds> = query.fetch_all(c).await?;
    let want = 2 + sla.events.len() as i64;
    match rows.as_slice() {
        [OpenedIds(Some(first), Some(last), n, Some(message))]
            if *n == want && last - first + 1 == want =>
        {
            Ok((*message, (*first..=*last).collect()))
        }
        _ => Err(crate::Error::Internal(anyhow::anyhow!(
            "a new conversation's first message was not written as expected"
        ))),
    }
}

/// Records the chat client's id of message `id`.
pub(in crate::conversations) async fn set_client_id(
    c: &mut AnyConnection,
    id: i64,
    client_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE messages SET client_id = $1 WHERE id = $2")
        .bind(client_id)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// The delivery state of an outbound message (`None`: none, or no such
/// message).
pub(in crate::conversations) async fn delivery_of(
    c: &mut AnyConnection,
    message_id: i64,
) -> Result<Option<DeliveryStatus>> {
    let s: Option<Option<String>> =
        sqlx::query_scalar("SELECT delivery_status FROM messages WHERE id = $1")
            .bind(message_id)
            .fetch_optional(c)
            .await?;
    Ok(s.flatten().and_then(|s| DeliveryStatus::from_db(&s).ok()))
}

/// Records the delivery state of an outbound message; returns its conversation and inbox.
pub(in crate::conversations) async fn set_delivery(
    c: &mut AnyConnection,
    message_id: i64,
    status: DeliveryStatus,
    error: Option<&str>,
) -> Result<Option<(i64, i64)>> {
    sqlx::query("UPDATE messages SET delivery_status = $1, delivery_error = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(error)
        .bind(message_id)
        .execute(&mut *c)
        .await?;
    Ok(sqlx::query_as(
        "SELECT m.conversation_id, cv.inbox_id FROM messages m JOIN conversations cv ON cv.id = m.conversation_id \
         WHERE m.id = $1",
    )
    .bind(message_id)
    .fetch_optional(c)
    .await?)
}

/// The metadata of a stored file to link to a message.
#[derive(Debug, Clone)]
pub struct AttachmentMeta {
    /// Hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// MIME type.
    pub content_type: String,
    /// File name.
    pub filename: String,
    /// Shown inside the body.
    pub inline: bool,
    /// Content-ID.
    pub content_id: Option<String>,
}

pub(in crate::conversations) async fn insert_attachment(
    c: &mut AnyConnection,
    message_id: i64,
    a: &AttachmentMeta,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO attachments (message_id, sha256, size, content_type, filename, inline, content_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(message_id)
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
struct MessageRow {
    id: i64,
    conversation_id: i64,
    #[sqlx(try_from = "String")]
    direction: Direction,
    internal: i64,
    #[sqlx(try_from = "String")]
    author_kind: ActorKind,
    author_id: Option<i64>,
    author_name: Option<String>,
    author_email: Option<String>,
    text: String,
    html: Option<String>,
    message_id: Option<String>,
    delivery_status: Option<String>,
    created_at: i64,
    delivery_error: Option<String>,
    reply_text: Option<String>,
    cc: Option<String>,
    bcc: Option<String>,
    notes: Option<String>,
    raw_sha256: Option<String>,
    auth_spf: Option<String>,
    auth_dkim: Option<String>,
    auth_dmarc: Option<String>,
    auth_domain: Option<String>,
}

#[derive(FromRow)]
struct AttachmentRow {
    id: i64,
    message_id: i64,
    sha256: String,
    size: i64,
    content_type: String,
    filename: String,
    inline: i64,
    content_id: Option<String>,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Attachment {
        Attachment {
            id: r.id,
            filename: r.filename,
            content_type: r.content_type,
            size: r.size,
            sha256: r.sha256,
            inline: r.inline != 0,
            content_id: r.content_id,
        }
    }
}

/// Messages of a conversation, oldest first, after a cursor.
pub(in crate::conversations) async fn messages(
    c: &mut AnyConnection,
    conversation_id: i64,
    only_id: Option<i64>,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>> {
    messages_in_order(c, conversation_id, only_id, after_id, limit, false).await
}

/// The newest `limit` messages of a conversation, oldest first.
pub(in crate::conversations) async fn newest_messages(
    c: &mut AnyConnection,
    conversation_id: i64,
    limit: i64,
) -> Result<Vec<Message>> {
    let mut out = messages_in_order(c, conversation_id, None, None, limit, true).await?;
    out.reverse();
    Ok(out)
}

async fn messages_in_order(
    c: &mut AnyConnection,
    conversation_id: i64,
    only_id: Option<i64>,
    after_id: Option<i64>,
    limit: i64,
    newest_first: bool,
) -> Result<Vec<Message>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, direction, internal, author_kind, author_id, author_name, author_email, \
         text, html, message_id, delivery_status, created_at, delivery_error, reply_text, cc, bcc, notes, \
         raw_sha256, auth_spf, auth_dkim, auth_dmarc, auth_domain FROM messages WHERE conversation_id = ",
    );
    sql.bind(conversation_id);
    if let Some(id) = only_id {
        sql.push(" AND id = ").bind(id);
    }
    if let Some(a) = after_id {
        sql.push(" AND id > ").bind(a);
    }
    sql.push(if newest_first {
        " ORDER BY id DESC LIMIT "
    } else {
        " ORDER BY id LIMIT "
    })
    .bind(limit);
    let rows: Vec<MessageRow> = sql.query_as().fetch_all(&mut *c).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut files: HashMap<i64, Vec<Attachment>> = HashMap::new();
    if !ids.is_empty() {
        let mut q = Sql::new(
            "SELECT id, message_id, sha256, size, content_type, filename, inline, content_id \
             FROM attachments WHERE message_id IN ",
        );
        q.bind_list(ids.iter().copied()).push(" ORDER BY id");
        let arows: Vec<AttachmentRow> = q.query_as().fetch_all(&mut *c).await?;
        for a in arows {
            files.entry(a.message_id).or_default().push(a.into());
        }
    }
    rows.into_iter()
        .map(|r| {
            Ok(Message {
                id: r.id,
                conversation_id: r.conversation_id,
                direction: r.direction,
                internal: r.internal != 0,
                author: Actor {
                    kind: r.author_kind,
                    id: r.author_id,
                    name: r.author_name,
                    email: r.author_email,
                },
                text: r.text,
                html: r.html,
                attachments: files.remove(&r.id).unwrap_or_default(),
                created_at: rfc3339(r.created_at),
                message_id: r.message_id,
                delivery_status: r
                    .delivery_status
                    .as_deref()
                    .map(DeliveryStatus::from_db)
                    .transpose()?,
                delivery_error: r.delivery_error,
                reply_text: r.reply_text,
                cc: address_list(r.cc),
                bcc: address_list(r.bcc),
                notes: r.notes,
                has_raw: r.raw_sha256.is_some(),
                auth: match (r.auth_spf, r.auth_dkim, r.auth_dmarc) {
                    (Some(spf), Some(dkim), Some(dmarc)) => Some(MailAuth {
                        spf: AuthVerdict::parse(&spf),
                        dkim: AuthVerdict::parse(&dkim),
                        dmarc: AuthVerdict::parse(&dmarc),
                        domain: r.auth_domain,
                    }),
                    _ => None,
                },
            })
        })
        .collect()
}

/// A stored file's metadata, if the viewer may see its conversation.
pub(in crate::conversations) async fn attachment(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<Attachment>> {
    let mut sql = Sql::new(
        "SELECT a.id, COALESCE(a.message_id, 0) AS message_id, a.sha256, a.size, a.content_type, \
         a.filename, a.inline, a.content_id FROM attachments a LEFT JOIN messages m ON m.id = a.message_id \
         LEFT JOIN side_messages sm ON sm.id = a.side_message_id \
         LEFT JOIN side_conversations s ON s.id = sm.side_conversation_id \
         JOIN conversations c ON c.id = COALESCE(m.conversation_id, s.conversation_id) WHERE a.id = ",
    );
    sql.bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    let row: Option<AttachmentRow> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(Attachment::from))
}

/// The original .eml of a message in a conversation the viewer may see.
pub(in crate::conversations) async fn raw_of_message(
    c: &mut AnyConnection,
    viewer: &Viewer,
    conversation_id: i64,
    message_id: i64,
) -> Result<Option<String>> {
    let mut sql = Sql::new(
        "SELECT m.raw_sha256 FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.raw_sha256 IS NOT NULL AND m.id = ",
    );
    sql.bind(message_id)
        .push(" AND c.id = ")
        .bind(conversation_id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    let row: Option<(String,)> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(|r| r.0))
}
