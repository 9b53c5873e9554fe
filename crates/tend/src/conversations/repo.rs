// Over 500 lines: to be split by responsibility under issue 18 item 5 (the
// clean-up after the security merges); not split in the same change.
//! The only SQL about conversations, messages, attachments and events.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;
use crate::time::{rfc3339, rfc3339_opt};

use super::model::{
    Actor, AssigneeFilter, Attachment, AuthVerdict, Conversation, Counts, CustomerSummary, Event,
    ListFilter, ListSort, MailAuth, Message,
};
use super::status::{Priority, Status};

/// The mutable state of a conversation row, loaded, changed by the service
/// and written back whole.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ConvRow {
    pub id: i64,
    pub subject: String,
    pub status: String,
    pub priority: String,
    pub channel: String,
    pub inbox_id: i64,
    pub customer_id: i64,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_language: Option<String>,
    pub assignee_id: Option<i64>,
    pub team_id: Option<i64>,
    pub tags: String,
    pub language: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_at: Option<i64>,
    pub solved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub waiting_since: Option<i64>,
    pub reopen_count: i64,
    pub transfer_count: i64,
    pub message_count: i64,
}

impl ConvRow {
    /// The row [`insert`] has just written as `id`, as [`get`] would read it,
    /// given what the customer's record says (name, primary address,
    /// language).
    pub fn inserted(
        id: i64,
        r: &NewRow<'_>,
        customer: crate::customers::service::Known,
    ) -> ConvRow {
        ConvRow {
            id,
            subject: r.subject.to_string(),
            status: Status::New.as_str().to_string(),
            priority: r.priority.as_str().to_string(),
            channel: r.channel.to_string(),
            inbox_id: r.inbox_id,
            customer_id: r.customer_id,
            customer_name: customer.name,
            customer_email: r.customer_email.map(str::to_string).or(customer.email),
            customer_language: customer.language,
            assignee_id: None,
            team_id: None,
            tags: serde_json::to_string(r.tags).unwrap_or_else(|_| "[]".into()),
            language: r.language.map(str::to_string),
            created_at: r.now,
            updated_at: r.now,
            first_response_at: None,
            solved_at: None,
            closed_at: None,
            waiting_since: Some(r.now),
            reopen_count: 0,
            transfer_count: 0,
            message_count: 1,
        }
    }

    pub fn status(&self) -> Status {
        Status::parse("status", &self.status).unwrap_or(Status::Open)
    }

    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }

    pub fn into_conversation(self) -> Conversation {
        let tags = self.tag_list();
        Conversation {
            id: self.id,
            status: self.status(),
            priority: Priority::parse(&self.priority).unwrap_or(Priority::Normal),
            subject: self.subject,
            channel: self.channel,
            inbox_id: self.inbox_id,
            customer: CustomerSummary {
                id: self.customer_id,
                name: self.customer_name,
                email: self.customer_email,
                language: self.customer_language,
            },
            assignee_id: self.assignee_id,
            team_id: self.team_id,
            tags,
            language: self.language,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
            first_response_at: rfc3339_opt(self.first_response_at),
            solved_at: rfc3339_opt(self.solved_at),
            closed_at: rfc3339_opt(self.closed_at),
            waiting_since: rfc3339_opt(self.waiting_since),
            reopen_count: self.reopen_count,
            transfer_count: self.transfer_count,
            message_count: self.message_count,
        }
    }
}

/// A conversation shows (and is answered at) the customer address it is
/// with, not the customer's primary one: seeing a conversation must not
/// reveal the customer's other addresses (`agents::access`). Rows without
/// one (chats that gave no address, demo data) fall back to the primary.
const CONV_SELECT: &str = "SELECT c.id, c.subject, c.status, c.priority, c.channel, c.inbox_id, \
     c.customer_id, cu.name AS customer_name, \
     COALESCE(c.customer_email, (SELECT ce.email FROM customer_emails ce WHERE ce.customer_id = c.customer_id \
      ORDER BY ce.is_primary DESC, ce.created_at LIMIT 1)) AS customer_email, \
     cu.language AS customer_language, c.assignee_id, c.team_id, c.tags, c.language, \
     c.created_at, c.updated_at, c.first_response_at, c.solved_at, c.closed_at, c.waiting_since, \
     c.reopen_count, c.transfer_count, c.message_count \
     FROM conversations c JOIN customers cu ON cu.id = c.customer_id WHERE 1=1";

/// The fields of a new conversation row.
pub(super) struct NewRow<'a> {
    pub inbox_id: i64,
    pub customer_id: i64,
    pub subject: &'a str,
    pub priority: Priority,
    pub channel: &'a str,
    pub tags: &'a [String],
    pub language: Option<&'a str>,
    /// The customer's address that wrote in (or that the API named).
    pub customer_email: Option<&'a str>,
    pub now: i64,
}

macro_rules! insert_conversation {
    () => {
        "INSERT INTO conversations (inbox_id, customer_id, subject, subject_fold, status, priority, \
         channel, tags, language, created_at, updated_at, waiting_since, message_count, customer_email) \
         VALUES ($1, $2, $3, $9, 'new', $4, $5, $6, $7, $8, $8, $8, 1, $10) RETURNING id"
    };
}

pub(super) async fn insert(c: &mut AnyConnection, r: &NewRow<'_>) -> Result<i64> {
    let tags = serde_json::to_string(r.tags).unwrap_or_else(|_| "[]".into());
    // SQLite: the row and its tags in one round trip to the worker thread
    // (the single writer's new row has the largest id).
    let with_tags = !crate::db::is_postgres(c) && !r.tags.is_empty();
    let sql = if with_tags {
        concat!(
            insert_conversation!(),
            "; INSERT INTO conversation_tags (conversation_id, tag) \
             SELECT (SELECT max(id) FROM conversations), value FROM json_each($6)"
        )
    } else {
        insert_conversation!()
    };
    let ids: Vec<i64> = sqlx::query_scalar(sql)
        .bind(r.inbox_id)
        .bind(r.customer_id)
        .bind(r.subject)
        .bind(r.priority.as_str())
        .bind(r.channel)
        .bind(tags)
        .bind(r.language)
        .bind(r.now)
        .bind(r.subject.to_lowercase())
        .bind(r.customer_email)
        // Every statement run to its end.
        .fetch_all(&mut *c)
        .await?;
    let id = ids
        .first()
        .copied()
        .ok_or_else(|| crate::Error::Internal(anyhow::anyhow!("the new conversation has no id")))?;
    if !with_tags {
        insert_tags(c, id, r.tags).await?;
    }
    Ok(id)
}

/// All tags in one statement (tags are few: at most a few dozen).
async fn insert_tags(c: &mut AnyConnection, id: i64, tags: &[String]) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO conversation_tags (conversation_id, tag) VALUES ");
    for (i, t) in tags.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(").bind(id).push(", ").bind(t.as_str()).push(")");
    }
    sql.query().execute(c).await?;
    Ok(())
}

pub(super) async fn replace_tags(c: &mut AnyConnection, id: i64, tags: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM conversation_tags WHERE conversation_id = $1")
        .bind(id)
        .execute(&mut *c)
        .await?;
    insert_tags(c, id, tags).await
}

/// Writes back the mutable state of a conversation.
pub(super) async fn update(c: &mut AnyConnection, r: &ConvRow) -> Result<()> {
    sqlx::query(
        "UPDATE conversations SET status = $1, priority = $2, assignee_id = $3, team_id = $4, tags = $5, \
         language = $6, customer_id = $7, updated_at = $8, first_response_at = $9, solved_at = $10, \
         closed_at = $11, waiting_since = $12, reopen_count = $13, transfer_count = $14, \
         message_count = $15 WHERE id = $16",
    )
    .bind(&r.status)
    .bind(&r.priority)
    .bind(r.assignee_id)
    .bind(r.team_id)
    .bind(&r.tags)
    .bind(&r.language)
    .bind(r.customer_id)
    .bind(r.updated_at)
    .bind(r.first_response_at)
    .bind(r.solved_at)
    .bind(r.closed_at)
    .bind(r.waiting_since)
    .bind(r.reopen_count)
    .bind(r.transfer_count)
    .bind(r.message_count)
    .bind(r.id)
    .execute(c)
    .await?;
    Ok(())
}

/// The customer address conversation `id` is with (after a change of customer).
pub(super) async fn set_customer_email(c: &mut AnyConnection, id: i64, email: &str) -> Result<()> {
    sqlx::query("UPDATE conversations SET customer_email = $1 WHERE id = $2")
        .bind(email)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// One conversation, if the viewer may see it.
pub(super) async fn get(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<ConvRow>> {
    let mut sql = Sql::new(CONV_SELECT);
    sql.push(" AND c.id = ").bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// One conversation, if the viewer may see it, locked for update until the
/// transaction ends (PostgreSQL; SQLite's single writer needs no lock).
pub(super) async fn get_for_update(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<ConvRow>> {
    let mut sql = Sql::new(CONV_SELECT);
    sql.push(" AND c.id = ").bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    if crate::db::is_postgres(c) {
        sql.push(" FOR UPDATE OF c");
    }
    Ok(sql.query_as().fetch_optional(c).await?)
}

/// Conversations the viewer may see, newest first.
pub(super) async fn list(
    c: &mut AnyConnection,
    viewer: &Viewer,
    f: &ListFilter,
) -> Result<Vec<ConvRow>> {
    let select = match waiting_index(f) {
        // SQLite's planner, without statistics, prefers the status index and
        // sorts; the partial index reads the first page in order instead.
        Some(index) if !crate::db::is_postgres(c) => CONV_SELECT.replacen(
            "FROM conversations c JOIN",
            &format!("FROM conversations c INDEXED BY {index} JOIN"),
            1,
        ),
        _ => CONV_SELECT.to_string(),
    };
    let mut sql = Sql::new(&select);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    if f.sort == ListSort::LongestWaiting && !f.statuses.is_empty() {
        // Literal values (from the enum, never from input) so that the
        // planner can match the partial indexes' `status IN (…)`.
        let list: Vec<String> = f
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        sql.push(&format!(" AND c.status IN ({})", list.join(", ")));
    } else if !f.statuses.is_empty() {
        sql.push(" AND c.status IN ")
            .bind_list(f.statuses.iter().map(|s| s.as_str()));
    }
    match f.assignee {
        Some(AssigneeFilter::User(u)) => {
            sql.push(" AND c.assignee_id = ").bind(u);
        }
        Some(AssigneeFilter::Nobody) => {
            sql.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(v) = f.customer_id {
        sql.push(" AND c.customer_id = ").bind(v);
    }
    if let Some(v) = f.inbox_id {
        sql.push(" AND c.inbox_id = ").bind(v);
    }
    if let Some(v) = f.team_id {
        sql.push(" AND c.team_id = ").bind(v);
    }
    if let Some(v) = &f.tag {
        sql.push(" AND c.id IN (SELECT conversation_id FROM conversation_tags WHERE tag = ")
            .bind(v.clone())
            .push(")");
    }
    if let Some(v) = f.priority {
        sql.push(" AND c.priority = ").bind(v.as_str());
    }
    if let Some(v) = &f.channel {
        sql.push(" AND c.channel = ").bind(v.clone());
    }
    if let Some(v) = &f.language {
        sql.push(" AND c.language = ").bind(v.clone());
    }
    if let Some(q) = &f.q {
        sql.push(" AND c.subject_fold LIKE ")
            .bind(crate::db::like_pattern(q))
            .push(" ESCAPE '\\'");
    }
    if let Some(b) = f.before_id {
        sql.push(" AND c.id < ").bind(b);
    }
    match f.sort {
        ListSort::Newest => {
            sql.push(" ORDER BY c.id DESC LIMIT ").bind(f.limit);
        }
        ListSort::LongestWaiting => {
            sql.push(" ORDER BY COALESCE(c.waiting_since, 9007199254740991), c.id LIMIT ")
                .bind(f.limit)
                .push(" OFFSET ")
                .bind(f.offset.max(0));
        }
    }
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The partial index (migration 0004) that serves a longest-waiting list,
/// when the filter matches its `WHERE` exactly.
fn waiting_index(f: &ListFilter) -> Option<&'static str> {
    use super::status::Status::{New, Open, Pending};
    if f.sort != ListSort::LongestWaiting {
        return None;
    }
    match (f.statuses.as_slice(), f.assignee) {
        ([New, Open], _) => Some("conversations_open_waiting"),
        ([New, Open, Pending], Some(_)) => Some("conversations_mine_waiting"),
        _ => None,
    }
}

/// Per-view counts under the viewer's access.
pub(super) async fn counts(c: &mut AnyConnection, viewer: &Viewer) -> Result<Counts> {
    let mut sql = Sql::new(
        "SELECT c.status, \
         SUM(CASE WHEN c.assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned, \
         SUM(CASE WHEN c.assignee_id = ",
    );
    sql.bind(viewer.user_id.unwrap_or(-1))
        .push(" THEN 1 ELSE 0 END) AS mine, COUNT(*) AS total FROM conversations c WHERE 1=1");
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" GROUP BY c.status");
    let rows: Vec<(String, i64, i64, i64)> = sql.query_as().fetch_all(c).await?;
    let mut out = Counts::default();
    for (status, unassigned, mine, total) in rows {
        let active = matches!(status.as_str(), "new" | "open" | "pending");
        if active {
            out.unassigned += unassigned;
            out.mine += mine;
        }
        match status.as_str() {
            "new" => out.new = total,
            "open" => out.open = total,
            "pending" => out.pending = total,
            "solved" => out.solved = total,
            "closed" => out.closed = total,
            _ => {}
        }
    }
    Ok(out)
}

/// The fields of a new message row.
pub(super) struct NewMessageRow<'a> {
    pub conversation_id: i64,
    pub direction: &'a str,
    pub internal: bool,
    pub author_kind: &'a str,
    pub author_id: Option<i64>,
    pub author_name: Option<&'a str>,
    pub author_email: Option<&'a str>,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub delivery_status: Option<&'a str>,
    pub now: i64,
    /// Email extras; `Default` for other channels.
    pub email: EmailExtras<'a>,
}

/// What an email message carries beyond text.
#[derive(Debug, Clone, Default)]
pub(super) struct EmailExtras<'a> {
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
            .bind($m.direction)
            .bind(i64::from($m.internal))
            .bind($m.author_kind)
            .bind($m.author_id)
            .bind($m.author_name)
            .bind($m.author_email)
            .bind($m.text)
            .bind($m.html)
            .bind($m.message_id)
            .bind($m.delivery_status)
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

pub(super) async fn insert_message(c: &mut AnyConnection, m: &NewMessageRow<'_>) -> Result<i64> {
    Ok(bind_message!(
        sqlx::query_scalar(concat!(insert_message_sql!(), " RETURNING id")),
        m
    )
    .fetch_one(c)
    .await?)
}

/// SQLite: a new conversation's `created` event (`created`: actor and
/// data), its first message `m`, and the `message_added` event (`added`:
/// actor, and data without `message_id`) in one round trip to the worker
/// thread. Answers the message id and the two event ids. `json_set` adds
/// `message_id` last and writes compact JSON, so the text is what `json!`
/// writes (keys sorted) when every other key sorts before `message_id`.
pub(super) async fn insert_opening_sqlite(
    c: &mut AnyConnection,
    m: &NewMessageRow<'_>,
    created: (&EventActor, &Value),
    added: (&EventActor, &Value),
) -> Result<(i64, [i64; 2])> {
    let query = sqlx::query_as(concat!(
        "INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) \
         VALUES ($1, 'created', $21, $22, $23, $12) RETURNING id, NULL; ",
        insert_message_sql!(),
        "; INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) \
         VALUES ($1, 'message_added', $24, $25, json_set($26, '$.message_id', last_insert_rowid()), $12) \
         RETURNING id, json_extract(data, '$.message_id')"
    ));
    let rows: Vec<(i64, Option<i64>)> = bind_message!(query, m)
        .bind(created.0.kind)
        .bind(created.0.id)
        .bind(created.1.to_string())
        .bind(added.0.kind)
        .bind(added.0.id)
        .bind(added.1.to_string())
        .fetch_all(c)
        .await?;
    match rows.as_slice() {
        [(created, None), (added, Some(message))] => Ok((*message, [*created, *added])),
        _ => Err(crate::Error::Internal(anyhow::anyhow!(
            "a new conversation's first message was not written as expected"
        ))),
    }
}

/// The conversation of inbox `inbox_id` holding the message with this
/// Message-ID. A conversation of another inbox is never answered: mail
/// joins only conversations of the inbox it arrived at.
pub(super) async fn conversation_of_message_id(
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

/// Whether a message with this Message-ID is stored (in any inbox).
pub(super) async fn message_id_stored(c: &mut AnyConnection, message_id: &str) -> Result<bool> {
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
pub(super) async fn conversations_of_message_ids(
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

/// The inbox of a conversation named by a subject token, and whether
/// `email` (lower case) takes part in it: one of its customer's addresses,
/// or an address in the CC of one of its messages (`messages.cc`, a JSON
/// array of lower-case addresses). `None` when there is no such
/// conversation. Whoever asks: threading decides with it.
pub(super) async fn token_target(
    c: &mut AnyConnection,
    conversation_id: i64,
    email: &str,
) -> Result<Option<(i64, bool)>> {
    let cc = if crate::db::is_postgres(c) {
        "SELECT 1 FROM messages m WHERE m.conversation_id = cv.id AND m.cc IS NOT NULL \
         AND jsonb_exists(m.cc::jsonb, $2)"
    } else {
        "SELECT 1 FROM messages m, \
         json_each(CASE WHEN json_valid(m.cc) THEN m.cc ELSE '[]' END) j \
         WHERE m.conversation_id = cv.id AND m.cc IS NOT NULL AND j.value = $2"
    };
    let row: Option<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT cv.inbox_id, (SELECT COUNT(*) FROM customer_emails ce \
         WHERE ce.customer_id = cv.customer_id AND ce.email = $2) \
         + (SELECT COUNT(*) FROM ({cc}) x) FROM conversations cv WHERE cv.id = $1"
    )))
    .bind(conversation_id)
    .bind(email)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|(inbox, n)| (inbox, n > 0)))
}

/// Message-IDs already in a conversation, oldest first (for References).
pub(super) async fn message_ids_of(
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

/// Records the delivery state of an outbound message; returns its conversation and inbox.
pub(super) async fn set_delivery(
    c: &mut AnyConnection,
    message_id: i64,
    status: &str,
    error: Option<&str>,
) -> Result<Option<(i64, i64)>> {
    sqlx::query("UPDATE messages SET delivery_status = $1, delivery_error = $2 WHERE id = $3")
        .bind(status)
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

pub(super) async fn insert_attachment(
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
    direction: String,
    internal: i64,
    author_kind: String,
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
pub(super) async fn messages(
    c: &mut AnyConnection,
    conversation_id: i64,
    only_id: Option<i64>,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>> {
    let mut sql = Sql::new(
        "SELECT id, conversation_id, direction, internal, author_kind, author_id, author_name, author_email, \
         text, html, message_id, delivery_status, created_at, delivery_error, reply_text, cc, notes, raw_sha256, \
         auth_spf, auth_dkim, auth_dmarc, auth_domain FROM messages WHERE conversation_id = ",
    );
    sql.bind(conversation_id);
    if let Some(id) = only_id {
        sql.push(" AND id = ").bind(id);
    }
    if let Some(a) = after_id {
        sql.push(" AND id > ").bind(a);
    }
    sql.push(" ORDER BY id LIMIT ").bind(limit);
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
    Ok(rows
        .into_iter()
        .map(|r| Message {
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
            delivery_status: r.delivery_status,
            delivery_error: r.delivery_error,
            reply_text: r.reply_text,
            cc: r
                .cc
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
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
        .collect())
}

/// A stored file's metadata, if the viewer may see its conversation.
pub(super) async fn attachment(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Option<Attachment>> {
    let mut sql = Sql::new(
        "SELECT a.id, a.message_id, a.sha256, a.size, a.content_type, a.filename, a.inline, a.content_id \
         FROM attachments a JOIN messages m ON m.id = a.message_id \
         JOIN conversations c ON c.id = m.conversation_id WHERE a.id = ",
    );
    sql.bind(id);
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    let row: Option<AttachmentRow> = sql.query_as().fetch_optional(c).await?;
    Ok(row.map(Attachment::from))
}

/// Who caused an event.
#[derive(Debug, Clone)]
pub(super) struct EventActor {
    pub kind: &'static str,
    pub id: Option<i64>,
}

pub(super) async fn insert_event(
    c: &mut AnyConnection,
    conversation_id: i64,
    kind: &str,
    actor: &EventActor,
    data: &Value,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(conversation_id)
    .bind(kind)
    .bind(actor.kind)
    .bind(actor.id)
    .bind(data.to_string())
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Appends several events of one conversation in one statement; answers
/// their ids in the order given. Both backends hand out the ids of one
/// multi-row insert in the order of its rows, so the sorted ids line up
/// with the input.
pub(super) async fn insert_events(
    c: &mut AnyConnection,
    conversation_id: i64,
    events: &[(&str, &EventActor, &Value)],
    now: i64,
) -> Result<Vec<i64>> {
    let mut sql = Sql::new(
        "INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) VALUES ",
    );
    for (i, (kind, actor, data)) in events.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .bind(conversation_id)
            .push(", ")
            .bind(*kind)
            .push(", ")
            .bind(actor.kind)
            .push(", ")
            .bind(actor.id)
            .push(", ")
            .bind(data.to_string())
            .push(", ")
            .bind(now)
            .push(")");
    }
    sql.push(" RETURNING id");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}

#[derive(FromRow)]
struct EventRow {
    id: i64,
    conversation_id: i64,
    kind: String,
    actor_kind: String,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    data: String,
    created_at: i64,
}

/// A conversation's timeline, oldest first, after a cursor.
pub(super) async fn events(
    c: &mut AnyConnection,
    conversation_id: i64,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    let mut sql = Sql::new(
        "SELECT e.id, e.conversation_id, e.kind, e.actor_kind, e.actor_id, \
         CASE WHEN e.actor_kind = 'agent' THEN u.name WHEN e.actor_kind = 'customer' THEN cu.name ELSE NULL END AS actor_name, \
         e.data, e.created_at FROM events e \
         LEFT JOIN users u ON u.id = e.actor_id AND e.actor_kind = 'agent' \
         LEFT JOIN customers cu ON cu.id = e.actor_id AND e.actor_kind = 'customer' \
         WHERE e.conversation_id = ",
    );
    sql.bind(conversation_id);
    if let Some(a) = after_id {
        sql.push(" AND e.id > ").bind(a);
    }
    sql.push(" ORDER BY e.id LIMIT ").bind(limit);
    let rows: Vec<EventRow> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            id: r.id,
            conversation_id: r.conversation_id,
            kind: r.kind,
            actor: Actor {
                name: match r.actor_kind.as_str() {
                    "system" => Some("Tend".into()),
                    _ => r.actor_name,
                },
                kind: r.actor_kind,
                id: r.actor_id,
                email: None,
            },
            data: serde_json::from_str(&r.data).unwrap_or(Value::Null),
            created_at: rfc3339(r.created_at),
        })
        .collect())
}

/// The original .eml of a message in a conversation the viewer may see.
pub(super) async fn raw_of_message(
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

/// Replaces a message's HTML if it is still `old`; whether it did.
pub(super) async fn replace_message_html(
    c: &mut AnyConnection,
    message_id: i64,
    old: &str,
    new: &str,
) -> Result<bool> {
    let done = sqlx::query("UPDATE messages SET html = $1 WHERE id = $2 AND html = $3")
        .bind(new)
        .bind(message_id)
        .bind(old)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// An inbound message's id and HTML, with its attachments that have a
/// Content-ID as (attachment id, Content-ID); `None` without HTML.
pub(super) async fn inline_images(
    c: &mut AnyConnection,
    message_id: &str,
) -> Result<Option<(i64, String, Vec<(i64, String)>)>> {
    let row: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT id, html FROM messages WHERE message_id = $1 AND direction = 'in'")
            .bind(message_id)
            .fetch_optional(&mut *c)
            .await?;
    let Some((id, Some(html))) = row else {
        return Ok(None);
    };
    let images: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, content_id FROM attachments WHERE message_id = $1 AND content_id IS NOT NULL \
         ORDER BY id",
    )
    .bind(id)
    .fetch_all(c)
    .await?;
    Ok(Some((id, html, images)))
}

/// Every conversation of a customer as (id, inbox id), whatever the
/// viewer (a customer merge moves them all).
pub(super) async fn of_customer(
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
pub(super) async fn set_customer(
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
