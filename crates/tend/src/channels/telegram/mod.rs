//! Telegram (inboxes of kind `telegram`), through the Bot API at the
//! inbox's `api_base` (Telegram's, or a self-hosted Bot API server): a
//! second carrier of the messaging-channel framework of `channels::api`,
//! not a copy of it. Its messages are recorded by
//! `channels::api::inbound::receive` (deduplicated, threaded, what is not
//! understood kept raw) and the desk's go out through the same durable
//! `channel_outbox` (`channels::api::outbound::OutboxCarrier`).
//!
//! - `model`: Telegram's Update read into a message and its files;
//! - `client`: the Bot API (`getUpdates`, `getFile` and the file,
//!   `sendMessage`, `sendDocument`);
//! - `inbound`: [`inbound::handle`], the one way in for an update, and the
//!   webhook route `POST /api/v1/channels/{inbox_id}/telegram`;
//! - `poll`: long polling, one node per bot, the offset stored;
//! - `register`: a bot in webhook mode tells Telegram where to post
//!   (`setWebhook`), once per change of its settings;
//! - `outbound`: [`send`], a queued message to the customer's chat;
//! - `repo`: the only SQL of the polling state.

pub mod client;
pub mod inbound;
pub mod model;
pub mod outbound;
pub mod poll;
pub mod register;
mod repo;

use std::sync::Arc;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use outbound::send;

/// The Telegram routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound::webhook))
}

/// This node's Telegram state: the poller's wake-up.
#[derive(Debug, Default)]
pub struct TelegramState {
    /// Wakes the poller (settings changed, a poll brought updates).
    pub wake: Arc<tokio::sync::Notify>,
}

fn state(st: &AppState) -> &TelegramState {
    st.slots.get()
}

/// Wakes this node's poller: a bot may be due now.
pub fn wake(st: &AppState) {
    state(st).wake.notify_one();
}

/// Marks the inbox failing: the Bot API refused its token, or (for
/// `setWebhook`) the address Tend gave it.
async fn mark_failing(st: &AppState, inbox_id: i64, error: &str) {
    let now = st.clock.now_ms();
    let err = error.to_string();
    let marked = st
        .db
        .write(move |c| {
            Box::pin(async move {
                crate::inboxes::service::set_failing_in(c, inbox_id, Some((now, &err))).await
            })
        })
        .await;
    match marked {
        Ok(true) => {
            tracing::error!(
                inbox_id,
                error,
                "the Bot API refuses the inbox's bot; the inbox is marked failing until the bot works again or an admin changes its settings"
            );
            crate::channels::alert::inbox_failing(st, inbox_id, error).await;
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(inbox_id, error = %e, "could not mark the inbox failing"),
    }
}

/// The bot's token works again.
async fn mark_working(st: &AppState, inbox_id: i64) {
    let cleared = st
        .db
        .write(move |c| {
            Box::pin(
                async move { crate::inboxes::service::set_failing_in(c, inbox_id, None).await },
            )
        })
        .await;
    if let Err(e) = cleared {
        tracing::warn!(inbox_id, error = %e, "could not clear the inbox's failing state");
    }
}
