//! No open relay: automatic mail (acknowledgements, surveys) of an inbox is
//! capped per hour. Over the cap it is held, visibly (the message's
//! delivery status, a `mail_held` event, `GET /outbox?status=held`), and an
//! admin may release it; mail an agent types is never capped. The hour
//! moves on an injected clock instead of sleeping.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::support::{Backend, TestApp};
use crate::surveys::{deliver, mail, pass, reply_and_solve};

/// Wednesday 2026-11-25 09:00 UTC.
const START: i64 = 1_795_597_200_000;

async fn messages(app: &TestApp, id: i64) -> Vec<Value> {
    let (_, m) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    m["items"].as_array().unwrap().clone()
}

async fn event_kinds(app: &TestApp, id: i64) -> Vec<String> {
    let (_, e) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    e["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn held(app: &TestApp) -> Vec<Value> {
    let (s, b) = app.get("/api/v1/outbox?status=held", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn new_conversation(app: &TestApp, inbox: i64, n: usize) -> i64 {
    let o = deliver(
        app,
        inbox,
        mail(
            &format!("customer{n}@customer.example"),
            &format!("Order {n} never arrived"),
            &format!("order-{n}@customer.example"),
            "",
            "Where is my parcel?",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created", "{o}");
    o["conversation_id"].as_i64().unwrap()
}

async fn automatic_mail_is_capped_per_inbox_and_hour(app: &TestApp, clock: &Arc<ManualClock>) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"ack_enabled": true, "auto_mail_per_hour": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["auto_mail_per_hour"], 2);

    // Two acknowledgements go out; the third is held, visibly.
    let c1 = new_conversation(app, inbox, 1).await;
    let _c2 = new_conversation(app, inbox, 2).await;
    let c3 = new_conversation(app, inbox, 3).await;
    let ack1 = messages(app, c1).await.pop().unwrap();
    assert_eq!(ack1["delivery_status"], "queued", "{ack1}");
    let ack3 = messages(app, c3).await.pop().unwrap();
    assert_eq!(ack3["author"]["kind"], "system", "{ack3}");
    assert_eq!(ack3["delivery_status"], "held", "{ack3}");
    assert!(
        ack3["delivery_error"]
            .as_str()
            .unwrap()
            .contains("auto_mail_per_hour"),
        "{ack3}"
    );
    assert!(
        event_kinds(app, c3)
            .await
            .contains(&"mail_held".to_string())
    );
    let h = held(app).await;
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["kind"], "ack");
    assert_eq!(h[0]["status"], "held");
    assert_eq!(h[0]["conversation_id"], c3);
    assert!(
        h[0]["held_reason"]
            .as_str()
            .unwrap()
            .contains("2 automatic")
    );

    // What an agent types is never capped.
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{c3}/messages"),
            &app.admin,
            json!({"text": "Your parcel left our warehouse today."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["delivery_status"], "queued", "{m}");

    // A survey is automatic mail too.
    reply_and_solve(app, &app.admin, c1, "It is on its way.").await;
    pass(app).await;
    let h = held(app).await;
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0]["kind"], "survey", "newest first: {h:?}");
    assert!(
        event_kinds(app, c1)
            .await
            .contains(&"mail_held".to_string())
    );

    // An hour later the inbox may send again.
    clock.advance_ms(61 * 60 * 1000);
    let c4 = new_conversation(app, inbox, 4).await;
    let ack4 = messages(app, c4).await.pop().unwrap();
    assert_eq!(ack4["delivery_status"], "queued", "{ack4}");

    // An admin releases the held acknowledgement; once.
    let ack_row = h[1]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/outbox/{ack_row}/release"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "queued");
    assert_eq!(b["held_reason"], Value::Null);
    let ack3 = messages(app, c3).await;
    let ack3 = ack3
        .iter()
        .find(|m| m["author"]["kind"] == "system")
        .unwrap();
    assert_eq!(ack3["delivery_status"], "queued", "{ack3}");
    let (s, _) = app
        .post(
            &format!("/api/v1/outbox/{ack_row}/release"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(held(app).await.len(), 1);

    // Only admins see the outbox; the cap is checked.
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let (s, _) = app.get("/api/v1/outbox", &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"auto_mail_per_hour": -1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"auto_mail_per_hour": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["auto_mail_per_hour"], Value::Null, "back to the default");
    // The API description knows the new paths.
    let (_, spec) = app.get("/api/v1/openapi.json", "").await;
    assert!(spec["paths"]["/api/v1/outbox"]["get"].is_object());
    assert!(spec["paths"]["/api/v1/outbox/{id}/release"]["post"].is_object());
}

/// The default cap (`TEND_AUTO_MAIL_PER_HOUR`) applies to inboxes without
/// their own.
async fn the_default_cap_applies(app: &TestApp, _clock: &Arc<ManualClock>) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (s, _) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"ack_enabled": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    for n in 0..3 {
        new_conversation(app, inbox, n).await;
    }
    assert_eq!(held(app).await.len(), 2, "default cap of 1 in this test");
}

async fn run(
    backend: Backend,
    extra: &[(&str, String)],
    test: impl AsyncFnOnce(&TestApp, &Arc<ManualClock>),
) {
    let clock = ManualClock::new(START);
    if let Some(app) = TestApp::start_with_clock(backend, extra, clock.clone()).await {
        test(&app, &clock).await;
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_mail_is_capped_per_inbox_and_hour_sqlite() {
    run(
        Backend::Sqlite,
        &[],
        automatic_mail_is_capped_per_inbox_and_hour,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn automatic_mail_is_capped_per_inbox_and_hour_postgres() {
    run(
        Backend::Postgres,
        &[],
        automatic_mail_is_capped_per_inbox_and_hour,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_automatic_mail_cap_applies_sqlite() {
    let cap = [("TEND_AUTO_MAIL_PER_HOUR", "1".to_string())];
    run(Backend::Sqlite, &cap, the_default_cap_applies).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_automatic_mail_cap_applies_postgres() {
    let cap = [("TEND_AUTO_MAIL_PER_HOUR", "1".to_string())];
    run(Backend::Postgres, &cap, the_default_cap_applies).await;
}
