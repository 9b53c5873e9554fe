//! The SQL of merging, splitting and linking conversations: moving
//! messages (their files follow them: `attachments.message_id`) and their
//! own events, the `merged_into` mark, and `conversation_links`.

use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::db::Sql;

/// The events that belong to one message and travel with it.
const MESSAGE_EVENTS: &str = "('message_added', 'note_added', 'delivery_failed')";

/// Moves every message of `from` (with their files and their own events)
/// to `into`; answers the ids moved, oldest first.
pub(in crate::conversations) async fn move_all_messages(
    c: &mut AnyConnection,
    from: i64,
    into: i64,
) -> Result<Vec<i64>> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE conversation_id = $1 ORDER BY id")
            .bind(from)
            .fetch_all(&mut *c)
            .await?;
    sqlx::query("UPDATE messages SET conversation_id = $2 WHERE conversation_id = $1")
        .bind(from)
        .bind(into)
        .execute(&mut *c)
        .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE events SET conversation_id = $2 WHERE conversation_id = $1 AND kind IN {MESSAGE_EVENTS}"
    )))
    .bind(from)
    .bind(into)
    .execute(&mut *c)
    .await?;
    Ok(ids)
}

/// Moves message `message_id` of conversation `from` (with its files and
/// its own events) to `into`; answers whether it was there.
pub(in crate::conversations) async fn move_message(
    c: &mut AnyConnection,
    from: i64,
    message_id: i64,
    into: i64,
) -> Result<bool> {
    let moved = sqlx::query(
        "UPDATE messages SET conversation_id = $3 WHERE id = $2 AND conversation_id = $1",
    )
    .bind(from)
    .bind(message_id)
    .bind(into)
    .execute(&mut *c)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    // Only a message's own events name it in `data.message_id`.
    let mut sql = Sql::new("UPDATE events SET conversation_id = ");
    sql.bind(into)
        .push(" WHERE conversation_id = ")
        .bind(from)
        .push(&format!(" AND kind IN {MESSAGE_EVENTS} AND "))
        .push(if crate::db::is_postgres(c) {
            "(data::jsonb ->> 'message_id')::bigint = "
        } else {
            "json_extract(data, '$.message_id') = "
        })
        .bind(message_id);
    sql.query().execute(&mut *c).await?;
    Ok(true)
}

/// Whether message `message_id` is in conversation `conversation_id`, and
/// whether it is an internal note.
pub(in crate::conversations) async fn message_in(
    c: &mut AnyConnection,
    conversation_id: i64,
    message_id: i64,
) -> Result<Option<bool>> {
    let internal: Option<i64> =
        sqlx::query_scalar("SELECT internal FROM messages WHERE id = $1 AND conversation_id = $2")
            .bind(message_id)
            .bind(conversation_id)
            .fetch_optional(c)
            .await?;
    Ok(internal.map(|i| i != 0))
}

/// Marks `from` as merged into `into`, and leads what was merged into
/// `from` on to `into` too, so that a merged number is always one step
/// from its survivor.
pub(in crate::conversations) async fn set_merged_into(
    c: &mut AnyConnection,
    from: i64,
    into: i64,
) -> Result<()> {
    sqlx::query("UPDATE conversations SET merged_into = $2 WHERE id = $1 OR merged_into = $1")
        .bind(from)
        .bind(into)
        .execute(c)
        .await?;
    Ok(())
}

fn ordered(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

/// Links `a` and `b`; answers whether the link is new.
pub(in crate::conversations) async fn insert_link(
    c: &mut AnyConnection,
    a: i64,
    b: i64,
    by: Option<i64>,
    now: i64,
) -> Result<bool> {
    let (low, high) = ordered(a, b);
    let n = sqlx::query(
        "INSERT INTO conversation_links (low_id, high_id, linked_by, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (low_id, high_id) DO NOTHING",
    )
    .bind(low)
    .bind(high)
    .bind(by)
    .bind(now)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n > 0)
}

/// Removes the link between `a` and `b`; answers whether there was one.
pub(in crate::conversations) async fn delete_link(
    c: &mut AnyConnection,
    a: i64,
    b: i64,
) -> Result<bool> {
    let (low, high) = ordered(a, b);
    let n = sqlx::query("DELETE FROM conversation_links WHERE low_id = $1 AND high_id = $2")
        .bind(low)
        .bind(high)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// The conversations linked to `id` that the viewer may see, by id:
/// (id, subject, status, linked at).
pub(in crate::conversations) async fn links_of(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
) -> Result<Vec<(i64, String, String, i64)>> {
    let mut sql = Sql::new(
        "SELECT c.id, c.subject, c.status, l.created_at FROM conversation_links l \
         JOIN conversations c ON c.id = CASE WHEN l.low_id = ",
    );
    sql.bind(id)
        .push(" THEN l.high_id ELSE l.low_id END WHERE (l.low_id = ")
        .bind(id)
        .push(" OR l.high_id = ")
        .bind(id)
        .push(")");
    viewer.restrict_inboxes(&mut sql, "c.inbox_id");
    sql.push(" ORDER BY c.id");
    Ok(sql.query_as().fetch_all(c).await?)
}
