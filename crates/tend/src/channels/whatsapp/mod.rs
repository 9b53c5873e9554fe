//! WhatsApp (inboxes of kind `whatsapp`), through the WhatsApp Business
//! Cloud API at the inbox's `api_base` (the Graph API's, or any server
//! that speaks it): a third carrier of the messaging-channel framework of
//! `channels::api`, like Telegram. Its messages are recorded by
//! `channels::api::inbound::receive` (deduplicated by WhatsApp's message
//! id, the customer matched by their number as calls are, what is not
//! understood kept raw) and the desk's go out through the same durable
//! `channel_outbox` (`channels::api::outbound::OutboxCarrier`), which
//! also keeps the 24-hour window (`capabilities::WHATSAPP`).
//!
//! - `model`: the webhook's payload read into messages and statuses;
//! - `client`: the Cloud API (`/messages`, `/media`, a media's URL);
//! - `inbound`: the webhook routes `GET` (the subscription's
//!   verification) and `POST /api/v1/channels/{inbox_id}/whatsapp`
//!   (`X-Hub-Signature-256` checked), media fetched, statuses applied;
//! - `outbound`: [`send`], a queued message (text, files uploaded first,
//!   or a template) to the customer's number;
//! - `repo`: the only SQL of the sent messages' WhatsApp ids.

pub mod client;
pub mod inbound;
pub mod model;
pub mod outbound;
mod repo;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub use outbound::send;

/// The WhatsApp routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound::verify, inbound::webhook))
}
