//! Validation of conversation input at the edge: after these functions,
//! the service trusts what it gets.

use crate::customers::model::parse_language;
use crate::{Error, Result};

use super::model::ConversationPatch;
use super::status::{Priority, Status};

/// Longest subject we keep (RFC 5322's line limit).
const MAX_SUBJECT: usize = 998;
/// Most tags on one conversation.
const MAX_TAGS: usize = 50;

/// Validates a subject.
pub(super) fn parse_subject(s: &str) -> Result<String> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\t')
        .collect();
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::invalid("subject", "a subject is required"));
    }
    if s.chars().count() > MAX_SUBJECT {
        return Err(Error::invalid(
            "subject",
            format!("the subject is longer than {MAX_SUBJECT} characters"),
        ));
    }
    Ok(s.to_string())
}

/// Validates a message body: text, or HTML from which text is derived.
/// HTML is sanitised here, before anything stores it.
pub(super) fn parse_body(
    field: &str,
    text: Option<&str>,
    html: Option<&str>,
) -> Result<(String, Option<String>)> {
    let html = html
        .filter(|h| !h.trim().is_empty())
        .map(crate::html::sanitize);
    let text = match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => t.replace("\r\n", "\n"),
        None => match &html {
            Some(h) => crate::html::to_text(h),
            None => return Err(Error::invalid(field, "a message needs text or html")),
        },
    };
    Ok((text, html))
}

/// Most addresses in one list of recipients (To, CC or BCC).
const MAX_RECIPIENTS: usize = 50;

/// Validates a list of mail recipients (`cc`, `bcc`, a side
/// conversation's `to`): each a valid address, lowercased, unique, in the
/// given order. An entry may hold several addresses separated by commas or
/// semicolons (as typed in a form). The error names `field`.
pub fn parse_recipients(field: &str, given: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for one in given.iter().flat_map(|g| g.split([',', ';'])) {
        if one.trim().is_empty() {
            continue;
        }
        let a = crate::agents::model::EmailAddress::parse(field, one)?;
        if !out.iter().any(|o| o == a.as_str()) {
            out.push(a.as_str().to_string());
        }
    }
    if out.len() > MAX_RECIPIENTS {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_RECIPIENTS} addresses, got {}", out.len()),
        ));
    }
    Ok(out)
}

/// Normalises tags: trimmed, lowercased, unique, in the given order.
pub fn parse_tags(tags: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > 64 || t.chars().any(|c| c.is_control() || c == ',') {
            return Err(Error::invalid(
                "tags",
                format!("{t:?} is not a valid tag (1–64 characters, no commas)"),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// Validated form of a patch.
#[derive(Default)]
pub(super) struct ValidPatch {
    pub(super) status: Option<Status>,
    pub(super) priority: Option<Priority>,
    pub(super) assignee_id: Option<Option<i64>>,
    pub(super) team_id: Option<Option<i64>>,
    pub(super) tags: Option<Vec<String>>,
    pub(super) add_tags: Vec<String>,
    pub(super) remove_tags: Vec<String>,
    pub(super) customer_id: Option<i64>,
    pub(super) inbox_id: Option<i64>,
    pub(super) language: Option<Option<String>>,
    pub(super) reason: Option<crate::routing::TransferReason>,
}

pub(super) fn validate_patch(p: ConversationPatch) -> Result<ValidPatch> {
    Ok(ValidPatch {
        status: p
            .status
            .as_deref()
            .map(|s| Status::parse("status", s))
            .transpose()?,
        priority: p
            .priority
            .as_deref()
            .map(|s| Priority::parse("priority", s))
            .transpose()?,
        assignee_id: p.assignee_id,
        team_id: p.team_id,
        tags: p.tags.as_deref().map(parse_tags).transpose()?,
        add_tags: parse_tags(p.add_tags.as_deref().unwrap_or_default())
            .map_err(|e| renamed(e, "add_tags"))?,
        remove_tags: parse_tags(p.remove_tags.as_deref().unwrap_or_default())
            .map_err(|e| renamed(e, "remove_tags"))?,
        customer_id: p.customer_id,
        inbox_id: p.inbox_id,
        language: match p.language {
            None => None,
            Some(None) => Some(None),
            Some(Some(l)) => Some(Some(parse_language("language", &l)?)),
        },
        reason: p.reason.map(|r| r.validate()).transpose()?.flatten(),
    })
}

/// The same validation error on another field.
fn renamed(e: Error, field: &str) -> Error {
    match e {
        Error::Invalid { message, .. } => Error::invalid(field, message),
        other => other,
    }
}

impl ValidPatch {
    /// The tag list after this patch, given the current one (`None`: the
    /// patch leaves tags alone). `tags` replaces the list; `add_tags` and
    /// `remove_tags` then apply to it.
    pub(super) fn tags_after(&self, current: &[String]) -> Result<Option<Vec<String>>> {
        if self.tags.is_none() && self.add_tags.is_empty() && self.remove_tags.is_empty() {
            return Ok(None);
        }
        let mut out = self.tags.clone().unwrap_or_else(|| current.to_vec());
        for t in &self.add_tags {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out.retain(|t| !self.remove_tags.contains(t));
        if out.len() > MAX_TAGS {
            return Err(Error::invalid(
                "add_tags",
                format!("at most {MAX_TAGS} tags"),
            ));
        }
        Ok(Some(out))
    }
}

/// The language a conversation stores, on every channel: the one given
/// (the API's `language`, a widget's), else the one detected from the
/// customer's own words (`words`: their new text, not quoted history),
/// else none. Detection costs some CPU: call it before the write.
pub fn language_of(given: Option<String>, words: &str) -> Option<String> {
    given.or_else(|| tend_mail::detect_language(words).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_trimmed_and_bounded() {
        assert_eq!(
            parse_subject("  請求書について\r\n").ok(),
            Some("請求書について".into())
        );
        assert!(parse_subject("   ").is_err());
        assert!(parse_subject(&"x".repeat(999)).is_err());
    }

    #[test]
    fn bodies_need_text_or_html_and_html_is_sanitised() {
        assert!(parse_body("text", None, None).is_err());
        assert!(parse_body("text", Some("  "), Some(" ")).is_err());
        let (text, html) =
            parse_body("text", None, Some("<p>안녕하세요<script>x()</script></p>")).expect("ok");
        assert_eq!(text, "안녕하세요");
        assert!(!html.unwrap_or_default().contains("script"));
    }

    #[test]
    fn tags_are_normalised() {
        let t = parse_tags(&["Billing".into(), " billing ".into(), "請求".into()]).expect("ok");
        assert_eq!(t, vec!["billing".to_string(), "請求".to_string()]);
        assert!(parse_tags(&["a,b".into()]).is_err());
        assert!(parse_tags(&["".into()]).is_err());
    }
}
