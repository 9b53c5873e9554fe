//! Lenient Content-Transfer-Encoding decoders. Mail in the wild has
//! stray spaces in base64, missing padding, truncated parts and broken
//! `=XX` escapes; none of that may fail a message.

use mail_parser::Encoding;

/// Undoes a part's Content-Transfer-Encoding.
pub(crate) fn decode(raw: &[u8], encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Base64 => base64_decode(raw),
        Encoding::QuotedPrintable => quoted_printable_decode(raw),
        Encoding::None => raw.to_vec(),
    }
}

pub(crate) fn hex_byte(pair: &[u8]) -> Option<u8> {
    let hi = (pair.first()?).to_ascii_uppercase();
    let lo = (pair.get(1)?).to_ascii_uppercase();
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    Some(val(hi)? << 4 | val(lo)?)
}

/// Lenient base64: skips anything outside the alphabet (line breaks, stray
/// spaces), stops at padding, never fails.
pub(crate) fn base64_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in data {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Quoted-printable body decoding (soft line breaks, `=XX`), lenient.
pub(crate) fn quoted_printable_decode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        if data[i] == b'=' {
            if let Some(byte) = data.get(i + 1..i + 3).and_then(hex_byte) {
                out.push(byte);
                i += 3;
                continue;
            }
            // Soft line break: "=" then optional white space then (CR)LF.
            let mut j = i + 1;
            while matches!(data.get(j), Some(b' ' | b'\t')) {
                j += 1;
            }
            match data.get(j) {
                Some(b'\n') => {
                    i = j + 1;
                    continue;
                }
                Some(b'\r') if data.get(j + 1) == Some(&b'\n') => {
                    i = j + 2;
                    continue;
                }
                None => break,
                _ => {}
            }
        }
        out.push(data[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_decoders_are_lenient() {
        assert_eq!(base64_decode(b"aGVs\r\nbG8=\r\n"), b"hello");
        assert_eq!(base64_decode(b"aGVsbG8"), b"hello");
        assert_eq!(
            quoted_printable_decode(b"caf=C3=A9=\r\n ok=\n!"),
            "café ok!".as_bytes()
        );
        assert_eq!(quoted_printable_decode(b"a=zz="), b"a=zz");
    }
}
