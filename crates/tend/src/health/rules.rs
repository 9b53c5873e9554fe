//! The health score, defined once: a pure function of a customer's facts,
//! the time and the weights. No IO; `docs/CONTRACT.md` ("Customer health")
//! says the same in words.
//!
//! The score is **100 minus the weight of every signal that holds**, never
//! below 0. A signal holds or not (its weight is taken off once, however
//! often it happened); its `count` says how often. Event signals look at
//! the last [`WINDOW_DAYS`] days only:
//!
//! - `unhappy_answer`: a survey answered unhappy ("no", or a rating at or
//!   below `survey_unhappy_rating`, the surveys' own rule); a changed
//!   answer replaces the earlier one.
//! - `unanswered_surveys`: at least [`UNANSWERED_SURVEYS`] surveys sent
//!   at least [`SURVEY_GRACE_DAYS`] days ago and never answered.
//! - `reopens`: a conversation reopened (the reports' rule: solved →
//!   open or pending).
//! - `sla_breaches`: a service-level target breached.
//! - `long_waits`: a wait for an answer (the reports' waits: first and next
//!   responses) longer than [`LONG_WAIT_S`] seconds of wall time.
//! - `repeat_contacts`: two conversations started within
//!   [`REPEAT_DAYS`] days of each other about the same issue: their
//!   subjects (words folded like search terms) share at least half of the
//!   shorter one's words.
//! - `negative_words`: a message of theirs with a word of discontent
//!   (`health::lexicon`, every language's list).
//! - `went_quiet`: their last conversation had a problem (an unhappy
//!   answer, a breach, a reopen or a long wait) and they have not written
//!   since for longer than their usual pace allows: twice the median gap
//!   between the starts of their conversations, at least
//!   [`QUIET_MIN_DAYS`] days; with fewer than three conversations (no
//!   pace known), [`QUIET_DEFAULT_DAYS`] days. `count` is the days of
//!   silence.
//! - `no_positive_contact`: a customer for more than
//!   [`POSITIVE_DAYS`] days with no positive contact (a happy survey
//!   answer, a message with a word of thanks) in that time. `count` is the
//!   days since the last one (or since the first contact).

use super::model::{Facts, Health, Signal, SignalView, Weights};

/// The event signals' window.
pub const WINDOW_DAYS: i64 = 90;
/// Unanswered surveys that make the signal.
pub const UNANSWERED_SURVEYS: usize = 2;
/// A survey younger than this may still be answered.
pub const SURVEY_GRACE_DAYS: i64 = 3;
/// A long wait, in seconds (a day).
pub const LONG_WAIT_S: i64 = 86_400;
/// Two conversations about the same issue this close make a repeat.
pub const REPEAT_DAYS: i64 = 14;
/// The shortest silence that counts as going quiet.
pub const QUIET_MIN_DAYS: i64 = 14;
/// The silence that counts when the customer's pace is unknown.
pub const QUIET_DEFAULT_DAYS: i64 = 30;
/// Time without a positive contact that counts.
pub const POSITIVE_DAYS: i64 = 60;

const DAY_MS: i64 = 86_400_000;

/// The customer's health at `now`.
pub fn assess(f: &Facts, now: i64, w: &Weights) -> Health {
    let since = now - WINDOW_DAYS * DAY_MS;
    let recent = |v: &[i64]| v.iter().filter(|&&t| t >= since).count() as i64;
    let mut found: Vec<(Signal, i64, String)> = Vec::new();
    let mut hold = |s: Signal, count: i64, detail: String| {
        if count > 0 {
            found.push((s, count, detail));
        }
    };
    let sum = |pick: &dyn Fn(&super::model::ConversationFacts) -> i64| -> i64 {
        f.conversations.iter().map(pick).sum()
    };
    let unhappy = sum(&|c| recent(&c.unhappy_answers));
    hold(
        Signal::UnhappyAnswer,
        unhappy,
        format!("{unhappy} unhappy survey answer(s)"),
    );
    let grace = now - SURVEY_GRACE_DAYS * DAY_MS;
    let unanswered = sum(&|c| {
        c.unanswered_surveys
            .iter()
            .filter(|&&t| t >= since && t <= grace)
            .count() as i64
    });
    hold(
        Signal::UnansweredSurveys,
        if unanswered >= UNANSWERED_SURVEYS as i64 {
            unanswered
        } else {
            0
        },
        format!("{unanswered} surveys unanswered"),
    );
    let reopens = sum(&|c| recent(&c.reopens));
    hold(Signal::Reopens, reopens, format!("{reopens} reopen(s)"));
    let breaches = sum(&|c| recent(&c.breaches));
    hold(
        Signal::SlaBreaches,
        breaches,
        format!("{breaches} service-level breach(es)"),
    );
    let waits = sum(&|c| {
        c.long_waits
            .iter()
            .filter(|(t, s)| *t >= since && *s > LONG_WAIT_S)
            .count() as i64
    });
    hold(
        Signal::LongWaits,
        waits,
        format!("{waits} wait(s) longer than a day"),
    );
    let repeats = repeat_contacts(f, since);
    hold(
        Signal::RepeatContacts,
        repeats,
        format!("{repeats} repeat contact(s) about the same issue"),
    );
    let negative: i64 = f
        .messages
        .iter()
        .filter(|m| m.at >= since && !m.negative.is_empty())
        .count() as i64;
    let words: Vec<&str> = f
        .messages
        .iter()
        .filter(|m| m.at >= since)
        .flat_map(|m| m.negative.iter().map(String::as_str))
        .take(5)
        .collect();
    hold(
        Signal::NegativeWords,
        negative,
        format!("{negative} message(s) with {}", words.join(", ")),
    );
    if let Some(days) = quiet_days(f, now) {
        hold(
            Signal::WentQuiet,
            days,
            format!("no contact for {days} days after a problem"),
        );
    }
    if let Some(days) = days_without_positive(f, now) {
        hold(
            Signal::NoPositiveContact,
            days,
            format!("no positive contact for {days} days"),
        );
    }
    let mut signals: Vec<SignalView> = found
        .into_iter()
        .map(|(kind, count, detail)| SignalView {
            kind,
            weight: w.get(kind),
            count,
            detail,
        })
        .filter(|s| s.weight > 0)
        .collect();
    signals.sort_by_key(|s| (-s.weight, s.kind.as_str()));
    let taken: i64 = signals.iter().map(|s| s.weight).sum();
    Health {
        score: (100 - taken).clamp(0, 100),
        signals,
    }
}

/// Conversations (in the window) that repeat an earlier one's issue.
fn repeat_contacts(f: &Facts, since: i64) -> i64 {
    let mut n = 0;
    for (i, c) in f.conversations.iter().enumerate() {
        if c.started_at < since {
            continue;
        }
        let repeats = f.conversations[..i].iter().any(|e| {
            c.started_at - e.started_at <= REPEAT_DAYS * DAY_MS
                && same_issue(&e.subject_terms, &c.subject_terms)
        });
        n += i64::from(repeats);
    }
    n
}

/// Whether two subjects share at least half of the shorter one's words.
pub fn same_issue(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return false;
    }
    let shared = short.iter().filter(|t| long.contains(t)).count();
    shared * 2 >= short.len()
}

/// Days of silence after a last conversation with a problem, when longer
/// than the customer's pace allows.
fn quiet_days(f: &Facts, now: i64) -> Option<i64> {
    let last = f.conversations.last()?;
    let problem = !last.unhappy_answers.is_empty()
        || !last.breaches.is_empty()
        || !last.reopens.is_empty()
        || last.long_waits.iter().any(|(_, s)| *s > LONG_WAIT_S);
    if !problem {
        return None;
    }
    let silent = now - f.last_contact_at.unwrap_or(last.started_at);
    let mut gaps: Vec<i64> = f
        .conversations
        .windows(2)
        .map(|p| p[1].started_at - p[0].started_at)
        .collect();
    let allowed = if gaps.len() >= 2 {
        gaps.sort_unstable();
        (2 * gaps[gaps.len() / 2]).max(QUIET_MIN_DAYS * DAY_MS)
    } else {
        QUIET_DEFAULT_DAYS * DAY_MS
    };
    (silent > allowed).then_some(silent / DAY_MS)
}

/// Days without a positive contact, when more than [`POSITIVE_DAYS`].
fn days_without_positive(f: &Facts, now: i64) -> Option<i64> {
    let first = f.first_contact_at?;
    let last_positive = f
        .conversations
        .iter()
        .flat_map(|c| c.happy_answers.iter().copied())
        .chain(f.messages.iter().filter(|m| m.positive).map(|m| m.at))
        .max()
        .unwrap_or(first)
        .max(first);
    let days = (now - last_positive) / DAY_MS;
    (days > POSITIVE_DAYS).then_some(days)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
