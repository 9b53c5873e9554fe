//! Property tests standing in for a fuzzer, in two targets:
//!
//! - MIME parsing: parse + thread_keys + classification (and the text
//!   helpers) must never panic, whatever the bytes;
//! - the whole HTML path from raw mail to stored HTML: no panic, and what
//!   is stored is inert and a fixed point of the sanitiser.
//!
//! Mutations start from the real fixtures (machine mail included) so that
//! the interesting MIME paths are exercised. The `proptest!` block runs a
//! few hundred cases in the normal test run; the `#[ignore]`d
//! `fuzz_*_for_a_time_budget` tests run the same inputs until
//! `TEND_FUZZ_SECONDS` (default 600) have passed: `scripts/fuzz`.

#![allow(
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a missing fixture should fail the test loudly; the budget runs report their counts"
)]

mod support;

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tend_mail::{html_to_text, parse, sanitize_html, split_reply, subject_token, thread_keys};

fn fixtures() -> Vec<Vec<u8>> {
    let all = support::all_fixtures();
    assert!(!all.is_empty(), "fixtures dir");
    all
}

/// Everything a consumer would touch after a successful parse.
fn exercise(bytes: &[u8]) {
    if let Ok(message) = parse(bytes) {
        let _ = (message.classification.code(), message.bounce.as_ref());
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
    fn mutated_fixtures_never_panic(input in mutated_fixture()) {
        exercise(&input);
    }

    #[test]
    fn text_helpers_never_panic(text in ".{0,400}") {
        let _ = split_reply(&text);
        let _ = subject_token(&text);
        let _ = html_to_text(&text);
        let _ = sanitize_html(&text);
    }

    #[test]
    fn mutated_mail_stores_only_safe_html(input in mutated_fixture()) {
        html_path(&input)?;
    }
}

/// What libFuzzer found: MIME so damaged that mail-parser trips one of its
/// own debug assertions ("Invalid part ID"). In a debug build that was a
/// panic on user input; now the message is unreadable (and quarantined).
#[test]
fn mime_that_trips_the_parser_is_unreadable_not_a_panic() {
    for name in [
        "mail_parser_invalid_part_id",
        "mail_parser_invalid_part_id_2",
    ] {
        let path = format!(
            "{}/tests/fixtures/malformed/{name}.eml",
            env!("CARGO_MANIFEST_DIR")
        );
        let raw = std::fs::read(&path).expect("fixture");
        match parse(&raw) {
            Ok(m) => {
                let _ = support::stored_html(&raw);
                let _ = thread_keys(&m);
            }
            Err(e) => assert_eq!(e, tend_mail::ParseError::Unreadable, "{name}"),
        }
    }
}

/// A fixture with a few edits.
fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
    let all = fixtures();
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(edit(), 1..8),
    )
        .prop_map(move |(which, edits)| apply(all[which.index(all.len())].clone(), &edits))
}

/// Raw mail for the MIME target: arbitrary bytes, header-shaped bytes, or
/// a mutated fixture.
fn any_mail() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..2048),
        4 => mutated_fixture(),
    ]
}

/// Raw mail for the HTML target: a mutated fixture, or a mail with
/// hostile HTML, Content-IDs and file names (in MIME or in winmail.dat).
fn html_mail() -> impl Strategy<Value = Vec<u8>> {
    let hostile_mail = (
        prop::collection::vec(
            (support::hostile(), support::hostile(), support::spelling()),
            1..4,
        ),
        support::hostile(),
        any::<bool>(),
    )
        .prop_map(|(cids, extra, in_winmail)| {
            let named: Vec<_> = cids.iter().map(|(c, _, s)| (c.clone(), *s)).collect();
            let html = support::html_naming(&named, &extra);
            let parts: Vec<_> = cids
                .iter()
                .map(|(c, f, _)| (c.clone(), f.clone()))
                .collect();
            if in_winmail {
                support::related_mail(&html, &[], Some(&support::winmail(&parts)))
            } else {
                support::related_mail(&html, &parts, None)
            }
        });
    prop_oneof![
        2 => mutated_fixture(),
        1 => hostile_mail,
    ]
}

/// The HTML target's check: raw mail to stored HTML, then inert and a
/// fixed point.
fn html_path(raw: &[u8]) -> Result<(), TestCaseError> {
    if let Some(stored) = support::stored_html(raw) {
        support::check_stored(&stored).map_err(TestCaseError::fail)?;
    }
    Ok(())
}

/// Runs `test` on inputs from `strategy` in fresh random batches until the
/// time budget is spent; fails on the first failing (shrunk) input.
fn run_for_budget<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S: Strategy,
{
    let seconds: u64 = std::env::var("TEND_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let batch = 200;
    let mut cases: u64 = 0;
    while Instant::now() < deadline {
        let mut runner = TestRunner::new(Config {
            cases: batch,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: FAILED after {cases} cases: {e}");
        }
        cases += u64::from(batch);
    }
    println!(
        "{name}: {cases} cases in {:.0} s, 0 failures (no panic, no sanitiser escape)",
        started.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "long-running; scripts/fuzz runs it with a time budget"]
fn fuzz_mime_parsing_for_a_time_budget() {
    run_for_budget("mime", any_mail(), |bytes| {
        exercise(&bytes);
        Ok(())
    });
}

#[test]
#[ignore = "long-running; scripts/fuzz runs it with a time budget"]
fn fuzz_html_path_for_a_time_budget() {
    run_for_budget("html", html_mail(), |bytes| html_path(&bytes));
}
