//! Inbox types and validation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{Error, Result};

pub use super::telegram::{TelegramChannel, TelegramMode, TelegramSettings};
pub use super::whatsapp::{WhatsappChannel, WhatsappSettings};

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
    /// A Telegram bot (`channels::telegram`).
    Telegram,
    /// A WhatsApp Business number (`channels::whatsapp`).
    Whatsapp,
}

impl InboxKind {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Email => "email",
            InboxKind::Chat => "chat",
            InboxKind::Web => "web",
            InboxKind::Api => "api",
            InboxKind::Telegram => "telegram",
            InboxKind::Whatsapp => "whatsapp",
        }
    }

    /// Parses a kind.
    pub fn parse(s: &str) -> Result<InboxKind> {
        match s {
            "email" => Ok(InboxKind::Email),
            "chat" => Ok(InboxKind::Chat),
            "web" => Ok(InboxKind::Web),
            "api" => Ok(InboxKind::Api),
            "telegram" => Ok(InboxKind::Telegram),
            "whatsapp" => Ok(InboxKind::Whatsapp),
            _ => Err(Error::invalid(
                "kind",
                format!(
                    "unknown inbox kind {s:?}; use email, chat, web, api, telegram or whatsapp"
                ),
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
    /// What Tend does to a mailbox message once it is stored.
    pub imap_after: ImapAfter,
    /// The folder messages are moved to when `imap_after` is `move`.
    pub imap_move_to: Option<String>,
    /// Automatic mail (acknowledgements, surveys, transcripts) this inbox
    /// may send per hour; more is held for an admin. `null`: the server's
    /// default (`auto_mail_per_hour`).
    pub auto_mail_per_hour: Option<i64>,
    /// The business calendar (office hours; what service levels count on);
    /// `null`: none.
    pub calendar_id: Option<i64>,
    /// Channel API inboxes: where the desk's messages are posted (signed
    /// like webhooks); `null`: nowhere.
    pub outbound_url: Option<String>,
    /// Channel API inboxes: whether a signing secret is set (the secret
    /// itself is never shown).
    pub has_secret: bool,
    /// Channel API inboxes: since when (RFC 3339) the outbound URL refuses
    /// Tend's credentials (401 or 403); `null`: it does not. Cleared by
    /// the next message it accepts, or by a new secret or URL.
    pub failing_since: Option<String>,
    /// What the outbound URL answered when it started failing.
    pub failing_error: Option<String>,
    /// Telegram inboxes: the bot's settings (`null` for other kinds).
    pub telegram: Option<TelegramSettings>,
    /// WhatsApp inboxes: the number's settings (`null` for other kinds).
    pub whatsapp: Option<WhatsappSettings>,
    /// RFC 3339.
    pub created_at: String,
}

/// What the channel API needs of an inbox, on every inbound message and
/// every delivery.
#[derive(Debug, Clone)]
pub struct ChannelInbox {
    /// Its kind (only `api` inboxes take the channel API).
    pub kind: InboxKind,
    /// The signing secret, sealed (`secrets::Purpose::ChannelSecret`).
    pub sealed_secret: Option<String>,
    /// Where the desk's messages go.
    pub outbound_url: Option<String>,
    /// Since when the outbound URL refuses Tend's credentials (ms).
    pub failing_since: Option<i64>,
    /// Telegram inboxes: the bot.
    pub telegram: Option<TelegramChannel>,
    /// WhatsApp inboxes: the number.
    pub whatsapp: Option<WhatsappChannel>,
}

/// What the IMAP watcher does to a mailbox message after it is committed
/// (whatever the outcome: new conversation, follow-up, duplicate, ignored
/// or quarantined).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImapAfter {
    /// Leave it as it is (Tend reads with `BODY.PEEK[]`, so it stays unread).
    #[default]
    Leave,
    /// Set the `\Seen` flag.
    Seen,
    /// Move it to `imap_move_to` (created when missing).
    Move,
}

impl ImapAfter {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImapAfter::Leave => "leave",
            ImapAfter::Seen => "seen",
            ImapAfter::Move => "move",
        }
    }

    /// Parses a setting; unknown values are a 422 naming `imap_after`.
    pub fn parse(s: &str) -> Result<ImapAfter> {
        match s.trim() {
            "leave" => Ok(ImapAfter::Leave),
            "seen" => Ok(ImapAfter::Seen),
            "move" => Ok(ImapAfter::Move),
            _ => Err(Error::invalid(
                "imap_after",
                format!("unknown setting {s:?}; use leave, seen or move"),
            )),
        }
    }
}

/// The highest cap on automatic mail per hour an inbox may set.
pub const AUTO_MAIL_CAP_MAX: i64 = 1_000_000;

/// Validates a cap on automatic mail per hour (0 holds all of it).
pub fn check_auto_mail_cap(cap: i64) -> Result<i64> {
    if (0..=AUTO_MAIL_CAP_MAX).contains(&cap) {
        Ok(cap)
    } else {
        Err(Error::invalid(
            "auto_mail_per_hour",
            format!("must be from 0 to {AUTO_MAIL_CAP_MAX} mails per hour"),
        ))
    }
}

/// The longest folder name accepted for `imap_move_to`, in characters.
pub const MOVE_TO_MAX: usize = 200;

/// Validates a folder name for `imap_move_to`: not empty, at most
/// [`MOVE_TO_MAX`] characters, no control characters (a CR or LF would end
/// the IMAP command). Plain Unicode; the IMAP side encodes it.
pub fn parse_move_to(s: &str) -> Result<String> {
    let f = s.trim();
    if f.is_empty() {
        return Err(Error::invalid(
            "imap_move_to",
            "enter the folder to move messages to, for example Processed",
        ));
    }
    if f.chars().count() > MOVE_TO_MAX {
        return Err(Error::invalid(
            "imap_move_to",
            format!("the folder name is longer than {MOVE_TO_MAX} characters"),
        ));
    }
    if f.chars().any(char::is_control) {
        return Err(Error::invalid(
            "imap_move_to",
            "the folder name may not contain line breaks or other control characters",
        ));
    }
    Ok(f.to_string())
}

/// Checks that a `move` setting has a folder, and that the folder is not
/// the mailbox Tend reads (moving a message into its own mailbox gives it a
/// new UID, so it would be fetched and moved again on every pass).
pub fn check_imap_after(
    after: ImapAfter,
    move_to: Option<&str>,
    imap_url: Option<&str>,
) -> Result<()> {
    if after != ImapAfter::Move {
        return Ok(());
    }
    let Some(folder) = move_to else {
        return Err(Error::invalid(
            "imap_move_to",
            "a folder is required when imap_after is move",
        ));
    };
    let source = imap_url
        .and_then(|u| super::imap_url::parse_target(u).ok())
        .map(|t| t.mailbox);
    if source.is_some_and(|s| super::imap_url::same_mailbox(&s, folder)) {
        return Err(Error::invalid(
            "imap_move_to",
            "the folder must differ from the mailbox Tend reads",
        ));
    }
    Ok(())
}

/// Validates an IMAP URL: `imap://user:pass@host:port/MAILBOX` (STARTTLS),
/// `imaps://…` (TLS), or `imap://…?tls=none` (clear text, on purpose).
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
    // The connection rules (`tls=none` only on imap://) live with the parser.
    super::imap_url::parse_target(s).map_err(|e| bad(&e.to_string()))?;
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
        assert!(parse_imap_url("imap://sup:pw@127.0.0.1:1143/INBOX?tls=none").is_ok());
        assert!(parse_imap_url("imap://sup:pw@127.0.0.1:1143/INBOX?tls=off").is_err());
        assert_eq!(
            redact_url("imap://sup:pw@127.0.0.1:1143/INBOX"),
            "imap://sup:***@127.0.0.1:1143/INBOX"
        );
    }

    #[test]
    fn imap_after_settings_are_checked() {
        assert_eq!(ImapAfter::parse("seen").unwrap(), ImapAfter::Seen);
        assert!(ImapAfter::parse("delete").is_err());
        assert_eq!(parse_move_to(" Archive/Tend ").unwrap(), "Archive/Tend");
        assert!(parse_move_to("  ").is_err());
        assert!(parse_move_to("a\r\nA001 LOGOUT").is_err());
        assert!(parse_move_to(&"x".repeat(MOVE_TO_MAX + 1)).is_err());
        assert!(parse_move_to(&"日".repeat(MOVE_TO_MAX)).is_ok());
        let url = Some("imap://u:p@h/INBOX");
        assert!(check_imap_after(ImapAfter::Move, None, url).is_err());
        assert!(check_imap_after(ImapAfter::Move, Some("inbox"), url).is_err());
        assert!(check_imap_after(ImapAfter::Move, Some("Done"), url).is_ok());
        assert!(check_imap_after(ImapAfter::Seen, None, url).is_ok());
    }
}
