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
    /// An internal note, never shown to the customer.
    #[serde(default)]
    pub internal: bool,
    /// `out` (default): the desk writes. `in`: the customer wrote it, relayed
    /// by an integration; it reopens a solved conversation.
    pub direction: Option<String>,
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

/// Filters for listing conversations.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Statuses (any of).
    pub statuses: Vec<Status>,
    /// Owner.
    pub assignee: Option<AssigneeFilter>,
    /// Customer.
    pub customer_id: Option<i64>,
    /// Inbox.
    pub inbox_id: Option<i64>,
    /// Team.
    pub team_id: Option<i64>,
    /// Tag.
    pub tag: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Channel.
    pub channel: Option<Channel>,
    /// Language.
    pub language: Option<String>,
    /// Subject fragment.
    pub q: Option<String>,
    /// Where the page starts: the first page, or after or before a row of
    /// another page (keyset pagination: page 20 costs what page 1 costs,
    /// and rows written meanwhile neither repeat nor go missing).
    pub at: PageAt,
    /// Page size.
    pub limit: i64,
    /// Order of the page.
    pub sort: ListSort,
}

/// Where a page of a list starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PageAt {
    /// At the start.
    #[default]
    First,
    /// Just after this row, in the list's order.
    After(ListCursor),
    /// Just before this row (the page before a page); the rows still come
    /// in the list's order.
    Before(ListCursor),
}

/// A row's place in a sorted list: its sort key ([`ListSort::key_of`]) and
/// its id, which breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    /// The sort key (unused when the list is by id alone).
    pub key: i64,
    /// The row's id.
    pub id: i64,
}

impl ListCursor {
    /// The row's place, as the list writes it in a link: `key.id`, or
    /// `id` for a list by id alone.
    pub fn to_param(self, sort: ListSort) -> String {
        match sort {
            ListSort::Newest => self.id.to_string(),
            ListSort::LongestWaiting | ListSort::Deadline => format!("{}.{}", self.key, self.id),
        }
    }

    /// Reads [`ListCursor::to_param`]; `None` when it does not read.
    pub fn from_param(sort: ListSort, s: &str) -> Option<ListCursor> {
        match sort {
            ListSort::Newest => s.trim().parse().ok().map(|id| ListCursor { key: 0, id }),
            ListSort::LongestWaiting | ListSort::Deadline => {
                let (k, id) = s.trim().split_once('.')?;
                Some(ListCursor {
                    key: k.parse().ok()?,
                    id: id.parse().ok()?,
                })
            }
        }
    }
}

/// The sort key of a conversation that is not waiting: after every wait
/// (the largest integer a JSON number holds exactly). The SQL of the
/// waiting lists and their partial indexes (migration 0004) write the
/// same number.
pub const NOT_WAITING: i64 = 9_007_199_254_740_991;

impl ListSort {
    /// The key a conversation sorts by in this order (ties broken by id):
    /// when the customer began waiting, or its next deadline. The SQL of
    /// the list computes the same (`conversations::repo::list`).
    pub fn key_of(self, c: &Conversation) -> i64 {
        let ms = |s: Option<&str>| s.and_then(crate::time::parse_ms);
        match self {
            ListSort::Newest => 0,
            ListSort::LongestWaiting => ms(c.waiting_since.as_deref()).unwrap_or(NOT_WAITING),
            ListSort::Deadline => c
                .sla
                .as_ref()
                .and_then(|s| ms(s.next_due.as_deref()))
                .unwrap_or(NOT_WAITING),
        }
    }

    /// The cursor of a conversation in this order.
    pub fn cursor_of(self, c: &Conversation) -> ListCursor {
        ListCursor {
            key: self.key_of(c),
            id: c.id,
        }
    }
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSort {
    /// Newest first (the API's order).
    #[default]
    Newest,
    /// The customer who has waited longest first; those not waiting last
    /// (the inbox views). Uses the partial indexes when the statuses are
    /// exactly new+open, or new+open+pending with an owner.
    LongestWaiting,
    /// Only conversations with a running service-level deadline, the
    /// soonest first ("Breaching soon").
    Deadline,
}

/// Whose conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Owned by this user.
    User(i64),
    /// Owned by nobody.
    Nobody,
}
