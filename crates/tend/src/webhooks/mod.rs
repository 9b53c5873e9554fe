//! Webhooks: other systems told of conversation events, signed, in order
//! per conversation, from a durable queue, never on the write path.
//!
//! - `model`: subscriptions (an admin's URL, event kinds and secret),
//!   deliveries and their states, the payload;
//! - `repo`: the only SQL of `webhooks`, `webhook_kinds`, `webhook_cursor`
//!   and `webhook_deliveries`;
//! - `service`: the admins' use cases (create, list, delete, the delivery
//!   log, redeliver) and [`service::enqueue_in`], which an automation's
//!   webhook action calls inside a conversation's transaction;
//! - `delivery`: the two background tasks. The follower reads the
//!   `events` log after its durable cursor (woken by the bus) and queues a
//!   delivery per subscription and event in the transaction that moves the
//!   cursor; the sender posts due deliveries (`Tend-Delivery`,
//!   `Tend-Signature`), one conversation's in order, retrying with the
//!   jobs' backoff (`jobs::service::backoff_ms`) until a 2xx;
//! - `api`: `/api/v1/webhooks`.
//!
//! Secrets are sealed at rest (`crate::secrets`, `Purpose::WebhookSecret`).

pub mod api;
pub mod delivery;
pub mod model;
mod repo;
pub mod service;

use std::sync::Arc;
use std::time::Duration;

pub use model::{Delivery, DeliveryState, Webhook, WebhookInput};

/// How long one attempt may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The node's webhook state: the sender's wake-up and its HTTP client.
#[derive(Debug, Clone)]
pub struct WebhookState {
    /// Wakes the sender (new deliveries queued, one redelivered).
    pub wake: Arc<tokio::sync::Notify>,
    /// The client of every delivery (connections kept alive per host).
    pub client: reqwest::Client,
}

impl WebhookState {
    /// A state with a client whose attempts time out after [`TIMEOUT`]
    /// and that follows no redirects (a receiver answers, or it fails).
    pub fn new() -> WebhookState {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tend-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        WebhookState {
            wake: Arc::new(tokio::sync::Notify::new()),
            client,
        }
    }
}

impl Default for WebhookState {
    fn default() -> Self {
        WebhookState::new()
    }
}

impl crate::state::AppState {
    /// This node's webhook sender state.
    pub fn webhooks(&self) -> &WebhookState {
        self.slots.get()
    }
}
