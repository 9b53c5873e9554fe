use serde_json::{Value, json};
use tend_calendar::{Calendar, Week};

use super::*;

const MIN: i64 = 60_000;
/// Friday 2026-12-04 17:00 UTC.
const FRI_17: i64 = 1_796_403_600_000;

struct Log {
    h: History,
}

impl Log {
    fn new(at: i64) -> Log {
        let mut l = Log {
            h: History {
                conversation_id: 1,
                ..Default::default()
            },
        };
        l.ev(
            EventKind::Created,
            ActorKind::Customer,
            Some(9),
            json!({"inbox_id": 3, "channel": "email"}),
            at,
        );
        l.customer(at);
        l
    }

    fn ev(&mut self, kind: EventKind, actor: ActorKind, who: Option<i64>, data: Value, at: i64) {
        let id = self.h.events.len() as i64 + 1;
        self.h.events.push(HistoryEvent {
            id,
            kind,
            actor_kind: actor,
            actor_id: who,
            data,
            at,
        });
    }

    fn customer(&mut self, at: i64) {
        self.ev(
            EventKind::MessageAdded,
            ActorKind::Customer,
            Some(9),
            json!({"direction": "in"}),
            at,
        );
    }

    fn reply(&mut self, agent: i64, at: i64) {
        self.ev(
            EventKind::MessageAdded,
            ActorKind::Agent,
            Some(agent),
            json!({"direction": "out"}),
            at,
        );
    }

    fn status(&mut self, actor: ActorKind, from: &str, to: &str, at: i64) {
        self.ev(
            EventKind::StatusChanged,
            actor,
            None,
            json!({"from": from, "to": to}),
            at,
        );
    }

    fn facts(&self) -> Vec<Fact> {
        measure(&self.h, &|_| Time::Wall)
    }
}

fn values(facts: &[Fact], m: Metric) -> Vec<i64> {
    facts
        .iter()
        .filter(|f| f.metric == m)
        .map(|f| f.value)
        .collect()
}

#[test]
fn automatic_messages_and_notes_do_not_answer() {
    let mut l = Log::new(0);
    l.ev(
        EventKind::MessageAdded,
        ActorKind::System,
        None,
        json!({"direction": "out"}),
        1000,
    );
    l.ev(
        EventKind::MessageAdded,
        ActorKind::Automation,
        Some(4),
        json!({"direction": "out"}),
        2 * MIN,
    );
    l.ev(
        EventKind::NoteAdded,
        ActorKind::Agent,
        Some(7),
        json!({}),
        3 * MIN,
    );
    l.reply(7, 5 * MIN);
    let f = l.facts();
    assert_eq!(values(&f, Metric::FirstResponseTime), [300]);
    let first = f
        .iter()
        .find(|f| f.metric == Metric::FirstResponseTime)
        .unwrap();
    assert_eq!(
        (first.agent_id, first.inbox_id, first.channel, first.at),
        (Some(7), 3, Channel::Email, 5 * MIN)
    );
    assert!(values(&f, Metric::NextResponseTime).is_empty());
    assert_eq!(values(&f, Metric::Volume), [1]);
}

#[test]
fn next_responses_time_the_first_unanswered_message() {
    let mut l = Log::new(0);
    l.reply(7, MIN);
    l.customer(10 * MIN);
    l.customer(12 * MIN);
    l.status(ActorKind::Agent, "open", "pending", 13 * MIN);
    l.reply(8, 20 * MIN);
    l.reply(8, 21 * MIN);
    let f = l.facts();
    assert_eq!(values(&f, Metric::FirstResponseTime), [60]);
    // Pending does not stop the wait; a second reply measures nothing.
    assert_eq!(values(&f, Metric::NextResponseTime), [600]);
}

#[test]
fn a_reopen_starts_a_new_first_response_and_resolution() {
    let mut l = Log::new(0);
    l.reply(7, 2 * MIN);
    l.status(ActorKind::Agent, "open", "solved", 10 * MIN);
    l.customer(100 * MIN);
    l.status(ActorKind::Customer, "solved", "open", 100 * MIN);
    l.reply(7, 104 * MIN);
    l.status(ActorKind::Agent, "open", "solved", 110 * MIN);
    l.status(ActorKind::Customer, "solved", "closed", 130 * MIN);
    let f = l.facts();
    assert_eq!(values(&f, Metric::FirstResponseTime), [120, 240]);
    assert!(values(&f, Metric::NextResponseTime).is_empty());
    assert_eq!(values(&f, Metric::ResolutionTime), [600, 600]);
    assert_eq!(values(&f, Metric::Reopens), [1]);
    assert_eq!(values(&f, Metric::ConfirmationTime), [1200]);
}

#[test]
fn a_solve_without_an_answer_measures_no_response() {
    let mut l = Log::new(0);
    l.status(ActorKind::Agent, "new", "solved", 5 * MIN);
    l.reply(7, 6 * MIN);
    l.status(ActorKind::System, "solved", "closed", 60 * MIN);
    let f = l.facts();
    assert!(values(&f, Metric::FirstResponseTime).is_empty());
    assert_eq!(values(&f, Metric::ResolutionTime), [300]);
    // Closed by the quiet period, not confirmed by the customer.
    assert!(values(&f, Metric::ConfirmationTime).is_empty());
}

#[test]
fn transfers_count_for_the_agent_who_passed_it_on() {
    let mut l = Log::new(0);
    l.ev(
        EventKind::Assigned,
        ActorKind::Agent,
        Some(7),
        json!({"from": null, "to": 7}),
        1,
    );
    l.ev(
        EventKind::TeamChanged,
        ActorKind::Agent,
        Some(7),
        json!({"from": null, "to": 2}),
        2,
    );
    l.ev(
        EventKind::Transferred,
        ActorKind::Agent,
        Some(7),
        json!({"from": 7, "to": 8}),
        3,
    );
    l.reply(8, MIN);
    let f = l.facts();
    let t: Vec<_> = f.iter().filter(|f| f.metric == Metric::Transfers).collect();
    assert_eq!(
        (t.len(), t[0].agent_id, t[0].team_id),
        (1, Some(7), Some(2))
    );
    let v = f.iter().find(|f| f.metric == Metric::Volume).unwrap();
    assert_eq!(v.agent_id, Some(8));
}

#[test]
fn service_levels_count_the_first_decision_of_each_target() {
    let mut l = Log::new(0);
    let sla = |l: &mut Log, kind, metric: &str, round: i64, at| {
        l.ev(
            kind,
            ActorKind::System,
            None,
            json!({"metric": metric, "round": round}),
            at,
        );
    };
    sla(&mut l, EventKind::SlaBreached, "first_response", 0, MIN);
    sla(
        &mut l,
        EventKind::SlaFulfilled,
        "first_response",
        0,
        2 * MIN,
    );
    sla(&mut l, EventKind::SlaFulfilled, "resolution", 0, 3 * MIN);
    let f = l.facts();
    let s: Vec<(&str, i64)> = f
        .iter()
        .filter(|f| f.metric == Metric::SlaAttainment)
        .map(|f| (f.detail.as_str(), f.value))
        .collect();
    assert_eq!(s, [("first_response", 0), ("resolution", 1)]);
}

#[test]
fn surveys_give_response_rate_and_csat_and_a_changed_answer_replaces() {
    let mut l = Log::new(0);
    l.ev(
        EventKind::Assigned,
        ActorKind::Agent,
        Some(7),
        json!({"to": 7}),
        1,
    );
    l.ev(
        EventKind::SurveySent,
        ActorKind::System,
        None,
        json!({"survey_id": 5}),
        MIN,
    );
    l.ev(
        EventKind::SurveySent,
        ActorKind::System,
        None,
        json!({"survey_id": 6}),
        MIN,
    );
    l.ev(
        EventKind::SurveyAnswered,
        ActorKind::Customer,
        Some(9),
        json!({"survey_id": 5, "rating": 2}),
        2 * MIN,
    );
    l.ev(
        EventKind::SurveyAnswered,
        ActorKind::Customer,
        Some(9),
        json!({"survey_id": 5, "rating": 5}),
        3 * MIN,
    );
    let f = l.facts();
    assert_eq!(values(&f, Metric::ResponseRate), [1, 0]);
    assert_eq!(values(&f, Metric::Csat), [1]);
    let csat = f.iter().find(|f| f.metric == Metric::Csat).unwrap();
    assert_eq!((csat.agent_id, csat.at), (Some(7), 3 * MIN));
}

#[test]
fn business_hours_skip_the_weekend() {
    // Open 09:00–18:00 UTC on weekdays: Friday 17:00 to Monday 10:00 is
    // one hour on Friday and one on Monday.
    let mut week = Week::every_day(&[["09:00".into(), "18:00".into()]]);
    week.sat.clear();
    week.sun.clear();
    let cal = Calendar::new("UTC", &week, &[]).unwrap();
    let mut l = Log::new(FRI_17);
    let monday_10 = FRI_17 + (2 * 24 + 17) * 60 * MIN;
    l.reply(7, monday_10);
    let f = measure(&l.h, &|inbox| {
        if inbox == 3 {
            Time::Business(&cal)
        } else {
            Time::Wall
        }
    });
    let first = f
        .iter()
        .find(|f| f.metric == Metric::FirstResponseTime)
        .unwrap();
    assert_eq!(first.value, (monday_10 - FRI_17) / 1000);
    assert_eq!(first.business, Some(2 * 3600));
}

#[test]
fn a_merged_away_conversation_measures_no_resolution() {
    // Its customer's wait and its round go on in the conversation it was
    // merged into; closing it by the merge resolves nothing.
    let mut l = Log::new(0);
    l.ev(
        EventKind::MergedInto,
        ActorKind::Agent,
        Some(7),
        json!({"into": 2, "messages": [1]}),
        5 * MIN,
    );
    l.status(ActorKind::Agent, "new", "closed", 5 * MIN);
    let f = l.facts();
    assert!(values(&f, Metric::ResolutionTime).is_empty(), "{f:?}");
    assert!(values(&f, Metric::FirstResponseTime).is_empty());
    assert_eq!(values(&f, Metric::Volume), [1]);
    // Without the merge, the same closing is a resolution.
    let mut closed = Log::new(0);
    closed.status(ActorKind::Agent, "new", "closed", 5 * MIN);
    assert_eq!(values(&closed.facts(), Metric::ResolutionTime), [300]);
}

#[test]
fn a_reply_taken_back_answers_nobody() {
    let mut l = Log::new(0);
    // Answered at 5 minutes, meeting the first-response target; undone
    // 8 seconds later; answered for real at 20 minutes.
    l.ev(
        EventKind::MessageAdded,
        ActorKind::Agent,
        Some(7),
        json!({"direction": "out", "message_id": 41}),
        5 * MIN,
    );
    l.ev(
        EventKind::SlaFulfilled,
        ActorKind::System,
        None,
        json!({"metric": "first_response", "round": 0}),
        5 * MIN,
    );
    l.ev(
        EventKind::ReplyUndone,
        ActorKind::Agent,
        Some(7),
        json!({"message_id": 41}),
        5 * MIN + 8000,
    );
    l.ev(
        EventKind::SlaApplied,
        ActorKind::System,
        None,
        json!({"metric": "first_response", "round": 0}),
        5 * MIN + 8000,
    );
    l.reply(8, 20 * MIN);
    l.ev(
        EventKind::SlaBreached,
        ActorKind::System,
        None,
        json!({"metric": "first_response", "round": 0}),
        20 * MIN,
    );
    let f = l.facts();
    assert_eq!(values(&f, Metric::FirstResponseTime), [1200]);
    let first = f
        .iter()
        .find(|f| f.metric == Metric::FirstResponseTime)
        .unwrap();
    assert_eq!(first.agent_id, Some(8));
    // The target counts as missed: the undone reply met nothing.
    assert_eq!(values(&f, Metric::SlaAttainment), [0]);
}
