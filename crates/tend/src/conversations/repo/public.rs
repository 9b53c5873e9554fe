//! What a customer may be shown of their conversations: the public
//! messages with their files (the chat widget's history and transcripts).

use sqlx::{AnyConnection, Row as _};

use crate::Result;
use crate::vocab::{ActorKind, Direction};

/// A public message, with its files.
#[derive(Debug, Clone)]
pub struct PublicMessage {
    /// Id.
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// Which way it went.
    pub direction: Direction,
    /// Who wrote it.
    pub author_kind: ActorKind,
    /// The author's display name.
    pub author_name: Option<String>,
    /// Text.
    pub text: String,
    /// The chat widget's id for it, when it came from the widget.
    pub client_id: Option<String>,
    /// When (ms).
    pub created_at: i64,
    /// Its files (not inline images): id, name, bytes.
    pub files: Vec<(i64, String, i64)>,
}

/// Public messages of conversations `ids` after `after_id`, oldest first,
/// with their files (one query: this runs for every chat delivery).
pub(in crate::conversations) async fn public_messages(
    c: &mut AnyConnection,
    conversation_ids: &[i64],
    after_id: i64,
    limit: i64,
) -> Result<Vec<PublicMessage>> {
    if conversation_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = crate::db::Sql::new(
        "SELECT m.id, m.conversation_id, m.direction, m.author_kind, m.author_name, m.text, \
         m.client_id, m.created_at, a.id, a.filename, a.size \
         FROM (SELECT * FROM messages WHERE internal = 0 AND id > ",
    );
    sql.bind(after_id).push(" AND conversation_id IN ");
    sql.bind_list(conversation_ids.iter().copied());
    sql.push(" ORDER BY id LIMIT ").bind(limit);
    sql.push(
        ") m LEFT JOIN attachments a ON a.message_id = m.id AND a.inline = 0 ORDER BY m.id, a.id",
    );
    let rows = sql.query().fetch_all(&mut *c).await?;
    let mut out: Vec<PublicMessage> = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        if out.last().is_none_or(|m| m.id != id) {
            out.push(PublicMessage {
                id,
                conversation_id: r.try_get(1)?,
                direction: Direction::from_db(&r.try_get::<String, _>(2)?)?,
                author_kind: ActorKind::from_db(&r.try_get::<String, _>(3)?)?,
                author_name: r.try_get(4)?,
                text: r.try_get(5)?,
                client_id: r.try_get(6)?,
                created_at: r.try_get(7)?,
                files: vec![],
            });
        }
        if let (Some(fid), Some(m)) = (r.try_get::<Option<i64>, _>(8)?, out.last_mut()) {
            m.files.push((fid, r.try_get(9)?, r.try_get(10)?));
        }
    }
    Ok(out)
}

/// A public file of one of these conversations: (sha256, name, content
/// type); `None` for another conversation's file or an internal note's.
pub(in crate::conversations) async fn public_file(
    c: &mut AnyConnection,
    id: i64,
    conversation_ids: &[i64],
) -> Result<Option<(String, String, String)>> {
    let r = sqlx::query(
        "SELECT a.sha256, a.filename, a.content_type, m.conversation_id, m.internal FROM attachments a \
         JOIN messages m ON m.id = a.message_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    let Some(r) = r else { return Ok(None) };
    let conv: i64 = r.try_get(3)?;
    let internal: i64 = r.try_get(4)?;
    if internal != 0 || !conversation_ids.contains(&conv) {
        return Ok(None);
    }
    Ok(Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
}

/// Of `ids`, the conversations that are still chats of inbox `inbox_id`
/// (in the order given).
pub(in crate::conversations) async fn chats_of_inbox(
    c: &mut AnyConnection,
    ids: &[i64],
    inbox_id: i64,
) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut sql = crate::db::Sql::new("SELECT id FROM conversations WHERE inbox_id = ");
    sql.bind(inbox_id).push(" AND channel = 'chat' AND id IN ");
    sql.bind_list(ids.iter().copied());
    let kept: Vec<i64> = sql
        .query()
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    Ok(ids.iter().copied().filter(|id| kept.contains(id)).collect())
}
