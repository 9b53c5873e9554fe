//! Inbox types and validation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

/// The channel an inbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// An email address (IMAP, SMTP receiver, inbound webhook).
    Email,
    /// The live chat widget.
    Chat,
    /// Web form and portal.
    Web,
    /// Conversations created through the REST API.
    Api,
}

impl InboxKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Email => "email",
            InboxKind::Chat => "chat",
            InboxKind::Web => "web",
            InboxKind::Api => "api",
        }
    }

    /// Parses a kind.
    pub fn parse(s: &str) -> Result<InboxKind> {
        match s {
            "email" => Ok(InboxKind::Email),
            "chat" => Ok(InboxKind::Chat),
            "web" => Ok(InboxKind::Web),
            "api" => Ok(InboxKind::Api),
            _ => Err(Error::invalid(
                "kind",
                format!("unknown inbox kind {s:?}; use email, chat, web or api"),
            )),
        }
    }
}

/// An inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Inbox {
    /// Id.
    pub id: i64,
    /// Channel.
    pub kind: InboxKind,
    /// Display name.
    pub name: String,
    /// Email address, for email inboxes.
    pub address: Option<String>,
    /// IMAP mailbox Tend polls, with the password hidden.
    pub imap_url: Option<String>,
    /// Whether conversations without an inbox land here.
    pub is_default: bool,
    /// Email inboxes: acknowledge each new conversation to the customer.
    pub ack_enabled: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// Validates an IMAP URL: `imap://user:pass@host:port/MAILBOX` or `imaps://…`.
pub fn parse_imap_url(s: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::invalid(
            "imap_url",
            format!("{why}; expected imap://user:pass@host:port/MAILBOX or imaps://…"),
        )
    };
    let u = url::Url::parse(s).map_err(|e| bad(&format!("not a URL ({e})")))?;
    if !matches!(u.scheme(), "imap" | "imaps") {
        return Err(bad("the scheme must be imap or imaps"));
    }
    if u.host_str().is_none() || u.username().is_empty() {
        return Err(bad("a user and a host are required"));
    }
    Ok(s.to_string())
}

/// Hides the password of an IMAP URL for display.
pub fn redact_url(s: &str) -> String {
    crate::db::redact(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imap_urls_are_checked_and_redacted() {
        assert!(parse_imap_url("imap://sup:pw@127.0.0.1:1143/INBOX").is_ok());
        assert!(parse_imap_url("imaps://sup:pw@mail.example.org/INBOX").is_ok());
        assert!(parse_imap_url("http://x/y").is_err());
        assert!(parse_imap_url("imap://host/INBOX").is_err());
        assert_eq!(
            redact_url("imap://sup:pw@127.0.0.1:1143/INBOX"),
            "imap://sup:***@127.0.0.1:1143/INBOX"
        );
    }
}
