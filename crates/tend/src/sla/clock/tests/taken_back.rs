//! A reply taken back (undo send) lets the response clock it met count on.

use super::*;

#[test]
fn a_reply_taken_back_lets_the_first_response_clock_count_on() {
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
    // The agent answers at 10 minutes: the first response is met.
    let out = run(
        &mut clocks,
        Facts {
            agent_replied: true,
            ..facts(false, Status::New, Status::Open)
        },
        Some(wall(&p)),
        10 * MIN,
    );
    assert!(
        out.events
            .iter()
            .any(|(k, _)| *k == EventKind::SlaFulfilled)
    );
    assert!(
        !clocks
            .iter()
            .any(|k| k.metric == Metric::FirstResponse && k.is_open())
    );
    // 8 seconds later the reply is undone: the customer waits as before,
    // and the deadline is where it was (the 8 seconds counted too).
    let out = run(
        &mut clocks,
        Facts {
            waiting: true,
            reply_taken_back: Some(10 * MIN),
            ..facts(false, Status::Open, Status::New)
        },
        Some(wall(&p)),
        10 * MIN + 8_000,
    );
    let fr = open(&clocks, Metric::FirstResponse);
    assert_eq!(fr.due_at, Some(60 * MIN));
    assert_eq!(fr.fire_at, Some(45 * MIN));
    assert_eq!((fr.outcome, fr.stopped_at), (None, None));
    assert_eq!(
        out.events.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        vec![EventKind::SlaApplied]
    );
    assert_eq!(
        clocks
            .iter()
            .filter(|k| k.metric == Metric::FirstResponse)
            .count(),
        1
    );
    // The real answer later meets it once.
    run(
        &mut clocks,
        Facts {
            agent_replied: true,
            ..facts(false, Status::New, Status::Open)
        },
        Some(wall(&p)),
        30 * MIN,
    );
    assert!(
        !clocks
            .iter()
            .any(|k| k.metric == Metric::FirstResponse && k.is_open())
    );
}

#[test]
fn a_reply_taken_back_while_pending_leaves_the_clock_paused() {
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
    // Answered and set pending at 10 minutes in one write.
    run(
        &mut clocks,
        Facts {
            agent_replied: true,
            ..facts(false, Status::New, Status::Pending)
        },
        Some(wall(&p)),
        10 * MIN,
    );
    // Undone while still pending: the clock waits, paused since the
    // reply, with the 10 minutes it had used.
    run(
        &mut clocks,
        Facts {
            waiting: true,
            reply_taken_back: Some(10 * MIN),
            ..facts(false, Status::Pending, Status::Pending)
        },
        Some(wall(&p)),
        10 * MIN + 5_000,
    );
    let fr = open(&clocks, Metric::FirstResponse);
    assert!(fr.is_paused());
    assert_eq!(fr.consumed_ms, 10 * MIN);
    assert_eq!(fr.pauses, vec![(10 * MIN, None)]);
    // A reply undone again at another time reopens nothing.
    let before = clocks.clone();
    run(
        &mut clocks,
        Facts {
            reply_taken_back: Some(3 * MIN),
            ..facts(false, Status::Pending, Status::Pending)
        },
        Some(wall(&p)),
        11 * MIN,
    );
    assert_eq!(clocks, before);
}
