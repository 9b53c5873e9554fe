//! Telegram's Update, as the Bot API documents it, read into the channel
//! framework's [`Inbound`] and the files still to fetch. Pure: no IO.
//!
//! A `message` is understood: its text (or a file's caption), its photo
//! (the largest size), document, voice message or audio file. Anything
//! else a customer can send (a sticker, a poll, a location, a video…) and
//! any other update about a chat (an edited message, a reaction…) is kept
//! with a placeholder naming it and the raw update, so it never blocks the
//! next one.

use serde_json::Value;

use crate::channels::api::model::Inbound;
use crate::{Error, Result};

/// The longest sender name kept.
const MAX_NAME_CHARS: usize = 200;

/// A file of a message, to fetch with `getFile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    /// Telegram's id of the file, for `getFile`.
    pub file_id: String,
    /// The file name the desk shows.
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Its size, when Telegram gave it.
    pub size: Option<u64>,
}

/// An update, read.
#[derive(Debug, Clone)]
pub struct Update {
    /// `update_id`: the poller asks for the ones after it.
    pub update_id: i64,
    /// What it brings to a chat, if anything: the message (its files not
    /// yet fetched), and the files to fetch.
    pub message: Option<(Inbound, Vec<FileRef>)>,
}

/// Content a customer can send that the channel does not understand.
const UNSUPPORTED: &[&str] = &[
    "sticker",
    "video",
    "video_note",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
    "paid_media",
    "checklist",
    "giveaway",
];

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v[key].as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// The name of a user (or, for a channel post, the chat).
fn name_of(user: &Value, chat: &Value) -> Option<String> {
    let first = str_of(user, "first_name");
    let last = str_of(user, "last_name");
    let name = match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(n), None) | (None, Some(n)) => Some(n.to_string()),
        (None, None) => str_of(user, "username")
            .or_else(|| str_of(chat, "title"))
            .map(str::to_string),
    };
    name.map(|n| n.chars().take(MAX_NAME_CHARS).collect())
}

/// The chat and sender an update is about, wherever the update's kind
/// keeps them.
fn chat_and_sender(obj: &Value) -> Option<(&Value, &Value)> {
    let chat = [&obj["chat"], &obj["message"]["chat"]]
        .into_iter()
        .find(|c| id_of(&c["id"]).is_some())?;
    let from = [&obj["from"], &obj["user"], chat]
        .into_iter()
        .find(|f| id_of(&f["id"]).is_some())?;
    Some((chat, from))
}

fn file_ref(v: &Value, filename: String, content_type: &str) -> Option<FileRef> {
    Some(FileRef {
        file_id: str_of(v, "file_id")?.to_string(),
        filename: crate::attachments::clean_filename(&filename),
        content_type: crate::attachments::clean_content_type(Some(content_type)),
        size: v["file_size"].as_u64(),
    })
}

fn unique(v: &Value) -> String {
    str_of(v, "file_unique_id")
        .or_else(|| str_of(v, "file_id"))
        .unwrap_or("file")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

/// The largest size of a photo (by bytes, else by pixels).
fn largest(sizes: &[Value]) -> Option<&Value> {
    sizes.iter().max_by_key(|p| {
        let px = p["width"].as_u64().unwrap_or(0) * p["height"].as_u64().unwrap_or(0);
        (p["file_size"].as_u64().unwrap_or(0), px)
    })
}

/// The files of a message, and what it holds that is not understood.
fn files_of(m: &Value, unknown: &mut Vec<String>) -> Vec<FileRef> {
    let mut files = Vec::new();
    if let Some(p) = m["photo"].as_array().and_then(|s| largest(s)) {
        let name = format!("photo-{}.jpg", unique(p));
        files.extend(file_ref(p, name, "image/jpeg"));
    }
    let d = &m["document"];
    if d.is_object() {
        let name = str_of(d, "file_name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("document-{}", unique(d)));
        let ct = str_of(d, "mime_type").unwrap_or("application/octet-stream");
        files.extend(file_ref(d, name, ct));
    }
    let v = &m["voice"];
    if v.is_object() {
        let name = format!("voice-{}.ogg", unique(v));
        let ct = str_of(v, "mime_type").unwrap_or("audio/ogg");
        files.extend(file_ref(v, name, ct));
    }
    let a = &m["audio"];
    if a.is_object() {
        let name = str_of(a, "file_name")
            .map(str::to_string)
            .unwrap_or_else(|| format!("audio-{}.mp3", unique(a)));
        let ct = str_of(a, "mime_type").unwrap_or("audio/mpeg");
        files.extend(file_ref(a, name, ct));
    }
    for key in UNSUPPORTED {
        if !m[*key].is_null() {
            unknown.push(format!("unsupported Telegram message type {key:?}"));
        }
    }
    files
}

/// Reads an update. `Err` only when it has no `update_id` (nothing can be
/// said of it, not even which one to skip); an update about no chat (a
/// poll's new tally, an inline query) has no `message`.
pub fn parse(v: &Value) -> Result<Update> {
    let update_id = v["update_id"]
        .as_i64()
        .ok_or_else(|| Error::invalid("update_id", "an update needs its update_id"))?;
    let Some(obj) = v.as_object() else {
        return Err(Error::invalid("body", "an update is a JSON object"));
    };
    let Some((kind, body)) = obj.iter().find(|(k, _)| k.as_str() != "update_id") else {
        return Ok(Update {
            update_id,
            message: None,
        });
    };
    let message = if kind == "message" {
        message_of(body)
    } else {
        // Another kind of update about a chat: kept, with a placeholder.
        chat_and_sender(body).map(|(chat, from)| {
            let kind: String = kind.chars().take(50).collect();
            (
                Inbound {
                    external_id: format!("update:{update_id}"),
                    from_id: id_of(&from["id"]).unwrap_or_default(),
                    from_name: name_of(from, chat),
                    thread_id: id_of(&chat["id"]),
                    text: String::new(),
                    files: Vec::new(),
                    unknown: vec![format!("unsupported Telegram update {kind:?}")],
                    phone: None,
                },
                Vec::new(),
            )
        })
    };
    Ok(Update { update_id, message })
}

/// A `message`: by its chat and message id (a webhook's second delivery,
/// or the same update polled again, is a duplicate).
fn message_of(m: &Value) -> Option<(Inbound, Vec<FileRef>)> {
    let chat = &m["chat"];
    let chat_id = id_of(&chat["id"])?;
    let message_id = id_of(&m["message_id"])?;
    let from = if id_of(&m["from"]["id"]).is_some() {
        &m["from"]
    } else {
        chat
    };
    let text = str_of(m, "text")
        .or_else(|| str_of(m, "caption"))
        .unwrap_or_default()
        .to_string();
    let mut unknown = Vec::new();
    let files = files_of(m, &mut unknown);
    if text.is_empty() && files.is_empty() && unknown.is_empty() {
        unknown.push("a Telegram message Tend does not understand".to_string());
    }
    Some((
        Inbound {
            external_id: format!("{chat_id}:{message_id}"),
            from_id: id_of(&from["id"]).unwrap_or_else(|| chat_id.clone()),
            from_name: name_of(from, chat),
            thread_id: Some(chat_id),
            text,
            files: Vec::new(),
            unknown,
            phone: None,
        },
        files,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(extra: Value) -> Value {
        let mut m = json!({"message_id": 7, "date": 1,
            "from": {"id": 42, "is_bot": false, "first_name": "Aiko", "last_name": "Sato"},
            "chat": {"id": 42, "type": "private"}});
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        json!({"update_id": 100, "message": m})
    }

    #[test]
    fn a_text_message_is_threaded_by_chat() {
        let u = parse(&msg(json!({"text": "こんにちは"}))).unwrap();
        assert_eq!(u.update_id, 100);
        let (m, files) = u.message.unwrap();
        assert_eq!(m.external_id, "42:7");
        assert_eq!(m.from_id, "42");
        assert_eq!(m.thread_key(), "42");
        assert_eq!(m.from_name.as_deref(), Some("Aiko Sato"));
        assert_eq!(m.text, "こんにちは");
        assert!(files.is_empty() && m.unknown.is_empty());
    }

    #[test]
    fn media_become_files_to_fetch() {
        let u = parse(&msg(json!({"caption": "see",
            "photo": [{"file_id": "s", "file_unique_id": "us", "width": 90, "height": 90, "file_size": 10},
                      {"file_id": "l", "file_unique_id": "ul", "width": 800, "height": 600, "file_size": 900}]})))
        .unwrap();
        let (m, files) = u.message.unwrap();
        assert_eq!(m.text, "see");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].file_id, "l");
        assert_eq!(files[0].content_type, "image/jpeg");
        let u = parse(&msg(json!({
            "document": {"file_id": "d", "file_unique_id": "ud", "file_name": "../請求書.pdf", "mime_type": "application/pdf"},
            "voice": {"file_id": "v", "file_unique_id": "uv", "duration": 2, "mime_type": "audio/ogg", "file_size": 5}})))
        .unwrap();
        let (_, files) = u.message.unwrap();
        assert_eq!(files[0].filename, "請求書.pdf");
        assert_eq!(files[1].content_type, "audio/ogg");
        assert_eq!(files[1].size, Some(5));
    }

    #[test]
    fn what_is_not_understood_is_named() {
        let u = parse(&msg(json!({"sticker": {"file_id": "x"}}))).unwrap();
        let (m, files) = u.message.unwrap();
        assert!(files.is_empty());
        assert!(m.stored_text().contains("sticker"), "{}", m.stored_text());
        let u = parse(&json!({"update_id": 5, "edited_message": {"message_id": 1,
            "chat": {"id": -100, "type": "group", "title": "Shop"}, "from": {"id": 3, "first_name": "B"}, "text": "x"}}))
        .unwrap();
        let (m, _) = u.message.unwrap();
        assert_eq!(m.external_id, "update:5");
        assert_eq!(m.thread_key(), "-100");
        assert!(m.stored_text().contains("edited_message"));
        // Nothing to attach it to: read, skipped.
        let u = parse(&json!({"update_id": 6, "poll": {"id": "p", "question": "?"}})).unwrap();
        assert!(u.message.is_none());
        assert!(parse(&json!({"message": {}})).is_err());
    }
}
