//! What became of an inbound mail, and which door it came through.

use serde::Serialize;
use utoipa::ToSchema;

/// Which door the mail came through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The SMTP receiver.
    Smtp,
    /// An IMAP mailbox.
    Imap,
    /// `POST /api/v1/inbound/email`.
    Webhook,
    /// An admin's retry of a mail-log entry (see [`super::quarantine`]). The
    /// per-sender rate limit is skipped (what an admin retries is usually
    /// mail it held back), and a message held again writes no new mail-log
    /// row: the caller records the outcome on the entry it retried.
    Retry,
}

/// What happened to an inbound message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Started a conversation.
    Created,
    /// Joined an existing conversation.
    Appended,
    /// Already stored (same Message-ID); nothing changed.
    Duplicate,
    /// Kept in the mail log only: machine mail (a bounce, a report, a list
    /// notice, an autoresponder, a cloud service's event) or our own mail.
    /// Its reason is a code (`delivery_report`, `delivery_report_matched`,
    /// `feedback_report`, `dmarc_aggregate_report`, `list_notice`, …).
    Ignored,
    /// Kept in the mail log for a person to look at: too large, unreadable,
    /// or over the per-sender rate limit.
    Quarantined,
}

impl Outcome {
    /// The outcome's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Appended => "appended",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
            Outcome::Quarantined => "quarantined",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(s: &str) -> Option<Outcome> {
        [
            Outcome::Created,
            Outcome::Appended,
            Outcome::Duplicate,
            Outcome::Ignored,
            Outcome::Quarantined,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// The answer for one inbound message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IngestOutcome {
    /// What happened.
    pub outcome: Outcome,
    /// The conversation, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<i64>,
    /// Why, for ignored and quarantined mail, and for mail that opened a
    /// new conversation instead of joining the one its subject or headers
    /// named.
    /// For ignored mail a reason
    /// code: `delivery_report`, `feedback_report`, `dmarc_aggregate_report`,
    /// `dmarc_failure_report`, `list_notice`, `cloud_notification`,
    /// `read_receipt`, `auto_reply`, `auto_generated`, `bulk_mail`, each
    /// with `_matched` when it concerns a message Tend sent, or
    /// `own_address_loop`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
