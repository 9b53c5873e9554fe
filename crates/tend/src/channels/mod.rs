//! Channels translate the outside world into conversation service calls and
//! back. They hold no business rules.

pub mod alert;
pub mod api;
pub mod capabilities;
pub mod chat;
pub mod contact;
pub mod email;
pub mod phone;
pub mod telegram;
pub mod whatsapp;

use crate::ratelimit::RateLimiter;
use std::sync::Arc;

use crate::conversations::delivery::Carriers;
use crate::inboxes::InboxKind;
use crate::state::AppState;
use crate::vocab::Channel;

/// The carriers of the desk's messages: mail for every channel whose
/// customers are answered by mail (`Channel::answered_by_mail`), and the
/// messaging channels' outbox for `api`, `telegram` and `whatsapp` (it carries only
/// conversations that arrived through an inbox of that kind).
pub fn carriers() -> Carriers {
    let mail: Arc<dyn crate::conversations::delivery::Carrier> =
        Arc::new(email::outbound::MailCarrier);
    Channel::ALL
        .iter()
        .filter(|c| c.answered_by_mail())
        .fold(Carriers::default(), |all, &c| all.with(c, mail.clone()))
        .with(
            Channel::Api,
            Arc::new(api::outbound::OutboxCarrier(InboxKind::Api)),
        )
        .with(
            Channel::Telegram,
            Arc::new(api::outbound::OutboxCarrier(InboxKind::Telegram)),
        )
        .with(
            Channel::Whatsapp,
            Arc::new(api::outbound::OutboxCarrier(InboxKind::Whatsapp)),
        )
}

impl AppState {
    /// The public channels' rate limits and chat fan-out on this node.
    pub fn public(&self) -> &PublicState {
        self.slots.get()
    }
}

/// This node's in-memory state for the public channels (chat widget, contact
/// form): rate limits and the chat fan-out.
#[derive(Debug)]
pub struct PublicState {
    /// Submissions per client IP address (chat sessions, offline messages,
    /// contact form): `public_rate_per_minute` per minute.
    pub per_ip: RateLimiter,
    /// Messages and uploads per chat visitor: 20 per 10 seconds.
    pub per_visitor: RateLimiter,
    /// Live chat connections per conversation.
    pub chat: chat::Hub,
}

impl PublicState {
    /// The state for a configuration.
    pub fn new(config: &crate::config::Config) -> Self {
        PublicState {
            per_ip: RateLimiter::new(
                usize::try_from(config.public_rate_per_minute).unwrap_or(usize::MAX),
                60_000,
            ),
            per_visitor: RateLimiter::new(20, 10_000),
            chat: chat::Hub::default(),
        }
    }
}
