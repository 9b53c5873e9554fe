//! Threading keys: what an inbound message offers for finding the
//! conversation it belongs to. Matching them against stored messages is the
//! ingest's job; it tries In-Reply-To, then References, then the subject
//! token. A same subject alone never threads, so the subject text itself is
//! deliberately not a key.

use crate::model::InboundMessage;

/// The keys, in the order the ingest tries them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ThreadKeys {
    /// In-Reply-To Message-ID (no angle brackets).
    pub in_reply_to: Option<String>,
    /// References, newest first (the parent is the most likely match), with
    /// In-Reply-To and duplicates removed.
    pub references: Vec<String>,
    /// Our conversation number from a `[#123]` token in the subject.
    pub subject_token: Option<u64>,
}

/// Extracts the threading keys of a message. Pure; never fails.
pub fn thread_keys(message: &InboundMessage) -> ThreadKeys {
    let in_reply_to = message.in_reply_to.clone();
    let mut references: Vec<String> = Vec::new();
    for id in message.references.iter().rev() {
        if Some(id) != in_reply_to.as_ref() && !references.contains(id) {
            references.push(id.clone());
        }
    }
    ThreadKeys {
        in_reply_to,
        references,
        subject_token: subject_token(&message.subject),
    }
}

/// Finds our `[#123]` token anywhere in a subject (so `Re: AW: [#123] x`,
/// `回复: x [#123]` and `Fwd: [#123]` all work). The first token wins.
/// Numbers that do not fit in a u64, or are zero, are not tokens.
pub fn subject_token(subject: &str) -> Option<u64> {
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && after.as_bytes().get(digits) == Some(&b']')
            && let Ok(id) = after[..digits].parse::<u64>()
            && id > 0
        {
            return Some(id);
        }
        rest = after;
    }
    None
}

/// Reply/forward prefixes clients add, lowercased, without the colon.
const PREFIXES: &[&str] = &[
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "vb", "tr", "rv", "enc", "res", "ref", "odp", "atb",
    "pārs", "답장", "회신", "전달", "回复", "回覆", "转发", "轉寄", "返信", "転送",
];

/// Removes leading reply/forward prefixes (`Re:`, `AW:`, `回复：`, `Re[2]:`)
/// and every `[#id]` token of ours, leaving the subject a person wrote.
pub fn base_subject(subject: &str) -> String {
    let without_tokens = remove_tokens(subject);
    let mut s = without_tokens.trim();
    while let Some((head, tail)) = s.split_once([':', '：']) {
        let head = head.trim().to_lowercase();
        // "Re[2]" and "Re(2)" are counted replies.
        let word = head
            .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, '[' | ']' | '(' | ')'));
        if PREFIXES.contains(&word) {
            s = tail.trim_start();
        } else {
            break;
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn remove_tokens(subject: &str) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut rest = subject;
    while let Some(start) = rest.find("[#") {
        let after = &rest[start + 2..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after.as_bytes().get(digits) == Some(&b']') {
            out.push_str(&rest[..start]);
            rest = &after[digits + 1..];
        } else {
            out.push_str(&rest[..start + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The subject of an outbound message in a conversation: the base subject
/// with `Re: ` when `reply` is set and exactly one `[#id]` token at the end.
pub fn subject_with_token(subject: &str, conversation_id: u64, reply: bool) -> String {
    let base = base_subject(subject);
    let prefix = if reply { "Re: " } else { "" };
    if base.is_empty() {
        format!("{prefix}[#{conversation_id}]")
    } else {
        format!("{prefix}{base} [#{conversation_id}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_anywhere_with_any_prefix() {
        for subject in [
            "[#123] Printer",
            "Re: Printer [#123]",
            "AW: SV: Re: [#123] Printer",
            "回复: 打印机 [#123]",
            "Fwd: Re: Printer [#123] [#456]",
            "Re:[#123]",
        ] {
            assert_eq!(subject_token(subject), Some(123), "{subject}");
        }
    }

    #[test]
    fn non_tokens() {
        for subject in [
            "Printer",
            "Order #123",
            "[123]",
            "[# 123]",
            "[#12a]",
            "[#]",
            "[#0]",
            "[#99999999999999999999999]",
            "[#",
        ] {
            assert_eq!(subject_token(subject), None, "{subject}");
        }
        assert_eq!(subject_token("[#x] [#7]"), Some(7));
    }

    #[test]
    fn subject_token_appears_exactly_once() {
        assert_eq!(subject_with_token("Printer", 42, true), "Re: Printer [#42]");
        assert_eq!(
            subject_with_token("Re: AW: Printer [#42]", 42, true),
            "Re: Printer [#42]"
        );
        assert_eq!(
            subject_with_token("[#42] Re: Printer", 42, false),
            "Printer [#42]"
        );
        assert_eq!(
            subject_with_token("回复：打印机", 7, true),
            "Re: 打印机 [#7]"
        );
        assert_eq!(subject_with_token("Re[2]: x", 7, true), "Re: x [#7]");
        assert_eq!(subject_with_token("", 7, true), "Re: [#7]");
        assert_eq!(
            subject_with_token("Report: Q3", 7, false),
            "Report: Q3 [#7]"
        );
    }

    #[test]
    fn keys_prefer_parent_and_deduplicate() {
        let message = InboundMessage {
            in_reply_to: Some("c@x".into()),
            references: vec!["a@x".into(), "b@x".into(), "a@x".into(), "c@x".into()],
            subject: "Re: Printer".into(),
            ..InboundMessage::default()
        };
        let keys = thread_keys(&message);
        assert_eq!(keys.in_reply_to.as_deref(), Some("c@x"));
        assert_eq!(keys.references, ["a@x", "b@x"]);
        // Same subject alone gives no key.
        assert_eq!(keys.subject_token, None);
    }
}
