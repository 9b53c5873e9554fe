//! The only SQL of the WhatsApp channel: which desk message each
//! WhatsApp message id (`wamid.…`) belongs to (`whatsapp_sent`), so the
//! webhook's statuses reach it.

use sqlx::AnyConnection;

use crate::Result;

/// Records that the desk's message `message_id` went out as `wamid`.
pub(super) async fn record_sent(
    c: &mut AnyConnection,
    wamid: &str,
    inbox_id: i64,
    message_id: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO whatsapp_sent (wamid, inbox_id, message_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (wamid) DO NOTHING",
    )
    .bind(wamid)
    .bind(inbox_id)
    .bind(message_id)
    .bind(now)
    .execute(c)
    .await?;
    Ok(())
}

/// The desk's message that went out as `wamid` from this inbox.
pub(super) async fn message_of(
    c: &mut AnyConnection,
    inbox_id: i64,
    wamid: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT message_id FROM whatsapp_sent WHERE wamid = $1 AND inbox_id = $2",
    )
    .bind(wamid)
    .bind(inbox_id)
    .fetch_optional(c)
    .await?)
}
