//! The `draft_images` table: pictures pasted into an agent's unsent reply,
//! kept with their draft until a message is sent.

use sqlx::AnyConnection;

use crate::Result;

/// A stored draft image: Content-ID, digest, size, type and file name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(in crate::conversations) struct DraftImageRow {
    pub content_id: String,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub filename: String,
}

/// Keeps `img` with `user_id`'s draft on `conversation_id` (the same
/// Content-ID again replaces it).
pub(in crate::conversations) async fn save_draft_image(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
    img: &DraftImageRow,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO draft_images (user_id, conversation_id, content_id, sha256, size, \
         content_type, filename, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (user_id, conversation_id, content_id) DO UPDATE SET \
         sha256 = excluded.sha256, size = excluded.size, content_type = excluded.content_type, \
         filename = excluded.filename, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(&img.content_id)
    .bind(&img.sha256)
    .bind(img.size)
    .bind(&img.content_type)
    .bind(&img.filename)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// `user_id`'s draft images on `conversation_id`, oldest first.
pub(in crate::conversations) async fn draft_images(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
) -> Result<Vec<DraftImageRow>> {
    Ok(sqlx::query_as(
        "SELECT content_id, sha256, size, content_type, filename FROM draft_images \
         WHERE user_id = $1 AND conversation_id = $2 ORDER BY created_at, content_id",
    )
    .bind(user_id)
    .bind(conversation_id)
    .fetch_all(c)
    .await?)
}

/// Forgets `user_id`'s draft images on `conversation_id` (a message went).
pub(in crate::conversations) async fn delete_draft_images(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM draft_images WHERE user_id = $1 AND conversation_id = $2")
        .bind(user_id)
        .bind(conversation_id)
        .execute(c)
        .await?;
    Ok(())
}

/// An undone send: the inline images of `message_id` go back to its
/// author's draft on `conversation_id` (before the message row goes).
pub(in crate::conversations) async fn inline_back_to_draft(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
    message_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO draft_images (user_id, conversation_id, content_id, sha256, size, \
         content_type, filename, created_at) SELECT $1, $2, content_id, sha256, size, \
         content_type, filename, $4 FROM attachments WHERE message_id = $3 AND inline = 1 \
         AND content_id IS NOT NULL \
         ON CONFLICT (user_id, conversation_id, content_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(message_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}
