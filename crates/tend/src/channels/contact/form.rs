//! What a visitor sent: the body read into memory (files are stored only
//! after every check has passed, so a refused submission leaves nothing
//! behind), and the fields validated with an error per field that the page
//! shows next to it, in the visitor's language.

use axum::extract::{FromRequest, Multipart, Request};

use crate::agents::model::EmailAddress;
use crate::{Error, Result};

/// The honeypot field: hidden from people, filled by form-filling bots.
pub const HONEYPOT: &str = "website";
/// The field the suggestions' script fills with the visitor's token.
pub const DEFLECTION_TOKEN: &str = "deflection_token";
/// Most files on one submission.
pub const MAX_FILES: usize = 10;
/// Longest name, subject and message (characters).
pub const MAX_NAME: usize = 200;
/// Longest subject (characters).
pub const MAX_SUBJECT: usize = 200;
/// Longest message (characters).
pub const MAX_MESSAGE: usize = 20_000;
/// Bytes kept of one text field; the rest is dropped and the field is
/// reported as too long. Four bytes per character of the longest message.
const MAX_FIELD_BYTES: usize = 4 * MAX_MESSAGE;
/// Urlencoded bodies (no files) up to this size.
const MAX_URLENCODED: usize = 256 * 1024;

/// One uploaded file, in memory.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the browser gave.
    pub filename: String,
    /// The type the browser gave.
    pub content_type: Option<String>,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A submission as sent.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// Name (optional).
    pub name: String,
    /// Email address (required).
    pub email: String,
    /// Subject (optional; taken from the message when empty).
    pub subject: String,
    /// Message (required).
    pub message: String,
    /// The inbox field, unparsed.
    pub inbox: Option<String>,
    /// The visit token the page's suggestions were recorded under
    /// (`kb::deflection`), when its script ran.
    pub deflection_token: Option<String>,
    /// The honeypot's value.
    pub honeypot: String,
    /// Files, unless they were over the limit.
    pub files: Vec<Upload>,
    /// The files together were over `max_attachment_bytes` and were dropped.
    pub files_too_large: bool,
    /// More than [`MAX_FILES`] files were sent (the rest were dropped).
    pub too_many_files: bool,
    /// Text fields cut at [`MAX_FIELD_BYTES`].
    overlong: Vec<&'static str>,
}

impl Submission {
    fn set(&mut self, field: &str, value: String, cut: bool) {
        let (slot, key) = match field {
            "name" => (&mut self.name, "name"),
            "email" => (&mut self.email, "email"),
            "subject" => (&mut self.subject, "subject"),
            "message" => (&mut self.message, "message"),
            HONEYPOT => (&mut self.honeypot, HONEYPOT),
            "inbox" => {
                self.inbox = Some(value);
                return;
            }
            DEFLECTION_TOKEN => {
                self.deflection_token = Some(value).filter(|v| !v.is_empty());
                return;
            }
            _ => return,
        };
        *slot = value;
        if cut {
            self.overlong.push(key);
        }
    }
}

/// How far past the file limit a submission is still read (its files
/// dropped, its text kept for the page) before it is cut off.
pub fn hard_cap(limit: usize) -> usize {
    limit
        .saturating_mul(2)
        .max(limit.saturating_add(8 * 1024 * 1024))
}

/// Reads a `multipart/form-data` or `application/x-www-form-urlencoded`
/// body. Files over `limit` bytes together are read and dropped (the
/// submission says so, and its text fields are kept for the page); a body
/// far over the limit is cut off with [`Error::PayloadTooLarge`].
pub async fn read(req: Request, limit: usize) -> Result<Submission> {
    let ct = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        let body = crate::http::extract::read_body(req, MAX_URLENCODED).await?;
        let mut s = Submission::default();
        for (k, v) in url::form_urlencoded::parse(&body) {
            let cut = v.len() > MAX_FIELD_BYTES;
            s.set(&k, truncate(v.into_owned(), MAX_FIELD_BYTES), cut);
        }
        return Ok(s);
    }
    if !ct.starts_with("multipart/form-data") {
        return Err(Error::UnsupportedMediaType(
            "multipart/form-data or application/x-www-form-urlencoded",
        ));
    }
    let unreadable = |e: &dyn std::fmt::Display| {
        Error::invalid("body", format!("not a valid multipart body: {e}"))
    };
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|e| unreadable(&e.body_text()))?;
    let hard_cap = hard_cap(limit);
    let mut s = Submission::default();
    let (mut file_bytes, mut total) = (0usize, 0usize);
    while let Some(mut field) = mp.next_field().await.map_err(|e| unreadable(&e))? {
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let is_file = filename.is_some();
        let mut data = Vec::new();
        let mut cut = false;
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
            total += chunk.len();
            if total > hard_cap {
                return Err(Error::PayloadTooLarge(limit));
            }
            if is_file {
                file_bytes += chunk.len();
                s.files_too_large |= file_bytes > limit;
                if s.files_too_large {
                    // Read on, so that the visitor gets the page, not a reset.
                    data = Vec::new();
                } else {
                    data.extend_from_slice(&chunk);
                }
            } else {
                // A text field keeps its beginning for the page.
                let room = MAX_FIELD_BYTES.saturating_sub(data.len());
                cut |= chunk.len() > room;
                data.extend_from_slice(&chunk[..room.min(chunk.len())]);
            }
        }
        match filename {
            // A browser sends an empty file input as a nameless, empty part.
            Some(f) if f.is_empty() && data.is_empty() => {}
            Some(_) if s.files_too_large => {}
            Some(_) if s.files.len() >= MAX_FILES => s.too_many_files = true,
            Some(filename) => s.files.push(Upload {
                filename,
                content_type,
                data,
            }),
            None => {
                let value = String::from_utf8_lossy(&data).into_owned();
                s.set(&name, truncate(value, MAX_FIELD_BYTES), cut);
            }
        }
    }
    if s.files_too_large {
        s.files.clear();
    }
    Ok(s)
}

fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut at = max;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
    s
}

/// What is wrong with one field: the field and the catalogue key of the
/// message (with `count` where the message has a number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `name`, `email`, `subject`, `message` or `attachments`.
    pub field: &'static str,
    /// Fluent key of the message.
    pub key: &'static str,
    /// The number in the message (a limit), if any.
    pub count: Option<usize>,
}

impl FieldError {
    fn new(field: &'static str, key: &'static str) -> Self {
        FieldError {
            field,
            key,
            count: None,
        }
    }

    fn limit(field: &'static str, key: &'static str, count: usize) -> Self {
        FieldError {
            field,
            key,
            count: Some(count),
        }
    }
}

/// A submission that passed validation.
#[derive(Debug, Clone)]
pub struct Valid {
    /// Name, if given.
    pub name: Option<String>,
    /// Address.
    pub email: EmailAddress,
    /// Subject (from the message's first line when none was given).
    pub subject: String,
    /// Plain text, `\n` line ends.
    pub message: String,
}

/// Checks the fields; every problem at once, in the order of the form.
pub fn validate(s: &Submission, limit_bytes: usize) -> std::result::Result<Valid, Vec<FieldError>> {
    let mut errors = Vec::new();
    let too_long = |field: &'static str, max: usize, v: &str| {
        (s.overlong.contains(&field) || v.chars().count() > max)
            .then(|| FieldError::limit(field, "contact-error-too-long", max))
    };
    let name = s.name.trim();
    errors.extend(too_long("name", MAX_NAME, name));
    let email = match EmailAddress::parse("email", &s.email) {
        Ok(e) => Some(e),
        Err(_) if s.email.trim().is_empty() => {
            errors.push(FieldError::new("email", "contact-error-required-email"));
            None
        }
        Err(_) => {
            errors.push(FieldError::new("email", "contact-error-email"));
            None
        }
    };
    let subject = s.subject.trim();
    errors.extend(too_long("subject", MAX_SUBJECT, subject));
    let message = s.message.replace("\r\n", "\n");
    if message.trim().is_empty() {
        errors.push(FieldError::new("message", "contact-error-required-message"));
    } else {
        errors.extend(too_long("message", MAX_MESSAGE, &message));
    }
    if s.files_too_large {
        errors.push(FieldError::limit(
            "attachments",
            "contact-error-files-too-large",
            limit_bytes / 1_000_000,
        ));
    } else if s.too_many_files {
        errors.push(FieldError::limit(
            "attachments",
            "contact-error-too-many-files",
            MAX_FILES,
        ));
    }
    match email {
        Some(email) if errors.is_empty() => Ok(Valid {
            name: (!name.is_empty()).then(|| name.to_string()),
            email,
            subject: if subject.is_empty() {
                subject_from(&message)
            } else {
                subject.to_string()
            },
            message,
        }),
        _ => Err(errors),
    }
}

/// A subject for a message sent without one: its first non-empty line,
/// cut at 80 characters.
fn subject_from(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut out: String = line.chars().take(80).collect();
    if line.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(email: &str, message: &str) -> Submission {
        Submission {
            email: email.into(),
            message: message.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_submission_gets_a_subject_from_its_message() {
        let v = validate(
            &sub(" Yuki@Example.JP ", "\r\n  注文が届きません\r\n二行目"),
            1000,
        )
        .unwrap();
        assert_eq!(v.email.as_str(), "yuki@example.jp");
        assert_eq!(v.subject, "注文が届きません");
        assert_eq!(v.message, "\n  注文が届きません\n二行目");
        assert_eq!(v.name, None);
        let long = "x".repeat(100);
        assert_eq!(subject_from(&long).chars().count(), 81);
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let errs = validate(&sub("", " "), 1000).unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| (e.field, e.key)).collect();
        assert_eq!(
            keys,
            [
                ("email", "contact-error-required-email"),
                ("message", "contact-error-required-message")
            ]
        );
        let mut s = sub("not-an-address", "hi");
        s.name = "n".repeat(MAX_NAME + 1);
        s.files_too_large = true;
        let errs = validate(&s, 25_000_000).unwrap_err();
        assert_eq!(
            errs[0],
            FieldError::limit("name", "contact-error-too-long", MAX_NAME)
        );
        assert_eq!(errs[1].key, "contact-error-email");
        assert_eq!(
            errs[2],
            FieldError::limit("attachments", "contact-error-files-too-large", 25)
        );
    }

    #[test]
    fn a_cut_field_is_too_long_even_when_short_in_characters() {
        let mut s = sub("a@example.com", "hello");
        s.set("message", "hello".into(), true);
        let errs = validate(&s, 1000).unwrap_err();
        assert_eq!(errs[0].field, "message");
        assert_eq!(truncate("日本語".into(), 4), "日");
    }
}
