//! The decoded form of one inbound email, as the rest of Tend sees it.

/// A name and address from an address header. The address is lowercased so
/// that customers are matched however their client capitalises it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mailbox {
    /// Display name, decoded; `None` when the header had none.
    pub name: Option<String>,
    /// Lowercased address (`local@domain`).
    pub address: String,
}

/// One attachment (or inline image, or forwarded message) of a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// Decoded filename with any directory part removed; `None` when the
    /// sender gave none (forwarded messages get `<subject>.eml`).
    pub filename: Option<String>,
    /// Lowercased `type/subtype`, e.g. `image/png`, `message/rfc822`.
    pub content_type: String,
    /// The file's bytes after transfer decoding (never charset-converted).
    pub bytes: Vec<u8>,
    /// Shown inside the message body rather than listed as a download.
    pub inline: bool,
    /// Content-ID without angle brackets, for `cid:` references in HTML.
    pub content_id: Option<String>,
    /// For a forwarded `message/rfc822` part: the message itself, decoded,
    /// so its text can be shown.
    pub message: Option<Box<InboundMessage>>,
}

/// Why a message counts as auto-generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoReason {
    /// `Auto-Submitted` with any value but `no` (RFC 3834).
    AutoSubmitted(String),
    /// An `X-Autoreply` header (any value but `no`/`false`).
    XAutoreply,
    /// An `X-Autorespond` header.
    XAutorespond,
    /// `Precedence: bulk`, `junk` or `list`.
    Precedence(String),
    /// Out-of-office reply, recognised by its subject or an OOF header.
    OutOfOffice,
    /// A delivery status notification (`multipart/report;
    /// report-type=delivery-status`) or other bounce.
    DeliveryStatus,
    /// `Return-Path: <>`: sent by a mail system, not a person.
    NullReturnPath,
}

/// Auto-generated classification. Such mail never creates or reopens a
/// conversation and never gets a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Classification {
    /// Every reason found; empty means a person wrote it.
    pub reasons: Vec<AutoReason>,
}

impl Classification {
    /// True when any auto-generated signal was found.
    pub fn is_auto_generated(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// True for a delivery failure report.
    pub fn is_bounce(&self) -> bool {
        self.reasons.contains(&AutoReason::DeliveryStatus)
    }
}

/// One recipient's fate in a delivery status notification (RFC 3464).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsnRecipient {
    /// From `Final-Recipient` (or `Original-Recipient`), lowercased, without
    /// the `rfc822;` type.
    pub address: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: Option<String>,
    /// Status code such as `5.1.1`.
    pub status: Option<String>,
    /// The remote server's words, e.g. `smtp; 550 5.1.1 No such user`.
    pub diagnostic: Option<String>,
}

/// What a bounce says about the message that bounced.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BounceInfo {
    /// Message-ID of our outbound message that bounced, from the returned
    /// `message/rfc822` or `text/rfc822-headers` part.
    pub original_message_id: Option<String>,
    /// Per-recipient results from the `message/delivery-status` part.
    pub recipients: Vec<DsnRecipient>,
}

impl BounceInfo {
    /// True when at least one recipient permanently failed (or the report
    /// has no per-recipient detail, which non-standard bounces lack).
    pub fn is_permanent_failure(&self) -> bool {
        self.recipients.is_empty()
            || self.recipients.iter().any(|r| {
                r.action.as_deref() == Some("failed")
                    || r.status.as_deref().is_some_and(|s| s.starts_with('5'))
            })
    }
}

/// One inbound email, decoded the way a human reader would see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InboundMessage {
    /// Message-ID without angle brackets; the duplicate-detection key.
    pub message_id: Option<String>,
    /// First In-Reply-To id, without angle brackets.
    pub in_reply_to: Option<String>,
    /// References ids in header order, without angle brackets.
    pub references: Vec<String>,
    /// Subject, decoded exactly (folding removed).
    pub subject: String,
    /// The author (first From mailbox).
    pub from: Option<Mailbox>,
    /// To recipients.
    pub to: Vec<Mailbox>,
    /// Cc recipients, recorded on the message.
    pub cc: Vec<Mailbox>,
    /// Reply-To mailboxes; replies go here when present.
    pub reply_to: Vec<Mailbox>,
    /// Date header as Unix seconds (UTC), when present and parseable.
    pub date: Option<i64>,
    /// The full plain-text body (from the HTML when only HTML was sent),
    /// quoted history included. See [`crate::split_reply`].
    pub text: String,
    /// Sanitised HTML body, safe to show: no scripts, handlers, forms,
    /// frames, `javascript:`/`data:` URLs; remote images blocked.
    pub html: Option<String>,
    /// Attachments, inline images and forwarded messages, in MIME order.
    pub attachments: Vec<Attachment>,
    /// Auto-generated mail signals.
    pub classification: Classification,
    /// Set when this is a delivery failure report.
    pub bounce: Option<BounceInfo>,
    /// Every decoding fallback or repair, for agents and for debugging
    /// (e.g. `unknown charset x-foo; decoded as windows-1252`).
    pub notes: Vec<String>,
}

impl InboundMessage {
    /// The address a reply should go to: Reply-To if given, else From.
    pub fn reply_address(&self) -> Option<&Mailbox> {
        self.reply_to.first().or(self.from.as_ref())
    }

    /// The new text and the hidden remainder (signature, quoted history)
    /// of the body, for the conversation view.
    pub fn reply_parts(&self) -> crate::ReplyParts {
        crate::split_reply_parts(&self.text)
    }
}
