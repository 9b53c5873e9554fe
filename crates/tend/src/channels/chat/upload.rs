//! `POST /chat/{inbox}/upload`: a visitor's message with files (multipart:
//! `token`, then `cid`, optional `text`, one or more files).
//!
//! Nothing reaches the disk before it is authorised, and nothing stays
//! there when the upload is refused:
//! - the inbox is checked before the body is read;
//! - the `token` field must come before any file: a file part that arrives
//!   while the visitor is still unknown is refused (401) and never kept;
//! - the upload counts against the visitor's message limit before its
//!   files are read;
//! - files are held in memory (at most `max_attachment_bytes` in all) until
//!   the whole body has arrived and the message is checked; only then are
//!   they stored, right before the message's transaction. A body that is
//!   cut off, too large or invalid leaves no file behind.
//!
//! A refused body is read on and dropped (up to the attachment limit) so
//! that the client gets its answer instead of a reset connection.

use axum::extract::{FromRequest as _, Multipart, Path, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::attachments::{clean_content_type, clean_filename};
use crate::conversations::service::AttachmentMeta;
use crate::state::AppState;
use crate::{Error, Result};

use super::repo::Session;
use super::service;

/// Largest text field (the token, the client id, a message of
/// `MAX_TEXT_CHARS` characters in UTF-8).
const MAX_FIELD_BYTES: usize = 32 * 1024;
/// Text fields read at most (the widget sends two).
const MAX_FIELDS: usize = 8;

/// A file received but not stored yet.
struct Received {
    filename: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

fn not_multipart(e: &dyn std::fmt::Display) -> Error {
    Error::invalid("body", format!("not a valid multipart body: {e}"))
}

/// What a valid upload carried: the visitor, the client id, the text and
/// the files (not stored yet).
struct Upload {
    session: Session,
    cid: String,
    text: String,
    files: Vec<Received>,
}

/// The upload handler.
pub async fn upload(
    State(st): State<AppState>,
    Path(inbox): Path<i64>,
    req: Request,
) -> Result<Response> {
    service::chat_inbox(&st, inbox).await?;
    let mut mp = Multipart::from_request(req, &st)
        .await
        .map_err(|e| not_multipart(&e.body_text()))?;
    let up = match read(&st, inbox, &mut mp).await {
        Ok(up) => up,
        Err(e) => {
            // The rest is read and dropped (never stored, at most the
            // attachment limit), so the client gets the answer rather than
            // a reset connection.
            drain(&mut mp, st.config.max_attachment_bytes).await;
            return Err(e);
        }
    };
    let checked = service::check_message(&up.cid, &up.text, true)?;
    let mut stored = Vec::with_capacity(up.files.len());
    for f in up.files {
        let sha256 = st.files().put(&f.bytes).await?;
        stored.push(AttachmentMeta {
            sha256,
            size: f.bytes.len() as i64,
            content_type: clean_content_type(f.content_type.as_deref()),
            filename: clean_filename(&f.filename),
            inline: false,
            content_id: None,
        });
    }
    let rec = service::record(&st, &up.session, checked, stored).await?;
    Ok(
        axum::Json(json!({"cid": up.cid.trim(), "id": rec.message_id,
                         "conversation_id": rec.conversation_id}))
        .into_response(),
    )
}

/// Reads the form, authorising the visitor at their `token` before any
/// file is read; files stay in memory.
async fn read(st: &AppState, inbox: i64, mp: &mut Multipart) -> Result<Upload> {
    let limit = st.config.max_attachment_bytes;
    let mut session: Option<Session> = None;
    let (mut cid, mut text) = (String::new(), String::new());
    let mut files: Vec<Received> = Vec::new();
    let (mut total, mut fields) = (0usize, 0usize);
    // Past the limit the rest is read and dropped (up to a hard cap), so
    // the client gets the 413 rather than a reset connection.
    let mut too_large = false;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) if too_large => break,
            Err(e) => return Err(not_multipart(&e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let Some(filename) = field.file_name().map(str::to_string) else {
            fields += 1;
            if fields > MAX_FIELDS {
                return Err(Error::invalid("body", "too many form fields"));
            }
            let value = read_text(&mut field, &name).await?;
            match name.as_str() {
                "token" if session.is_none() => {
                    let s = service::session(st, inbox, &value).await?;
                    service::count_visitor(st, &s)?;
                    session = Some(s);
                }
                "cid" => cid = value,
                "text" => text = value,
                _ => {}
            }
            continue;
        };
        if session.is_none() {
            // A file before the token: refused, its bytes never kept.
            return Err(Error::Unauthorized);
        }
        let content_type = field.content_type().map(str::to_string);
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit {
                        if !too_large {
                            too_large = true;
                            files = Vec::new();
                        }
                        bytes = Vec::new();
                        if total > limit.saturating_mul(4).max(64 * 1024 * 1024) {
                            return Err(Error::PayloadTooLarge(limit));
                        }
                    } else {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(_) if too_large => return Err(Error::PayloadTooLarge(limit)),
                Err(e) => {
                    return Err(Error::invalid(
                        name,
                        format!("could not read this part: {}", e.body_text()),
                    ));
                }
            }
        }
        // A browser sends an empty file field as a nameless, empty part.
        let empty_field = filename.is_empty() && bytes.is_empty();
        if !too_large && !empty_field {
            files.push(Received {
                filename,
                content_type,
                bytes,
            });
        }
    }
    if too_large {
        return Err(Error::PayloadTooLarge(limit));
    }
    let Some(session) = session else {
        return Err(Error::Unauthorized);
    };
    if files.is_empty() {
        return Err(Error::invalid("file", "choose a file to send"));
    }
    Ok(Upload {
        session,
        cid,
        text,
        files,
    })
}

/// Reads and drops what is left of a refused body, up to `budget` bytes.
async fn drain(mp: &mut Multipart, budget: usize) {
    let mut seen = 0usize;
    while let Ok(Some(mut field)) = mp.next_field().await {
        while let Ok(Some(chunk)) = field.chunk().await {
            seen += chunk.len();
            if seen > budget {
                return;
            }
        }
    }
}

/// A text field, at most [`MAX_FIELD_BYTES`], as UTF-8.
async fn read_text(field: &mut axum::extract::multipart::Field<'_>, name: &str) -> Result<String> {
    let mut data = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if data.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(Error::invalid(name, "this field is too long"));
                }
                data.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(Error::invalid(
                    name,
                    format!("could not read this part: {}", e.body_text()),
                ));
            }
        }
    }
    String::from_utf8(data).map_err(|_| Error::invalid(name, "this field must be UTF-8 text"))
}
