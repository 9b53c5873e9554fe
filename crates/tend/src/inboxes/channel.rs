//! What the channel API needs of an inbox, read on every inbound message
//! and delivery (kept with the inbox caches), and its failing state.

use sqlx::AnyConnection;

use super::channel_repo as repo;
use super::model::{ChannelInbox, InboxKind};
use super::telegram::{TelegramChanges, TelegramInput};
use super::whatsapp::{WhatsappChanges, WhatsappInput};
use crate::state::AppState;
use crate::{Error, Result};

/// What the channel API needs of inbox `id` (`None`: no such inbox), read
/// on every inbound message and delivery, so kept while the inboxes do
/// not change (SQLite).
pub async fn channel_inbox(st: &AppState, id: i64) -> Result<Option<ChannelInbox>> {
    let cache = st.inbox_caches().map(|c| &c.channels);
    if let Some(inbox) = cache.and_then(|c| c.get(&id)) {
        return Ok(Some(inbox));
    }
    let epoch = cache.map(|c| c.epoch());
    let mut c = st.db.pool().acquire().await?;
    let inbox = repo::channel(&mut c, id).await?;
    if let (Some(cache), Some(epoch), Some(inbox)) = (cache, epoch, &inbox) {
        cache.put(id, inbox.clone(), epoch);
    }
    Ok(inbox)
}

/// Marks a channel inbox failing (its outbound URL refuses Tend's
/// credentials) since `since`, or no longer (`None`), inside the caller's
/// transaction. Answers whether that changed anything.
pub async fn set_failing_in(
    c: &mut AnyConnection,
    id: i64,
    failing: Option<(i64, &str)>,
) -> Result<bool> {
    repo::set_failing(c, id, failing).await
}

/// A channel inbox's settings changed by `PATCH /inboxes/{id}`, checked,
/// secrets sealed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChannelChanges {
    secret: Option<Option<String>>,
    outbound_url: Option<Option<String>>,
    telegram: Option<TelegramChanges>,
    whatsapp: Option<WhatsappChanges>,
}

/// Checks a channel API inbox's `secret` and `outbound_url`, and a
/// Telegram or WhatsApp inbox's settings.
pub(crate) fn check(
    st: &AppState,
    secret: Option<Option<String>>,
    outbound_url: Option<Option<String>>,
    telegram: Option<TelegramInput>,
    whatsapp: Option<WhatsappInput>,
) -> Result<ChannelChanges> {
    let secret = match secret {
        Some(Some(s)) => {
            crate::webhooks::model::check_secret("secret", &s)?;
            Some(Some(
                st.secrets()
                    .seal(crate::secrets::Purpose::ChannelSecret, &s),
            ))
        }
        other => other,
    };
    let outbound_url = match outbound_url {
        Some(Some(u)) => Some(Some(crate::webhooks::model::check_url_of(
            "outbound_url",
            &u,
        )?)),
        other => other,
    };
    let telegram = telegram
        .map(|t| super::telegram::check(st, t))
        .transpose()?;
    let whatsapp = whatsapp
        .map(|w| super::whatsapp::check(st, w))
        .transpose()?;
    Ok(ChannelChanges {
        secret,
        outbound_url,
        telegram,
        whatsapp,
    })
}

/// Applies checked changes to inbox `id` of kind `kind` inside the
/// caller's transaction; settings of another kind are a 422.
pub(crate) async fn apply_in(
    c: &mut AnyConnection,
    id: i64,
    kind: InboxKind,
    ch: &ChannelChanges,
    now: i64,
) -> Result<()> {
    if ch.secret.is_some() || ch.outbound_url.is_some() {
        if kind != InboxKind::Api {
            let field = if ch.secret.is_some() {
                "secret"
            } else {
                "outbound_url"
            };
            return Err(Error::invalid(
                field,
                "only inboxes of kind api take a channel secret and an outbound URL",
            ));
        }
        repo::set_channel(
            c,
            id,
            ch.secret.as_ref().map(|s| s.as_deref()),
            ch.outbound_url.as_ref().map(|u| u.as_deref()),
        )
        .await?;
    }
    if let Some(t) = &ch.telegram {
        super::telegram::apply_in(c, id, kind, t, now).await?;
    }
    if let Some(w) = &ch.whatsapp {
        super::whatsapp::apply_in(c, id, kind, w).await?;
    }
    Ok(())
}
