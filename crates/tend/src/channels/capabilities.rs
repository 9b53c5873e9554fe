//! What each channel can carry, declared once per inbox kind: text, which
//! kinds of media and how many bytes of them, a reply window, templates,
//! typing and read receipts. The carriers consult it before a message is
//! stored (the composer's reply, an automation's reply, a survey), and the
//! inbound side before a customer's files are, so what a channel cannot
//! carry is refused with a reason instead of failing later.
//!
//! Pure: no IO. The server's own cap on a message's files
//! (`max_attachment_bytes`) applies on top of a channel's.

use std::time::Duration;

use crate::inboxes::InboxKind;
use crate::vocab::{Channel, closed_set};
use crate::{Error, Result};

closed_set! {
    /// A kind of file a channel may carry, by the content type's top level.
    pub enum Media ("media type") {
        /// `image/*`.
        Image = "image",
        /// `audio/*` (voice messages).
        Audio = "audio",
        /// `video/*`.
        Video = "video",
        /// `application/*` and `text/*`: documents.
        Document = "document",
    }
}

impl Media {
    /// The kind of a content type; `None` for a type no channel carries as
    /// a file (`multipart/*`, `message/*`, anything malformed).
    pub fn of(content_type: &str) -> Option<Media> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        let (top, sub) = essence.split_once('/')?;
        if sub.is_empty() || sub.contains(char::is_whitespace) {
            return None;
        }
        match top.to_ascii_lowercase().as_str() {
            "image" => Some(Media::Image),
            "audio" => Some(Media::Audio),
            "video" => Some(Media::Video),
            "application" | "text" => Some(Media::Document),
            _ => None,
        }
    }
}

closed_set! {
    /// How a conversation's customer gets the satisfaction survey when it
    /// is solved.
    pub enum SurveyBy ("survey delivery") {
        /// A mail with the survey's links (email, the contact form).
        Mail = "mail",
        /// Asked at the end of the live chat.
        Inline = "inline",
        /// A message with the survey's link on the conversation's
        /// messaging channel (the channel API, Telegram, WhatsApp; on
        /// WhatsApp outside the reply window, the inbox's survey
        /// template).
        Message = "message",
    }
}

/// The one rule of which channel's customers get a survey, and how
/// (`None`: none, as on the phone or the portal).
pub fn survey_by(channel: Channel) -> Option<SurveyBy> {
    match channel {
        c if c.answered_by_mail() => Some(SurveyBy::Mail),
        Channel::Chat => Some(SurveyBy::Inline),
        Channel::Api | Channel::Telegram | Channel::Whatsapp => Some(SurveyBy::Message),
        Channel::Email | Channel::Web | Channel::Phone | Channel::Portal => None,
    }
}

/// What a channel can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// The longest text of one message, in characters (`None`: no limit
    /// of the channel's own).
    pub text_chars: Option<usize>,
    /// The kinds of files it carries.
    pub media: &'static [Media],
    /// The most bytes of files in one message, of the channel's own
    /// (`None`: only the server's `max_attachment_bytes`).
    pub media_bytes: Option<u64>,
    /// How long after the customer's last message the desk may write
    /// freely (`None`: always).
    pub reply_window: Option<Duration>,
    /// Whether it has pre-approved message templates.
    pub templates: bool,
    /// Whether it shows that the desk is typing.
    pub typing: bool,
    /// Whether it reports that the customer read a message.
    pub read_receipts: bool,
}

const ALL_MEDIA: &[Media] = &[Media::Image, Media::Audio, Media::Video, Media::Document];

/// The generic channel API (inbox kind `api`): text up to 65,536
/// characters, every kind of file up to the server's cap, no window.
pub const GENERIC_API: Capabilities = Capabilities {
    text_chars: Some(65_536),
    media: ALL_MEDIA,
    media_bytes: None,
    reply_window: None,
    templates: false,
    typing: false,
    read_receipts: false,
};

/// Mail (email inboxes, and the contact form's customers, answered by
/// mail): the same without a limit of its own on the text.
pub const MAIL: Capabilities = Capabilities {
    text_chars: None,
    ..GENERIC_API
};

/// The live chat widget: mail's, and the visitor sees the desk typing.
pub const CHAT: Capabilities = Capabilities {
    typing: true,
    ..MAIL
};

/// Telegram (Bot API): `sendMessage` takes 4,096 characters; photos,
/// voice messages and documents, up to 50 MB per file sent
/// (`sendDocument`) and 20 MB per file received (`getFile`, checked
/// when a customer's file is fetched); no window.
pub const TELEGRAM: Capabilities = Capabilities {
    text_chars: Some(4_096),
    media: &[Media::Image, Media::Audio, Media::Document],
    media_bytes: Some(TELEGRAM_SEND_BYTES),
    reply_window: None,
    templates: false,
    typing: false,
    read_receipts: false,
};

/// WhatsApp (Cloud API): a text message takes 4,096 characters; images,
/// audio, video and documents, up to 100 MB (a document's limit; the
/// Cloud API refuses smaller kinds over theirs with a reason); the desk
/// writes freely for 24 hours after the customer's last message, and
/// outside that window only approved templates; read receipts.
pub const WHATSAPP: Capabilities = Capabilities {
    text_chars: Some(4_096),
    media: ALL_MEDIA,
    media_bytes: Some(WHATSAPP_MEDIA_BYTES),
    reply_window: Some(Duration::from_secs(24 * 60 * 60)),
    templates: true,
    typing: false,
    read_receipts: true,
};

/// The most bytes of a file WhatsApp carries (a document).
pub const WHATSAPP_MEDIA_BYTES: u64 = 100 * 1024 * 1024;

/// The most bytes of a file the Bot API sends (`sendDocument`).
pub const TELEGRAM_SEND_BYTES: u64 = 50 * 1024 * 1024;
/// The most bytes of a file the Bot API lets a bot download (`getFile`).
pub const TELEGRAM_FETCH_BYTES: u64 = 20 * 1024 * 1024;

impl Capabilities {
    /// The declaration of an inbox kind.
    pub fn of(kind: InboxKind) -> Capabilities {
        match kind {
            InboxKind::Email | InboxKind::Web => MAIL,
            InboxKind::Chat => CHAT,
            InboxKind::Api => GENERIC_API,
            InboxKind::Telegram => TELEGRAM,
            InboxKind::Whatsapp => WHATSAPP,
        }
    }

    /// The most bytes of files one message may have on this channel, with
    /// the server's cap `server_max`.
    pub fn media_limit(&self, server_max: u64) -> u64 {
        self.media_bytes.map_or(server_max, |m| m.min(server_max))
    }

    /// When the reply window of a customer who last wrote at `last` (ms)
    /// closes: `None` on a channel without one; the epoch (closed) when
    /// the customer never wrote.
    pub fn window_closes_at(&self, last: Option<i64>) -> Option<i64> {
        let w = i64::try_from(self.reply_window?.as_millis()).unwrap_or(i64::MAX);
        Some(last.map_or(0, |l| l.saturating_add(w)))
    }

    /// Whether the desk may write freely at `now` to a customer who last
    /// wrote at `last` (ms).
    pub fn window_open(&self, last: Option<i64>, now: i64) -> bool {
        self.window_closes_at(last)
            .is_none_or(|closes| now < closes)
    }

    /// Whether the channel carries a file of this content type.
    pub fn carries(&self, content_type: &str) -> bool {
        Media::of(content_type).is_some_and(|m| self.media.contains(&m))
    }

    /// Checks a message the desk would send: its text and its files
    /// (`(file name, content type, bytes)`), against this channel and the
    /// server's cap. The error says what the channel cannot carry.
    pub fn check_outgoing<'a>(
        &self,
        channel: &str,
        text: &str,
        files: impl IntoIterator<Item = (&'a str, &'a str, u64)>,
        server_max: u64,
    ) -> Result<()> {
        if let Some(max) = self.text_chars {
            let n = text.chars().count();
            if n > max {
                return Err(Error::invalid(
                    "text",
                    format!(
                        "the {channel} channel carries at most {max} characters per message; this one has {n}: shorten it or split it"
                    ),
                ));
            }
        }
        let mut total = 0u64;
        for (name, content_type, size) in files {
            if !self.carries(content_type) {
                return Err(Error::invalid(
                    "files",
                    format!(
                        "the {channel} channel cannot carry {name:?} ({content_type}); it carries {}",
                        media_names(self.media)
                    ),
                ));
            }
            total = total.saturating_add(size);
        }
        let limit = self.media_limit(server_max);
        if total > limit {
            return Err(Error::invalid(
                "files",
                format!(
                    "the {channel} channel carries at most {limit} bytes of files per message; these have {total}"
                ),
            ));
        }
        Ok(())
    }
}

fn media_names(media: &[Media]) -> String {
    if media.is_empty() {
        return "no files".to_string();
    }
    let names: Vec<&str> = media.iter().map(|m| m.as_str()).collect();
    format!("{} files", crate::vocab::choices_of(&names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_fall_into_media_kinds() {
        assert_eq!(Media::of("image/png"), Some(Media::Image));
        assert_eq!(Media::of("Audio/OGG; codecs=opus"), Some(Media::Audio));
        assert_eq!(Media::of("video/mp4"), Some(Media::Video));
        assert_eq!(Media::of("application/pdf"), Some(Media::Document));
        assert_eq!(
            Media::of("text/plain; charset=utf-8"),
            Some(Media::Document)
        );
        assert_eq!(Media::of("multipart/mixed"), None);
        assert_eq!(Media::of("message/rfc822"), None);
        assert_eq!(Media::of("png"), None);
        assert_eq!(Media::of("image/"), None);
    }

    #[test]
    fn the_generic_channel_refuses_what_it_cannot_carry() {
        let c = Capabilities::of(InboxKind::Api);
        assert!(
            c.check_outgoing("api", "hi", [("a.png", "image/png", 10)], 100)
                .is_ok()
        );
        let too_long = "x".repeat(65_537);
        let none: [(&str, &str, u64); 0] = [];
        let e = c.check_outgoing("api", &too_long, none, 100).unwrap_err();
        assert!(e.to_string().contains("65536"), "{e}");
        let e = c
            .check_outgoing(
                "api",
                "hi",
                [("a.png", "image/png", 60), ("b.pdf", "application/pdf", 41)],
                100,
            )
            .unwrap_err();
        assert!(e.to_string().contains("at most 100 bytes"), "{e}");
        let e = c
            .check_outgoing("api", "hi", [("m.eml", "message/rfc822", 1)], 100)
            .unwrap_err();
        assert!(e.to_string().contains("cannot carry"), "{e}");
    }

    #[test]
    fn telegram_carries_photos_voice_and_documents_within_its_limits() {
        let c = Capabilities::of(InboxKind::Telegram);
        for ct in ["image/jpeg", "audio/ogg", "application/pdf", "text/plain"] {
            assert!(c.carries(ct), "{ct}");
        }
        assert!(!c.carries("video/mp4"));
        let none: [(&str, &str, u64); 0] = [];
        let max = "日".repeat(4_096);
        assert!(c.check_outgoing("telegram", &max, none, u64::MAX).is_ok());
        let e = c
            .check_outgoing("telegram", &format!("{max}x"), none, u64::MAX)
            .unwrap_err();
        assert!(e.to_string().contains("4096"), "{e}");
        assert_eq!(c.media_limit(u64::MAX), TELEGRAM_SEND_BYTES);
    }

    #[test]
    fn whatsapp_has_a_24_hour_window() {
        let c = Capabilities::of(InboxKind::Whatsapp);
        let day = 86_400_000;
        assert!(c.window_open(Some(1_000), 1_000 + day - 1));
        assert!(!c.window_open(Some(1_000), 1_000 + day));
        assert!(!c.window_open(None, 5));
        assert_eq!(c.window_closes_at(Some(7)), Some(7 + day));
        assert!(TELEGRAM.window_open(None, i64::MAX));
        assert!(c.templates && c.carries("video/mp4"));
    }

    #[test]
    fn a_channel_cap_below_the_servers_wins() {
        let c = Capabilities {
            media_bytes: Some(10),
            ..GENERIC_API
        };
        assert_eq!(c.media_limit(100), 10);
        assert_eq!(GENERIC_API.media_limit(100), 100);
    }
}
