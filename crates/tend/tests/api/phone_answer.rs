//! Phone (issue 24): what an answered call does to its conversation, and
//! when visitors are offered a callback, on SQLite and PostgreSQL.
//! - a call the desk took answers a callback like a public reply: its
//!   first-response clock stops (through the service levels' own rule);
//! - the agent who answered owns a conversation that had no owner;
//! - the chat widget's `offer_callback` follows the queue's expected wait.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::{ManualClock, rfc3339};

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;

const MIN: i64 = 60_000;

fn settings(_test: &str) -> Vec<(&'static str, String)> {
    vec![("TEND_PHONE_DEFAULT_REGION", "LV".to_string())]
}

on_both_with_clock!(
    settings = super::settings;
    an_answered_call_back_stops_the_first_response_clock,
    the_agent_who_answers_owns_the_conversation,
    the_widget_offers_a_callback_when_the_wait_is_long,
);

fn at(min: i64) -> String {
    rfc3339(START + min * MIN)
}

async fn event(app: &TestApp, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/calls", &app.admin, body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

fn call(event: &str, call_id: &str, direction: &str, customer: &str) -> Value {
    let (from, to) = match direction {
        "in" => (customer, "+371 6700 0000"),
        _ => ("+371 6700 0000", customer),
    };
    json!({"event": event, "call_id": call_id, "from": from, "to": to, "direction": direction})
}

async fn conversation(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn events(app: &TestApp, id: i64) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{id}/events?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().expect("items").clone()
}

async fn policy(app: &TestApp) {
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "Tālrunis", "position": 1, "business_hours": false,
                   "match": {"channels": ["phone"]},
                   "targets": {"first_response": 30, "resolution": 480}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

async fn an_answered_call_back_stops_the_first_response_clock(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    policy(app).await;
    let (agent, _) = app
        .user("agnese@example.lv", "Agnese Kalniņa", "agent")
        .await;
    // A missed call: a callback whose first response is due in 30 minutes.
    event(app, call("new", "m-1", "in", "+371 2000 0001")).await;
    let missed = event(app, call("hangup", "m-1", "in", "+371 2000 0001")).await;
    let id = missed["conversation_id"].as_i64().expect("a callback");
    let conv = conversation(app, id).await;
    assert_eq!(conv["sla"]["first_response_due"], at(30), "{conv}");
    assert_eq!(conv["first_response_at"], Value::Null, "{conv}");
    // Ten minutes later the desk calls back and the customer answers.
    clock.advance_ms(10 * MIN);
    event(app, call("new", "o-1", "out", "20000001")).await;
    let mut answered = call("answered", "o-1", "out", "20000001");
    answered["agent_id"] = json!(agent);
    let answered = event(app, answered).await;
    assert_eq!(answered["conversation_id"], id, "{answered}");
    let conv = conversation(app, id).await;
    assert_eq!(conv["first_response_at"], at(10), "{conv}");
    assert_eq!(conv["status"], "open", "{conv}");
    assert_eq!(conv["sla"]["first_response_due"], Value::Null, "{conv}");
    assert_eq!(conv["sla"]["resolution_due"], at(480), "{conv}");
    // Past the old deadline nothing breaches: the clock stopped in time.
    clock.advance_ms(60 * MIN);
    let conv = conversation(app, id).await;
    assert_eq!(conv["sla"]["first_response_due"], Value::Null, "{conv}");
    let kinds: Vec<_> = events(app, id)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(kinds.contains(&"call_answered".to_string()), "{kinds:?}");
    assert!(!kinds.contains(&"sla_breached".to_string()), "{kinds:?}");
    // The hangup is logged; a repeated answer changes nothing.
    let mut again = call("answered", "o-1", "out", "20000001");
    again["agent_id"] = json!(agent);
    assert_eq!(event(app, again).await["duplicate"], true);
}

async fn the_agent_who_answers_owns_the_conversation(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let (agnese, _) = app
        .user("agnese@example.lv", "Agnese Kalniņa", "agent")
        .await;
    let (haruto, _) = app.user("haruto@example.jp", "佐藤 陽翔", "agent").await;
    let (outsider, _) = app.user("pau@example.cat", "Pau Vidal", "agent").await;
    // The phone inbox is worked by a team; Pau is in none.
    let inbox = app.st.default_inbox;
    app.team("Zvani", &[agnese, haruto], &[inbox]).await;
    let mut b = call("new", "c-1", "in", "+371 2000 0002");
    event(app, b.clone()).await;
    b["event"] = json!("answered");
    b["agent_id"] = json!(agnese);
    let answered = event(app, b).await;
    let id = answered["conversation_id"].as_i64().expect("logged");
    let conv = conversation(app, id).await;
    assert_eq!(conv["assignee_id"], agnese, "{conv}");
    let assigned: Vec<_> = events(app, id)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "assigned")
        .collect();
    assert_eq!(assigned.len(), 1, "{assigned:?}");
    assert_eq!(assigned[0]["data"]["to"], agnese, "{assigned:?}");
    assert_eq!(assigned[0]["data"]["by"], "agent", "{assigned:?}");
    // The next call of the same customer, taken by someone else, joins the
    // open conversation, which keeps its owner.
    let mut b = call("new", "c-2", "in", "20000002");
    event(app, b.clone()).await;
    b["event"] = json!("answered");
    b["agent_id"] = json!(haruto);
    let second = event(app, b).await;
    assert_eq!(second["conversation_id"], id, "{second}");
    assert_eq!(conversation(app, id).await["assignee_id"], agnese);
    // Answered with no agent named, or by one who may not work the
    // inbox: no owner (and the call is still taken).
    let mut b = call("answered", "c-3", "in", "+371 2000 0003");
    let third = event(app, b.clone()).await;
    let other = third["conversation_id"].as_i64().expect("logged");
    assert_ne!(other, id);
    assert_eq!(conversation(app, other).await["assignee_id"], Value::Null);
    b["event"] = json!("hangup");
    assert_eq!(event(app, b).await["missed"], false);
    let mut b = call("answered", "c-4", "in", "+371 2000 0004");
    b["agent_id"] = json!(outsider);
    let fourth = event(app, b).await;
    assert_eq!(fourth["agent_id"], outsider, "{fourth}");
    let conv = fourth["conversation_id"].as_i64().expect("logged");
    assert_eq!(conversation(app, conv).await["assignee_id"], Value::Null);
}

/// A chat inbox routed to a new team of `members`.
async fn routed_chat(app: &TestApp, members: &[i64]) -> i64 {
    let inbox = app.inbox("chat", None).await;
    let team = app.team("Tērzēšana", members, &[inbox]).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/routing"),
            &app.admin,
            Some(json!({"team_id": team})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    inbox
}

async fn widget(app: &TestApp, inbox: i64) -> Value {
    let (s, b) = app.get(&format!("/chat/{inbox}/config"), "").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn the_widget_offers_a_callback_when_the_wait_is_long(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    // Not routed: no queue, no expected wait, no offer.
    let plain = app.inbox("chat", None).await;
    assert_eq!(widget(app, plain).await["offer_callback"], false);
    // Routed to a team nobody of which is online: the wait is unknown.
    let (minji, token) = app.user("minji@example.kr", "김민지", "agent").await;
    let inbox = routed_chat(app, &[minji]).await;
    let cfg = widget(app, inbox).await;
    assert_eq!(cfg["offer_callback"], true, "{cfg}");
    assert_eq!(cfg["expected_wait_seconds"], Value::Null, "{cfg}");
    // Someone online with room: no wait, no offer.
    let (s, b) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            &token,
            Some(json!({"presence": "online"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let cfg = widget(app, inbox).await;
    assert_eq!(cfg["offer_callback"], false, "{cfg}");
    assert_eq!(cfg["expected_wait_seconds"], 0, "{cfg}");
    // The callback a visitor then asks for lands in the chat inbox, with
    // the time they chose in its text.
    let r = app
        .client
        .post(format!("{}/help/callback", app.base))
        .header("content-type", "text/plain")
        .body(
            json!({"phone": "+82 10-1234-5678", "inbox_id": inbox, "window": "tomorrow_morning"})
                .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let r = app
        .client
        .post(format!("{}/help/callback", app.base))
        .json(&json!({"phone": "+82 10-1234-5678", "inbox_id": inbox, "window": "midnight"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["details"]["field"], "window", "{body}");
    let (s, list) = app
        .get(
            &format!("/api/v1/conversations?inbox_id={inbox}&limit=50"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["subject"], "Callback: +821012345678");
    let id = items[0]["id"].as_i64().unwrap();
    let (s, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{msgs}");
    assert!(
        msgs.to_string()
            .contains("Preferred time: tomorrow, in the morning"),
        "{msgs}"
    );
}
