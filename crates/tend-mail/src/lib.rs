//! Tend's email brain, without a database or a network: raw MIME in,
//! a decoded [`InboundMessage`] out ([`parse`]); threading keys
//! ([`thread_keys`]); quoted-history splitting ([`split_reply`]); outbound
//! replies ([`compose_reply`]); and language detection
//! ([`detect_language`]). Everything here is pure and fuzzable; storing,
//! fetching and sending mail live in the `tend` crate.
//!
//! Machine mail (bounces, reports, list notices, autoresponders, cloud
//! services' JSON events) is classified during [`parse`]
//! ([`Classification::kind`]); HTML is sanitised there too, and again,
//! with inline images linked, by [`sanitize_html_linking`] once the
//! attachments are stored: nothing rewrites HTML after the sanitiser.

mod charset;
mod classify;
mod compose;
mod header;
mod html;
mod html_text;
#[cfg(feature = "language")]
mod language;
mod machine;
mod machine_rules;
mod machine_sender;
mod machine_words;
mod model;
mod notification;
mod parse;
mod reply;
mod report;
mod thread;
mod tnef;
mod transfer;

pub use compose::{
    ComposedMessage, OutboundAttachment, ReplyDraft, compose_reply, compose_standalone,
    text_to_html,
};
pub use html::{BLOCKED_SRC_ATTR, INLINE_URL_PREFIX, sanitize_html, sanitize_html_linking};
pub use html_text::html_to_text;
#[cfg(feature = "language")]
pub use language::{DETECTED_LANGUAGES, detect_language, detect_language_in_first};
pub use model::{
    Attachment, AutoReason, BounceInfo, Classification, DsnRecipient, InboundMessage, MachineKind,
    Mailbox,
};
pub use parse::parse;
pub use reply::{ReplyParts, split_reply, split_reply_parts};
pub use thread::{ThreadKeys, base_subject, subject_token, subject_with_token, thread_keys};
pub use tnef::{Tnef, TnefFile, unpack as unpack_tnef};

/// Why raw bytes could not be read as an email at all. Anything that is
/// recognisably a message parses, however broken; these are for the
/// quarantine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Zero bytes, or only white space.
    #[error("the message is empty; check that the sender passed the raw RFC 5322 bytes")]
    Empty,
    /// No header could be found.
    #[error("no email headers found; the data is not an RFC 5322 message")]
    NoHeaders,
    /// The MIME parser gave up on the structure (it panicked).
    #[error("the MIME structure is too damaged to read; the message is kept as it came")]
    Unreadable,
}

/// Why an outbound message could not be composed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// A From, Reply-To, To or Cc address is not a plain `local@domain`.
    #[error("invalid email address {0:?}; use a plain local@domain address")]
    InvalidAddress(String),
    /// Neither To nor Cc has a recipient.
    #[error("the reply has no recipients; add the customer's address to To")]
    NoRecipients,
    /// The Message-ID domain is empty or not a host name.
    #[error("invalid Message-ID domain {0:?}; configure a host name such as tend.example.com")]
    InvalidDomain(String),
    /// An In-Reply-To or References id would corrupt the header.
    #[error(
        "invalid Message-ID {0:?} in the thread; ids must not contain spaces or angle brackets"
    )]
    InvalidMessageId(String),
    /// The system random number generator failed.
    #[error("could not generate a Message-ID: {0}")]
    Random(String),
    /// Serialising the message failed.
    #[error("could not write the message: {0}")]
    Write(String),
}
