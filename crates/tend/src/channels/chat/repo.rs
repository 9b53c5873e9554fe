//! SQL of the chat channel: visitor sessions, verified identities, and the
//! visitor's view of messages.

use sqlx::{AnyConnection, Row};

use crate::Result;
use crate::conversations::chat::PublicMessage;
use crate::vocab::{ActorKind, Direction};

/// A visitor's chat session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Id.
    pub id: i64,
    /// Chat inbox.
    pub inbox_id: i64,
    /// The visitor as a customer, once known.
    pub customer_id: Option<i64>,
    /// The chat's conversation, once started.
    pub conversation_id: Option<i64>,
    /// Pre-chat name.
    pub name: Option<String>,
    /// Pre-chat address.
    pub email: Option<String>,
    /// The site's user id, when verified.
    pub external_id: Option<String>,
    /// Widget language.
    pub language: Option<String>,
    /// Last message the visitor has seen.
    pub visitor_read_id: i64,
    /// Last visitor message an agent has seen.
    pub agent_read_id: i64,
}

const COLUMNS: &str = "id, inbox_id, customer_id, conversation_id, name, email, external_id, \
                       language, visitor_read_id, agent_read_id";

fn session_of(r: &sqlx::any::AnyRow) -> Result<Session> {
    Ok(Session {
        id: r.try_get(0)?,
        inbox_id: r.try_get(1)?,
        customer_id: r.try_get(2)?,
        conversation_id: r.try_get(3)?,
        name: r.try_get(4)?,
        email: r.try_get(5)?,
        external_id: r.try_get(6)?,
        language: r.try_get(7)?,
        visitor_read_id: r.try_get(8)?,
        agent_read_id: r.try_get(9)?,
    })
}

/// The session holding this token hash.
pub async fn by_token(c: &mut AnyConnection, token_hash: &str) -> Result<Option<Session>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM chat_sessions WHERE token_hash = $1"
    )))
    .bind(token_hash)
    .fetch_optional(&mut *c)
    .await?;
    r.as_ref().map(session_of).transpose()
}

/// A session by id.
pub async fn by_id(c: &mut AnyConnection, id: i64) -> Result<Option<Session>> {
    select_by_id(c, id, "").await
}

/// A session by id, locked for the rest of the transaction on PostgreSQL
/// (SQLite's single writer serialises anyway).
pub async fn lock(c: &mut AnyConnection, id: i64) -> Result<Option<Session>> {
    let lock = if crate::db::is_postgres(c) {
        " FOR UPDATE"
    } else {
        ""
    };
    select_by_id(c, id, lock).await
}

async fn select_by_id(c: &mut AnyConnection, id: i64, suffix: &str) -> Result<Option<Session>> {
    let r = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM chat_sessions WHERE id = $1{suffix}"
    )))
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    r.as_ref().map(session_of).transpose()
}

/// What a new session records.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub inbox_id: i64,
    pub customer_id: Option<i64>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub external_id: Option<&'a str>,
    pub language: Option<&'a str>,
    pub now: i64,
}

/// Inserts a session.
pub async fn insert(c: &mut AnyConnection, s: &NewSession<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO chat_sessions (token_hash, inbox_id, customer_id, name, email, external_id, \
         language, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(s.token_hash)
    .bind(s.inbox_id)
    .bind(s.customer_id)
    .bind(s.name)
    .bind(s.email)
    .bind(s.external_id)
    .bind(s.language)
    .bind(s.now)
    .fetch_one(&mut *c)
    .await?)
}

/// Updates what the pre-chat form may change on a resumed session. The
/// address is the pre-chat one: it changes only while the session has no
/// conversation (it is where the transcript may go).
pub async fn set_contact(
    c: &mut AnyConnection,
    id: i64,
    name: Option<&str>,
    email: Option<&str>,
    language: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE chat_sessions SET name = COALESCE($2, name), \
         email = CASE WHEN conversation_id IS NULL THEN COALESCE($3, email) ELSE email END, \
         language = COALESCE($4, language), last_seen_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(name)
    .bind(email)
    .bind(language)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Records the session's customer and conversation; a conversation the
/// session starts is also remembered in `chat_conversations` (the history
/// of a verified identity).
pub async fn set_conversation(
    c: &mut AnyConnection,
    id: i64,
    customer_id: i64,
    conversation_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE chat_sessions SET customer_id = $2, conversation_id = $3, last_seen_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(customer_id)
    .bind(conversation_id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    sqlx::query(
        "INSERT INTO chat_conversations (conversation_id, session_id, created_at) \
         VALUES ($1, $2, $3) ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(conversation_id)
    .bind(id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Moves the visitor's read mark forward (never back).
pub async fn visitor_read(c: &mut AnyConnection, id: i64, up_to: i64) -> Result<()> {
    sqlx::query(
        "UPDATE chat_sessions SET visitor_read_id = $2 WHERE id = $1 AND visitor_read_id < $2",
    )
    .bind(id)
    .bind(up_to)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Moves the agents' read mark of a conversation's sessions forward;
/// whether anything moved.
pub async fn agent_read(c: &mut AnyConnection, conversation_id: i64, up_to: i64) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE chat_sessions SET agent_read_id = $2 WHERE conversation_id = $1 AND agent_read_id < $2",
    )
    .bind(conversation_id)
    .bind(up_to)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// The customer a verified site identity belongs to.
pub async fn identity(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT customer_id FROM chat_identities WHERE inbox_id = $1 AND external_id = $2",
    )
    .bind(inbox_id)
    .bind(external_id)
    .fetch_optional(&mut *c)
    .await?)
}

/// Records a verified site identity (first writer wins).
pub async fn insert_identity(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
    customer_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO chat_identities (inbox_id, external_id, customer_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (inbox_id, external_id) DO NOTHING",
    )
    .bind(inbox_id)
    .bind(external_id)
    .bind(customer_id)
    .bind(now)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// One message as the visitor sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisitorMessage {
    /// Id (the resume cursor).
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// `visitor` or `agent` (system messages show as the desk).
    pub from: &'static str,
    /// Agent's display name.
    pub name: Option<String>,
    /// Text.
    pub text: String,
    /// The widget's id, for the visitor's own messages.
    pub client_id: Option<String>,
    /// RFC 3339.
    pub at: String,
    /// Files.
    pub files: Vec<VisitorFile>,
}

/// An attachment as the visitor sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisitorFile {
    /// Attachment id.
    pub id: i64,
    /// File name.
    pub name: String,
    /// Bytes.
    pub size: i64,
}

/// A message as the visitor sees it.
pub fn visitor_message(m: PublicMessage) -> VisitorMessage {
    let visitor = m.direction == Direction::In;
    VisitorMessage {
        id: m.id,
        conversation_id: m.conversation_id,
        from: if visitor { "visitor" } else { "agent" },
        name: if visitor || m.author_kind == ActorKind::System {
            None
        } else {
            m.author_name
        },
        text: m.text,
        client_id: m.client_id,
        at: crate::time::rfc3339(m.created_at),
        files: m
            .files
            .into_iter()
            .map(|(id, name, size)| VisitorFile { id, name, size })
            .collect(),
    }
}

/// A verified identity's earlier chats (newest last): the conversations
/// that sessions of the same identity started in this inbox. The caller
/// keeps those still chats of this inbox
/// (`conversations::chat::chats_of_inbox_in`). Never the customer's other
/// conversations: the identity vouches only for what its own sessions said
/// and were told.
pub async fn identity_history(
    c: &mut AnyConnection,
    inbox_id: i64,
    external_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT cc.conversation_id FROM chat_sessions s \
         JOIN chat_conversations cc ON cc.session_id = s.id \
         WHERE s.inbox_id = $1 AND s.external_id = $2 AND cc.conversation_id < $3 \
         ORDER BY cc.conversation_id DESC LIMIT $4",
    )
    .bind(inbox_id)
    .bind(external_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut *c)
    .await?;
    ids.reverse();
    Ok(ids)
}

/// Whether the transcript of a conversation was mailed already.
pub async fn transcript_sent(c: &mut AnyConnection, conversation_id: i64) -> Result<bool> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM chat_transcripts WHERE conversation_id = $1")
            .bind(conversation_id)
            .fetch_optional(&mut *c)
            .await?;
    Ok(n.is_some())
}

/// Claims the one transcript of a conversation, inside the transaction that
/// queues it; `false` when it was claimed before (sent already).
pub async fn claim_transcript(
    c: &mut AnyConnection,
    conversation_id: i64,
    rcpt: &str,
    now: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO chat_transcripts (conversation_id, rcpt, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (conversation_id) DO NOTHING",
    )
    .bind(conversation_id)
    .bind(rcpt)
    .bind(now)
    .execute(&mut *c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The read marks of a conversation's chat: (visitor has seen up to, agent
/// has seen up to); `None` when it is not a chat.
pub async fn read_marks(c: &mut AnyConnection, conversation_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT MAX(visitor_read_id), MAX(agent_read_id) FROM chat_sessions WHERE conversation_id = $1 \
         GROUP BY conversation_id",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *c)
    .await?)
}

/// The chat sessions whose conversation this is.
pub(super) async fn sessions_of_conversation(
    c: &mut sqlx::AnyConnection,
    conversation_id: i64,
) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM chat_sessions WHERE conversation_id = $1")
            .bind(conversation_id)
            .fetch_all(c)
            .await?,
    )
}
