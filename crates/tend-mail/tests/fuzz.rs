//! Property tests standing in for a fuzzer: parse + thread_keys (and the
//! text helpers) must never panic, whatever the bytes. Mutations start from
//! the real fixtures so that the interesting MIME paths are exercised.

#![allow(
    clippy::expect_used,
    reason = "a missing fixture should fail the test loudly"
)]

use proptest::prelude::*;
use tend_mail::{html_to_text, parse, sanitize_html, split_reply, subject_token, thread_keys};

fn fixtures() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    all.sort();
    all.iter()
        .map(|p| std::fs::read(p).expect("fixture"))
        .collect()
}

/// Everything a consumer would touch after a successful parse.
fn exercise(bytes: &[u8]) {
    if let Ok(message) = parse(bytes) {
        let keys = thread_keys(&message);
        let _ = (keys.in_reply_to, keys.references, keys.subject_token);
        let _ = message.reply_parts();
        for attachment in &message.attachments {
            if let Some(inner) = &attachment.message {
                let _ = thread_keys(inner);
            }
        }
    }
}

/// A mutation of a fixture: overwrite, insert, delete or truncate.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    // Bytes that matter to MIME parsers are over-represented.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"\r\n-=?;\"'%*:<>\\ \t\x1b+/".to_vec()),
    ];
    prop_oneof![
        (any::<usize>(), byte.clone()).prop_map(|(i, b)| Edit::Set(i, b)),
        (any::<usize>(), prop::collection::vec(byte, 1..24)).prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Edit::Delete(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let len = bytes.len().max(1);
        match e {
            Edit::Set(i, b) => {
                if let Some(slot) = bytes.get_mut(i % len) {
                    *slot = *b;
                }
            }
            Edit::Insert(i, b) => {
                let at = (i % len).min(bytes.len());
                bytes.splice(at..at, b.iter().copied());
            }
            Edit::Delete(i, n) => {
                let at = (i % len).min(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Edit::Truncate(i) => bytes.truncate(i % len),
        }
    }
    bytes
}

proptest! {
    // 512 cases per property in CI; PROPTEST_CASES=100000 for a long run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn header_shaped_bytes_never_panic(
        headers in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "Subject", "From", "To", "Cc", "Reply-To", "Message-ID", "In-Reply-To",
                    "References", "Content-Type", "Content-Disposition",
                    "Content-Transfer-Encoding", "Date", "Auto-Submitted", "Precedence",
                ]),
                prop::collection::vec(any::<u8>(), 0..120),
            ),
            0..12,
        ),
        body in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut raw = Vec::new();
        for (name, value) in headers {
            raw.extend_from_slice(name.as_bytes());
            raw.extend_from_slice(b": ");
            raw.extend_from_slice(&value);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&body);
        exercise(&raw);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let all = fixtures();
        let original = all[which.index(all.len())].clone();
        exercise(&apply(original, &edits));
    }

    #[test]
    fn text_helpers_never_panic(text in ".{0,400}") {
        let _ = split_reply(&text);
        let _ = subject_token(&text);
        let _ = html_to_text(&text);
        let _ = sanitize_html(&text);
    }
}
