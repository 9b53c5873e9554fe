//! The machine-mail corpus: every message under `fixtures/machine/<code>/`
//! must be classified as that kind (the directory is the mail log's reason
//! code), and every message under `fixtures/person/` (people forwarding
//! or answering bounces, asking about reports, writing about parcels that
//! were "undeliverable") must not be machine mail at all.
//!
//! Each class holds several shapes on purpose: the structural signal a
//! fixture relies on is named in its file, so a rule that only matches one
//! sender or one subject fails the others.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a missing or unreadable fixture should fail the test loudly"
)]

use std::path::{Path, PathBuf};

use tend_mail::{InboundMessage, MachineKind, parse};

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut all: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    all.sort();
    all
}

fn load(path: &Path) -> (String, InboundMessage) {
    let raw = std::fs::read(path).expect("fixture");
    let m = parse(&raw).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (String::from_utf8_lossy(&raw).into_owned(), m)
}

fn name(path: &Path) -> String {
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .unwrap_or_default()
        .to_string_lossy();
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    format!("{parent}/{file}")
}

/// The `<out-N@tend.example>` id of our outbound message a fixture returns.
fn our_message_id(raw: &str) -> Option<String> {
    let start = raw.find("out-")?;
    let end = raw[start..].find("@tend.example")? + start;
    Some(format!("{}@tend.example", &raw[start..end]))
}

#[test]
fn every_class_of_machine_mail_is_recognised_with_its_reason_code() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for kind in MachineKind::ALL {
        let dir = format!("machine/{}", kind.code());
        if !Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(&dir)
            .is_dir()
        {
            continue; // autoresponders live in the top-level fixtures
        }
        let files = fixtures(&dir);
        assert!(
            files.len() >= 3 || kind == MachineKind::ReadReceipt,
            "{dir}: too few"
        );
        for path in files {
            seen += 1;
            let (_, m) = load(&path);
            if m.classification.kind() != Some(kind) {
                failures.push(format!(
                    "{}: {:?} ({:?})",
                    name(&path),
                    m.classification.code(),
                    m.classification.reasons
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "misclassified:\n{}",
        failures.join("\n")
    );
    assert!(seen >= 55, "the whole corpus, found {seen}");
}

#[test]
fn people_forwarding_or_asking_about_machine_mail_reach_the_desk() {
    let files = fixtures("person");
    assert!(files.len() >= 15);
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let (_, m) = load(path);
            m.classification.is_auto_generated().then(|| {
                format!(
                    "{}: {:?} ({:?})",
                    name(path),
                    m.classification.code(),
                    m.classification.reasons
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "taken for machine mail:\n{}",
        failures.join("\n")
    );
}

#[test]
fn bounces_name_the_outbound_message_they_concern() {
    let mut missing = Vec::new();
    for dir in ["machine/delivery_report", "machine/cloud_notification"] {
        for path in fixtures(dir) {
            let (raw, m) = load(&path);
            let Some(ours) = our_message_id(&raw) else {
                continue;
            };
            let Some(bounce) = &m.bounce else {
                // Complaints and other events concern no failed delivery.
                if dir.ends_with("cloud_notification") {
                    continue;
                }
                missing.push(format!("{}: no bounce info", name(&path)));
                continue;
            };
            if bounce.original_message_id.as_deref() != Some(ours.as_str()) {
                missing.push(format!(
                    "{}: {:?}, want {ours}",
                    name(&path),
                    bounce.original_message_id
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn delay_warnings_are_not_permanent_failures() {
    let dir = "machine/delivery_report";
    let (_, m) = load(
        &fixtures(dir)
            .into_iter()
            .find(|p| p.ends_with("delay_warning.eml"))
            .expect("delay fixture"),
    );
    let bounce = m.bounce.expect("bounce info");
    assert!(bounce.delayed);
    assert!(!bounce.is_permanent_failure());

    let (_, m) = load(
        &fixtures(dir)
            .into_iter()
            .find(|p| p.ends_with("qmail_failure_notice.eml"))
            .expect("qmail fixture"),
    );
    assert!(m.bounce.expect("bounce info").is_permanent_failure());
}

#[test]
fn cloud_bounces_are_failures_and_complaints_are_not() {
    let dir = "machine/cloud_notification";
    for path in fixtures(dir) {
        let (_, m) = load(&path);
        let file = name(&path);
        if file.contains("complaint") {
            assert!(m.bounce.is_none(), "{file}");
        } else {
            let b = m.bounce.unwrap_or_else(|| panic!("{file}: no bounce"));
            assert!(b.is_permanent_failure(), "{file}");
        }
    }
}
