//! The WhatsApp Cloud API's webhook payload, as Meta documents it
//! (`{"object": "whatsapp_business_account", "entry": [{"changes":
//! [{"field": "messages", "value": {"contacts", "messages", "statuses"}}]}]}`),
//! read into the channel framework's [`Inbound`] messages (with the media
//! still to fetch) and the statuses of the desk's messages. Pure: no IO.
//!
//! Understood: `text`, `image`, `audio`, `video`, `document` and
//! `sticker` (a file, with its caption), `interactive` replies
//! (`button_reply`, `list_reply`: their titles as text) and `button` (a
//! template's quick reply). Any other type (`location`, `contacts`,
//! `reaction`, `unsupported`, one added later) is kept with a placeholder
//! naming it and the raw payload, so it never blocks the next message.

use serde_json::Value;

use crate::channels::api::model::Inbound;
use crate::customers::phone::E164;
use crate::vocab::DeliveryStatus;

/// The longest sender name kept.
const MAX_NAME_CHARS: usize = 200;

/// A message's file, to fetch from the Graph API by its media id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    /// The media id (`GET {api_base}/{id}` gives its URL).
    pub id: String,
    /// The file name the desk shows.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
}

/// What WhatsApp says of a message the desk sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The message's WhatsApp id (`wamid.…`), as the send answered it.
    pub wamid: String,
    /// `sent`, `delivered`, `read` or `failed` (others are skipped).
    pub status: DeliveryStatus,
    /// Why it failed (`errors[].title`, `.message`, the details).
    pub error: Option<String>,
}

/// A customer's message, read.
#[derive(Debug, Clone)]
pub struct Message {
    /// The message (its media not yet fetched).
    pub inbound: Inbound,
    /// Its media, to fetch.
    pub media: Vec<MediaRef>,
    /// The message object as WhatsApp sent it (kept when a part is not
    /// understood).
    pub raw: Value,
}

/// A webhook call, read.
#[derive(Debug, Clone, Default)]
pub struct Payload {
    /// The customers' messages.
    pub messages: Vec<Message>,
    /// The statuses of the desk's messages.
    pub statuses: Vec<StatusUpdate>,
    /// Parts that could not be read at all (no id or sender): skipped,
    /// named for the log.
    pub skipped: Vec<String>,
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// Keeps what is safe in a generated file name.
fn safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

/// A file extension for a MIME type, for files WhatsApp sends unnamed.
fn extension(content_type: &str) -> &'static str {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    match essence {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/webp" => ".webp",
        "audio/ogg" => ".ogg",
        "audio/mpeg" => ".mp3",
        "audio/mp4" | "audio/aac" => ".m4a",
        "audio/amr" => ".amr",
        "video/mp4" => ".mp4",
        "video/3gpp" => ".3gp",
        "application/pdf" => ".pdf",
        _ => "",
    }
}

/// The media of a message of type `kind`, and its caption.
fn media_of(kind: &str, m: &Value) -> Option<(MediaRef, Option<String>)> {
    let body = &m[kind];
    let id = str_of(body, "id")?;
    let fallback = match kind {
        "image" | "sticker" => "image/jpeg",
        "audio" => "audio/ogg",
        "video" => "video/mp4",
        _ => "application/octet-stream",
    };
    let content_type =
        crate::attachments::clean_content_type(Some(str_of(body, "mime_type").unwrap_or(fallback)));
    let filename = match str_of(body, "filename") {
        Some(n) => n.to_string(),
        None => format!("{kind}-{}{}", safe(id), extension(&content_type)),
    };
    Some((
        MediaRef {
            id: id.to_string(),
            filename: crate::attachments::clean_filename(&filename),
            content_type,
        },
        str_of(body, "caption").map(str::to_string),
    ))
}

/// The text of an interactive reply (`button_reply`, `list_reply`).
fn interactive_text(m: &Value) -> Option<String> {
    let i = &m["interactive"];
    let kind = str_of(i, "type")?;
    let reply = &i[kind];
    let title = str_of(reply, "title")?;
    Some(match str_of(reply, "description") {
        Some(d) => format!("{title}\n{d}"),
        None => title.to_string(),
    })
}

/// What `errors[]` says, in one line.
fn errors_text(v: &Value) -> Option<String> {
    let list = v["errors"].as_array()?;
    let parts: Vec<String> = list
        .iter()
        .map(|e| {
            let code = e["code"]
                .as_i64()
                .map(|c| format!("{c} "))
                .unwrap_or_default();
            let title = str_of(e, "title").or_else(|| str_of(e, "message"));
            let details = str_of(&e["error_data"], "details");
            match (title, details) {
                (Some(t), Some(d)) if t != d => format!("{code}{t}: {d}"),
                (Some(t), _) => format!("{code}{t}"),
                (None, Some(d)) => format!("{code}{d}"),
                (None, None) => code.trim().to_string(),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; ").chars().take(300).collect())
}

/// Reads one message of `value.messages[]`; `contacts` give the names.
fn message_of(m: &Value, contacts: &[Value]) -> Result<Message, String> {
    let id = str_of(m, "id").ok_or("a message without an id")?;
    let from = str_of(m, "from").ok_or("a message without a sender")?;
    let from_name = contacts
        .iter()
        .find(|c| str_of(c, "wa_id") == Some(from))
        .and_then(|c| str_of(&c["profile"], "name"))
        .map(|n| n.chars().take(MAX_NAME_CHARS).collect::<String>());
    let kind = str_of(m, "type").unwrap_or("unknown");
    let mut text = String::new();
    let mut media = Vec::new();
    let mut unknown = Vec::new();
    match kind {
        "text" => text = str_of(&m["text"], "body").unwrap_or_default().to_string(),
        "image" | "audio" | "video" | "document" | "sticker" => match media_of(kind, m) {
            Some((r, caption)) => {
                text = caption.unwrap_or_default();
                media.push(r);
            }
            None => unknown.push(format!("WhatsApp {kind} without its media id")),
        },
        "interactive" => match interactive_text(m) {
            Some(t) => text = t,
            None => unknown.push("unsupported WhatsApp interactive message".to_string()),
        },
        "button" => {
            text = str_of(&m["button"], "text")
                .or_else(|| str_of(&m["button"], "payload"))
                .unwrap_or_default()
                .to_string();
        }
        other => {
            let other: String = other.chars().take(50).collect();
            let why = errors_text(m)
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            unknown.push(format!("unsupported WhatsApp message type {other:?}{why}"));
        }
    }
    if text.trim().is_empty() && media.is_empty() && unknown.is_empty() {
        unknown.push(format!("an empty WhatsApp {kind} message"));
    }
    Ok(Message {
        inbound: Inbound {
            external_id: id.chars().take(200).collect(),
            from_id: from.chars().take(200).collect(),
            from_name,
            thread_id: None,
            text,
            files: Vec::new(),
            unknown,
            phone: E164::parse("from", &format!("+{from}"), None).ok(),
        },
        media,
        raw: m.clone(),
    })
}

fn status_of(s: &Value) -> Result<Option<StatusUpdate>, String> {
    let wamid = str_of(s, "id").ok_or("a status without an id")?;
    let status = match str_of(s, "status") {
        Some("sent") => DeliveryStatus::Sent,
        Some("delivered") => DeliveryStatus::Delivered,
        Some("read") => DeliveryStatus::Read,
        Some("failed") => DeliveryStatus::Failed,
        // `deleted`, `warning`, a new one: nothing to show.
        _ => return Ok(None),
    };
    let error = (status == DeliveryStatus::Failed).then(|| {
        errors_text(s).unwrap_or_else(|| "WhatsApp could not deliver the message".to_string())
    });
    Ok(Some(StatusUpdate {
        wamid: wamid.to_string(),
        status,
        error,
    }))
}

/// Reads a webhook call. Never fails: what cannot be read is named in
/// [`Payload::skipped`].
pub fn parse(v: &Value) -> Payload {
    let mut out = Payload::default();
    let entries = v["entry"].as_array().map(Vec::as_slice).unwrap_or_default();
    for change in entries
        .iter()
        .filter_map(|e| e["changes"].as_array())
        .flatten()
    {
        let value = &change["value"];
        let contacts = value["contacts"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for m in value["messages"].as_array().into_iter().flatten() {
            match message_of(m, contacts) {
                Ok(msg) => out.messages.push(msg),
                Err(e) => out.skipped.push(e),
            }
        }
        for s in value["statuses"].as_array().into_iter().flatten() {
            match status_of(s) {
                Ok(Some(st)) => out.statuses.push(st),
                Ok(None) => {}
                Err(e) => out.skipped.push(e),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hook(messages: Value) -> Value {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{
            "field": "messages", "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550000000", "phone_number_id": "PN1"},
            "contacts": [{"profile": {"name": "Aiko Sato"}, "wa_id": "819012345678"}],
            "messages": messages}}]}]})
    }

    fn one(m: Value) -> (Inbound, Vec<MediaRef>) {
        let mut base = json!({"from": "819012345678", "id": "wamid.1", "timestamp": "1700000000"});
        for (k, v) in m.as_object().unwrap() {
            base[k] = v.clone();
        }
        let p = parse(&hook(json!([base])));
        assert!(p.skipped.is_empty(), "{:?}", p.skipped);
        let m = p.messages.into_iter().next().unwrap();
        (m.inbound, m.media)
    }

    #[test]
    fn a_text_message_names_its_sender_and_number() {
        let (m, media) = one(json!({"type": "text", "text": {"body": "こんにちは"}}));
        assert_eq!(m.external_id, "wamid.1");
        assert_eq!(m.from_id, "819012345678");
        assert_eq!(m.from_name.as_deref(), Some("Aiko Sato"));
        assert_eq!(m.phone.as_ref().unwrap().as_str(), "+819012345678");
        assert_eq!(m.text, "こんにちは");
        assert!(media.is_empty() && m.unknown.is_empty());
    }

    #[test]
    fn media_and_replies_are_understood() {
        let (m, media) = one(json!({"type": "image",
            "image": {"id": "M1", "mime_type": "image/jpeg", "sha256": "x", "caption": "broken"}}));
        assert_eq!(m.text, "broken");
        assert_eq!(media[0].id, "M1");
        assert_eq!(media[0].filename, "image-M1.jpg");
        let (_, media) = one(json!({"type": "document",
            "document": {"id": "D1", "mime_type": "application/pdf", "filename": "../請求書.pdf"}}));
        assert_eq!(media[0].filename, "請求書.pdf");
        let (_, media) = one(json!({"type": "audio",
            "audio": {"id": "A1", "mime_type": "audio/ogg; codecs=opus", "voice": true}}));
        assert!(media[0].content_type.starts_with("audio/ogg"));
        let (m, _) = one(json!({"type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "b1", "title": "Yes"}}}));
        assert_eq!(m.text, "Yes");
        let (m, _) = one(
            json!({"type": "interactive", "interactive": {"type": "list_reply",
            "list_reply": {"id": "l1", "title": "Returns", "description": "Send it back"}}}),
        );
        assert_eq!(m.text, "Returns\nSend it back");
        let (m, _) = one(json!({"type": "button", "button": {"text": "Stop", "payload": "STOP"}}));
        assert_eq!(m.text, "Stop");
    }

    #[test]
    fn other_types_are_named_and_statuses_read() {
        let (m, media) = one(json!({"type": "location",
            "location": {"latitude": 1.0, "longitude": 2.0}}));
        assert!(media.is_empty());
        assert!(
            m.stored_text().contains("\"location\""),
            "{}",
            m.stored_text()
        );
        let (m, _) = one(json!({"type": "unsupported",
            "errors": [{"code": 131051, "title": "Message type unknown"}]}));
        assert!(m.stored_text().contains("131051"), "{}", m.stored_text());
        let p = parse(&json!({"entry": [{"changes": [{"value": {"statuses": [
            {"id": "wamid.9", "status": "read", "recipient_id": "1"},
            {"id": "wamid.9", "status": "failed", "errors": [{"code": 131047,
                "title": "Re-engagement message", "error_data": {"details": "more than 24 hours"}}]},
            {"id": "wamid.9", "status": "deleted"},
            {"status": "sent"}]}}]}]}));
        assert_eq!(p.statuses.len(), 2);
        assert_eq!(p.statuses[0].status, DeliveryStatus::Read);
        let e = p.statuses[1].error.as_deref().unwrap();
        assert!(e.contains("131047") && e.contains("24 hours"), "{e}");
        assert_eq!(p.skipped.len(), 1);
        assert!(parse(&json!({"object": "x"})).messages.is_empty());
    }
}
