//! Separating what the customer just wrote from the quoted history and the
//! signature, for the conversation view. The full text is always kept too;
//! this only decides what is shown first.

use std::borrow::Cow;

/// A message body split for display.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplyParts {
    /// What the sender wrote in this message.
    pub new_text: String,
    /// A trailing `-- ` signature (or "Sent from my phone" line) of the new
    /// text, marker included.
    pub signature: Option<String>,
    /// Quoted history: from the attribution line ("On … wrote:"), the
    /// Outlook header block or the first `>` line to the end.
    pub quoted: Option<String>,
}

/// Splits a plain-text body into the new text and everything hidden behind
/// "show quoted text" (signature and quoted history, in that order).
///
/// Interleaved replies, where the sender answers between quoted lines, are
/// not split: all of it is new text.
pub fn split_reply(text: &str) -> (String, String) {
    let parts = split_reply_parts(text);
    let hidden = [parts.signature, parts.quoted]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
    (parts.new_text, hidden)
}

/// Like [`split_reply`], keeping the signature and quoted history apart.
pub fn split_reply_parts(text: &str) -> ReplyParts {
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let lines: Vec<&str> = text.lines().collect();

    let cut = (0..lines.len()).find(|&i| history_starts_at(&lines, i));
    let cut = cut.filter(|&c| !is_interleaved(&lines, c));
    let body_end = cut.unwrap_or(lines.len());

    let sig = signature_start(&lines[..body_end]);
    let new_end = sig.unwrap_or(body_end);
    let new_text = join_trimmed(&lines[..new_end]);
    if new_text.is_empty() {
        // Nothing new (e.g. a bare forward of an Outlook thread): showing
        // an empty message would hide everything, so show it all.
        return ReplyParts {
            new_text: text.trim().to_string(),
            signature: None,
            quoted: None,
        };
    }
    ReplyParts {
        new_text,
        signature: sig
            .map(|s| join_trimmed(&lines[s..body_end]))
            .filter(|s| !s.is_empty()),
        quoted: cut
            .map(|c| join_trimmed(&lines[c..]))
            .filter(|s| !s.is_empty()),
    }
}

fn join_trimmed(lines: &[&str]) -> String {
    lines
        .join("\n")
        .trim_matches(|c: char| c == '\n' || c == ' ')
        .to_string()
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn history_starts_at(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if line.is_empty() {
        return false;
    }
    if is_quoted(line) || is_original_message_separator(line) || is_attribution_at(lines, i) {
        return true;
    }
    // Outlook puts a line of underscores above its header block.
    if line.len() >= 20 && line.chars().all(|c| c == '_') {
        return lines
            .get(i + 1)
            .is_some_and(|_| is_outlook_header_block(lines, i + 1));
    }
    is_outlook_header_block(lines, i) && !follows_forward_marker(lines, i)
}

/// A forwarded message's header block is content the customer wants us to
/// read, not history.
fn follows_forward_marker(lines: &[&str], i: usize) -> bool {
    lines[..i]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_forward_marker(l))
}

/// "---------- Forwarded message ---------" and its equivalents.
fn is_forward_marker(line: &str) -> bool {
    let lower = line.to_lowercase();
    [
        "forwarded message",
        "begin forwarded message",
        "mensaje reenviado",
        "missatge reenviat",
        "weitergeleitete nachricht",
        "message transféré",
        "pārsūtīta ziņa",
        "転送されたメッセージ",
        "転送メッセージ",
        "전달된 메시지",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// The start of what the sender wrote above any quoted or forwarded
/// history: at most `max_lines` non-empty lines, lowercased, with white
/// space collapsed to single spaces. Machine-mail detection reads it: a
/// bounce starts with its canned sentence, while a person who forwards a
/// bounce writes their own words here and the bounce follows the marker.
pub(crate) fn lead(text: &str, max_lines: usize) -> String {
    // Only the head matters; a long mail is not split line by line.
    let lines: Vec<&str> = text.lines().take(max_lines * 8 + 16).collect();
    let mut out = String::new();
    let mut taken = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if taken == max_lines || is_forward_marker(line) || history_starts_at(&lines, i) {
            break;
        }
        taken += 1;
        for word in line.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// "On … wrote:" and its equivalents, possibly wrapped over up to 3 lines
/// (Gmail wraps long ones). A wrapped match only counts when it does not
/// also match without line `i`, so the attribution starts where it starts.
fn is_attribution_at(lines: &[&str], i: usize) -> bool {
    let next_is_quote = |end: usize| {
        lines
            .iter()
            .skip(end)
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| is_quoted(l))
    };
    let joined = |from: usize, to: usize| {
        lines[from..to]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for end in i + 1..=(i + 3).min(lines.len()) {
        let last = lines[end - 1];
        if is_quoted(last) || last.trim().is_empty() {
            return false;
        }
        // Every attribution ends like this (see `is_attribution`):
        // checking it first spares joining and lowercasing every line of a
        // long mail.
        let tail = last.trim_end();
        if !(tail.ends_with([':', '：']) || tail.ends_with("書きました。")) {
            continue;
        }
        let text = joined(i, end);
        if text.chars().count() > 400 {
            return false;
        }
        if is_attribution(&text, next_is_quote(end)) {
            return end == i + 1 || !is_attribution(&joined(i + 1, end), false);
        }
    }
    false
}

fn is_attribution(line: &str, next_is_quote: bool) -> bool {
    let lower = line.to_lowercase();
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| lower.ends_with(s));
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    // en, de, fr, es, ca: "<On> … <wrote>:"
    (starts(&["on "]) && ends(&["wrote:"]))
        || (starts(&["am "]) && ends(&["schrieb:"]))
        || (starts(&["le "]) && ends(&["a écrit :", "a écrit:"]))
        || (starts(&["el "]) && ends(&["escribió:", "va escriure:", "ha escrit:"]))
        // lv (Gmail: "… lietotājs X (<x@y>) rakstīja:")
        || ends(&["rakstīja:", "rakstīja :"])
        // ja (Gmail "…のメッセージ:"/"…<a@b>:", Thunderbird "…さんは書きました:")
        || ends(&["のメッセージ:", "のメッセージ：", "書きました:", "書きました：", "書きました。"])
        || (lower.contains('年') && lower.contains('日') && ends(&[">:", ">："]))
        // ko (Gmail "…님이 작성:")
        || ends(&["님이 작성:", "님이 작성：", "작성:"]) && lower.contains('님')
        // A bare "X wrote:" only counts when quoted lines follow.
        || (next_is_quote
            && ends(&[
                "wrote:",
                "schrieb:",
                "a écrit :",
                "escribió:",
                "va escriure:",
                "rakstīja:",
            ]))
}

fn is_original_message_separator(line: &str) -> bool {
    if !(line.starts_with("---") || line.starts_with("___")) {
        return false;
    }
    let lower = line.to_lowercase();
    [
        "original message",
        "mensaje original",
        "missatge original",
        "message d'origine",
        "ursprüngliche nachricht",
        "oriģinālā ziņa",
        "sākotnējā ziņa",
        "元のメッセージ",
        "원본 메시지",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

/// Outlook's "From: … / Sent: … / To: … / Subject: …" block, localised.
fn is_outlook_header_block(lines: &[&str], i: usize) -> bool {
    const FROM: &[&str] = &[
        "from:",
        "de:",
        "von:",
        "差出人:",
        "差出人：",
        "보낸 사람:",
        "no:",
        "da:",
    ];
    const SENT: &[&str] = &[
        "sent:",
        "date:",
        "enviado:",
        "enviat:",
        "envoyé :",
        "envoyé:",
        "gesendet:",
        "送信日時:",
        "送信日時：",
        "보낸 날짜:",
        "nosūtīts:",
        "data:",
        "fecha:",
    ];
    const OTHER: &[&str] = &[
        "to:",
        "subject:",
        "para:",
        "per a:",
        "a:",
        "à :",
        "an:",
        "宛先:",
        "件名:",
        "받는 사람:",
        "제목:",
        "kam:",
        "tēma:",
        "asunto:",
        "assumpte:",
        "objet :",
        "betreff:",
    ];
    // Only the start of a line matters: lowercasing its first 16
    // characters (each becomes at least one) covers the longest prefix.
    // Every prefix ends in a colon, so a line without one there is passed
    // over without lowercasing it (this runs for every line of a mail).
    let starts = |line: &str, set: &[&str]| {
        let head = line.trim_start_matches(['*', ' ']);
        if !head.chars().take(16).any(|c| c == ':' || c == '：') {
            return false;
        }
        let lower: String = head.chars().take(16).flat_map(char::to_lowercase).collect();
        set.iter().any(|p| lower.starts_with(p))
    };
    if !starts(lines[i], FROM) {
        return false;
    }
    let window = lines.iter().skip(i + 1).take(5);
    let mut sent = false;
    let mut other = false;
    for line in window {
        sent |= starts(line, SENT);
        other |= starts(line, OTHER);
    }
    sent && other
}

/// True when unquoted text follows quoted lines after `cut`: the sender is
/// answering inline and everything is new.
fn is_interleaved(lines: &[&str], cut: usize) -> bool {
    if !is_quoted(lines[cut]) && !is_attribution_at(lines, cut) {
        return false; // Outlook blocks and separators run to the end.
    }
    let mut seen_quote = false;
    for (offset, line) in lines.iter().enumerate().skip(cut) {
        if is_quoted(line) {
            seen_quote = true;
        } else if line.trim().is_empty() || !seen_quote {
            continue;
        } else if is_signature_marker(line) {
            return false;
        } else if is_attribution_at(lines, offset) {
            seen_quote = false;
        } else {
            return true;
        }
    }
    false
}

fn is_signature_marker(line: &str) -> bool {
    line == "-- " || line == "--" || line == "-- \r"
}

/// Start of the trailing signature of the new text, if any.
fn signature_start(lines: &[&str]) -> Option<usize> {
    if let Some(pos) = lines.iter().rposition(|l| is_signature_marker(l)) {
        return Some(pos);
    }
    // "Sent from my iPhone" and friends as the last line.
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    let lower = lines[last].trim().to_lowercase();
    const MOBILE: &[&str] = &[
        "sent from my ",
        "enviado desde mi ",
        "enviat des del meu ",
        "envoyé de mon ",
        "von meinem ",
        "nosūtīts no mana ",
        "iphoneから送信",
        "android에서 보냄",
        "iphone에서 보냄",
    ];
    MOBILE.iter().any(|m| lower.starts_with(m)).then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> (String, String) {
        split_reply(text)
    }

    #[test]
    fn english_attribution_and_quotes() {
        let text = "Thanks, that fixed it.\n\nOn Mon, 8 Jan 2024 at 10:00, Tend Support <support@tend.example> wrote:\n> Please restart the router.\n> Regards";
        let (new, rest) = split(text);
        assert_eq!(new, "Thanks, that fixed it.");
        assert!(rest.starts_with("On Mon, 8 Jan 2024"));
        assert!(rest.ends_with("> Regards"));
    }

    #[test]
    fn wrapped_gmail_attribution() {
        let text = "Yes.\n\nOn Mon, Jan 8, 2024 at 10:00 AM Tend Support <\nsupport@tend.example> wrote:\n\n> Old";
        assert_eq!(split(text).0, "Yes.");
    }

    #[test]
    fn japanese_korean_latvian_catalan_attributions() {
        for (text, new) in [
            (
                "ありがとうございます。\n\n2024年1月8日(月) 10:00 Tend Support <support@tend.example>:\n> 古い",
                "ありがとうございます。",
            ),
            (
                "了解です。\n\n2024/01/08 10:00 山田太郎 のメッセージ:\n> 古い",
                "了解です。",
            ),
            (
                "了解です。\n\n山田太郎さんは書きました:\n> 古い",
                "了解です。",
            ),
            (
                "감사합니다.\n\n2024년 1월 8일 (월) 오전 10:00, 김민수 <minsu@example.kr>님이 작성:\n> 이전",
                "감사합니다.",
            ),
            (
                "Paldies!\n\npirmd., 2024. g. 8. janv., plkst. 10:00 — lietotājs Jānis (<janis@example.lv>) rakstīja:\n> vecs",
                "Paldies!",
            ),
            (
                "Gràcies!\n\nEl dl., 8 de gen. 2024 a les 10:00, Jordi Puig (<jordi@example.cat>) va escriure:\n> antic",
                "Gràcies!",
            ),
        ] {
            let (got, rest) = split(text);
            assert_eq!(got, new, "{text}");
            assert!(!rest.is_empty());
        }
    }

    #[test]
    fn outlook_blocks() {
        let text = "See below.\n\n-----Original Message-----\nFrom: Ann\nSent: Monday\nTo: B\nSubject: X\n\nOld";
        assert_eq!(split(text).0, "See below.");
        let text = "Hola\n\n________________________________\nDe: Ann <a@b.c>\nEnviado: lunes\nPara: B\nAsunto: X\n\nOld";
        assert_eq!(split(text).0, "Hola");
        let text =
            "はい。\n\n差出人: 山田\n送信日時: 2024年1月8日\n宛先: support\n件名: 質問\n\n古い";
        assert_eq!(split(text).0, "はい。");
    }

    #[test]
    fn signature_is_separated() {
        let parts = split_reply_parts("Hello\n\n-- \nAnn Smith\nACME\n\nOn Mon, Bob wrote:\n> hi");
        assert_eq!(parts.new_text, "Hello");
        assert_eq!(parts.signature.as_deref(), Some("-- \nAnn Smith\nACME"));
        assert_eq!(parts.quoted.as_deref(), Some("On Mon, Bob wrote:\n> hi"));
        let parts = split_reply_parts("Ok\n\nSent from my iPhone");
        assert_eq!(parts.new_text, "Ok");
        assert_eq!(parts.signature.as_deref(), Some("Sent from my iPhone"));
    }

    #[test]
    fn interleaved_replies_are_not_split() {
        let text = "On Mon, Bob wrote:\n> Is it on?\nYes.\n> And plugged in?\nAlso yes.";
        assert_eq!(split(text), (text.to_string(), String::new()));
    }

    #[test]
    fn lead_stops_at_history_and_forwards() {
        let text = "Hi,\n\nthis   bounced.\n\n---------- Forwarded message ---------\nFrom: MAILER-DAEMON\n\nThis is the mail system";
        assert_eq!(lead(text, 10), "hi, this bounced.");
        assert_eq!(lead("On Mon, Ann wrote:\n> x", 10), "");
        assert_eq!(lead("a\nb\nc", 2), "a b");
    }

    #[test]
    fn plain_text_and_forwards_are_kept() {
        assert_eq!(
            split("Just text\nline 2"),
            ("Just text\nline 2".into(), String::new())
        );
        let fwd = "FYI\n\n---------- Forwarded message ---------\nFrom: A\nDate: Mon\nSubject: X\nTo: B\n\nBody";
        assert_eq!(split(fwd), (fwd.to_string(), String::new()));
        let only_history = "-----Original Message-----\nFrom: A\nSent: B\nTo: C\n\nOld";
        assert_eq!(split(only_history).0, only_history);
    }
}
