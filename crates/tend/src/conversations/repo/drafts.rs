//! The `drafts` table: one unsent reply or note per agent and conversation.

use sqlx::AnyConnection;

use crate::Result;

/// A stored draft: its text, whether it is an internal note, and when it
/// was last saved (Unix ms).
pub(in crate::conversations) type DraftRow = (String, bool, i64);

/// `user_id`'s draft on `conversation_id`.
pub(in crate::conversations) async fn draft(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
) -> Result<Option<DraftRow>> {
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT text, internal, updated_at FROM drafts WHERE user_id = $1 AND conversation_id = $2",
    )
    .bind(user_id)
    .bind(conversation_id)
    .fetch_optional(c)
    .await?;
    Ok(row.map(|(t, i, at)| (t, i != 0, at)))
}

/// Saves (inserts or replaces) `user_id`'s draft on `conversation_id`.
pub(in crate::conversations) async fn save_draft(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
    text: &str,
    internal: bool,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO drafts (user_id, conversation_id, text, internal, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, conversation_id) \
         DO UPDATE SET text = excluded.text, internal = excluded.internal, \
         updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(text)
    .bind(i64::from(internal))
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// Moves the drafts on `from` to `into` (a merge): an agent with a draft
/// on both keeps one, the two texts one after the other; answers how many
/// agents' drafts moved.
pub(in crate::conversations) async fn move_drafts(
    c: &mut AnyConnection,
    from: i64,
    into: i64,
    now: i64,
) -> Result<u64> {
    sqlx::query(
        "UPDATE drafts SET text = text || $3 || (SELECT d.text FROM drafts d \
         WHERE d.conversation_id = $1 AND d.user_id = drafts.user_id), updated_at = $4 \
         WHERE conversation_id = $2 AND user_id IN \
         (SELECT user_id FROM drafts WHERE conversation_id = $1)",
    )
    .bind(from)
    .bind(into)
    .bind("\n\n")
    .bind(now)
    .execute(&mut *c)
    .await?;
    let joined = sqlx::query(
        "DELETE FROM drafts WHERE conversation_id = $1 AND user_id IN \
         (SELECT user_id FROM drafts WHERE conversation_id = $2)",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *c)
    .await?
    .rows_affected();
    let moved = sqlx::query("UPDATE drafts SET conversation_id = $2 WHERE conversation_id = $1")
        .bind(from)
        .bind(into)
        .execute(&mut *c)
        .await?
        .rows_affected();
    // Their pictures follow the texts (an ID is random: one taken on the
    // target already is the same picture).
    sqlx::query(
        "UPDATE draft_images SET conversation_id = $2 WHERE conversation_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM draft_images d WHERE d.conversation_id = $2 \
         AND d.user_id = draft_images.user_id AND d.content_id = draft_images.content_id)",
    )
    .bind(from)
    .bind(into)
    .execute(&mut *c)
    .await?;
    sqlx::query("DELETE FROM draft_images WHERE conversation_id = $1")
        .bind(from)
        .execute(c)
        .await?;
    Ok(joined + moved)
}

/// Removes `user_id`'s draft on `conversation_id` (nothing when none).
pub(in crate::conversations) async fn delete_draft(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND conversation_id = $2")
        .bind(user_id)
        .bind(conversation_id)
        .execute(c)
        .await?;
    Ok(done.rows_affected() > 0)
}
