use super::*;
use crate::sla::model::{PolicyMatch, Targets};
use jiff::Timestamp;
use tend_calendar::Week;

const MIN: i64 = 60_000;

fn policy(id: i64, fr: Option<i64>, nr: Option<i64>, res: Option<i64>) -> Policy {
    Policy {
        id,
        name: format!("p{id}"),
        position: id,
        business_hours: true,
        calendar_id: None,
        matches: PolicyMatch::default(),
        targets: Targets {
            first_response: fr,
            next_response: nr,
            resolution: res,
        },
        pause_on: vec![Status::Pending],
        warn_percent: 75,
        on_breach: None,
        notify_team_id: None,
        created_at: String::new(),
        updated_at: String::new(),
    }
}

fn wall(p: &Policy) -> Applies<'_> {
    Applies {
        policy: p,
        calendar: None,
    }
}

fn facts(created: bool, from: Status, to: Status) -> Facts {
    Facts {
        created,
        status_before: from,
        status: to,
        customer_wrote: false,
        agent_replied: false,
        answered_before: false,
        waiting: false,
        reply_taken_back: None,
    }
}

/// Runs a step on wall-clock time, numbering rounds after those present.
fn run(clocks: &mut Vec<Clock>, f: Facts, a: Option<Applies<'_>>, now: i64) -> Stepped {
    let mut seen: Vec<(Metric, i64)> = clocks.iter().map(|k| (k.metric, k.round)).collect();
    let mut next = |m: Metric| {
        let r = seen
            .iter()
            .filter(|(x, _)| *x == m)
            .map(|(_, r)| r + 1)
            .max()
            .unwrap_or(0);
        seen.push((m, r));
        r
    };
    step(clocks, &f, a, &|_| Time::Wall, &mut next, now)
}

fn open(clocks: &[Clock], m: Metric) -> &Clock {
    clocks
        .iter()
        .find(|k| k.metric == m && k.is_open())
        .unwrap_or_else(|| panic!("no open {m} clock in {clocks:#?}"))
}

#[test]
fn a_new_conversation_starts_first_response_and_resolution() {
    let p = policy(1, Some(60), Some(30), Some(480));
    let mut clocks = Vec::new();
    let out = run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    assert_eq!(clocks.len(), 2);
    assert_eq!(open(&clocks, Metric::FirstResponse).due_at, Some(60 * MIN));
    assert_eq!(open(&clocks, Metric::Resolution).due_at, Some(480 * MIN));
    // The warning comes first, at 75 % of the target.
    assert_eq!(open(&clocks, Metric::FirstResponse).fire_at, Some(45 * MIN));
    assert_eq!(out.events.len(), 2);
    assert!(out.events.iter().all(|(k, _)| *k == EventKind::SlaApplied));
}

#[test]
fn business_time_skips_nights_and_weekends() {
    let week = Week {
        mon: vec![["09:00".into(), "18:00".into()]],
        tue: vec![["09:00".into(), "18:00".into()]],
        wed: vec![["09:00".into(), "18:00".into()]],
        thu: vec![["09:00".into(), "18:00".into()]],
        fri: vec![["09:00".into(), "18:00".into()]],
        ..Week::default()
    };
    let cal = Calendar::new("Europe/Riga", &week, &[]).unwrap();
    let p = policy(1, Some(60), None, None);
    let a = Applies {
        policy: &p,
        calendar: Some((7, &cal)),
    };
    // Friday 2026-12-04 17:30 in Riga (UTC+2).
    let start: Timestamp = "2026-12-04T17:30:00+02:00".parse().unwrap();
    let mut clocks = Vec::new();
    let mut next = |_| 0;
    step(
        &mut clocks,
        &Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(a),
        &|_| Time::Business(&cal),
        &mut next,
        start.as_millisecond(),
    );
    let due: Timestamp = "2026-12-07T09:30:00+02:00".parse().unwrap();
    assert_eq!(clocks[0].due_at, Some(due.as_millisecond()));
    assert_eq!(clocks[0].calendar_id, Some(7));
}

#[test]
fn pending_pauses_and_keeps_the_time_used() {
    let p = policy(1, Some(60), None, Some(480));
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    // 20 minutes on, the agent sets it pending: the clocks stand still.
    run(
        &mut clocks,
        facts(false, Status::New, Status::Pending),
        Some(wall(&p)),
        20 * MIN,
    );
    let fr = open(&clocks, Metric::FirstResponse);
    assert!(fr.is_paused());
    assert_eq!(fr.consumed_ms, 20 * MIN);
    assert_eq!((fr.due_at, fr.fire_at), (None, None));
    // Two hours later it is open again: 40 minutes are left.
    run(
        &mut clocks,
        facts(false, Status::Pending, Status::Open),
        Some(wall(&p)),
        140 * MIN,
    );
    let fr = open(&clocks, Metric::FirstResponse);
    assert_eq!(fr.due_at, Some(180 * MIN));
    assert_eq!(fr.pauses, vec![(20 * MIN, Some(140 * MIN))]);
    assert_eq!(
        open(&clocks, Metric::Resolution).due_at,
        Some(600 * MIN),
        "resolution paused too"
    );
}

#[test]
fn replies_fulfil_and_customer_messages_start_next_response() {
    let p = policy(1, Some(60), Some(30), Some(480));
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    let out = run(
        &mut clocks,
        Facts {
            agent_replied: true,
            ..facts(false, Status::New, Status::Open)
        },
        Some(wall(&p)),
        10 * MIN,
    );
    assert_eq!(
        out.events
            .iter()
            .filter(|(k, _)| *k == EventKind::SlaFulfilled)
            .count(),
        1
    );
    let fr = clocks
        .iter()
        .find(|k| k.metric == Metric::FirstResponse)
        .unwrap();
    assert_eq!(fr.outcome, Some(Outcome::Fulfilled));
    // The customer writes twice: one next-response clock, from the first.
    for at in [20, 25] {
        run(
            &mut clocks,
            Facts {
                customer_wrote: true,
                answered_before: true,
                waiting: true,
                ..facts(false, Status::Open, Status::Open)
            },
            Some(wall(&p)),
            at * MIN,
        );
    }
    let nr: Vec<&Clock> = clocks
        .iter()
        .filter(|k| k.metric == Metric::NextResponse)
        .collect();
    assert_eq!(nr.len(), 1);
    assert_eq!(nr[0].due_at, Some(50 * MIN));
    assert_eq!(nr[0].round, 0);
}

#[test]
fn a_new_policy_keeps_the_time_used() {
    let normal = policy(1, Some(240), None, None);
    let urgent = policy(2, Some(60), None, None);
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&normal)),
        0,
    );
    // After 30 minutes the priority rises and the urgent policy fits.
    let out = run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(false, Status::New, Status::New)
        },
        Some(wall(&urgent)),
        30 * MIN,
    );
    let fr = open(&clocks, Metric::FirstResponse);
    assert_eq!(fr.policy_id, Some(2));
    assert_eq!(fr.consumed_ms, 30 * MIN);
    assert_eq!(fr.due_at, Some(60 * MIN));
    assert_eq!(out.events[0].0, EventKind::SlaApplied);
    // No policy fits any more: the clock stops without a verdict.
    run(
        &mut clocks,
        facts(false, Status::New, Status::New),
        None,
        40 * MIN,
    );
    assert_eq!(clocks[0].outcome, Some(Outcome::Cancelled));
}

#[test]
fn solving_fulfils_resolution_and_a_reopen_starts_a_new_round() {
    let p = policy(1, Some(60), Some(30), Some(480));
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    run(
        &mut clocks,
        facts(false, Status::New, Status::Solved),
        Some(wall(&p)),
        100 * MIN,
    );
    assert!(clocks.iter().all(|k| !k.is_open()));
    let res = clocks
        .iter()
        .find(|k| k.metric == Metric::Resolution)
        .unwrap();
    assert_eq!(res.outcome, Some(Outcome::Fulfilled));
    let fr = clocks
        .iter()
        .find(|k| k.metric == Metric::FirstResponse)
        .unwrap();
    assert_eq!(fr.outcome, Some(Outcome::Cancelled));
    // The customer writes again: it reopens.
    run(
        &mut clocks,
        Facts {
            customer_wrote: true,
            answered_before: true,
            waiting: true,
            ..facts(false, Status::Solved, Status::Open)
        },
        Some(wall(&p)),
        200 * MIN,
    );
    let res = open(&clocks, Metric::Resolution);
    assert_eq!((res.round, res.due_at), (1, Some(680 * MIN)));
    assert_eq!(open(&clocks, Metric::NextResponse).due_at, Some(230 * MIN));
    assert_eq!(clocks.len(), 4, "the earlier clocks are kept");
}

#[test]
fn the_warning_and_the_breach_fire_once_each() {
    let p = policy(1, Some(60), None, None);
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    let k = &mut clocks[0];
    assert_eq!(k.fire(44 * MIN), None);
    assert_eq!(k.fire(45 * MIN), Some(Fire::Warning));
    assert_eq!(k.fire(45 * MIN), None);
    assert_eq!(k.fire_at, Some(60 * MIN));
    assert_eq!(k.fire(60 * MIN), Some(Fire::Breach));
    assert_eq!(k.fire(61 * MIN), None);
    assert_eq!(k.fire_at, None);
}

#[test]
fn a_late_timer_gives_the_warning_then_the_breach() {
    let p = policy(1, Some(60), None, None);
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    let k = &mut clocks[0];
    assert_eq!(k.fire(90 * MIN), Some(Fire::Warning));
    assert_eq!(k.fire(90 * MIN), Some(Fire::Breach));
    assert_eq!(k.fire(90 * MIN), None);
}

#[test]
fn recounting_on_a_new_calendar_keeps_the_time_used() {
    let p = policy(1, Some(120), None, None);
    let mut clocks = Vec::new();
    run(
        &mut clocks,
        Facts {
            waiting: true,
            ..facts(true, Status::New, Status::New)
        },
        Some(wall(&p)),
        0,
    );
    // Round the clock until now; from now on a calendar closed all week.
    let closed = Calendar::new("UTC", &Week::default(), &[]).unwrap();
    let target = Target {
        policy: &p,
        minutes: 120,
        calendar_id: Some(3),
        time: Time::Business(&closed),
    };
    recount(&mut clocks[0], Time::Wall, Some(target), 50 * MIN);
    assert_eq!(clocks[0].consumed_ms, 50 * MIN);
    assert_eq!(clocks[0].calendar_id, Some(3));
    // It never opens again: no deadline, and the warning (at 90 of 120
    // minutes) never comes either.
    assert_eq!((clocks[0].due_at, clocks[0].fire_at), (None, None));
}

/// Undo send: a reply taken back.
mod taken_back;
