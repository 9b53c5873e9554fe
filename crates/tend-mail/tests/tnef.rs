//! Outlook's `winmail.dat`: the files inside become attachments of their
//! own, with their real (long, non-ASCII) names; the TNEF part itself is
//! kept; a damaged stream keeps what came before the damage and says so.
//! The streams are written here, field by field, as MS-OXTNEF lays them out.

// Helpers may unwrap: a panic there is a failed test with a location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use base64::Engine as _;
use proptest::prelude::*;
use support::tnef::*;
use tend_mail::{parse, unpack_tnef};

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
