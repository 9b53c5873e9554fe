//! Snooze: pending until a time, back to the owner with a notification
//! when the time comes, ended at once by a customer's message. The clock
//! is a `ManualClock`; instead of waiting for the background tasks, a test
//! runs the snooze job (`conversations::snooze::wake_due`) and the
//! notifications follower (`notifications::follower::catch_up`) itself.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::{Clock, ManualClock, rfc3339};

use crate::on_both_with_clock;
use crate::support::TestApp;

on_both_with_clock!(
    a_snoozed_conversation_comes_back_to_its_owner_with_a_notification,
    a_customer_reply_ends_the_snooze,
    bad_snoozes_are_refused_naming_the_field,
);

const HOUR: i64 = 3_600_000;

/// An agent who may work the default inbox, and a conversation they own.
async fn owned(app: &TestApp, email: &str, name: &str) -> (i64, String, i64) {
    let (uid, token) = app.user(email, name, "agent").await;
    app.team(&format!("team of {name}"), &[uid], &[app.st.default_inbox])
        .await;
    let c = app
        .conversation(
            "Order missing",
            "mara@customer.example",
            "Where is it?",
            None,
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": uid}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (uid, token, id)
}

async fn kinds_of_events(app: &TestApp, id: i64) -> Vec<(String, Value)> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_string(), e["data"].clone()))
        .collect()
}

async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    tend::notifications::follower::catch_up(&app.st)
        .await
        .unwrap();
    let (s, b) = app.get("/api/v1/notifications", token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn a_snoozed_conversation_comes_back_to_its_owner_with_a_notification(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let (_uid, token, id) = owned(app, "ana@desk.example", "Ana Silva").await;
    let until = clock.now_ms() + 2 * HOUR;
    let (s, c) = app
        .post(
            &format!("/api/v1/conversations/{id}/snooze"),
            &token,
            json!({"until": rfc3339(until)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "pending");
    assert_eq!(c["snoozed_until"], rfc3339(until));
    let events = kinds_of_events(app, id).await;
    let snoozed = events
        .iter()
        .find(|(k, _)| k == "snoozed")
        .expect("snoozed");
    assert_eq!(snoozed.1["until"], rfc3339(until));

    // Not yet: nothing wakes.
    clock.advance_ms(2 * HOUR - 1);
    assert_eq!(
        tend::conversations::snooze::wake_due(&app.st)
            .await
            .unwrap(),
        0
    );
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["status"], "pending");

    // Its time: open again, for its owner, who is told.
    clock.advance_ms(1);
    tend::conversations::snooze::wake_due(&app.st)
        .await
        .unwrap();
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["status"], "open", "{c}");
    assert_eq!(c["snoozed_until"], Value::Null);
    let events = kinds_of_events(app, id).await;
    let reopened = events
        .iter()
        .find(|(k, d)| k == "status_changed" && d["reason"] == "snooze_ended")
        .expect("reopened by the snooze's end");
    assert_eq!(reopened.1["to"], "open");
    let ended = events
        .iter()
        .find(|(k, _)| k == "unsnoozed")
        .expect("unsnoozed");
    assert_eq!(ended.1["reason"], "due");
    // The server's own job may have woken it first: either way, once.
    assert_eq!(events.iter().filter(|(k, _)| k == "unsnoozed").count(), 1);

    let mine = notifications(app, &token).await;
    let kinds: Vec<&str> = mine.iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["snooze_ended", "assigned"], "{mine:?}");
    assert_eq!(mine[0]["conversation_id"], id);
    assert_eq!(mine[0]["subject"], "Order missing");
    assert_eq!(mine[0]["read_at"], Value::Null);
}

async fn a_customer_reply_ends_the_snooze(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let (_uid, token, id) = owned(app, "bo@desk.example", "Bo Lind").await;
    let until = clock.now_ms() + 24 * HOUR;
    let (s, c) = app
        .post(
            &format!("/api/v1/conversations/{id}/snooze"),
            &token,
            json!({"until": rfc3339(until)}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    clock.advance_ms(HOUR);
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "Any news?", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(c["status"], "open");
    assert_eq!(c["snoozed_until"], Value::Null);
    let events = kinds_of_events(app, id).await;
    let ended: Vec<&Value> = events
        .iter()
        .filter(|(k, _)| k == "unsnoozed")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["reason"], "customer_replied");

    // The old time passes: nothing comes back, nobody is told twice.
    clock.advance_ms(24 * HOUR);
    assert_eq!(
        tend::conversations::snooze::wake_due(&app.st)
            .await
            .unwrap(),
        0
    );
    let kinds: Vec<String> = notifications(app, &token)
        .await
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["customer_replied", "assigned"]);

    // Snoozing again, then opening it by hand, ends that snooze too.
    let until = clock.now_ms() + HOUR;
    app.post(
        &format!("/api/v1/conversations/{id}/snooze"),
        &token,
        json!({"until": rfc3339(until)}),
    )
    .await;
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &token,
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["snoozed_until"], Value::Null);
    let events = kinds_of_events(app, id).await;
    let last = events.iter().rev().find(|(k, _)| k == "unsnoozed").unwrap();
    assert_eq!(last.1["reason"], "status_changed");
}

async fn bad_snoozes_are_refused_naming_the_field(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let (_uid, token, id) = owned(app, "cy@desk.example", "Cy Berg").await;
    let path = format!("/api/v1/conversations/{id}/snooze");
    for until in [
        json!(rfc3339(clock.now_ms() - 1)),
        json!(rfc3339(clock.now_ms() + 400 * 24 * HOUR)),
        json!("next tuesday"),
    ] {
        let (s, b) = app.post(&path, &token, json!({"until": until})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{until}: {b}");
        assert_eq!(b["error"]["details"]["field"], "until", "{b}");
    }
    // A local time is read in the caller's time zone (UTC without one).
    let (s, c) = app
        .post(&path, &token, json!({"until": "2026-11-26T08:30"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["snoozed_until"], "2026-11-26T08:30:00Z");

    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let until = json!(rfc3339(clock.now_ms() + HOUR));
    let (s, b) = app.post(&path, &token, json!({"until": until})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "cannot_snooze");
    let (s, _) = app
        .post(
            "/api/v1/conversations/999999/snooze",
            &token,
            json!({"until": until}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
