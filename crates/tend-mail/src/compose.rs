//! Outbound mail: agent replies and acknowledgements, built with
//! mail-builder as `multipart/alternative` (text + HTML, UTF-8).

use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;

use crate::ComposeError;
use crate::model::Mailbox;
use crate::thread::subject_with_token;

/// How many References ids we carry: the thread root plus the most recent
/// ones, so long threads keep threading without an unbounded header.
const MAX_REFERENCES: usize = 20;

/// A file to send with a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboundAttachment {
    /// File name shown to the customer (RFC 2231-encoded when not ASCII).
    pub filename: String,
    /// `type/subtype`, e.g. `application/pdf`.
    pub content_type: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Set for images shown inside the HTML body via `cid:`; such parts are
    /// sent inline next to the HTML in `multipart/related`.
    pub content_id: Option<String>,
}

/// Everything needed to write one outbound message in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyDraft {
    /// Sender (the inbox, or `TEND_MAIL_FROM`), with a display name.
    pub from: Mailbox,
    /// The inbox address that customer replies must come back to.
    pub reply_to: String,
    /// Recipients (at least one of `to`/`cc`).
    pub to: Vec<Mailbox>,
    /// Copied recipients.
    pub cc: Vec<Mailbox>,
    /// Conversation subject; prefixes and old tokens are normalised.
    pub subject: String,
    /// Conversation number, carried as `[#id]` in the subject.
    pub conversation_id: u64,
    /// Message-ID of the message being answered (no angle brackets).
    pub in_reply_to: Option<String>,
    /// References of the message being answered, oldest first;
    /// `in_reply_to` is appended to them.
    pub references: Vec<String>,
    /// Plain-text body.
    pub text: String,
    /// HTML body; when `None` one is made from the text.
    pub html: Option<String>,
    /// Files and inline images.
    pub attachments: Vec<OutboundAttachment>,
    /// Marks the message `Auto-Submitted: auto-replied` (acknowledgements),
    /// so other systems do not answer it and loops cannot start.
    pub auto_submitted: bool,
    /// Domain for the generated Message-ID, e.g. `tend.example.com`.
    pub message_id_domain: String,
    /// Date header as Unix seconds; `None` means now.
    pub date: Option<i64>,
}

/// A composed message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedMessage {
    /// The new Message-ID, without angle brackets (store it so replies and
    /// bounces can be matched).
    pub message_id: String,
    /// The subject as sent, with the `[#id]` token.
    pub subject: String,
    /// Raw RFC 5322 bytes with CRLF line endings.
    pub raw: Vec<u8>,
}

/// Composes a reply (or acknowledgement) in a conversation.
pub fn compose_reply(draft: &ReplyDraft) -> Result<ComposedMessage, ComposeError> {
    let subject = subject_with_token(
        &single_line(&draft.subject),
        draft.conversation_id,
        draft.in_reply_to.is_some(),
    );
    compose_with_subject(draft, subject)
}

/// Composes a mail that belongs to no conversation (a customer's portal
/// sign-in link): the subject as given, without a `[#id]` token, so an
/// answer to it does not thread anywhere; `conversation_id` is unused.
pub fn compose_standalone(draft: &ReplyDraft) -> Result<ComposedMessage, ComposeError> {
    compose_with_subject(draft, single_line(&draft.subject))
}

fn compose_with_subject(
    draft: &ReplyDraft,
    subject: String,
) -> Result<ComposedMessage, ComposeError> {
    check_address(&draft.from.address)?;
    check_address(&draft.reply_to)?;
    for mailbox in draft.to.iter().chain(&draft.cc) {
        check_address(&mailbox.address)?;
    }
    if draft.to.is_empty() && draft.cc.is_empty() {
        return Err(ComposeError::NoRecipients);
    }
    let domain = draft.message_id_domain.trim();
    if domain.is_empty()
        || !domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    {
        return Err(ComposeError::InvalidDomain(draft.message_id_domain.clone()));
    }
    for id in draft.in_reply_to.iter().chain(&draft.references) {
        check_message_id(id)?;
    }

    let message_id = generate_message_id(domain)?;
    let references = reference_chain(&draft.references, draft.in_reply_to.as_deref());

    let mut builder = MessageBuilder::new()
        .from(address(&draft.from))
        .reply_to(Address::new_address(None::<&str>, draft.reply_to.as_str()))
        .subject(subject.as_str())
        .message_id(message_id.as_str());
    if !draft.to.is_empty() {
        builder = builder.to(Address::new_list(draft.to.iter().map(address).collect()));
    }
    if !draft.cc.is_empty() {
        builder = builder.cc(Address::new_list(draft.cc.iter().map(address).collect()));
    }
    if let Some(parent) = &draft.in_reply_to {
        builder = builder.in_reply_to(parent.as_str());
    }
    if !references.is_empty() {
        builder = builder.header(
            "References",
            MessageId::new_list(references.iter().map(String::as_str)),
        );
    }
    if let Some(date) = draft.date {
        builder = builder.date(date);
    }
    if draft.auto_submitted {
        builder = builder
            .header("Auto-Submitted", Raw::new("auto-replied"))
            // Exchange and Outlook: do not send out-of-office replies to this.
            .header("X-Auto-Response-Suppress", Raw::new("All"));
    }

    let html = draft
        .html
        .clone()
        .unwrap_or_else(|| text_to_html(&draft.text));
    let mut html_part = MimePart::new("text/html", html);
    let (inline, files): (Vec<_>, Vec<_>) = draft
        .attachments
        .iter()
        .partition(|a| a.content_id.is_some());
    if !inline.is_empty() {
        let mut related = vec![html_part];
        for attachment in inline {
            let cid = attachment.content_id.clone().unwrap_or_default();
            related.push(
                MimePart::new(content_type(attachment), attachment.bytes.clone())
                    .inline()
                    .cid(cid),
            );
        }
        html_part = MimePart::new("multipart/related", related);
    }
    let alternative = MimePart::new(
        "multipart/alternative",
        vec![MimePart::new("text/plain", draft.text.clone()), html_part],
    );
    let body = if files.is_empty() {
        alternative
    } else {
        let mut mixed = vec![alternative];
        for attachment in files {
            mixed.push(
                MimePart::new(content_type(attachment), attachment.bytes.clone())
                    .attachment(single_line(&attachment.filename)),
            );
        }
        MimePart::new("multipart/mixed", mixed)
    };

    let raw = builder
        .body(body)
        .write_to_vec()
        .map_err(|e| ComposeError::Write(e.to_string()))?;
    Ok(ComposedMessage {
        message_id,
        subject,
        raw,
    })
}

fn content_type(attachment: &OutboundAttachment) -> String {
    let ct = attachment.content_type.trim();
    let valid = ct.contains('/')
        && ct
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/+-.".contains(&b));
    if valid {
        ct.to_ascii_lowercase()
    } else {
        "application/octet-stream".into()
    }
}

fn address(mailbox: &Mailbox) -> Address<'_> {
    let name = mailbox
        .name
        .as_deref()
        .map(single_line)
        .filter(|n| !n.is_empty());
    Address::new_address(name, mailbox.address.as_str())
}

/// Header text must stay on one line: CR/LF would start a new header.
fn single_line(value: &str) -> String {
    value
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn check_address(address: &str) -> Result<(), ComposeError> {
    let valid = address.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
    }) && !address
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'));
    if valid {
        Ok(())
    } else {
        Err(ComposeError::InvalidAddress(address.to_string()))
    }
}

fn check_message_id(id: &str) -> Result<(), ComposeError> {
    if id.is_empty()
        || id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>'))
    {
        Err(ComposeError::InvalidMessageId(id.to_string()))
    } else {
        Ok(())
    }
}

/// References for a reply: the parent's References plus the parent itself,
/// deduplicated, capped at the thread root plus the newest ids.
fn reference_chain(references: &[String], parent: Option<&str>) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    for id in references.iter().map(String::as_str).chain(parent) {
        if !chain.iter().any(|c| c == id) {
            chain.push(id.to_string());
        }
    }
    if chain.len() > MAX_REFERENCES {
        let tail = chain.split_off(chain.len() - (MAX_REFERENCES - 1));
        chain.truncate(1);
        chain.extend(tail);
    }
    chain
}

/// `<millis>.<random>@domain`, without angle brackets.
fn generate_message_id(domain: &str) -> Result<String, ComposeError> {
    let mut random = [0u8; 12];
    getrandom::fill(&mut random).map_err(|e| ComposeError::Random(e.to_string()))?;
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    Ok(format!("{millis:x}.{}@{domain}", hex::encode(random)))
}

/// A minimal HTML rendering of a plain-text body: escaped, paragraphs and
/// line breaks kept.
pub fn text_to_html(text: &str) -> String {
    let mut html = String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>");
    let text = text.replace("\r\n", "\n");
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        let lines: Vec<String> = paragraph.lines().map(escape_html).collect();
        html.push_str(&lines.join("<br>\n"));
        html.push_str("</p>\n");
    }
    html.push_str("</body></html>");
    html
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_chain_is_capped_and_keeps_root() {
        let refs: Vec<String> = (0..30).map(|i| format!("{i}@x")).collect();
        let chain = reference_chain(&refs, Some("30@x"));
        assert_eq!(chain.len(), MAX_REFERENCES);
        assert_eq!(chain[0], "0@x");
        assert_eq!(chain[MAX_REFERENCES - 1], "30@x");
        assert_eq!(reference_chain(&["a@x".into()], Some("a@x")), ["a@x"]);
    }

    #[test]
    fn text_to_html_escapes() {
        assert_eq!(
            text_to_html("a < b\nc\n\n\"d\""),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>a &lt; b<br>\nc</p>\n<p>&quot;d&quot;</p>\n</body></html>"
        );
    }

    #[test]
    fn rejects_header_injection() {
        assert!(check_address("a@b.c").is_ok());
        for bad in ["a@b.c\r\nBcc: x@y", "a b@c", "ab", "@b", "a@", "<a@b>"] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
        assert_eq!(single_line("Hi\r\nBcc: x@y"), "Hi Bcc: x@y");
    }
}
