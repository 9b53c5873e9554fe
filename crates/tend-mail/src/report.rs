//! What the MIME structure of a message says about machine mail: report
//! types (RFC 6522 `multipart/report` and its parts: delivery status, ARF
//! feedback, read receipts), and what a bounce says about the message that
//! bounced.

use mail_parser::{Message, MessagePart, MimeHeaders};

use crate::classify;
use crate::model::{Attachment, BounceInfo};
use crate::parse::{message_id_of_headers, part_bytes};

/// The report structure of one message (not of messages forwarded inside
/// it: those are parsed on their own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Structure {
    /// The lowercased `report-type` of a `multipart/report` root (empty when
    /// the parameter is missing); `None` when the root is no report.
    pub root_report: Option<String>,
    /// A `message/delivery-status` (or `global-delivery-status`) part.
    pub delivery_status_part: bool,
    /// A `message/feedback-report` part (ARF).
    pub feedback_part: bool,
    /// A `message/disposition-notification` part (a read receipt).
    pub disposition_part: bool,
    /// `Feedback-Type` of the feedback part, lowercased.
    pub feedback_type: Option<String>,
}

impl Structure {
    /// True when the root says this is a delivery status report.
    pub(crate) fn root_is(&self, report_type: &str) -> bool {
        self.root_report
            .as_deref()
            .is_some_and(|t| t.ends_with(report_type))
    }
}

const DELIVERY_STATUS: &[&str] = &["delivery-status", "global-delivery-status"];
const DISPOSITION: &[&str] = &[
    "disposition-notification",
    "global-disposition-notification",
];

/// Reads the report structure of `message`.
pub(crate) fn structure(message: &Message<'_>) -> Structure {
    let root_report = message.parts.first().and_then(|root| {
        let ct = root.content_type()?;
        let is_report = ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"));
        is_report.then(|| {
            ct.attribute("report-type")
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    });
    let mut s = Structure {
        root_report,
        ..Structure::default()
    };
    for part in &message.parts {
        if content_type_is(part, "message", DELIVERY_STATUS) {
            s.delivery_status_part = true;
        } else if content_type_is(part, "message", DISPOSITION) {
            s.disposition_part = true;
        } else if content_type_is(part, "message", &["feedback-report"]) {
            s.feedback_part = true;
            if s.feedback_type.is_none() {
                s.feedback_type = feedback_type(&part_bytes(message, part));
            }
        }
    }
    s
}

/// The `Feedback-Type` field of an ARF `message/feedback-report` body.
fn feedback_type(body: &[u8]) -> Option<String> {
    String::from_utf8_lossy(body).lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("feedback-type")
            .then(|| value.trim().to_ascii_lowercase())
    })
}

pub(crate) fn content_type_is(part: &MessagePart<'_>, ctype: &str, subtypes: &[&str]) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| subtypes.iter().any(|want| s.eq_ignore_ascii_case(want)))
    })
}

/// Finds the bounced message's Message-ID and the per-recipient status.
pub(crate) fn bounce_info(
    message: &Message<'_>,
    attachments: &[Attachment],
    text: &str,
    delayed: bool,
) -> BounceInfo {
    let recipients = message
        .parts
        .iter()
        .filter(|p| content_type_is(p, "message", DELIVERY_STATUS))
        .flat_map(|p| classify::parse_delivery_status(&part_bytes(message, p)))
        .collect();

    let from_returned_message = attachments.iter().find_map(|a| match &a.message {
        Some(m) => m.message_id.clone(),
        None => None,
    });
    let from_returned_headers = || {
        message
            .parts
            .iter()
            .filter(|p| {
                content_type_is(p, "text", &["rfc822-headers"])
                    || content_type_is(p, "message", &["global-headers", "rfc822"])
            })
            .find_map(|p| message_id_of_headers(&part_bytes(message, p)))
    };
    let original_message_id = from_returned_message
        .or_else(from_returned_headers)
        .or_else(|| classify::message_id_in_text(text));
    BounceInfo {
        original_message_id,
        recipients,
        delayed,
    }
}
