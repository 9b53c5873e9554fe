//! Raw RFC 5322 bytes → [`InboundMessage`].
//!
//! mail-parser does the MIME walking; this module decides what a reader
//! sees. It re-decodes wherever mail-parser would silently garble text:
//! raw 8-bit headers, unknown or wrong charset labels, RFC 2047 words split
//! mid-character, and RFC 2231 filename continuations.

use mail_parser::{
    Address, Encoding, Header, HeaderValue, Message, MessageParser, MessagePart, MimeHeaders,
    PartType,
};

use crate::classify;
use crate::html::sanitize_html;
use crate::html_text::html_to_text;
use crate::machine::Mail;
use crate::model::{Attachment, BounceInfo, DsnRecipient, InboundMessage, Mailbox};
use crate::notification::CloudEvent;
use crate::{ParseError, charset, header, report, tnef, transfer};

/// How deep forwarded messages inside forwarded messages are decoded.
const MAX_NESTING: usize = 3;

/// Parses one raw message. Never panics; malformed or truncated mail is
/// decoded as far as it goes, with notes. Fails only when the bytes hold
/// no message at all.
pub fn parse(raw: &[u8]) -> Result<InboundMessage, ParseError> {
    // Old Mac tools end lines with a bare CR, which mail-parser does not
    // read as a line break (the headers would all be one line).
    if !raw.contains(&b'\n') && raw.contains(&b'\r') {
        let lf: Vec<u8> = raw
            .iter()
            .flat_map(|&b| {
                if b == b'\r' {
                    vec![b'\r', b'\n']
                } else {
                    vec![b]
                }
            })
            .collect();
        return parse_nested(&lf, MAX_NESTING);
    }
    parse_nested(raw, MAX_NESTING)
}

fn parse_nested(raw: &[u8], depth: usize) -> Result<InboundMessage, ParseError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let parser = MessageParser::default();
    let first = mime_parse(&parser, raw)?;
    let mut notes = Vec::new();

    // Raw 8-bit header bytes (legal only as UTF-8) are transcoded to UTF-8
    // and the message parsed again, so that every header parser sees text.
    let transcoded = transcode_8bit_headers(&first, raw, &mut notes);
    let message = match &transcoded {
        Some(buffer) => mime_parse(&parser, buffer)?,
        None => first,
    };
    if message
        .parts
        .first()
        .is_none_or(|root| root.headers.is_empty())
    {
        return Err(ParseError::NoHeaders);
    }
    Ok(decode_message(&message, depth, notes))
}

/// mail-parser on untrusted bytes. A panic inside it (malformed MIME trips
/// one of its debug assertions in debug builds; or a bug) makes the message
/// unreadable instead of taking the caller down with it.
fn mime_parse<'x>(parser: &MessageParser, raw: &'x [u8]) -> Result<Message<'x>, ParseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse(raw)))
        .map_err(|_| ParseError::Unreadable)?
        .ok_or(ParseError::NoHeaders)
}

/// The Message-ID of a headers-only block (a bounce's returned headers),
/// guarded like [`mime_parse`].
pub(crate) fn message_id_of_headers(block: &[u8]) -> Option<String> {
    let mut headers = block.to_vec();
    // A headers-only block needs a body separator to parse.
    headers.extend_from_slice(b"\r\n\r\n");
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        MessageParser::default()
            .parse_headers(&headers)
            .and_then(|m| m.message_id().and_then(normalise_id))
    }))
    .ok()
    .flatten()
}

fn decode_message(message: &Message<'_>, depth: usize, mut notes: Vec<String>) -> InboundMessage {
    let root = &message.parts[0];
    let subject = raw_header(message, root, "Subject")
        .map(|raw| header::decode_unstructured(raw, &mut notes))
        .unwrap_or_default();

    let mut text_parts = Vec::new();
    for part in message
        .text_body
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
    {
        match &part.body {
            PartType::Text(_) => text_parts.push(part_text(message, part, &mut notes)),
            PartType::Html(_) => {
                text_parts.push(html_to_text(&part_text(message, part, &mut notes)))
            }
            _ => {}
        }
    }
    let mut html_parts = Vec::new();
    for part in message
        .html_body
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
    {
        if let PartType::Html(_) = &part.body {
            html_parts.push(part_text(message, part, &mut notes));
        }
    }
    let raw_html = (!html_parts.is_empty()).then(|| html_parts.join("\n"));
    let mut text = normalise_text(&text_parts.join("\n"));
    if text.is_empty()
        && let Some(html) = &raw_html
    {
        text = normalise_text(&html_to_text(html));
    }

    let mut attachments: Vec<Attachment> = message
        .attachments
        .iter()
        .filter_map(|id| message.parts.get(*id as usize))
        .filter_map(|part| attachment(message, part, depth, &mut notes))
        .collect();
    tnef::unpack_into(&mut attachments, &mut notes, clean_filename);

    let headers = header_list(message);
    let structure = report::structure(message);
    let from = mailboxes(message.from()).into_iter().next();
    let to = mailboxes(message.to());
    let (classification, found) = classify::classify(&Mail {
        headers: &headers,
        subject: &subject,
        from: from.as_ref(),
        to: &to,
        text: &text,
        attachments: &attachments,
        structure: &structure,
    });
    let in_reply_to = id_list(message.in_reply_to()).into_iter().next();
    let references = id_list(message.references());
    let bounce = if classification.is_bounce() {
        let mut info = report::bounce_info(message, &attachments, &text, found.delayed);
        // Some servers name the bounced message in the bounce's own
        // threading headers.
        if info.original_message_id.is_none() {
            info.original_message_id = in_reply_to.clone().or_else(|| references.last().cloned());
        }
        Some(info)
    } else {
        found.cloud.filter(|e| e.failure).map(cloud_bounce)
    };

    InboundMessage {
        message_id: message.message_id().and_then(normalise_id),
        in_reply_to,
        references,
        subject,
        from,
        to,
        cc: mailboxes(message.cc()),
        reply_to: mailboxes(message.reply_to()),
        date: message
            .date()
            .filter(|d| d.is_valid())
            .map(|d| d.to_timestamp()),
        text,
        html: raw_html.map(|html| sanitize_html(&html)),
        attachments,
        classification,
        bounce,
        notes,
    }
}

/// Normalises line endings and trims trailing blank lines.
fn normalise_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.trim_end().to_string()
}

/// Finds 8-bit, non-UTF-8 header blocks and returns a copy of the message
/// with them decoded to UTF-8 (or `None` when there are none).
fn transcode_8bit_headers(
    message: &Message<'_>,
    raw: &[u8],
    notes: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let message_hint = message
        .parts
        .iter()
        .filter_map(|p| p.content_type()?.attribute("charset"))
        .find_map(charset::hint_for_label);
    let mut ranges: Vec<(usize, usize, Option<&'static encoding_rs::Encoding>)> = message
        .parts
        .iter()
        .filter_map(|part| {
            let (start, end) = (part.offset_header as usize, part.offset_body as usize);
            let block = raw.get(start..end)?;
            if block.is_ascii() || std::str::from_utf8(block).is_ok() {
                return None;
            }
            let hint = part
                .content_type()
                .and_then(|ct| ct.attribute("charset"))
                .and_then(charset::hint_for_label)
                .or(message_hint);
            Some((start, end, hint))
        })
        .collect();
    if ranges.is_empty() {
        return None;
    }
    ranges.sort_by_key(|r| r.0);
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 4);
    let mut pos = 0;
    for (start, end, hint) in ranges {
        if start < pos {
            continue;
        }
        out.extend_from_slice(&raw[pos..start]);
        let (text, used) = charset::decode_header_bytes(&raw[start..end], hint);
        out.extend_from_slice(text.as_bytes());
        if let Some(used) = used {
            let note = format!("raw 8-bit header bytes decoded as {}", used.name());
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        pos = end;
    }
    out.extend_from_slice(raw.get(pos..).unwrap_or_default());
    Some(out)
}

/// The raw (undecoded) value of a part's header.
fn raw_header<'m>(
    message: &'m Message<'_>,
    part: &MessagePart<'_>,
    name: &str,
) -> Option<&'m [u8]> {
    let header = part
        .headers
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    header_bytes(message, header)
}

fn header_bytes<'m>(message: &'m Message<'_>, header: &Header<'_>) -> Option<&'m [u8]> {
    message
        .raw_message
        .get(header.offset_start as usize..header.offset_end as usize)
}

/// Root headers as (lowercased name, unfolded raw value) pairs.
fn header_list(message: &Message<'_>) -> Vec<(String, String)> {
    message.parts[0]
        .headers
        .iter()
        .map(|h| {
            let value = header_bytes(message, h).unwrap_or_default();
            (
                h.name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(&header::unfold(value))
                    .trim()
                    .to_string(),
            )
        })
        .collect()
}

/// A text part's content, re-decoded from its bytes whenever mail-parser
/// could not have decoded it correctly.
fn part_text(message: &Message<'_>, part: &MessagePart<'_>, notes: &mut Vec<String>) -> String {
    let parsed = match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.as_ref(),
        _ => return String::new(),
    };
    let label = part.content_type().and_then(|ct| ct.attribute("charset"));
    // mail-parser's result is right when it knows the label and maps it to
    // the same encoding_rs decoder we would use; otherwise (unknown label,
    // UTF-7, damaged text) decode again ourselves.
    let mail_parser_knows = label.is_none_or(|l| {
        let l = charset::normalise_label(l);
        (mail_parser::decoders::charsets::map::charset_decoder(l.as_bytes()).is_some()
            && charset::is_plain_encoding(&l))
            || matches!(l.as_str(), "utf-8" | "utf8")
    });
    if mail_parser_knows && !part.is_encoding_problem && !parsed.contains('\u{FFFD}') {
        return parsed.to_string();
    }
    charset::decode(&part_bytes(message, part), label, notes)
}

/// A part's body after transfer decoding, in its original charset.
pub(crate) fn part_bytes(message: &Message<'_>, part: &MessagePart<'_>) -> Vec<u8> {
    let raw = || {
        let (start, mut end) = (part.offset_body as usize, part.offset_end as usize);
        // The line break before a boundary delimiter belongs to the
        // delimiter (RFC 2046), not to the part.
        if message.raw_message.get(end..end + 2) == Some(b"--") {
            let region = message.raw_message.get(start..end).unwrap_or_default();
            if region.ends_with(b"\r\n") {
                end -= 2;
            } else if region.ends_with(b"\n") {
                end -= 1;
            }
        }
        message.raw_message.get(start..end).unwrap_or_default()
    };
    match &part.body {
        // A damaged part (e.g. truncated before its boundary) comes back
        // undecoded; decode what there is, as its header says.
        _ if part.is_encoding_problem => transfer::decode(raw(), declared_encoding(message, part)),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => bytes.to_vec(),
        // An unencoded nested message is parsed in place (its raw_message is
        // the outer message); an encoded one was decoded into its own buffer.
        PartType::Message(nested) => match part.encoding {
            Encoding::None => raw().to_vec(),
            _ => nested.raw_message.to_vec(),
        },
        _ => transfer::decode(raw(), part.encoding),
    }
}

fn declared_encoding(message: &Message<'_>, part: &MessagePart<'_>) -> Encoding {
    let value = raw_header(message, part, "Content-Transfer-Encoding")
        .map(|v| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
        .unwrap_or_default();
    match value.as_str() {
        "base64" => Encoding::Base64,
        "quoted-printable" => Encoding::QuotedPrintable,
        _ => Encoding::None,
    }
}

fn attachment(
    message: &Message<'_>,
    part: &MessagePart<'_>,
    depth: usize,
    notes: &mut Vec<String>,
) -> Option<Attachment> {
    if matches!(part.body, PartType::Multipart(_)) {
        return None;
    }
    let bytes = part_bytes(message, part);
    if part.is_encoding_problem {
        notes.push("a damaged or truncated MIME part was decoded as far as it goes".into());
    }
    let nested = match &part.body {
        PartType::Message(_) if depth > 0 => parse_nested(&bytes, depth - 1).ok().map(Box::new),
        _ => None,
    };
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .map(|ct| ct.to_ascii_lowercase())
        .unwrap_or_else(|| match part.body {
            PartType::Message(_) => "message/rfc822".into(),
            PartType::Text(_) => "text/plain".into(),
            PartType::Html(_) => "text/html".into(),
            _ => "application/octet-stream".into(),
        });

    let disposition = raw_header(message, part, "Content-Disposition");
    let filename = disposition
        .and_then(|raw| header::param(raw, "filename", notes))
        .or_else(|| {
            raw_header(message, part, "Content-Type")
                .and_then(|raw| header::param(raw, "name", notes))
        })
        .map(|name| clean_filename(&name))
        .filter(|name| !name.is_empty())
        .or_else(|| {
            nested.as_ref().map(|m| {
                let subject = clean_filename(&m.subject);
                if subject.is_empty() {
                    "forwarded-message.eml".to_string()
                } else {
                    format!("{subject}.eml")
                }
            })
        });
    let content_id = part.content_id().and_then(normalise_id);
    let inline = match disposition {
        Some(raw) => String::from_utf8_lossy(raw)
            .trim_start()
            .get(..6)
            .is_some_and(|d| d.eq_ignore_ascii_case("inline")),
        None => content_id.is_some() && nested.is_none(),
    };

    Some(Attachment {
        filename,
        content_type,
        bytes,
        inline,
        content_id,
        message: nested,
    })
}

/// Keeps the last path segment and drops control characters, so a name
/// like `C:\Users\x\invoice.pdf` or `../../etc/passwd` is just a name.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let trimmed = cleaned.trim();
    if trimmed == "." || trimmed == ".." {
        String::new()
    } else {
        trimmed.to_string()
    }
}

fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .filter_map(|addr| {
            let email = addr.address()?.trim().to_lowercase();
            if email.is_empty() {
                return None;
            }
            let name = addr
                .name()
                .map(|n| n.trim().trim_matches('"').trim().to_string())
                .filter(|n| !n.is_empty() && n.to_lowercase() != email);
            Some(Mailbox {
                name,
                address: email,
            })
        })
        .collect()
}

/// Strips angle brackets and white space from a Message-ID-like value.
pub(crate) fn normalise_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_string())
}

fn id_list(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => normalise_id(id).into_iter().collect(),
        HeaderValue::TextList(ids) => ids.iter().filter_map(|id| normalise_id(id)).collect(),
        _ => Vec::new(),
    }
}

/// What a cloud mail service's failure event says, in a bounce's terms.
fn cloud_bounce(event: CloudEvent) -> BounceInfo {
    let action = if event.permanent { "failed" } else { "delayed" };
    BounceInfo {
        original_message_id: event.original_message_id,
        recipients: event
            .recipients
            .into_iter()
            .map(|address| DsnRecipient {
                address: Some(address),
                action: Some(action.into()),
                status: None,
                diagnostic: Some(format!("{} event", event.event)),
            })
            .collect(),
        delayed: !event.permanent,
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
