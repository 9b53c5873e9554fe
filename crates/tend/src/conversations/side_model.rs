//! Side conversations: the API's types. A side conversation is a thread by
//! mail with a third party (a courier, a warehouse) kept on a customer's
//! conversation and never shown to that customer. Forwarding a message or
//! a whole conversation starts one, seeded with what is forwarded, quoted.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::vocab::Direction;

/// `POST /conversations/{id}/side-conversations`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSideConversation {
    /// The third parties' addresses (at least one; an entry may hold
    /// several, separated by commas).
    #[serde(default)]
    pub to: Vec<String>,
    /// Subject; when forwarding and left out, `Fwd:` and the
    /// conversation's subject.
    pub subject: Option<String>,
    /// The agent's words (required unless something is forwarded, then
    /// they come above it).
    pub text: Option<String>,
    /// Forward this message of the conversation (quoted, with its files).
    pub forward_message_id: Option<i64>,
    /// Forward the whole conversation (its public messages, quoted).
    #[serde(default)]
    pub forward_conversation: bool,
}

/// `POST /conversations/{id}/side-conversations/{side_id}/messages`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSideMessage {
    /// The agent's answer.
    pub text: Option<String>,
}

/// A side conversation with its mails.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SideConversation {
    /// Id.
    pub id: i64,
    /// The customer's conversation it is kept on.
    pub conversation_id: i64,
    /// Subject of its mails.
    pub subject: String,
    /// The third parties' addresses.
    pub participants: Vec<String>,
    /// The agent who started it.
    pub started_by: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: its last mail.
    pub updated_at: String,
    /// Its mails, oldest first.
    pub messages: Vec<SideMessage>,
}

/// One mail of a side conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SideMessage {
    /// Id.
    pub id: i64,
    /// `out` from the desk, `in` from a third party.
    pub direction: Direction,
    /// The agent who wrote it (`out`).
    pub author_id: Option<i64>,
    /// Display name of its writer.
    pub author_name: Option<String>,
    /// The third party's address (`in`).
    pub author_email: Option<String>,
    /// Plain text.
    pub text: String,
    /// Sanitised HTML, when the mail had some.
    pub html: Option<String>,
    /// The mail's Message-ID.
    pub message_id: String,
    /// The desk's mail: `queued`, `sent` or `failed` (the outbox's state).
    pub delivery_status: Option<String>,
    /// Its files (a third party's attachments and inline images, or what
    /// the desk forwarded); download at `/api/v1/attachments/{id}`, never
    /// offered to the customer.
    pub attachments: Vec<super::model::Attachment>,
    /// RFC 3339.
    pub created_at: String,
}
