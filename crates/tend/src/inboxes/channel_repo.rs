//! The only SQL of what the channels need of an inbox: their settings
//! read on every message, and the failing state.

use sqlx::AnyConnection;

use super::model::{ChannelInbox, InboxKind};
use crate::Result;

/// What the channel API needs of an inbox (`None`: no such inbox).
pub(super) async fn channel(c: &mut AnyConnection, id: i64) -> Result<Option<ChannelInbox>> {
    type Row = (String, Option<String>, Option<String>, Option<i64>);
    let row: Option<Row> = sqlx::query_as(
        "SELECT kind, channel_secret, outbound_url, failing_since FROM inboxes WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *c)
    .await?;
    let Some((kind, sealed_secret, outbound_url, failing_since)) = row else {
        return Ok(None);
    };
    let kind = InboxKind::parse(&kind).unwrap_or(InboxKind::Api);
    let telegram = match kind {
        InboxKind::Telegram => Some(
            super::telegram_repo::channel(c, id)
                .await?
                .unwrap_or_else(super::telegram::TelegramChannel::unset),
        ),
        _ => None,
    };
    let whatsapp = match kind {
        InboxKind::Whatsapp => Some(
            super::whatsapp_repo::channel(c, id)
                .await?
                .unwrap_or_else(super::whatsapp::WhatsappChannel::unset),
        ),
        _ => None,
    };
    Ok(Some(ChannelInbox {
        kind,
        sealed_secret,
        outbound_url,
        failing_since,
        telegram,
        whatsapp,
    }))
}

/// Sets a channel inbox's sealed secret and outbound URL (`None`: keep,
/// `Some(None)`: clear); either change clears its failing state.
pub(super) async fn set_channel(
    c: &mut AnyConnection,
    id: i64,
    sealed_secret: Option<Option<&str>>,
    outbound_url: Option<Option<&str>>,
) -> Result<()> {
    crate::db::changes::INBOXES.mark();
    let mut sql =
        crate::db::Sql::new("UPDATE inboxes SET failing_since = NULL, failing_error = NULL");
    if let Some(s) = sealed_secret {
        sql.push(", channel_secret = ").bind(s.map(str::to_string));
    }
    if let Some(u) = outbound_url {
        sql.push(", outbound_url = ").bind(u.map(str::to_string));
    }
    sql.push(" WHERE id = ").bind(id);
    sql.query().execute(c).await?;
    Ok(())
}

/// Marks a channel inbox failing since `since` with `error` (`None`: no
/// longer failing). Answers whether that changed anything (the first
/// failure is the one reported).
pub(super) async fn set_failing(
    c: &mut AnyConnection,
    id: i64,
    failing: Option<(i64, &str)>,
) -> Result<bool> {
    let r = match failing {
        Some((since, error)) => {
            sqlx::query(
                "UPDATE inboxes SET failing_since = $1, failing_error = $2 \
                 WHERE id = $3 AND failing_since IS NULL",
            )
            .bind(since)
            .bind(error)
            .bind(id)
            .execute(c)
            .await?
        }
        None => {
            sqlx::query(
                "UPDATE inboxes SET failing_since = NULL, failing_error = NULL \
                 WHERE id = $1 AND failing_since IS NOT NULL",
            )
            .bind(id)
            .execute(c)
            .await?
        }
    };
    if r.rows_affected() > 0 {
        crate::db::changes::INBOXES.mark();
    }
    Ok(r.rows_affected() > 0)
}
