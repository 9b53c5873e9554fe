//! A customer's facts from their conversations' histories and messages:
//! pure, no IO. Waits, reopens, breaches and unanswered surveys are the
//! reports' measurements (`reports::metrics::measure`, wall time); survey
//! answers are judged by the surveys' rule (`surveys::model::is_unhappy`);
//! sentiment by `health::lexicon`.

use std::collections::BTreeMap;

use super::lexicon::{sentiment, subject_terms};
use super::model::{ConversationFacts, Facts, MessageFacts, Outcome};
use super::rules::LONG_WAIT_S;
use crate::conversations::history::History;
use crate::reports::Metric;
use crate::reports::metrics::measure;
use crate::sla::clock::Time;
use crate::surveys::model::{Answer, SATISFIED_RATING, is_unhappy};
use crate::vocab::{ActorKind, EventKind};

/// Conversations kept per customer (the newest).
pub const CONVERSATIONS: usize = 50;
/// Messages read per customer for sentiment (the newest).
pub const MESSAGES: usize = 50;
/// An outreach without a reply for this long has left.
pub const OUTREACH_WAIT_DAYS: i64 = 14;

/// One of the customer's conversations as the facts need it.
#[derive(Debug, Clone)]
pub struct Head {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Started (ms).
    pub created_at: i64,
}

/// A survey's latest answer: (when, unhappy, happy).
fn answers(h: &History, unhappy_rating: i64) -> BTreeMap<i64, (i64, bool, bool)> {
    let mut out = BTreeMap::new();
    for e in &h.events {
        if e.kind != EventKind::SurveyAnswered {
            continue;
        }
        let Some(survey) = e.data["survey_id"].as_i64() else {
            continue;
        };
        let answer = e.data["answer"].as_str().and_then(Answer::parse);
        let rating = e.data["rating"].as_i64();
        let unhappy = is_unhappy(answer, rating, unhappy_rating);
        let happy = !unhappy
            && (answer == Some(Answer::Yes) || rating.is_some_and(|r| r >= SATISFIED_RATING));
        out.insert(survey, (e.at, unhappy, happy));
    }
    out
}

/// What happened in one conversation.
fn conversation(head: &Head, h: Option<&History>, unhappy_rating: i64) -> ConversationFacts {
    let mut f = ConversationFacts {
        id: head.id,
        started_at: head.created_at,
        subject_terms: subject_terms(&head.subject),
        ..Default::default()
    };
    let Some(h) = h else {
        return f;
    };
    for fact in measure(h, &|_| Time::Wall) {
        match fact.metric {
            Metric::Reopens => f.reopens.push(fact.at),
            Metric::SlaAttainment if fact.value == 0 => f.breaches.push(fact.at),
            Metric::FirstResponseTime | Metric::NextResponseTime if fact.value > LONG_WAIT_S => {
                f.long_waits.push((fact.at, fact.value));
            }
            Metric::ResponseRate if fact.value == 0 => f.unanswered_surveys.push(fact.at),
            _ => {}
        }
    }
    for (at, unhappy, happy) in answers(h, unhappy_rating).into_values() {
        if unhappy {
            f.unhappy_answers.push(at);
        }
        if happy {
            f.happy_answers.push(at);
        }
    }
    f
}

/// A customer's facts: `heads` are their conversations, `histories` those
/// conversations' histories, `messages` their own messages `(when, text)`.
pub fn facts_of(
    heads: &[Head],
    histories: &[History],
    messages: &[(i64, String)],
    unhappy_rating: i64,
) -> Facts {
    let mut heads: Vec<&Head> = heads.iter().collect();
    heads.sort_by_key(|h| (h.created_at, h.id));
    let skip = heads.len().saturating_sub(CONVERSATIONS);
    let by_id: BTreeMap<i64, &History> = histories.iter().map(|h| (h.conversation_id, h)).collect();
    let conversations: Vec<ConversationFacts> = heads[skip..]
        .iter()
        .map(|head| conversation(head, by_id.get(&head.id).copied(), unhappy_rating))
        .collect();
    let mut messages: Vec<&(i64, String)> = messages.iter().collect();
    messages.sort_by_key(|m| m.0);
    let last_message = messages.last().map(|m| m.0);
    let found: Vec<MessageFacts> = messages
        .iter()
        .map(|(at, text)| {
            let s = sentiment(text);
            MessageFacts {
                at: *at,
                negative: s.negative,
                positive: s.positive,
            }
        })
        .filter(|m| m.positive || !m.negative.is_empty())
        .collect();
    let last_start = heads.last().map(|h| h.created_at);
    Facts {
        first_contact_at: heads.first().map(|h| h.created_at),
        last_contact_at: last_message.max(last_start),
        conversations,
        messages: found,
    }
}

/// How an outreach that started at `started` stands at `now`, from its
/// conversation's history: an unhappy survey answer → left; a happy one →
/// satisfied; else a customer's message after the start → answered; else,
/// [`OUTREACH_WAIT_DAYS`] days after the start → left; else pending.
pub fn outcome(h: &History, started: i64, now: i64, unhappy_rating: i64) -> Outcome {
    let mut verdict = None;
    for (_, unhappy, happy) in answers(h, unhappy_rating).into_values() {
        if unhappy {
            verdict = Some(Outcome::Left);
        } else if happy {
            verdict = Some(Outcome::Satisfied);
        }
    }
    if let Some(v) = verdict {
        return v;
    }
    let replied = h.events.iter().any(|e| {
        e.kind == EventKind::MessageAdded
            && e.at >= started
            && (e.actor_kind == ActorKind::Customer || e.data["direction"].as_str() == Some("in"))
    });
    if replied {
        Outcome::Answered
    } else if now - started >= OUTREACH_WAIT_DAYS * 86_400_000 {
        Outcome::Left
    } else {
        Outcome::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::history::HistoryEvent;
    use serde_json::{Value, json};

    const H: i64 = 3_600_000;

    fn ev(id: i64, kind: EventKind, actor: ActorKind, data: Value, at: i64) -> HistoryEvent {
        HistoryEvent {
            id,
            kind,
            actor_kind: actor,
            actor_id: Some(1),
            data,
            at,
        }
    }

    fn history(events: Vec<HistoryEvent>) -> History {
        History {
            conversation_id: 7,
            language: None,
            tags: vec![],
            events,
        }
    }

    fn opened() -> Vec<HistoryEvent> {
        vec![
            ev(
                1,
                EventKind::Created,
                ActorKind::Customer,
                json!({"inbox_id": 1, "channel": "email"}),
                0,
            ),
            ev(
                2,
                EventKind::MessageAdded,
                ActorKind::Customer,
                json!({"direction": "in"}),
                0,
            ),
        ]
    }

    #[test]
    fn facts_come_from_the_reports_measurements_and_the_surveys_rule() {
        let mut e = opened();
        // Answered after 30 hours: a long wait.
        e.push(ev(
            3,
            EventKind::MessageAdded,
            ActorKind::Agent,
            json!({"direction": "out"}),
            30 * H,
        ));
        e.push(ev(
            4,
            EventKind::SlaBreached,
            ActorKind::System,
            json!({"metric": "first_response", "round": 0}),
            2 * H,
        ));
        e.push(ev(
            5,
            EventKind::StatusChanged,
            ActorKind::Agent,
            json!({"from": "open", "to": "solved"}),
            31 * H,
        ));
        e.push(ev(
            6,
            EventKind::SurveySent,
            ActorKind::System,
            json!({"survey_id": 9}),
            31 * H,
        ));
        e.push(ev(
            7,
            EventKind::SurveyAnswered,
            ActorKind::Customer,
            json!({"survey_id": 9, "rating": 5}),
            32 * H,
        ));
        // The customer changes their mind: the latest answer counts.
        e.push(ev(
            8,
            EventKind::SurveyAnswered,
            ActorKind::Customer,
            json!({"survey_id": 9, "answer": "no"}),
            33 * H,
        ));
        e.push(ev(
            9,
            EventKind::StatusChanged,
            ActorKind::Customer,
            json!({"from": "solved", "to": "open"}),
            34 * H,
        ));
        let heads = [Head {
            id: 7,
            subject: "Re: Broken".into(),
            created_at: 0,
        }];
        let msgs = [
            (0, "This is unacceptable".to_string()),
            (34 * H, "ok".to_string()),
        ];
        let f = facts_of(&heads, &[history(e)], &msgs, 3);
        let c = &f.conversations[0];
        assert_eq!(c.subject_terms, ["broken"]);
        assert_eq!(c.long_waits, [(30 * H, 30 * 3600)]);
        assert_eq!(c.breaches, [2 * H]);
        assert_eq!(c.reopens, [34 * H]);
        assert_eq!(c.unhappy_answers, [33 * H]);
        assert!(c.happy_answers.is_empty());
        assert!(c.unanswered_surveys.is_empty());
        assert_eq!(f.messages.len(), 1);
        assert_eq!(f.messages[0].negative, ["unacceptable"]);
        assert_eq!(
            (f.first_contact_at, f.last_contact_at),
            (Some(0), Some(34 * H))
        );
    }

    #[test]
    fn an_outreach_ends_answered_satisfied_or_left() {
        let day = 24 * H;
        let start = 10 * day;
        let sent = || {
            let mut e = vec![ev(
                1,
                EventKind::Created,
                ActorKind::Agent,
                json!({"inbox_id": 1}),
                start,
            )];
            e.push(ev(
                2,
                EventKind::MessageAdded,
                ActorKind::Agent,
                json!({"direction": "out"}),
                start,
            ));
            e
        };
        let h = history(sent());
        assert_eq!(outcome(&h, start, start + 13 * day, 3), Outcome::Pending);
        assert_eq!(outcome(&h, start, start + 14 * day, 3), Outcome::Left);
        let mut e = sent();
        e.push(ev(
            3,
            EventKind::MessageAdded,
            ActorKind::Customer,
            json!({"direction": "in"}),
            start + day,
        ));
        assert_eq!(
            outcome(&history(e.clone()), start, start + 30 * day, 3),
            Outcome::Answered
        );
        e.push(ev(
            4,
            EventKind::SurveyAnswered,
            ActorKind::Customer,
            json!({"survey_id": 1, "answer": "yes"}),
            start + 2 * day,
        ));
        assert_eq!(
            outcome(&history(e.clone()), start, start + 30 * day, 3),
            Outcome::Satisfied
        );
        e.push(ev(
            5,
            EventKind::SurveyAnswered,
            ActorKind::Customer,
            json!({"survey_id": 1, "rating": 2}),
            start + 3 * day,
        ));
        assert_eq!(
            outcome(&history(e), start, start + 3 * day, 3),
            Outcome::Left
        );
    }
}
