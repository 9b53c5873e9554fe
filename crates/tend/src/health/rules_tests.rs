//! Each signal, alone, moves the score by its weight; nothing else does.

use super::*;
use crate::health::model::{ConversationFacts, MessageFacts};

const DAY: i64 = 86_400_000;
/// "Now": day 1000.
const NOW: i64 = 1000 * DAY;

fn conv(id: i64, started: i64, subject: &[&str]) -> ConversationFacts {
    ConversationFacts {
        id,
        started_at: started,
        subject_terms: subject.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// A customer of 30 days, one quiet conversation yesterday, nothing wrong.
fn healthy() -> Facts {
    Facts {
        first_contact_at: Some(NOW - 30 * DAY),
        last_contact_at: Some(NOW - DAY),
        conversations: vec![
            conv(1, NOW - 30 * DAY, &["invoice"]),
            conv(2, NOW - DAY, &["password"]),
        ],
        messages: vec![],
    }
}

/// Weights that differ per signal, so a wrong signal cannot pass.
fn weights() -> Weights {
    let mut w = Weights::default();
    for (i, s) in Signal::ALL.iter().enumerate() {
        w.of.insert(s.as_str(), 3 + i as i64);
    }
    w
}

/// The signal alone moves the score by its weight, and is the one reason.
fn moves(f: &Facts, s: Signal) {
    let w = weights();
    let base = assess(&healthy(), NOW, &w);
    assert_eq!(
        base,
        Health {
            score: 100,
            signals: vec![]
        }
    );
    let h = assess(f, NOW, &w);
    let kinds: Vec<Signal> = h.signals.iter().map(|v| v.kind).collect();
    assert_eq!(kinds, vec![s]);
    assert_eq!(h.score, 100 - w.get(s), "{s}");
    assert_eq!(h.signals[0].weight, w.get(s));
}

#[test]
fn an_unhappy_answer() {
    let mut f = healthy();
    f.conversations[0].unhappy_answers.push(NOW - 29 * DAY);
    moves(&f, Signal::UnhappyAnswer);
    // Out of the window, it no longer counts.
    let mut old = healthy();
    old.conversations[0].unhappy_answers.push(NOW - 91 * DAY);
    assert_eq!(assess(&old, NOW, &weights()).score, 100);
}

#[test]
fn unanswered_surveys_from_two_on() {
    let mut f = healthy();
    f.conversations[0].unanswered_surveys.push(NOW - 20 * DAY);
    assert_eq!(assess(&f, NOW, &weights()).score, 100, "one is not a trend");
    // A survey of yesterday may still be answered.
    f.conversations[1].unanswered_surveys.push(NOW - DAY);
    assert_eq!(assess(&f, NOW, &weights()).score, 100);
    f.conversations[1].unanswered_surveys.push(NOW - 4 * DAY);
    moves(&f, Signal::UnansweredSurveys);
}

#[test]
fn a_reopen() {
    let mut f = healthy();
    f.conversations[0].reopens.push(NOW - 25 * DAY);
    moves(&f, Signal::Reopens);
}

#[test]
fn a_breach() {
    let mut f = healthy();
    f.conversations[1].breaches.push(NOW - DAY);
    moves(&f, Signal::SlaBreaches);
}

#[test]
fn a_wait_longer_than_a_day() {
    let mut f = healthy();
    f.conversations[0]
        .long_waits
        .push((NOW - 28 * DAY, LONG_WAIT_S));
    assert_eq!(
        assess(&f, NOW, &weights()).score,
        100,
        "exactly a day is not longer"
    );
    f.conversations[0]
        .long_waits
        .push((NOW - 28 * DAY, LONG_WAIT_S + 1));
    moves(&f, Signal::LongWaits);
}

#[test]
fn contacts_about_the_same_issue() {
    let mut f = healthy();
    f.conversations
        .insert(1, conv(3, NOW - 25 * DAY, &["invoice", "wrong"]));
    let h = assess(&f, NOW, &weights());
    assert_eq!(h.signals[0].kind, Signal::RepeatContacts);
    assert_eq!(h.signals[0].count, 1);
    moves(&f, Signal::RepeatContacts);
    // The same words three weeks apart are not a repeat.
    let mut far = healthy();
    far.conversations
        .insert(1, conv(3, NOW - 15 * DAY, &["invoice"]));
    assert_eq!(assess(&far, NOW, &weights()).score, 100);
    assert!(same_issue(
        &["a".into(), "b".into()],
        &["b".into(), "c".into(), "d".into()]
    ));
    assert!(!same_issue(
        &["a".into(), "b".into(), "c".into()],
        &["c".into(), "d".into(), "e".into()]
    ));
    assert!(!same_issue(&[], &["c".into()]));
}

#[test]
fn words_of_discontent() {
    let mut f = healthy();
    f.messages.push(MessageFacts {
        at: NOW - 2 * DAY,
        negative: vec!["最悪".into()],
        positive: false,
    });
    moves(&f, Signal::NegativeWords);
}

#[test]
fn going_quiet_after_a_problem() {
    // One conversation with a reopen, then silence: no pace known, so 30 days.
    let mut f = Facts {
        first_contact_at: Some(NOW - 40 * DAY),
        last_contact_at: Some(NOW - 31 * DAY),
        conversations: vec![conv(1, NOW - 40 * DAY, &["x"])],
        messages: vec![MessageFacts {
            at: NOW - 31 * DAY,
            negative: vec![],
            positive: true,
        }],
    };
    f.conversations[0]
        .long_waits
        .push((NOW - 89 * DAY, LONG_WAIT_S));
    assert_eq!(
        assess(&f, NOW, &weights()).score,
        100,
        "no problem, no signal"
    );
    let mut g = f.clone();
    g.conversations[0].reopens.push(NOW - 95 * DAY);
    // The reopen left the window, but the silence after it counts.
    moves(&g, Signal::WentQuiet);
    assert_eq!(assess(&g, NOW, &weights()).signals[0].count, 31);
    let mut h = g.clone();
    h.last_contact_at = Some(NOW - 29 * DAY);
    assert_eq!(assess(&h, NOW, &weights()).score, 100, "not quiet yet");
}

#[test]
fn quiet_follows_the_customers_pace() {
    // Writes every 3 days: 14 days (the least) of silence is quiet enough.
    let mut f = Facts {
        first_contact_at: Some(NOW - 24 * DAY),
        last_contact_at: Some(NOW - 15 * DAY),
        conversations: vec![
            conv(1, NOW - 24 * DAY, &["a"]),
            conv(2, NOW - 21 * DAY, &["b"]),
            conv(3, NOW - 18 * DAY, &["c"]),
            conv(4, NOW - 15 * DAY, &["d"]),
        ],
        messages: vec![],
    };
    f.conversations[3].breaches.push(NOW - 95 * DAY);
    moves(&f, Signal::WentQuiet);
    // Writes every 10 days: 15 days is within their pace (20).
    for (i, c) in f.conversations.iter_mut().enumerate() {
        c.started_at = NOW - (45 - 10 * i as i64) * DAY;
    }
    f.first_contact_at = Some(NOW - 45 * DAY);
    assert_eq!(assess(&f, NOW, &weights()).score, 100);
}

#[test]
fn no_positive_contact_for_two_months() {
    let mut f = healthy();
    f.first_contact_at = Some(NOW - 70 * DAY);
    f.conversations[0].started_at = NOW - 70 * DAY;
    moves(&f, Signal::NoPositiveContact);
    f.conversations[0].happy_answers.push(NOW - 50 * DAY);
    assert_eq!(assess(&f, NOW, &weights()).score, 100);
}

#[test]
fn signals_add_up_and_the_score_stops_at_zero() {
    let mut f = healthy();
    f.conversations[1].breaches.push(NOW - DAY);
    f.conversations[1].unhappy_answers.push(NOW - DAY);
    let w = Weights::default();
    let h = assess(&f, NOW, &w);
    assert_eq!(h.score, 100 - 25 - 20);
    // Heaviest first.
    assert_eq!(h.signals[0].kind, Signal::UnhappyAnswer);
    let mut heavy = w.clone();
    heavy.of.insert(Signal::SlaBreaches.as_str(), 100);
    assert_eq!(assess(&f, NOW, &heavy).score, 0);
    // A weight of 0 turns a signal off.
    let mut off = w;
    off.of.insert(Signal::SlaBreaches.as_str(), 0);
    assert_eq!(assess(&f, NOW, &off).signals.len(), 1);
}
