//! The only SQL of a Telegram inbox's settings (`telegram_inboxes`; its
//! polling state is `channels::telegram`'s).

use sqlx::AnyConnection;

use super::model::{Inbox, InboxKind};
use super::telegram::{TelegramChannel, TelegramMode};
use crate::Result;

type Row = (Option<String>, String, Option<i64>, Option<String>);

/// Inbox `id`'s settings, when it has some stored.
pub(super) async fn channel(c: &mut AnyConnection, id: i64) -> Result<Option<TelegramChannel>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT bot_token, api_base, webhook_since, webhook_secret FROM telegram_inboxes \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(c)
    .await?;
    Ok(row.map(
        |(sealed_token, api_base, webhook_since, sealed_webhook_secret)| TelegramChannel {
            sealed_token,
            api_base,
            mode: if webhook_since.is_some() {
                TelegramMode::Webhook
            } else {
                TelegramMode::Polling
            },
            sealed_webhook_secret,
        },
    ))
}

/// Fills in the Telegram inboxes' settings.
pub(super) async fn fill(c: &mut AnyConnection, inboxes: &mut [Inbox]) -> Result<()> {
    for i in inboxes.iter_mut().filter(|i| i.kind == InboxKind::Telegram) {
        let tg = channel(c, i.id)
            .await?
            .unwrap_or_else(TelegramChannel::unset);
        i.telegram = Some(tg.shown());
    }
    Ok(())
}

/// Gives inbox `id` its settings row (the defaults) if it has none.
pub(super) async fn ensure(c: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("INSERT INTO telegram_inboxes (id) VALUES ($1) ON CONFLICT (id) DO NOTHING")
        .bind(id)
        .execute(c)
        .await?;
    Ok(())
}

/// Changes inbox `id`'s settings (`None`: keep). `webhook_since`:
/// `Some(None)` polls, `Some(Some(now))` takes the webhook (since `now`
/// unless it already did). Any change asks for the webhook to be
/// registered again (`webhook_set_at`).
pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    sealed_token: Option<Option<&str>>,
    api_base: Option<&str>,
    webhook_since: Option<Option<i64>>,
    sealed_webhook_secret: Option<Option<&str>>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    let mut sql = crate::db::Sql::new("UPDATE telegram_inboxes SET webhook_set_at = NULL");
    if let Some(t) = sealed_token {
        sql.push(", bot_token = ").bind(t.map(str::to_string));
    }
    if let Some(u) = api_base {
        sql.push(", api_base = ").bind(u.to_string());
    }
    match webhook_since {
        None => {}
        Some(None) => {
            sql.push(", webhook_since = NULL");
        }
        Some(Some(now)) => {
            sql.push(", webhook_since = COALESCE(webhook_since, ")
                .bind(now)
                .push(")");
        }
    }
    if let Some(s) = sealed_webhook_secret {
        sql.push(", webhook_secret = ").bind(s.map(str::to_string));
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}
