//! The generic channel API (inboxes of kind `api`): any platform Tend does
//! not speak is bridged by posting its customers' messages to
//! `POST /api/v1/channels/{inbox_id}/inbound` and receiving the desk's at
//! the inbox's `outbound_url`, both signed with the inbox's secret exactly
//! like webhooks (`crypto::signature`, `crypto::verify_signature`).
//!
//! - `model`: the messages both ways, checked against the channel's
//!   capabilities (`channels::capabilities::GENERIC_API`);
//! - `inbound`: the route, the signature and replay check, and
//!   [`inbound::receive`]: deduplicated by `external_id` (a unique index),
//!   threaded by `thread_id` (else the sender), the customer found by
//!   their id on the channel, what is not understood kept raw;
//! - `outbound`: [`outbound::OutboxCarrier`] (the conversations domain's
//!   carrier for channels `api` and `telegram`) and the sender task over
//!   `channel_outbox`;
//! - `window`: a reply window's templates (WhatsApp), for the carrier;
//! - `repo`: the only SQL of `channel_inbound` and `channel_outbox`.

pub mod inbound;
pub mod model;
pub mod outbound;
mod repo;
mod window;

use std::sync::Arc;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// The channel API's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound::inbound))
}

/// This node's channel API state: the sender's wake-up.
#[derive(Debug, Default)]
pub struct ChannelApiState {
    /// Wakes the sender (a message queued, a test's clock moved).
    pub wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// This node's channel API state.
    pub fn channel_api(&self) -> &ChannelApiState {
        self.slots.get()
    }
}

/// Wakes this node's sender: something may be due now.
pub fn wake(st: &AppState) {
    st.channel_api().wake.notify_one();
}
