//! Outlook's `winmail.dat`: the files inside become attachments of their
//! own, with their real (long, non-ASCII) names; the TNEF part itself is
//! kept; a damaged stream keeps what came before the damage and says so.
//! The streams are written here, field by field, as MS-OXTNEF lays them out.

// Helpers may unwrap: a panic there is a failed test with a location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use proptest::prelude::*;
use tend_mail::{parse, unpack_tnef};

/// One attribute: level, id, length, data, checksum.
fn attr(level: u8, id: u32, data: &[u8]) -> Vec<u8> {
    let mut out = vec![level];
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// A stream: signature, legacy key, version, OEM code page, then `attrs`.
fn stream(code_page: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = 0x223E_9F78u32.to_le_bytes().to_vec();
    out.extend_from_slice(&0x0001u16.to_le_bytes());
    out.extend(attr(1, 0x0008_9006, &[0, 0, 1, 0]));
    let mut cp = code_page.to_le_bytes().to_vec();
    cp.extend_from_slice(&[0; 4]);
    out.extend(attr(1, 0x0006_9007, &cp));
    // A message attribute Tend does not read: the message class.
    out.extend(attr(1, 0x0007_8008, b"IPM.Microsoft Mail.Note\0"));
    for a in attrs {
        out.extend_from_slice(a);
    }
    out
}

fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

enum Prop<'a> {
    Unicode(u16, &'a str),
    String8(u16, &'a [u8]),
    Binary(u16, &'a [u8]),
    Long(u16, u32),
    SysTime(u16),
    /// A named property (string name) holding a PT_LONG.
    Named(&'a str),
    /// A multi-valued PT_UNICODE.
    MultiUnicode(u16, &'a [&'a str]),
}

fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(|u| u.to_le_bytes())
        .collect()
}

/// An `attAttachment` MAPI property block.
fn props(list: &[Prop<'_>]) -> Vec<u8> {
    let mut out = (list.len() as u32).to_le_bytes().to_vec();
    let var = |out: &mut Vec<u8>, ty: u16, id: u16, values: &[Vec<u8>]| {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for v in values {
            out.extend_from_slice(&(v.len() as u32).to_le_bytes());
            out.extend_from_slice(v);
            pad(out);
        }
    };
    for p in list {
        match p {
            Prop::Unicode(id, s) => var(&mut out, 0x001F, *id, &[utf16z(s)]),
            Prop::String8(id, b) => {
                let mut v = b.to_vec();
                v.push(0);
                var(&mut out, 0x001E, *id, &[v]);
            }
            Prop::Binary(id, b) => var(&mut out, 0x0102, *id, &[b.to_vec()]),
            Prop::MultiUnicode(id, list) => {
                let values: Vec<Vec<u8>> = list.iter().map(|s| utf16z(s)).collect();
                var(&mut out, 0x101F, *id, &values);
            }
            Prop::Long(id, v) => {
                out.extend_from_slice(&0x0003u16.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&v.to_le_bytes());
            }
            Prop::SysTime(id) => {
                out.extend_from_slice(&0x0040u16.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&0x01DB_0000_0000_0000u64.to_le_bytes());
            }
            Prop::Named(name) => {
                out.extend_from_slice(&0x0003u16.to_le_bytes());
                out.extend_from_slice(&0x8005u16.to_le_bytes());
                out.extend_from_slice(&[0x11; 16]); // property set GUID
                out.extend_from_slice(&1u32.to_le_bytes());
                let n = utf16z(name);
                out.extend_from_slice(&(n.len() as u32).to_le_bytes());
                out.extend_from_slice(&n);
                pad(&mut out);
                out.extend_from_slice(&7u32.to_le_bytes());
            }
        }
    }
    out
}

const REND: u32 = 0x0006_9002;
const TITLE: u32 = 0x0001_8010;
const DATA: u32 = 0x0006_800F;
const MODIFY: u32 = 0x0003_8013;
const ATTACHMENT: u32 = 0x0006_9005;

fn rend() -> Vec<u8> {
    attr(
        2,
        REND,
        &[1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0],
    )
}

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

/// What Outlook writes for a Japanese user (code page 932): a PDF whose
/// real name is only in the MAPI properties (the title is the 8.3 form), a
/// text file known only by its Shift_JIS title, and an embedded Outlook
/// item (an object, no file data) that stays inside.
fn outlook_stream() -> Vec<u8> {
    // 資料.TXT in Shift_JIS.
    let sjis_title: &[u8] = b"\x8e\x91\x97\xbf.TXT\0";
    stream(
        932,
        &[
            rend(),
            attr(2, TITLE, b"MITSUM~1.PDF\0"),
            attr(
                2,
                MODIFY,
                &[0xEA, 0x07, 11, 0, 24, 0, 9, 0, 30, 0, 0, 0, 2, 0],
            ),
            attr(2, DATA, PDF),
            attr(
                2,
                ATTACHMENT,
                &props(&[
                    Prop::Long(0x0E20, PDF.len() as u32),
                    Prop::Named("x-outlook-flag"),
                    Prop::MultiUnicode(0x7001, &["a", "bc"]),
                    Prop::SysTime(0x3007),
                    Prop::String8(0x3704, b"MITSUM~1.PDF"),
                    Prop::Unicode(0x3707, "見積書 2026年11月.pdf"),
                    Prop::String8(0x370E, b"Application/PDF"),
                    Prop::Unicode(0x3712, "<quote@outlook>"),
                ]),
            ),
            rend(),
            attr(2, TITLE, sjis_title),
            attr(2, DATA, "ご確認ください。\r\n".as_bytes()),
            rend(),
            attr(2, TITLE, b"Meeting\0"),
            attr(2, ATTACHMENT, &props(&[Prop::Long(0x3705, 5)])),
        ],
    )
}

#[test]
fn outlook_attachments_come_out_with_their_real_names() {
    let t = unpack_tnef(&outlook_stream());
    assert_eq!(t.error, None);
    assert_eq!(t.files.len(), 2, "{:?}", t.files);
    assert_eq!(
        t.files[0].filename.as_deref(),
        Some("見積書 2026年11月.pdf")
    );
    assert_eq!(t.files[0].content_type.as_deref(), Some("application/pdf"));
    assert_eq!(t.files[0].content_id.as_deref(), Some("quote@outlook"));
    assert_eq!(t.files[0].bytes, PDF);
    assert_eq!(t.files[1].filename.as_deref(), Some("資料.TXT"));
    assert_eq!(t.files[1].content_type, None);
    assert_eq!(t.files[1].bytes, "ご確認ください。\r\n".as_bytes());
}

#[test]
fn data_only_in_the_properties_is_found_and_latvian_names_decode() {
    // Some writers put the bytes in PR_ATTACH_DATA_BIN and use code page
    // 1257 for 8-bit names.
    let s = stream(
        1257,
        &[
            rend(),
            attr(
                2,
                ATTACHMENT,
                &props(&[
                    Prop::String8(0x3707, b"r\xe7\xedi\xf2\xf0.txt"),
                    Prop::Binary(0x3701, b"summa: 12,50 EUR"),
                ]),
            ),
        ],
    );
    let t = unpack_tnef(&s);
    assert_eq!(t.error, None);
    assert_eq!(t.files.len(), 1);
    assert_eq!(t.files[0].filename.as_deref(), Some("rēķiņš.txt"));
    assert_eq!(t.files[0].bytes, b"summa: 12,50 EUR");
}

/// The stream cut off inside the second file's data.
fn cut_in_second(s: &[u8]) -> &[u8] {
    let text = "ご確認ください。".as_bytes();
    let at = s.windows(text.len()).position(|w| w == text).unwrap();
    &s[..at + 5]
}

#[test]
fn a_damaged_stream_keeps_what_came_before() {
    let whole = outlook_stream();
    let t = unpack_tnef(cut_in_second(&whole));
    assert_eq!(t.files.len(), 1, "the PDF before the damage");
    assert_eq!(t.files[0].bytes, PDF);
    assert!(
        t.error.as_deref().is_some_and(|e| e.contains("damaged")),
        "{t:?}"
    );

    // A flipped data byte breaks the checksum.
    let mut bad = whole.clone();
    let at = bad.windows(PDF.len()).position(|w| w == PDF).unwrap();
    bad[at + 3] ^= 0x20;
    let t = unpack_tnef(&bad);
    assert!(t.files.is_empty());
    assert!(t.error.is_some());

    assert!(
        unpack_tnef(b"PK\x03\x04 not tnef")
            .error
            .unwrap()
            .contains("signature")
    );
}

/// A message as Outlook sends it with "Rich Text" format on.
fn outlook_mail(tnef: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(tnef);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>\r\n\
         To: support@example.com\r\nSubject: =?UTF-8?B?6KaL56mN5pu4?=\r\n\
         Message-ID: <tnef-1@example.jp>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n見積書を添付します。\r\n\
         --b1\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n\
         Content-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=\"winmail.dat\"\r\n\r\n{}\r\n--b1--\r\n",
        lines.join("\r\n")
    )
    .into_bytes()
}

#[test]
fn winmail_dat_in_a_message_becomes_separate_attachments() {
    let tnef = outlook_stream();
    let m = parse(&outlook_mail(&tnef)).unwrap();
    let got: Vec<(Option<&str>, &str, usize)> = m
        .attachments
        .iter()
        .map(|a| {
            (
                a.filename.as_deref(),
                a.content_type.as_str(),
                a.bytes.len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("winmail.dat"), "application/ms-tnef", tnef.len()),
            (Some("見積書 2026年11月.pdf"), "application/pdf", PDF.len()),
            (Some("資料.TXT"), "text/plain", "ご確認ください。\r\n".len()),
        ]
    );
    assert_eq!(m.attachments[1].bytes, PDF);
    assert!(!m.attachments[1].inline);
    assert!(m.notes.is_empty(), "{:?}", m.notes);
    assert_eq!(m.text.trim(), "見積書を添付します。");
}

#[test]
fn a_damaged_winmail_dat_is_kept_with_a_note() {
    let tnef = outlook_stream();
    let cut = cut_in_second(&tnef);
    let m = parse(&outlook_mail(cut)).unwrap();
    let names: Vec<_> = m
        .attachments
        .iter()
        .map(|a| a.filename.as_deref())
        .collect();
    assert_eq!(names, [Some("winmail.dat"), Some("見積書 2026年11月.pdf")]);
    assert_eq!(m.attachments[0].bytes, cut, "the TNEF part exactly as sent");
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
    assert!(m.notes[0].starts_with("winmail.dat: "), "{:?}", m.notes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any damage to a real-shaped stream: no panic, and never more files
    /// than the stream holds.
    #[test]
    fn unpacking_never_panics(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut s = outlook_stream();
        for (i, b) in edits {
            let at = i.index(s.len());
            s[at] = b;
        }
        let keep = cut.index(s.len() + 1);
        s.truncate(keep.max(1));
        let t = unpack_tnef(&s);
        prop_assert!(t.files.len() <= 3);
        let _ = parse(&outlook_mail(&s));
    }

    #[test]
    fn arbitrary_bytes_after_the_signature_never_panic(tail in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut s = 0x223E_9F78u32.to_le_bytes().to_vec();
        s.extend_from_slice(&[1, 0]);
        s.extend(tail);
        let _ = unpack_tnef(&s);
    }
}
