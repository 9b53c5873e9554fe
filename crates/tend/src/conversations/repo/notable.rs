//! The events a follower of the log tells people about, with what it
//! needs of their conversation (`conversations::notable`).

use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::db::Sql;

/// One event joined with its conversation.
#[derive(Debug, Clone, FromRow)]
pub(in crate::conversations) struct NotableRow {
    pub id: i64,
    pub conversation_id: i64,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub data: String,
    pub created_at: i64,
    pub inbox_id: i64,
    pub channel: String,
    pub subject: String,
    pub assignee_id: Option<i64>,
    /// For `message_added`: the conversation's first `message_added` event.
    pub first_message_event: Option<i64>,
}

/// The events `(after, up_to]` of the kinds `kinds` (stored names).
pub(in crate::conversations) async fn notable_between(
    c: &mut AnyConnection,
    after: i64,
    up_to: i64,
    kinds: &[&'static str],
) -> Result<Vec<NotableRow>> {
    let mut sql = Sql::new(
        "SELECT e.id, e.conversation_id, e.kind, e.actor_kind, e.actor_id, e.data, e.created_at, \
         c.inbox_id, c.channel, c.subject, c.assignee_id, \
         CASE WHEN e.kind = 'message_added' THEN (SELECT MIN(f.id) FROM events f \
           WHERE f.conversation_id = e.conversation_id AND f.kind = 'message_added') END AS first_message_event \
         FROM events e JOIN conversations c ON c.id = e.conversation_id WHERE e.id > ",
    );
    sql.bind(after).push(" AND e.id <= ").bind(up_to);
    sql.push(" AND e.kind IN ");
    sql.bind_list(kinds.iter().map(|k| k.to_string()));
    sql.push(" ORDER BY e.id");
    Ok(sql.query_as().fetch_all(c).await?)
}

/// The texts of these messages: `(id, text)`.
pub(in crate::conversations) async fn message_texts(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new("SELECT id, text FROM messages WHERE id IN ");
    sql.bind_list(ids.iter().copied());
    Ok(sql.query_as().fetch_all(c).await?)
}
