//! The generic channel's messages: what a bridge posts (checked here into
//! an [`Inbound`]), what Tend answers, and what Tend posts back.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::channels::capabilities::Capabilities;
use crate::vocab::closed_set;
use crate::{Error, Result};

/// The longest id (`external_id`, `from.id`, `thread_id`) accepted.
pub const MAX_ID_CHARS: usize = 200;
/// The longest sender name kept.
const MAX_NAME_CHARS: usize = 200;

/// `POST /channels/{inbox_id}/inbound`, as documented (the handler reads
/// the raw bytes, which the signature covers, and checks them into an
/// [`Inbound`]; unknown fields are kept in the raw message, not refused).
#[derive(Debug, Deserialize, ToSchema)]
pub struct InboundBody {
    /// The platform's id of this message: a second delivery with the same
    /// id on this inbox is answered `duplicate` and changes nothing.
    pub external_id: String,
    /// The sender.
    pub from: InboundFrom,
    /// The message's text.
    pub text: Option<String>,
    /// Files, base64-encoded.
    pub attachments: Option<Vec<InboundFile>>,
    /// The platform's conversation (a chat, a thread); without it, the
    /// sender's messages form one thread.
    pub thread_id: Option<String>,
    /// `text` (the default) or `message`; any other type is stored raw
    /// (as `original.json`) with a placeholder text.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// The sender of an inbound message.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InboundFrom {
    /// Their id on the platform (scoped to this inbox).
    pub id: String,
    /// Their display name.
    pub name: Option<String>,
}

/// A file of an inbound message.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InboundFile {
    /// File name.
    pub filename: Option<String>,
    /// MIME type.
    pub content_type: Option<String>,
    /// The bytes, base64 (standard alphabet, padding optional).
    pub content_base64: Option<String>,
}

closed_set! {
    /// What happened to an inbound message (those of inbound email that a
    /// channel can have).
    pub enum Outcome ("outcome") {
        /// A new conversation.
        Created = "created",
        /// Added to the open conversation of its thread.
        Appended = "appended",
        /// This `external_id` was received before on this inbox: nothing changed.
        Duplicate = "duplicate",
    }
}

/// The answer to an inbound message (202).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Received {
    /// `created`, `appended` or `duplicate`.
    pub outcome: Outcome,
    /// The conversation that holds the message.
    pub conversation_id: i64,
}

/// A file of an inbound message, decoded.
#[derive(Debug, Clone)]
pub struct File {
    /// Cleaned file name.
    pub filename: String,
    /// Cleaned MIME type.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// An inbound message, checked.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The platform's message id.
    pub external_id: String,
    /// The sender's id.
    pub from_id: String,
    /// The sender's name.
    pub from_name: Option<String>,
    /// The platform's thread, when it named one.
    pub thread_id: Option<String>,
    /// What the customer wrote (may be empty when files came).
    pub text: String,
    /// The files the channel carries.
    pub files: Vec<File>,
    /// What could not be understood (an unknown type, a file the channel
    /// does not carry): the message is stored with this placeholder and
    /// its raw JSON.
    pub unknown: Vec<String>,
    /// The sender's phone number, on channels where their id is one
    /// (WhatsApp): the customer is then the one with that number, as
    /// phone calls match them.
    pub phone: Option<crate::customers::phone::E164>,
}

impl Inbound {
    /// The thread the message belongs to: the one named, else the sender.
    pub fn thread_key(&self) -> &str {
        self.thread_id.as_deref().unwrap_or(&self.from_id)
    }

    /// The stored text: the customer's, then a line per part that could
    /// not be understood.
    pub fn stored_text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        if !self.text.trim().is_empty() {
            lines.push(self.text.clone());
        }
        lines.extend(
            self.unknown
                .iter()
                .map(|u| format!("[{u}; the original is attached as {RAW_NAME}]")),
        );
        lines.join("\n\n")
    }
}

/// The name of the raw message kept beside what could not be understood.
pub const RAW_NAME: &str = "original.json";

fn id_of(v: &Value, field: &str) -> Result<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        // Platforms' ids are often numbers.
        Value::Number(n) => n.to_string(),
        Value::Null => return Err(Error::invalid(field, format!("{field} is required"))),
        _ => {
            return Err(Error::invalid(
                field,
                format!("{field} must be a string (or a number)"),
            ));
        }
    };
    if s.is_empty() {
        return Err(Error::invalid(field, format!("{field} is required")));
    }
    if s.chars().count() > MAX_ID_CHARS || s.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!(
                "{field} must be at most {MAX_ID_CHARS} characters, without control characters"
            ),
        ));
    }
    Ok(s)
}

fn opt_string(v: &Value, field: &str) -> Result<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(Error::invalid(field, format!("{field} must be a string"))),
    }
}

/// Checks a bridge's message (the JSON it posted) against the channel's
/// capabilities and the server's cap on a message's files. Understood
/// parts are kept; what is not understood (a `type` other than `text` or
/// `message`, a file the channel does not carry or sent without its bytes)
/// is named in [`Inbound::unknown`] rather than refused, so one odd
/// message never blocks the channel. Bad input a bridge can fix (no
/// `external_id`, broken base64, files over the limit) is a 422.
pub fn parse(v: &Value, caps: &Capabilities, server_max: u64) -> Result<Inbound> {
    if !v.is_object() {
        return Err(Error::invalid("body", "the body must be a JSON object"));
    }
    let external_id = id_of(&v["external_id"], "external_id")?;
    let from_id = id_of(&v["from"]["id"], "from.id")?;
    let from_name = opt_string(&v["from"]["name"], "from.name")?
        .map(|n| n.trim().chars().take(MAX_NAME_CHARS).collect::<String>())
        .filter(|n| !n.is_empty());
    let thread_id = match &v["thread_id"] {
        Value::Null => None,
        t => Some(id_of(t, "thread_id")?),
    };
    let mut unknown = Vec::new();
    match opt_string(&v["type"], "type")?.as_deref() {
        None | Some("text" | "message") => {}
        Some(other) => unknown.push(format!(
            "unsupported message type {:?}",
            other.chars().take(50).collect::<String>()
        )),
    }
    let text = opt_string(&v["text"], "text")?.unwrap_or_default();
    if let Some(max) = caps.text_chars {
        let n = text.chars().count();
        if n > max {
            return Err(Error::invalid(
                "text",
                format!("the text has {n} characters; this channel takes at most {max}"),
            ));
        }
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    match &v["attachments"] {
        Value::Null => {}
        Value::Array(list) => {
            for (i, a) in list.iter().enumerate() {
                let field = format!("attachments[{i}]");
                let name = crate::attachments::clean_filename(
                    &opt_string(&a["filename"], &format!("{field}.filename"))?.unwrap_or_default(),
                );
                let given = opt_string(&a["content_type"], &format!("{field}.content_type"))?;
                let content_type = crate::attachments::clean_content_type(given.as_deref());
                let Some(b64) =
                    opt_string(&a["content_base64"], &format!("{field}.content_base64"))?
                else {
                    unknown.push(format!("attachment {name:?} came without its content"));
                    continue;
                };
                if !caps.carries(&content_type) {
                    unknown.push(format!(
                        "attachment {name:?} of unsupported type {content_type}"
                    ));
                    continue;
                }
                let bytes = decode_base64(&b64).ok_or_else(|| {
                    Error::invalid(
                        format!("{field}.content_base64"),
                        "not valid base64 (standard alphabet)",
                    )
                })?;
                total = total.saturating_add(bytes.len() as u64);
                files.push(File {
                    filename: name,
                    content_type,
                    bytes,
                });
            }
        }
        _ => {
            return Err(Error::invalid(
                "attachments",
                "attachments must be a list of {\"filename\", \"content_type\", \"content_base64\"}",
            ));
        }
    }
    let limit = caps.media_limit(server_max);
    if total > limit {
        return Err(Error::invalid(
            "attachments",
            format!("the files have {total} bytes; this channel takes at most {limit} per message"),
        ));
    }
    if text.trim().is_empty() && files.is_empty() && unknown.is_empty() {
        return Err(Error::invalid(
            "text",
            "the message has neither text nor attachments",
        ));
    }
    Ok(Inbound {
        external_id,
        from_id,
        from_name,
        thread_id,
        text,
        files,
        unknown,
        phone: None,
    })
}

/// Standard base64, with or without padding, line breaks ignored.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let trimmed = compact.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .ok()
}

/// What Tend posts to an inbox's `outbound_url` for a message of the desk.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboundBody {
    /// Tend's id of this message (also in `Tend-Delivery`): the same on
    /// every attempt, so receivers deduplicate on it.
    pub id: String,
    /// `reply` or `survey`.
    pub kind: String,
    /// The conversation.
    pub conversation_id: i64,
    /// The thread the customer wrote in (their `thread_id`), if they named one.
    pub thread_id: Option<String>,
    /// The customer: `{"id"}`, their `from.id`.
    pub to: OutboundTo,
    /// The text.
    pub text: String,
    /// Sent by the desk on its own (an automation's reply).
    pub automatic: bool,
    /// Files (`content_base64` filled in when posted).
    pub attachments: Vec<OutboundFile>,
    /// A message template (WhatsApp) the message is, instead of its text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<OutboundTemplate>,
}

/// A message template an outbound message is (WhatsApp).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboundTemplate {
    /// Its name.
    pub name: String,
    /// Its language code.
    pub language: String,
    /// The values of its body's parameters, in order.
    pub parameters: Vec<String>,
}

/// The customer a message goes to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboundTo {
    /// Their id on the platform.
    pub id: String,
}

/// A file of an outbound message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OutboundFile {
    /// File name.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// The bytes, base64 (standard alphabet, padded); read from the
    /// attachment store when the message is posted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content_base64: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::capabilities::GENERIC_API;
    use serde_json::json;

    fn ok(v: Value) -> Inbound {
        parse(&v, &GENERIC_API, 1000).unwrap()
    }

    fn field_of(v: Value) -> String {
        match parse(&v, &GENERIC_API, 1000).unwrap_err() {
            Error::Invalid { field, .. } => field,
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_message_is_checked_into_its_parts() {
        let m = ok(
            json!({"external_id": 17, "from": {"id": "u1", "name": " Ann "},
            "text": "hi", "thread_id": "t1",
            "attachments": [{"filename": "../a.png", "content_type": "image/png", "content_base64": "AAEC"}]}),
        );
        assert_eq!(m.external_id, "17");
        assert_eq!(m.from_name.as_deref(), Some("Ann"));
        assert_eq!(m.thread_key(), "t1");
        assert_eq!(m.files[0].filename, "a.png");
        assert_eq!(m.files[0].bytes, vec![0, 1, 2]);
        assert!(m.unknown.is_empty());
        let m = ok(json!({"external_id": "x", "from": {"id": "u1"}, "text": "hi"}));
        assert_eq!(m.thread_key(), "u1");
    }

    #[test]
    fn what_is_not_understood_is_named_not_refused() {
        let m = ok(json!({"external_id": "x", "from": {"id": "u"}, "type": "sticker"}));
        assert_eq!(m.unknown.len(), 1);
        assert!(m.stored_text().contains("sticker"), "{}", m.stored_text());
        assert!(m.stored_text().contains(RAW_NAME));
        let m = ok(
            json!({"external_id": "x", "from": {"id": "u"}, "text": "see",
            "attachments": [{"filename": "m", "content_type": "message/rfc822", "content_base64": "AA=="},
                            {"filename": "v.ogg", "content_type": "audio/ogg", "url": "https://x/v.ogg"}]}),
        );
        assert_eq!(m.unknown.len(), 2);
        assert!(m.files.is_empty());
        assert!(m.stored_text().starts_with("see\n\n["));
    }

    #[test]
    fn bad_input_names_its_field() {
        assert_eq!(
            field_of(json!({"from": {"id": "u"}, "text": "a"})),
            "external_id"
        );
        assert_eq!(
            field_of(json!({"external_id": "x", "text": "a"})),
            "from.id"
        );
        assert_eq!(
            field_of(json!({"external_id": "x", "from": {"id": "u"}})),
            "text"
        );
        assert_eq!(
            field_of(json!({"external_id": "x", "from": {"id": "u"},
                "attachments": [{"content_type": "image/png", "content_base64": "!!"}]})),
            "attachments[0].content_base64"
        );
        let big = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 1001]);
        assert_eq!(
            field_of(json!({"external_id": "x", "from": {"id": "u"},
                "attachments": [{"content_type": "image/png", "content_base64": big}]})),
            "attachments"
        );
        assert_eq!(field_of(json!(["x"])), "body");
        assert_eq!(
            field_of(json!({"external_id": "x".repeat(201), "from": {"id": "u"}, "text": "a"})),
            "external_id"
        );
    }
}
