//! Header value decoding that mail-parser does not do the way a reader
//! expects: RFC 2047 encoded words whose bytes are split across words, and
//! RFC 2231 parameters whose continuations share one charset.

use crate::{charset, transfer};

/// Unfolds and decodes an unstructured header value (Subject and the like).
///
/// Adjacent encoded words are joined *before* charset decoding, because
/// clients split long subjects mid-character (a UTF-8 sequence or an
/// ISO-2022-JP escape run) across words; decoding each word alone would
/// leave U+FFFD in the middle of a Japanese subject.
pub(crate) fn decode_unstructured(raw: &[u8], notes: &mut Vec<String>) -> String {
    let unfolded = unfold(raw);
    let mut out = String::new();
    // Pending run of encoded words that share a charset.
    let mut run: Option<(String, Vec<Vec<u8>>)> = None;
    // Whitespace seen after an encoded word; dropped if another word follows.
    let mut gap: Vec<u8> = Vec::new();
    let mut text: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < unfolded.len() {
        if let Some((label, bytes, len)) = encoded_word(&unfolded[i..]) {
            if !text.is_empty() {
                flush_run(&mut run, &mut out, notes);
                out.push_str(&raw_text(&text));
                text.clear();
            }
            gap.clear();
            match &mut run {
                Some((run_label, words)) if run_label.eq_ignore_ascii_case(&label) => {
                    words.push(bytes)
                }
                _ => {
                    flush_run(&mut run, &mut out, notes);
                    run = Some((label, vec![bytes]));
                }
            }
            i += len;
            continue;
        }
        let byte = unfolded[i];
        if run.is_some() && text.is_empty() && (byte == b' ' || byte == b'\t') {
            gap.push(byte);
        } else {
            if !gap.is_empty() {
                text.append(&mut gap);
            }
            text.push(byte);
        }
        i += 1;
    }
    flush_run(&mut run, &mut out, notes);
    text.append(&mut gap);
    out.push_str(&raw_text(&text));
    out.trim().to_string()
}

/// Decodes a run of encoded words in one charset. Words are decoded one by
/// one (stateful charsets such as ISO-2022-JP reset in every word, and
/// joining them would put two escape sequences side by side, which
/// decoders reject); only if that leaves broken characters are the bytes
/// joined, which repairs characters split across words.
fn flush_run(run: &mut Option<(String, Vec<Vec<u8>>)>, out: &mut String, notes: &mut Vec<String>) {
    let Some((label, words)) = run.take() else {
        return;
    };
    let mut separate_notes = Vec::new();
    let mut best: String = words
        .iter()
        .map(|w| charset::decode_fragment(w, &label, &mut separate_notes))
        .collect();
    let mut best_notes = separate_notes;
    let broken = |s: &str| s.matches('\u{FFFD}').count();
    if broken(&best) > 0 && words.len() > 1 {
        let mut joined_notes = Vec::new();
        let joined = charset::decode_fragment(&words.concat(), &label, &mut joined_notes);
        if broken(&joined) < broken(&best) {
            best = joined;
            best_notes = joined_notes;
        }
    }
    if broken(&best) > 0 {
        // Still broken: maybe legacy bytes labelled UTF-8; decode() decides.
        let mut guessed_notes = Vec::new();
        let guessed = charset::decode(&words.concat(), Some(&label), &mut guessed_notes);
        if broken(&guessed) < broken(&best) {
            best = guessed;
            best_notes = guessed_notes;
        }
    }
    out.push_str(&best);
    push_unique(notes, best_notes);
}

fn push_unique(notes: &mut Vec<String>, new: Vec<String>) {
    for note in new {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
}

/// Raw header text: UTF-8 when valid (RFC 6532), else a legacy guess. The
/// parser transcodes 8-bit header blocks before we get here, so this is
/// only a last line of defence.
fn raw_text(bytes: &[u8]) -> String {
    charset::decode_header_bytes(bytes, None).0
}

/// Removes folding line breaks (CRLF or LF followed by white space keeps the
/// white space) and any stray CR/LF.
pub(crate) fn unfold(raw: &[u8]) -> Vec<u8> {
    raw.iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect()
}

/// Parses one `=?charset?B|Q?data?=` at the start of `input`, returning the
/// charset label, decoded bytes and the length consumed.
fn encoded_word(input: &[u8]) -> Option<(String, Vec<u8>, usize)> {
    let rest = input.strip_prefix(b"=?")?;
    let charset_len = rest.iter().take(80).position(|b| *b == b'?')?;
    let label = &rest[..charset_len];
    if label.is_empty() || label.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let rest = &rest[charset_len + 1..];
    let (&kind, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    let data_len = rest.iter().position(|b| *b == b'?')?;
    if rest.get(data_len + 1) != Some(&b'=') {
        return None;
    }
    let data = &rest[..data_len];
    let bytes = match kind {
        b'B' | b'b' => transfer::base64_decode(data),
        b'Q' | b'q' => q_decode(data),
        _ => return None,
    };
    let consumed = 2 + charset_len + 1 + 2 + data_len + 2;
    Some((String::from_utf8_lossy(label).into_owned(), bytes, consumed))
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte; malformed escapes stay as-is.
fn q_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'_' => out.push(b' '),
            b'=' => {
                if let Some(byte) = data.get(i + 1..i + 3).and_then(transfer::hex_byte) {
                    out.push(byte);
                    i += 3;
                    continue;
                }
                out.push(b'=');
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}

/// One parameter of a MIME header as written on the wire.
struct RawParam {
    name: String,
    section: Option<u32>,
    extended: bool,
    value: Vec<u8>,
}

/// Reads parameter `name` (e.g. `filename`) from a structured MIME header
/// value such as `attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=...`.
///
/// RFC 2231 continuations are joined as bytes and decoded once with the
/// charset of section 0 (mail-parser decodes each section on its own and
/// loses the charset after the first). Plain values may hold RFC 2047
/// encoded words (Outlook) or raw 8-bit text (old Japanese clients).
pub(crate) fn param(raw: &[u8], name: &str, notes: &mut Vec<String>) -> Option<String> {
    let unfolded = unfold(raw);
    let params: Vec<RawParam> = parse_params(&unfolded)
        .into_iter()
        .filter(|p| p.name.eq_ignore_ascii_case(name))
        .collect();
    if params.is_empty() {
        return None;
    }

    let mut sections: Vec<&RawParam> = params.iter().filter(|p| p.section.is_some()).collect();
    if !sections.is_empty() {
        sections.sort_by_key(|p| p.section);
        sections.dedup_by_key(|p| p.section);
        let mut label = None;
        let mut bytes = Vec::new();
        for (index, section) in sections.iter().enumerate() {
            if section.extended {
                let mut value = section.value.as_slice();
                if index == 0 {
                    let (l, v) = split_extended(value);
                    label = l;
                    value = v;
                }
                bytes.extend(percent_decode(value));
            } else {
                bytes.extend_from_slice(&section.value);
            }
        }
        return Some(decode_param_bytes(&bytes, label.as_deref(), notes));
    }

    if let Some(extended) = params.iter().find(|p| p.extended) {
        let (label, value) = split_extended(&extended.value);
        let bytes = percent_decode(value);
        return Some(decode_param_bytes(&bytes, label.as_deref(), notes));
    }

    let plain = params.first()?;
    Some(decode_unstructured(&plain.value, notes))
}

fn decode_param_bytes(bytes: &[u8], label: Option<&str>, notes: &mut Vec<String>) -> String {
    match label {
        Some(label) if !label.is_empty() => charset::decode(bytes, Some(label), notes),
        // No charset: RFC 2231 says US-ASCII, clients mean UTF-8 or worse.
        _ => charset::decode_header_bytes(bytes, None).0,
    }
}

/// Splits `charset'language'value` into the charset and the value.
fn split_extended(value: &[u8]) -> (Option<String>, &[u8]) {
    let mut parts = value.splitn(3, |b| *b == b'\'');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(label), Some(_lang), Some(rest)) => {
            (Some(String::from_utf8_lossy(label).into_owned()), rest)
        }
        _ => (None, value),
    }
}

fn percent_decode(value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'%'
            && let Some(byte) = value.get(i + 1..i + 3).and_then(transfer::hex_byte)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// Splits `type/sub; a=b; c="d; e"` into parameters, honouring quotes.
fn parse_params(value: &[u8]) -> Vec<RawParam> {
    let mut params = Vec::new();
    let mut i = skip_until_semicolon(value, 0);
    while i < value.len() {
        i += 1; // the ';'
        while i < value.len() && value[i].is_ascii_whitespace() {
            i += 1;
        }
        let name_start = i;
        while i < value.len() && !matches!(value[i], b'=' | b';') {
            i += 1;
        }
        let full_name = String::from_utf8_lossy(&value[name_start..i])
            .trim()
            .to_string();
        if value.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while i < value.len() && value[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut raw_value = Vec::new();
        if value.get(i) == Some(&b'"') {
            i += 1;
            while i < value.len() && value[i] != b'"' {
                if value[i] == b'\\' && i + 1 < value.len() {
                    i += 1;
                }
                raw_value.push(value[i]);
                i += 1;
            }
            i = skip_until_semicolon(value, i);
        } else {
            let start = i;
            i = skip_until_semicolon(value, i);
            raw_value.extend_from_slice(value[start..i].trim_ascii());
        }

        let (base, extended) = match full_name.strip_suffix('*') {
            Some(base) => (base, true),
            None => (full_name.as_str(), false),
        };
        let (name, section) = match base.rsplit_once('*') {
            Some((n, s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                (n, s.parse().ok())
            }
            _ => (base, None),
        };
        params.push(RawParam {
            name: name.to_string(),
            section,
            extended,
            value: raw_value,
        });
    }
    params
}

/// Index of the next `;` outside quotes at or after `i` (or the end).
fn skip_until_semicolon(value: &[u8], mut i: usize) -> usize {
    let mut quoted = false;
    while i < value.len() {
        match value[i] {
            b'"' => quoted = !quoted,
            b'\\' if quoted => i += 1,
            b';' if !quoted => return i,
            _ => {}
        }
        i += 1;
    }
    value.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(raw: &str) -> String {
        let mut notes = Vec::new();
        decode_unstructured(raw.as_bytes(), &mut notes)
    }

    #[test]
    fn joins_words_split_mid_character() {
        // "日本" split after the first byte of 本 (E6 9C AC).
        assert_eq!(subject("=?UTF-8?B?5pel5p==?=\r\n =?UTF-8?B?nKw=?="), "日本");
        assert_eq!(
            subject("=?utf-8?q?=E6=97=A5=E6?= =?utf-8?q?=9C=AC?= x"),
            "日本 x"
        );
    }

    #[test]
    fn iso_2022_jp_words_decode_one_by_one() {
        // Each word resets to ASCII (ESC ( B); joining the bytes would put
        // ESC ( B directly before ESC $ B.
        let mut notes = Vec::new();
        let raw = b"=?ISO-2022-JP?B?GyRCJDMkcxsoQg==?=\r\n =?ISO-2022-JP?B?GyRCJEskQSRPGyhC?=";
        assert_eq!(decode_unstructured(raw, &mut notes), "こんにちは");
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn keeps_white_space_between_text_and_words() {
        assert_eq!(subject("Re: =?utf-8?q?Caf=C3=A9?= time"), "Re: Café time");
        assert_eq!(subject("=?utf-8?q?a?= =?iso-8859-1?q?b?="), "ab");
        assert_eq!(subject("=?utf-8?q?a?=  plain"), "a  plain");
        assert_eq!(subject("not =? a word"), "not =? a word");
    }

    #[test]
    fn rfc2231_continuations_share_one_charset() {
        let mut notes = Vec::new();
        let raw = b"attachment;\r\n filename*0*=utf-8''%E6%97;\r\n filename*1*=%A5%E6%9C%AC.pdf";
        assert_eq!(
            param(raw, "filename", &mut notes).as_deref(),
            Some("日本.pdf")
        );
        let raw = b"attachment; filename*1*=%96%7B.txt; filename*0*=shift_jis'ja'%93%FA";
        assert_eq!(
            param(raw, "filename", &mut notes).as_deref(),
            Some("日本.txt")
        );
        // Unencoded sections mixed with encoded ones, quoted.
        let raw = b"attachment; filename*0*=iso-8859-13''%E2; filename*1=\"b ols.txt\"";
        assert_eq!(
            param(raw, "filename", &mut notes).as_deref(),
            Some("āb ols.txt")
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn plain_quoted_and_encoded_word_params() {
        let mut notes = Vec::new();
        assert_eq!(
            param(
                b"image/png; name=\"=?utf-8?B?5pel5pys?=.png\"",
                "name",
                &mut notes
            )
            .as_deref(),
            Some("日本.png")
        );
        assert_eq!(
            param(
                b"attachment; filename=\"a;b.txt\"; size=3",
                "filename",
                &mut notes
            )
            .as_deref(),
            Some("a;b.txt")
        );
        assert_eq!(
            param(
                b"attachment; filename*=utf-8'ca'Factura%20n%C3%BAm.pdf",
                "filename",
                &mut notes
            )
            .as_deref(),
            Some("Factura núm.pdf")
        );
        assert_eq!(param(b"inline", "filename", &mut notes), None);
    }
}
