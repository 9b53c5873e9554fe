//! Registering a bot's webhook: an inbox in webhook mode tells Telegram
//! (`setWebhook`) to post its updates to
//! `<public_url>/api/v1/channels/{inbox_id}/telegram` with the inbox's
//! secret token, once after each change of its settings, from one node
//! (the poller's task leases the bot). What Telegram refuses (a revoked
//! token, an address it will not post to) marks the inbox failing, with
//! Telegram's reason for the admin, and is tried again a minute later; no
//! answer is tried again after 5 s.

use super::client::ApiError;
use super::poll::{REFUSED_MS, RETRY_MS};
use super::{inbound, repo};
use crate::inboxes::InboxKind;
use crate::secrets::Purpose;
use crate::state::AppState;

/// Where Telegram posts inbox `inbox_id`'s updates.
pub fn webhook_url(public_url: &str, inbox_id: i64) -> String {
    format!(
        "{}/api/v1/channels/{inbox_id}/telegram",
        public_url.trim_end_matches('/')
    )
}

/// Registers the webhook of leased bot `inbox_id`, then lets go of it.
pub async fn register(st: &AppState, inbox_id: i64, public_url: &str) {
    let not_before = match attempt(st, inbox_id, public_url).await {
        Ok(()) => 0,
        Err(wait_ms) => st.clock.now_ms() + wait_ms,
    };
    super::poll::release(st, inbox_id, not_before).await;
}

/// One `setWebhook`; `Err`: how long to wait before the next (ms).
async fn attempt(st: &AppState, inbox_id: i64, public_url: &str) -> Result<(), i64> {
    let logged = |e: crate::Error| {
        tracing::warn!(inbox_id, error = %e, "Telegram: could not register the webhook");
        RETRY_MS
    };
    let Some(inbox) = crate::inboxes::service::channel_inbox(st, inbox_id)
        .await
        .map_err(logged)?
        .filter(|i| i.kind == InboxKind::Telegram)
    else {
        return Ok(());
    };
    let failing = inbox.failing_since.is_some();
    let Some(tg) = inbox.telegram else {
        return Ok(());
    };
    let Some(bot) = inbound::bot(st, &tg).map_err(logged)? else {
        return Ok(());
    };
    let secret = tg
        .sealed_webhook_secret
        .as_deref()
        .map(|s| st.secrets().open(Purpose::ChannelSecret, s))
        .transpose()
        .map_err(logged)?;
    let url = webhook_url(public_url, inbox_id);
    match bot.set_webhook(&url, secret.as_deref()).await {
        Ok(()) => {
            let now = st.clock.now_ms();
            let done = st
                .db
                .write(move |c| {
                    Box::pin(async move { repo::registered(c, inbox_id, &tg, now).await })
                })
                .await;
            done.map_err(logged)?;
            if failing {
                super::mark_working(st, inbox_id).await;
            }
            tracing::info!(inbox_id, url, "Telegram: the bot's webhook is registered");
            Ok(())
        }
        Err(e) => Err(refused(st, inbox_id, &e).await),
    }
}

/// What Telegram's refusal means: a token or address it will not take
/// marks the inbox failing (the admin must act); the rest is tried again
/// soon. Answers how long to wait (ms).
async fn refused(st: &AppState, inbox_id: i64, e: &ApiError) -> i64 {
    if e.transient() {
        tracing::warn!(inbox_id, error = %e, "Telegram: setWebhook failed; trying again");
        return e.retry_after.map_or(RETRY_MS, |s| s.max(1) * 1000);
    }
    super::mark_failing(st, inbox_id, &format!("setWebhook: {e}")).await;
    REFUSED_MS
}
