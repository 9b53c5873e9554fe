//! Conversation, message and event types as the API shows them, and the
//! inputs that change them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::status::{Channel, Priority, Status};
use crate::vocab::{ActorKind, Direction, EventKind};

/// The customer as shown on a conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerSummary {
    /// Customer id.
    pub id: i64,
    /// Name, when known.
    pub name: Option<String>,
    /// Primary address.
    pub email: Option<String>,
    /// Language.
    pub language: Option<String>,
}

/// The language a conversation is spoken in: its own, else its
/// customer's (templates, macros, the composer's article search).
pub fn spoken_language<'a>(own: Option<&'a str>, customer: Option<&'a str>) -> Option<&'a str> {
    own.or(customer)
}

/// A conversation: one customer issue on any channel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Conversation {
    /// The number customers see (`[#123]`).
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: Status,
    /// Priority.
    pub priority: Priority,
    /// Channel it arrived on.
    pub channel: Channel,
    /// Inbox.
    pub inbox_id: i64,
    /// Customer.
    pub customer: CustomerSummary,
    /// Owner, or none.
    pub assignee_id: Option<i64>,
    /// Team.
    pub team_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
    /// Language (BCP 47).
    pub language: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// First public answer by an agent.
    pub first_response_at: Option<String>,
    /// Last time it was solved.
    pub solved_at: Option<String>,
    /// When it was closed.
    pub closed_at: Option<String>,
    /// Since when the customer has been waiting for us (null when not waiting).
    pub waiting_since: Option<String>,
    /// How often it was reopened after being solved.
    pub reopen_count: i64,
    /// How often it passed from one owner to another.
    pub transfer_count: i64,
    /// Messages and notes.
    pub message_count: i64,
    /// Snoozed: pending until then (RFC 3339), when it opens again.
    pub snoozed_until: Option<String>,
    /// The conversation this one was merged into (it is closed, and its
    /// messages are there); null when it was not merged.
    pub merged_into: Option<i64>,
    /// Service levels: the policy that applies, the deadlines of its open
    /// clocks and which have breached; `null` when no policy applies.
    pub sla: Option<crate::sla::SlaSummary>,
}

/// Who wrote a message or caused an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Actor {
    /// `customer`, `agent` or `system`.
    pub kind: ActorKind,
    /// User or customer id.
    pub id: Option<i64>,
    /// Display name.
    pub name: Option<String>,
    /// Address, for customers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A stored file attached to a message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    /// Id (download at `/api/v1/attachments/{id}`).
    pub id: i64,
    /// File name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// Shown inside the message body.
    pub inline: bool,
    /// Content-ID for inline parts.
    pub content_id: Option<String>,
}

/// A message or internal note.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// `in` from the customer, `out` from the desk.
    pub direction: Direction,
    /// Internal notes are never shown to the customer.
    pub internal: bool,
    /// Author.
    pub author: Actor,
    /// Plain text.
    pub text: String,
    /// Sanitised HTML, when the message had HTML.
    pub html: Option<String>,
    /// Files.
    pub attachments: Vec<Attachment>,
    /// RFC 3339.
    pub created_at: String,
    /// Email Message-ID, when there is one.
    pub message_id: Option<String>,
    /// Outbound delivery: `queued`, `sent`, `failed`, or `held` (an automatic
    /// mail over its inbox's hourly cap); null for others.
    pub delivery_status: Option<crate::vocab::DeliveryStatus>,
    /// Why delivery failed (the relay's or the bounce's words).
    pub delivery_error: Option<String>,
    /// Email: the new text without quoted history and signature (for the
    /// conversation view); `text` keeps the whole message.
    pub reply_text: Option<String>,
    /// Email: addresses in CC.
    pub cc: Vec<String>,
    /// Email, the desk's replies: addresses it also went to in BCC (only in
    /// the envelope).
    pub bcc: Vec<String>,
    /// Email: decoding notes, e.g. an unknown charset and how it was read.
    pub notes: Option<String>,
    /// Email: whether the original .eml can be downloaded
    /// (`/conversations/{id}/messages/{message_id}/raw`).
    pub has_raw: bool,
    /// Inbound email: sender authentication as checked on arrival; null
    /// when it was not checked (other messages, or checks turned off).
    pub auth: Option<MailAuth>,
}

/// The result of one sender-authentication check (the names of RFC 8601),
/// or `unavailable` when it could not be made: SPF needs the connecting IP
/// address, which only mail through Tend's own SMTP receiver has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthVerdict {
    Pass,
    Fail,
    Softfail,
    Neutral,
    None,
    Temperror,
    Permerror,
    Unavailable,
}

impl AuthVerdict {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthVerdict::Pass => "pass",
            AuthVerdict::Fail => "fail",
            AuthVerdict::Softfail => "softfail",
            AuthVerdict::Neutral => "neutral",
            AuthVerdict::None => "none",
            AuthVerdict::Temperror => "temperror",
            AuthVerdict::Permerror => "permerror",
            AuthVerdict::Unavailable => "unavailable",
        }
    }

    /// The verdict of a stored name (unknown names read as `none`).
    pub fn parse(s: &str) -> AuthVerdict {
        [
            AuthVerdict::Pass,
            AuthVerdict::Fail,
            AuthVerdict::Softfail,
            AuthVerdict::Neutral,
            AuthVerdict::Temperror,
            AuthVerdict::Permerror,
            AuthVerdict::Unavailable,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .unwrap_or(AuthVerdict::None)
    }
}

/// Sender authentication of an inbound email: SPF, DKIM and DMARC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MailAuth {
    /// SPF of the SMTP client for the envelope sender (or HELO);
    /// `unavailable` for mail that came through IMAP or the webhook.
    pub spf: AuthVerdict,
    /// DKIM: `pass` when a signature verified, else the best of the others;
    /// `none` without signatures.
    pub dkim: AuthVerdict,
    /// DMARC for the From domain. A `fail` keeps the message out of
    /// existing conversations.
    pub dmarc: AuthVerdict,
    /// The From domain that was checked.
    pub domain: Option<String>,
}

impl MailAuth {
    /// Whether the message failed DMARC for its From domain.
    pub fn dmarc_failed(&self) -> bool {
        self.dmarc == AuthVerdict::Fail
    }
}

/// One entry of a conversation's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// Id; ascending in commit order.
    pub id: i64,
    /// Conversation.
    pub conversation_id: i64,
    /// What happened (the kinds and their data are listed in
    /// `docs/ARCHITECTURE.md`, "The event log").
    pub kind: EventKind,
    /// Who did it.
    pub actor: Actor,
    /// Details of the change.
    pub data: Value,
    /// RFC 3339.
    pub created_at: String,
}

/// The customer of a new conversation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Address; the customer is found by it or created.
    pub email: String,
    /// Name.
    pub name: Option<String>,
}

/// The first message of a new conversation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBody {
    /// Plain text (required unless `html` is given).
    pub text: Option<String>,
    /// HTML; sanitised before it is stored.
    pub html: Option<String>,
}

/// `POST /conversations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversation {
    /// Subject.
    pub subject: String,
    /// Who wrote in.
    pub customer: NewCustomer,
    /// What they wrote.
    pub message: NewBody,
    /// `email`, `chat`, `web`, `api` (default), `phone` or `portal`.
    pub channel: Option<String>,
    /// Inbox; the default inbox when absent. A caller who may not see the
    /// default inbox (an agent whose teams were not granted it) must name
    /// one of their inboxes: without it the answer is 422 on `inbox_id`.
    pub inbox_id: Option<i64>,
    /// Priority; `normal` when absent.
    pub priority: Option<String>,
    /// Tags.
    pub tags: Option<Vec<String>>,
    /// Language (BCP 47), when known.
    pub language: Option<String>,
}

/// `PATCH /conversations/{id}`: absent fields stay; `null` clears where allowed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    /// New status.
    pub status: Option<String>,
    /// New priority.
    pub priority: Option<String>,
    /// New owner; `null` unassigns.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<Option<i64>>,
    /// New team; `null` clears.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<i64>)]
    pub team_id: Option<Option<i64>>,
    /// The full new tag list.
    pub tags: Option<Vec<String>>,
    /// Tags to add (to the list as it is when the change is applied, so
    /// concurrent additions all stay).
    pub add_tags: Option<Vec<String>>,
    /// Tags to remove.
    pub remove_tags: Option<Vec<String>>,
    /// Move the conversation to another customer.
    pub customer_id: Option<i64>,
    /// Move the conversation to another inbox (one you may use; its owner
    /// must be able to work it). Its service levels and, without an owner,
    /// its routing follow the new inbox.
    pub inbox_id: Option<i64>,
    /// Language override; `null` clears.
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    pub language: Option<Option<String>>,
    /// Why the conversation moves to another owner (required then):
    /// `{"category", "text"}`, or plain text (category `other`).
    pub reason: Option<crate::routing::model::TransferReasonInput>,
}

/// `POST /conversations/{id}/messages` (JSON form; multipart adds files).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// Plain text (required unless `html` is given).
    pub text: Option<String>,
    /// HTML; sanitised before it is stored.
    pub html: Option<String>,
    /// `markdown`: `text` is formatted as the workspace's composer writes
    /// it (`**bold**`, `*italic*`, `- ` and `1. ` lists, `[words](https://…)`
    /// links, `![name](cid:ID)` for an inline image sent as a multipart
    /// file part named `inline:ID`); the message keeps the HTML and a plain
    /// text rendering. Raw HTML in it is shown as text. Absent or `text`:
    /// plain text. Not together with `html`.
    #[schema(example = "markdown")]
    pub format: Option<String>,
    /// An internal note, never shown to the customer.
    #[serde(default)]
    pub internal: bool,
    /// `out` (default): the desk writes. `in`: the customer wrote it, relayed
    /// by an integration; it reopens a solved conversation.
    pub direction: Option<String>,
    /// Mail conversations: addresses copied on the reply (the mail's `Cc`).
    #[serde(default)]
    pub cc: Vec<String>,
    /// Mail conversations: addresses the reply also goes to, only in the
    /// envelope (never in the mail's headers).
    #[serde(default)]
    pub bcc: Vec<String>,
    /// Channels with approved message templates (WhatsApp): the reply is
    /// this template, the one way to write outside the channel's reply
    /// window. `text` may then be left out (the message shows the
    /// template's name and parameters).
    pub template: Option<TemplateMessage>,
}

/// A message template the reply sends (one the inbox registered).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateMessage {
    /// The template's name.
    pub name: String,
    /// Its language; absent: the one the inbox registered it in.
    pub language: Option<String>,
    /// The values of its `{{1}}` … `{{n}}`, in order.
    #[serde(default)]
    pub parameters: Vec<String>,
}

impl TemplateMessage {
    /// The text the conversation keeps for it.
    pub fn shown(&self) -> String {
        if self.parameters.is_empty() {
            format!("[{}]", self.name)
        } else {
            format!("[{}] {}", self.name, self.parameters.join(" · "))
        }
    }
}

/// Counts per view, with the viewer's access applied.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Counts {
    /// Status `new`.
    pub new: i64,
    /// Status `open`.
    pub open: i64,
    /// Status `pending`.
    pub pending: i64,
    /// Status `solved`.
    pub solved: i64,
    /// Status `closed`.
    pub closed: i64,
    /// New, open or pending with no owner.
    pub unassigned: i64,
    /// New, open or pending owned by the viewer.
    pub mine: i64,
    /// Active conversations whose next service-level deadline is within
    /// the hour, or past.
    pub breaching_soon: i64,
}

pub use super::listing::{AssigneeFilter, ListCursor, ListFilter, ListSort, NOT_WAITING, PageAt};
