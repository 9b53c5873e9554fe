//! The only SQL of Telegram's polling: which bots are polled, from which
//! update, and by which node (`telegram_inboxes`; the settings are
//! `inboxes::telegram`'s).

use sqlx::AnyConnection;

use crate::Result;

/// The bots to poll (`(inbox id, next update)`): inboxes of kind
/// `telegram` in polling mode, with a token, that no node holds now.
pub(super) async fn due(c: &mut AnyConnection, now: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT t.id, t.poll_offset FROM telegram_inboxes t JOIN inboxes i ON i.id = t.id \
         WHERE i.kind = 'telegram' AND t.webhook_since IS NULL AND t.bot_token IS NOT NULL \
         AND t.poll_lease_until <= $1 ORDER BY t.id",
    )
    .bind(now)
    .fetch_all(c)
    .await?)
}

/// The bots, as `db::claim` leases them to one node (a bot that switched
/// to the webhook is done).
pub(super) const POLLS: crate::db::Queue = crate::db::Queue {
    table: "telegram_inboxes",
    done: "webhook_since",
    due_at: "poll_lease_until",
};

/// The bots whose webhook Telegram must be told about (`setWebhook`):
/// inboxes of kind `telegram` in webhook mode, with a token, not told
/// since their settings last changed, that no node holds now.
pub(super) async fn unregistered(c: &mut AnyConnection, now: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT t.id FROM telegram_inboxes t JOIN inboxes i ON i.id = t.id \
         WHERE i.kind = 'telegram' AND t.webhook_since IS NOT NULL AND t.bot_token IS NOT NULL \
         AND t.webhook_set_at IS NULL AND t.poll_lease_until <= $1 ORDER BY t.id",
    )
    .bind(now)
    .fetch_all(c)
    .await?)
}

/// The webhook registrations, as `db::claim` leases them to one node (a
/// bot already registered is done).
pub(super) const REGISTRATIONS: crate::db::Queue = crate::db::Queue {
    table: "telegram_inboxes",
    done: "webhook_set_at",
    due_at: "poll_lease_until",
};

/// Telegram took the webhook with these settings (the sealed token, the
/// server and the sealed secret): done until they change. Settings changed
/// while Telegram was being told are registered again.
pub(super) async fn registered(
    c: &mut AnyConnection,
    id: i64,
    tg: &crate::inboxes::telegram::TelegramChannel,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE telegram_inboxes SET webhook_set_at = $1, poll_lease_until = 0 \
         WHERE id = $2 AND webhook_since IS NOT NULL AND bot_token = $3 AND api_base = $4 \
         AND COALESCE(webhook_secret, '') = $5",
    )
    .bind(now)
    .bind(id)
    .bind(tg.sealed_token.clone().unwrap_or_default())
    .bind(&tg.api_base)
    .bind(tg.sealed_webhook_secret.clone().unwrap_or_default())
    .execute(c)
    .await?;
    Ok(())
}

/// The next update to ask for.
pub(super) async fn offset(c: &mut AnyConnection, id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT poll_offset FROM telegram_inboxes WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
            .unwrap_or(0),
    )
}

/// Every update before `offset` is stored (never moves back).
pub(super) async fn advance(c: &mut AnyConnection, id: i64, offset: i64) -> Result<()> {
    sqlx::query("UPDATE telegram_inboxes SET poll_offset = $1 WHERE id = $2 AND poll_offset < $1")
        .bind(offset)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Lets go of a bot: any node may poll it from `not_before`.
pub(super) async fn release(c: &mut AnyConnection, id: i64, not_before: i64) -> Result<()> {
    sqlx::query("UPDATE telegram_inboxes SET poll_lease_until = $1 WHERE id = $2")
        .bind(not_before)
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}
