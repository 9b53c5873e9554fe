//! Charset labels → text, with fallbacks for the labels and bytes that real
//! mail clients get wrong.
//!
//! mail-parser (with `full_encoding`) already maps the common labels to
//! encoding_rs, whose WHATWG `Shift_JIS` and `EUC-KR` decoders are in fact
//! CP932 and CP949, which is what Japanese and Korean mailers actually send.
//! What it does not do is tell us when a label is unknown: it then decodes
//! as lossy UTF-8 and garbles legacy text without a trace. This module
//! resolves labels itself so that every fallback is chosen on purpose and
//! recorded as a note.

use encoding_rs::Encoding;

/// How one charset label is decoded.
#[derive(Clone, Copy)]
pub(crate) enum Charset {
    /// Any encoding_rs encoding (UTF-8 included).
    Rs(&'static Encoding),
    /// UTF-7 (RFC 2152). Our own decoder: mail-parser's drops the
    /// character that implicitly ends a base64 run ("+AOk latte" loses the
    /// space), and encoding_rs has none.
    Utf7,
    /// A decoder only mail-parser has (IBM850, Mac Roman, …).
    MailParser(mail_parser::decoders::charsets::DecoderFnc),
}

/// Aliases seen in mail that neither encoding_rs nor mail-parser know, or
/// that they map to a narrower encoding than the sending client used.
fn alias(label: &str) -> Option<&'static Encoding> {
    Some(match label {
        // Windows and Java names for the Microsoft variants of Japanese/Korean.
        "cp932" | "ms932" | "windows-31j" | "x-ms-cp932" | "shift-jis" | "x-sjis" | "sjis"
        | "sjis-open" | "sjis-win" | "ibm-943" | "cp943" => encoding_rs::SHIFT_JIS,
        "cp949" | "ms949" | "uhc" | "x-windows-949" | "windows-949" | "ks_c_5601"
        | "ks_c_5601-1989" | "x-euc-kr" | "ksc5601" | "euckr" => encoding_rs::EUC_KR,
        "cp51932" | "euc-jp-ms" | "eucjp" | "eucjp-win" | "x-eucjp" => encoding_rs::EUC_JP,
        // The -1/-2/-3 and Microsoft extensions are supersets that share the
        // common escapes; decoding them as plain ISO-2022-JP is the best we can do.
        "iso-2022-jp-1" | "iso-2022-jp-2" | "iso-2022-jp-3" | "iso-2022-jp-ms" | "cp50220"
        | "cp50221" | "cp50222" | "jis" => encoding_rs::ISO_2022_JP,
        "latin7" | "l7" | "iso8859-13" | "iso_8859-13" | "iso885913" => encoding_rs::ISO_8859_13,
        "cp1257" | "x-cp1257" | "windows1257" => encoding_rs::WINDOWS_1257,
        "cp1252" | "windows1252" | "ansi" => encoding_rs::WINDOWS_1252,
        "latin-9" | "iso8859-15" | "iso885915" => encoding_rs::ISO_8859_15,
        "utf8" | "utf-8" | "x-utf8" => encoding_rs::UTF_8,
        _ => return None,
    })
}

/// Resolves a charset label (case-insensitive, quotes and language tags
/// ignored). `None` means nobody knows this label.
pub(crate) fn resolve(label: &str) -> Option<Charset> {
    let label = normalise_label(label);
    if label.is_empty() {
        return None;
    }
    if let Some(enc) = alias(&label) {
        return Some(Charset::Rs(enc));
    }
    if matches!(
        label.as_str(),
        "utf-7" | "utf7" | "unicode-1-1-utf-7" | "csunicode11utf7" | "x-utf-7"
    ) {
        return Some(Charset::Utf7);
    }
    if let Some(enc) = Encoding::for_label_no_replacement(label.as_bytes()) {
        return Some(Charset::Rs(enc));
    }
    mail_parser::decoders::charsets::map::charset_decoder(label.as_bytes()).map(Charset::MailParser)
}

/// True when the label maps to an encoding_rs encoding (where mail-parser
/// and we decode alike).
pub(crate) fn is_plain_encoding(label: &str) -> bool {
    matches!(resolve(label), Some(Charset::Rs(_)))
}

/// Lowercases a label and drops quotes and an RFC 2231 language suffix.
pub(crate) fn normalise_label(label: &str) -> String {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'');
    let label = label.split('*').next().unwrap_or_default();
    label.trim().to_ascii_lowercase()
}

/// Decodes body or parameter bytes declared with `label` (or undeclared when
/// `None`), appending a note whenever a fallback or repair was needed.
pub(crate) fn decode(bytes: &[u8], label: Option<&str>, notes: &mut Vec<String>) -> String {
    decode_with(bytes, label, notes, true)
}

/// Like [`decode`], but invalid UTF-8 stays invalid (U+FFFD) instead of
/// being re-read as a legacy charset: a fragment of an encoded word is not
/// enough text to guess from, and may be completed by the next word.
pub(crate) fn decode_fragment(bytes: &[u8], label: &str, notes: &mut Vec<String>) -> String {
    decode_with(bytes, Some(label), notes, false)
}

fn decode_with(
    bytes: &[u8],
    label: Option<&str>,
    notes: &mut Vec<String>,
    guess_mislabelled: bool,
) -> String {
    let Some(label) = label.filter(|l| !normalise_label(l).is_empty()) else {
        return decode_undeclared(bytes, "no charset declared", notes);
    };
    match resolve(label) {
        Some(Charset::Rs(enc)) if enc == encoding_rs::UTF_8 => {
            match std::str::from_utf8(strip_utf8_bom(bytes)) {
                Ok(text) => text.to_string(),
                Err(_) if !guess_mislabelled => String::from_utf8_lossy(bytes).into_owned(),
                Err(_) => {
                    // A legacy encoding mislabelled as UTF-8 is common with old
                    // clients; only trust the guess if it decodes cleanly.
                    let guess = guess_legacy(bytes);
                    let (text, had_errors) = guess.decode_without_bom_handling(bytes);
                    if had_errors {
                        notes.push(format!(
                            "invalid UTF-8 in text declared as {}; bad bytes replaced",
                            normalise_label(label)
                        ));
                        String::from_utf8_lossy(bytes).into_owned()
                    } else {
                        notes.push(format!(
                            "text declared as {} is not UTF-8; decoded as {} (guessed)",
                            normalise_label(label),
                            guess.name()
                        ));
                        text.into_owned()
                    }
                }
            }
        }
        Some(Charset::Rs(enc)) => {
            let (text, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                notes.push(format!(
                    "malformed {} bytes replaced with U+FFFD",
                    enc.name()
                ));
            }
            text.into_owned()
        }
        Some(Charset::Utf7) => decode_utf7(bytes),
        Some(Charset::MailParser(decoder)) => decoder(bytes),
        None => {
            let reason = format!("unknown charset {}", normalise_label(label));
            decode_undeclared(bytes, &reason, notes)
        }
    }
}

/// Text whose charset we do not know: UTF-8 if it is valid UTF-8, otherwise
/// the most likely legacy encoding. Pure ASCII needs no note.
fn decode_undeclared(bytes: &[u8], reason: &str, notes: &mut Vec<String>) -> String {
    if let Ok(text) = std::str::from_utf8(strip_utf8_bom(bytes)) {
        if !text.is_ascii() || reason != "no charset declared" {
            notes.push(format!("{reason}; decoded as UTF-8"));
        }
        return text.to_string();
    }
    let guess = guess_legacy(bytes);
    let (text, _) = guess.decode_without_bom_handling(bytes);
    notes.push(format!("{reason}; decoded as {}", guess.name()));
    text.into_owned()
}

/// Decodes raw 8-bit header bytes (RFC 6532 allows UTF-8; anything else is
/// a legacy client). `hint` is the charset the message declares elsewhere,
/// which is what such clients almost always used for their headers too.
/// Returns the text and, when a legacy guess was needed, the encoding used.
pub(crate) fn decode_header_bytes(
    bytes: &[u8],
    hint: Option<&'static Encoding>,
) -> (String, Option<&'static Encoding>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), None);
    }
    if let Some(hint) = hint.filter(|h| *h != encoding_rs::UTF_8 && h.is_ascii_compatible()) {
        let (text, had_errors) = hint.decode_without_bom_handling(bytes);
        if !had_errors {
            return (text.into_owned(), Some(hint));
        }
    }
    let guess = guess_legacy(bytes);
    let (text, _) = guess.decode_without_bom_handling(bytes);
    (text.into_owned(), Some(guess))
}

/// The encoding_rs encoding for a label, when it is one we may use as a
/// hint for undeclared header bytes.
pub(crate) fn hint_for_label(label: &str) -> Option<&'static Encoding> {
    match resolve(label)? {
        Charset::Rs(enc) if enc.is_ascii_compatible() && enc != encoding_rs::UTF_8 => Some(enc),
        _ => None,
    }
}

/// Best legacy (non-UTF-8) guess for bytes that are not valid UTF-8.
pub(crate) fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    if guess == encoding_rs::UTF_8 || !guess.is_ascii_compatible() {
        encoding_rs::WINDOWS_1252
    } else {
        guess
    }
}

/// RFC 2152 UTF-7: `+` starts modified base64 of UTF-16, which ends at the
/// first non-base64 byte; only an explicit `-` terminator is absorbed.
fn decode_utf7(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if byte != b'+' {
            out.push(if byte.is_ascii() {
                char::from(byte)
            } else {
                '\u{FFFD}'
            });
            continue;
        }
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let mut units = Vec::new();
        let (mut acc, mut bits) = (0u32, 0u32);
        while let Some(value) = bytes.get(i).and_then(|b| base64_value(*b)) {
            acc = (acc << 6) | u32::from(value);
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push((acc >> bits) as u16);
                acc &= (1 << bits) - 1;
            }
            i += 1;
        }
        out.push_str(&String::from_utf16_lossy(&units));
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    out
}

fn base64_value(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8], label: &str) -> (String, Vec<String>) {
        let mut notes = Vec::new();
        let text = decode(bytes, Some(label), &mut notes);
        (text, notes)
    }

    #[test]
    fn known_labels_decode_without_notes() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("ISO-2022-JP", b"\x1b$B$3$s$K$A$O\x1b(B", "こんにちは"),
            // ① and ～ exist only in CP932, not in JIS X 0208 Shift_JIS.
            ("Shift_JIS", b"\x87\x40\x81\x60", "①～"),
            (
                "EUC-JP",
                b"\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf",
                "こんにちは",
            ),
            ("EUC-KR", b"\xbe\xc8\xb3\xe7", "안녕"),
            // 똠 is outside KS X 1001 and only exists in CP949 (UHC).
            ("ks_c_5601-1987", b"\x8c\x63", "똠"),
            ("ISO-8859-13", b"\xe2\xe8\xe7\xf0", "āčēš"),
            ("windows-1257", b"\xe2\xe8\xe7\xf0", "āčēš"),
            ("ISO-8859-1", b"\xe0 \xe7", "à ç"),
            ("ISO-8859-15", b"\xa4", "€"),
            ("windows-1252", b"\x80\x96", "€–"),
            ("UTF-8", "Gràcies".as_bytes(), "Gràcies"),
            ("UTF-7", b"Hi Mom -+Jjo--!", "Hi Mom -☺-!"),
            // A run ended by a space keeps the space; "+-" is a plus sign.
            (
                "UTF-7",
                b"caf+AOk latte +JhU but 1+-1",
                "café latte ☕ but 1+1",
            ),
            // A surrogate pair (U+1F600).
            ("utf-7", b"+2D3eAA-", "\u{1F600}"),
            ("cp949", b"\x8c\x63", "똠"),
            ("cp932", b"\x87\x40", "①"),
        ];
        for (label, bytes, want) in cases {
            let (text, notes) = dec(bytes, label);
            assert_eq!(&text, want, "label {label}");
            assert!(notes.is_empty(), "label {label}: {notes:?}");
        }
    }

    #[test]
    fn unknown_label_falls_back_and_notes_it() {
        let (text, notes) = dec(b"Caf\xe9", "x-foo");
        assert_eq!(text, "Café");
        assert_eq!(notes, ["unknown charset x-foo; decoded as windows-1252"]);

        let (text, notes) = dec("Café".as_bytes(), "x-foo");
        assert_eq!(text, "Café");
        assert_eq!(notes, ["unknown charset x-foo; decoded as UTF-8"]);
    }

    #[test]
    fn mislabelled_utf8_is_guessed() {
        let sjis = encoding_rs::SHIFT_JIS
            .encode("お問い合わせありがとうございます")
            .0;
        let (text, notes) = dec(&sjis, "utf-8");
        assert_eq!(text, "お問い合わせありがとうございます");
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn header_bytes_use_hint_then_guess() {
        let sjis = encoding_rs::SHIFT_JIS.encode("見積もり").0;
        let (text, used) = decode_header_bytes(&sjis, Some(encoding_rs::SHIFT_JIS));
        assert_eq!(text, "見積もり");
        assert_eq!(used, Some(encoding_rs::SHIFT_JIS));
        let (text, used) = decode_header_bytes("ok ✓".as_bytes(), None);
        assert_eq!(text, "ok ✓");
        assert_eq!(used, None);
    }
}
