//! A new message's body as given: plain text, HTML, or the composer's
//! formatting (`format: "markdown"`, rendered by `crate::formatting`),
//! and its inline images: files sent as `inline:ID` that the HTML shows
//! as `cid:ID`. They are mailed as inline parts (`multipart/related`)
//! and, once stored, linked to their attachments by the same sanitiser
//! pass as inbound mail's (`inbound::link_inline_images_of`).

use std::collections::HashSet;

use super::model::NewMessage;
use super::validate::parse_body;
use crate::attachments::Upload;
use crate::kb::images::ImageKind;
use crate::{Error, Result};

/// The field that errors about inline images name.
pub const INLINE_FIELD: &str = "inline";

/// The longest inline image ID.
const MAX_CID: usize = 100;

/// A message body, validated: what the message stores and sends.
#[derive(Debug)]
pub(super) struct Body {
    /// Plain text.
    pub text: String,
    /// Sanitised HTML.
    pub html: Option<String>,
    /// The files; an inline image keeps its Content-ID only when the HTML
    /// shows it (else it is an ordinary attachment).
    pub uploads: Vec<Upload>,
    /// Whether the HTML shows an inline image of this message.
    pub shows_inline: bool,
    /// The Markdown as typed, when it made formatting (kept for undo send).
    pub markdown: Option<String>,
}

/// How the text of a message is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// As typed.
    Text,
    /// The composer's Markdown subset.
    Markdown,
}

fn format_of(input: &NewMessage) -> Result<Format> {
    match input.format.as_deref().map(str::trim) {
        None | Some("" | "text") => Ok(Format::Text),
        Some("markdown") => Ok(Format::Markdown),
        Some(other) => Err(Error::invalid(
            "format",
            format!("format must be \"markdown\" or \"text\", got {other:?}"),
        )),
    }
}

/// Validates a message's body and its inline images.
pub(super) fn parse(input: &NewMessage, mut uploads: Vec<Upload>) -> Result<Body> {
    let format = format_of(input)?;
    check_inline(&mut uploads)?;
    let mut markdown = None;
    let (text, html) = match format {
        Format::Text => parse_body("text", input.text.as_deref(), input.html.as_deref())?,
        Format::Markdown => {
            if input.html.as_deref().is_some_and(|h| !h.trim().is_empty()) {
                return Err(Error::invalid(
                    "html",
                    "give either html or format \"markdown\" with text, not both",
                ));
            }
            let cids: Vec<&str> = uploads
                .iter()
                .filter_map(|u| u.content_id.as_deref())
                .collect();
            let f = input
                .text
                .as_deref()
                .map(|t| crate::formatting::render(t, &cids));
            match f {
                Some(f) => {
                    if f.html.is_some() {
                        markdown = input.text.as_deref().map(|t| t.replace("\r\n", "\n"));
                    }
                    parse_body("text", Some(&f.text), f.html.as_deref())?
                }
                None => parse_body("text", None, None)?,
            }
        }
    };
    let mut shows_inline = false;
    for u in &mut uploads {
        let shown = u.content_id.as_deref().is_some_and(|cid| {
            html.as_deref()
                .is_some_and(|h| h.contains(&format!("cid:{cid}")))
        });
        if shown {
            shows_inline = true;
        } else {
            u.content_id = None;
        }
    }
    Ok(Body {
        text,
        html,
        uploads,
        shows_inline,
        markdown,
    })
}

/// Inline images: a plain ID, each once, and a picture judged from its
/// bytes (PNG, JPEG, GIF or WebP: what every mail program shows), whose
/// recorded type is then the one its bytes say.
pub(super) fn check_inline(uploads: &mut [Upload]) -> Result<()> {
    let mut seen = HashSet::new();
    for u in uploads.iter_mut() {
        let Some(cid) = u.content_id.as_deref() else {
            continue;
        };
        let plain = !cid.is_empty()
            && cid.len() <= MAX_CID
            && cid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
        if !plain {
            return Err(Error::invalid(
                INLINE_FIELD,
                format!(
                    "an inline image's ID ({cid:?}) may hold only letters, digits, '.', '_', '@' \
                     and '-', at most {MAX_CID} of them"
                ),
            ));
        }
        if !seen.insert(cid.to_ascii_lowercase()) {
            return Err(Error::invalid(
                INLINE_FIELD,
                format!("two inline images have the ID {cid:?}; give each its own"),
            ));
        }
        let Some(kind) = ImageKind::sniff(&u.bytes) else {
            return Err(Error::invalid(
                INLINE_FIELD,
                format!(
                    "{} is not a PNG, JPEG, GIF or WebP image, so it cannot be shown in the text; \
                     attach it as a file instead",
                    u.filename
                ),
            ));
        };
        u.content_type = kind.content_type().to_string();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    fn up(cid: Option<&str>, bytes: &[u8]) -> Upload {
        Upload {
            filename: "a.png".into(),
            content_type: "application/octet-stream".into(),
            bytes: bytes.to_vec(),
            content_id: cid.map(str::to_string),
        }
    }

    fn md(text: &str) -> NewMessage {
        NewMessage {
            text: Some(text.into()),
            format: Some("markdown".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_shown_image_stays_inline_and_an_unshown_one_is_a_file() {
        let b = parse(
            &md("Look: ![a.png](cid:one@tend)"),
            vec![up(Some("one@tend"), PNG), up(Some("two"), PNG)],
        )
        .unwrap();
        assert!(b.shows_inline);
        assert_eq!(b.uploads[0].content_id.as_deref(), Some("one@tend"));
        assert_eq!(b.uploads[0].content_type, "image/png");
        assert_eq!(b.uploads[1].content_id, None);
        assert!(b.html.unwrap().contains("src=\"cid:one@tend\""));
    }

    #[test]
    fn bad_inline_images_and_formats_are_refused_with_the_field() {
        let field = |r: Result<Body>| match r {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(parse(&md("x"), vec![up(Some("x"), b"%PDF-1.4")])),
            "inline"
        );
        assert_eq!(
            field(parse(&md("x"), vec![up(Some("a b\"<"), PNG)])),
            "inline"
        );
        assert_eq!(
            field(parse(
                &md("x"),
                vec![up(Some("a"), PNG), up(Some("A"), PNG)]
            )),
            "inline"
        );
        let mut both = md("x");
        both.html = Some("<p>x</p>".into());
        assert_eq!(field(parse(&both, vec![])), "html");
        let mut odd = md("x");
        odd.format = Some("rtf".into());
        assert_eq!(field(parse(&odd, vec![])), "format");
    }
}
