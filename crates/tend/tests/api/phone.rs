//! Phone (issue 24): the phone system's call events and callback
//! requests, on SQLite and PostgreSQL. Numbers are matched in E.164 with
//! `phone_default_region = LV`; the clock is a `ManualClock`, so service
//! levels are checked against exact times.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::{ManualClock, rfc3339};

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;

const MIN: i64 = 60_000;

/// Latvia for numbers without `+country`.
fn settings(test: &str) -> Vec<(&'static str, String)> {
    let mut s = vec![("TEND_PHONE_DEFAULT_REGION", "LV".to_string())];
    if test == "without_a_region_a_national_number_is_refused" {
        s.clear();
    }
    s
}

on_both_with_clock!(
    settings = super::settings;
    calls_find_their_customer_however_the_number_is_written,
    an_unknown_caller_becomes_a_customer,
    events_are_taken_once_in_any_order,
    a_missed_call_becomes_a_callback_with_a_running_clock,
    an_answered_call_is_no_callback,
    callbacks_are_requested_and_checked,
    without_a_region_a_national_number_is_refused,
    calls_show_on_the_timeline_and_the_customer_page,
);

fn at(min: i64) -> String {
    rfc3339(START + min * MIN)
}

/// Posts one CTI event; answers the call.
async fn event(app: &TestApp, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/calls", &app.admin, body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// An inbound call's event from `from`.
fn inbound(event: &str, call_id: &str, from: &str) -> Value {
    json!({"event": event, "call_id": call_id, "from": from, "to": "+371 6700 0000", "direction": "in"})
}

async fn get(app: &TestApp, path: &str) -> Value {
    let (s, b) = app.get(path, &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{path}: {b}");
    b
}

/// The conversation's event kinds, oldest first.
async fn kinds(app: &TestApp, id: i64) -> Vec<String> {
    let b = get(app, &format!("/api/v1/conversations/{id}/events?limit=200")).await;
    b["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

/// A customer with a phone number on their profile.
async fn customer(app: &TestApp, email: &str, name: &str, phone: &str) -> i64 {
    let b = app.conversation("Sveiki", email, "Labdien!", None).await;
    let id = b["customer"]["id"].as_i64().expect("customer.id");
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{id}"),
            &app.admin,
            json!({"name": name, "phone": phone}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    id
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

fn field(b: &Value) -> &str {
    b["error"]["details"]["field"].as_str().unwrap_or_default()
}

async fn calls_find_their_customer_however_the_number_is_written(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let janis = customer(app, "janis@example.lv", "Jānis Bērziņš", "+371 2000 0001").await;
    let hanako = customer(app, "hanako@example.jp", "山田 花子", "+81 90-1234-5678").await;
    // National format (the default region), spaces, the 00 prefix, E.164.
    for (i, typed) in ["20000001", "2000 0001", "00371 2000-0001", "+37120000001"]
        .iter()
        .enumerate()
    {
        let call = event(app, inbound("new", &format!("lv-{i}"), typed)).await;
        assert_eq!(call["customer_id"], janis, "{typed}: {call}");
        assert_eq!(call["from_e164"], "+37120000001");
        assert_eq!(call["from"], *typed);
        assert_eq!(call["state"], "new");
    }
    let call = event(app, inbound("new", "jp-1", "+819012345678")).await;
    assert_eq!(call["customer_id"], hanako, "{call}");
    // The desk's side may be an extension: kept as typed.
    let mut ext = inbound("new", "ext-1", "+81 90 1234 5678");
    ext["to"] = json!("101");
    let call = event(app, ext).await;
    assert_eq!(call["customer_id"], hanako, "{call}");
    assert_eq!(call["to"], "101");
    assert_eq!(call["to_e164"], Value::Null);
    // An outbound call finds the called customer.
    let call = event(
        app,
        json!({"event": "new", "call_id": "out-1", "from": "67000000", "to": "+81 90 1234 5678", "direction": "out"}),
    )
    .await;
    assert_eq!(call["customer_id"], hanako, "{call}");
    assert_eq!(call["from_e164"], "+37167000000");
    // A number changed on the profile is found by its new form.
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{janis}"),
            &app.admin,
            json!({"phone": "2000 0002"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let call = event(app, inbound("new", "lv-new", "+371 20000002")).await;
    assert_eq!(call["customer_id"], janis, "{call}");
}

async fn an_unknown_caller_becomes_a_customer(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let mut body = inbound("new", "u-1", "+371 2999 9999");
    body["name"] = json!("Līga Ozoliņa");
    let call = event(app, body).await;
    let id = call["customer_id"].as_i64().expect("customer_id");
    let cu = get(app, &format!("/api/v1/customers/{id}")).await;
    assert_eq!(cu["name"], "Līga Ozoliņa", "{cu}");
    assert_eq!(cu["phone"], "+371 2999 9999");
    // Her next call, written another way, is hers.
    let again = event(app, inbound("new", "u-2", "29999999")).await;
    assert_eq!(again["customer_id"], id, "{again}");
    assert_eq!(app.rows("calls").await, 2);
}

async fn events_are_taken_once_in_any_order(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    // The hangup arrives first: the call is made, missed, a callback.
    let mut hangup = inbound("hangup", "ooo-1", "+371 2000 0003");
    hangup["at"] = json!(at(2));
    let first = event(app, hangup.clone()).await;
    assert_eq!(first["state"], "ended", "{first}");
    assert_eq!(first["missed"], true);
    assert_eq!(first["duplicate"], false);
    let conv = first["conversation_id"].as_i64().expect("a callback");
    // `new` after it records when it rang and changes nothing else.
    let mut new = inbound("new", "ooo-1", "+371 2000 0003");
    new["at"] = json!(at(1));
    let late = event(app, new).await;
    assert_eq!(late["id"], first["id"]);
    assert_eq!(late["state"], "ended");
    assert_eq!(late["started_at"], at(1));
    assert_eq!(late["conversation_id"], conv);
    // The same hangup again: the same call, nothing new.
    let again = event(app, hangup).await;
    assert_eq!(again["duplicate"], true, "{again}");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["conversation_id"], conv);
    assert_eq!(app.rows("calls").await, 1);
    let k = kinds(app, conv).await;
    assert_eq!(count(&k, "call_missed"), 1, "{k:?}");
    assert_eq!(count(&k, "message_added"), 1, "{k:?}");

    // An answered call told twice over.
    let (agent, _) = app
        .user("agnese@example.lv", "Agnese Kalniņa", "agent")
        .await;
    let call = |event: &str, min: i64| {
        let mut b = inbound(event, "twice-1", "+371 2000 0004");
        b["at"] = json!(at(min));
        b["agent_id"] = json!(agent);
        b
    };
    for (e, min) in [
        ("new", 10),
        ("answered", 11),
        ("answered", 11),
        ("hangup", 14),
        ("hangup", 14),
        ("new", 10),
    ] {
        event(app, call(e, min)).await;
    }
    let last = event(app, call("hangup", 14)).await;
    assert_eq!(last["duplicate"], true);
    assert_eq!(last["agent_id"], agent);
    assert_eq!(last["missed"], false);
    let conv = last["conversation_id"].as_i64().expect("logged");
    let k = kinds(app, conv).await;
    assert_eq!(count(&k, "call_answered"), 1, "{k:?}");
    assert_eq!(count(&k, "call_ended"), 1, "{k:?}");
    assert_eq!(app.rows("calls").await, 2);
    assert_eq!(app.rows("call_events").await, 5);
}

async fn a_missed_call_becomes_a_callback_with_a_running_clock(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    policy(app).await;
    let janis = customer(app, "janis@example.lv", "Jānis Bērziņš", "2000 0001").await;
    event(app, inbound("new", "m-1", "+371 20000001")).await;
    let call = event(app, inbound("hangup", "m-1", "+371 20000001")).await;
    assert_eq!(call["missed"], true, "{call}");
    let id = call["conversation_id"].as_i64().expect("a callback");
    let conv = get(app, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(conv["channel"], "phone", "{conv}");
    assert_eq!(conv["subject"], "Callback: +37120000001");
    assert_eq!(conv["customer"]["id"], janis);
    assert_eq!(conv["status"], "new");
    assert_eq!(conv["sla"]["first_response_due"], at(30), "{conv}");
    let k = kinds(app, id).await;
    assert_eq!(count(&k, "call_missed"), 1, "{k:?}");
    // A second missed call joins the open callback.
    event(app, inbound("hangup", "m-2", "20000001")).await;
    let call = event(app, inbound("hangup", "m-2", "20000001")).await;
    assert_eq!(call["conversation_id"], id, "{call}");
    assert_eq!(count(&kinds(app, id).await, "call_missed"), 2);
}

async fn an_answered_call_is_no_callback(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    policy(app).await;
    let (agent, _) = app
        .user("agnese@example.lv", "Agnese Kalniņa", "agent")
        .await;
    let mut b = inbound("new", "a-1", "+371 2000 0005");
    b["at"] = json!(at(0));
    event(app, b.clone()).await;
    b["event"] = json!("answered");
    b["at"] = json!(at(1));
    b["agent_id"] = json!(agent);
    let answered = event(app, b.clone()).await;
    assert_eq!(answered["state"], "answered", "{answered}");
    assert_eq!(answered["answered_at"], at(1));
    b["event"] = json!("hangup");
    b["at"] = json!(at(4));
    let ended = event(app, b).await;
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["missed"], false);
    assert_eq!(ended["conversation_id"], answered["conversation_id"]);
    let id = ended["conversation_id"].as_i64().expect("logged");
    let conv = get(app, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(conv["channel"], "phone");
    assert_eq!(conv["subject"], "Call from +37120000005");
    assert_eq!(conv["sla"]["first_response_due"], Value::Null, "{conv}");
    let ev = get(app, &format!("/api/v1/conversations/{id}/events?limit=200")).await;
    let ended = ev["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["kind"] == "call_ended")
        .cloned()
        .expect("call_ended");
    assert_eq!(ended["data"]["seconds"], 180, "{ended}");
    let k = kinds(app, id).await;
    assert_eq!(count(&k, "call_missed"), 0, "{k:?}");
    assert_eq!(count(&k, "call_answered"), 1, "{k:?}");
}

async fn callbacks_are_requested_and_checked(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    policy(app).await;
    let (s, b) = app
        .post(
            "/api/v1/callbacks",
            &app.admin,
            json!({"phone": "+81 90 1234 5678", "name": "山田 花子", "note": "請求書についてお電話ください"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["phone"], "+819012345678");
    let id = b["conversation_id"].as_i64().expect("conversation_id");
    let conv = get(app, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(conv["subject"], "Callback: +819012345678", "{conv}");
    assert_eq!(conv["channel"], "phone");
    assert_eq!(conv["sla"]["first_response_due"], at(30));
    let cu = get(app, &format!("/api/v1/customers/{}", b["customer_id"])).await;
    assert_eq!(cu["name"], "山田 花子", "{cu}");
    // A Latvian caller with a note, in national format.
    let (s, b) = app
        .post(
            "/api/v1/callbacks",
            &app.admin,
            json!({"phone": "2000 0006", "name": "Ēriks Šņore", "note": "Lūdzu, piezvaniet par rēķinu."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["phone"], "+37120000006");
    for (body, name) in [
        (json!({"phone": "nav numura"}), "phone"),
        (json!({"phone": ""}), "phone"),
        (
            json!({"phone": "+37120000006", "note": "ā".repeat(5001)}),
            "note",
        ),
        (
            json!({"phone": "+37120000006", "inbox_id": 999_999}),
            "inbox_id",
        ),
    ] {
        let (s, b) = app.post("/api/v1/callbacks", &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(field(&b), name, "{b}");
    }
    let (s, b) = app
        .post(
            "/api/v1/calls",
            &app.admin,
            json!({"event": "ring", "call_id": "x", "from": "+37120000001", "to": "+37167000000", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, _) = app
        .post(
            "/api/v1/callbacks",
            "not-a-token",
            json!({"phone": "+37120000006"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn without_a_region_a_national_number_is_refused(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let (s, b) = app
        .post(
            "/api/v1/calls",
            &app.admin,
            inbound("new", "n-1", "20000001"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "from", "{b}");
    let (s, b) = app
        .post(
            "/api/v1/callbacks",
            &app.admin,
            json!({"phone": "2000 0001"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(field(&b), "phone", "{b}");
    let call = event(app, inbound("new", "n-2", "+371 2000 0001")).await;
    assert_eq!(call["from_e164"], "+37120000001");
}

async fn calls_show_on_the_timeline_and_the_customer_page(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let janis = customer(app, "janis@example.lv", "Jānis Bērziņš", "+371 2000 0001").await;
    event(app, inbound("new", "p-1", "20000001")).await;
    let call = event(app, inbound("hangup", "p-1", "20000001")).await;
    let conv = call["conversation_id"].as_i64().expect("a callback");
    let mut b = crate::web_admin::admin_browser(app, "lv").await;
    let p = b.get(&format!("/c/{conv}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body
            .contains("zvanīja no +37120000001, bet neviens neatbildēja; jāatzvana"),
        "{}",
        p.body
    );
    let p = b.get(&format!("/customers/{janis}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.body.contains("<h2 id=\"calls-h\">Zvani</h2>"),
        "{}",
        p.body
    );
    assert!(p.body.contains("Neatbildēts: jāatzvana"), "{}", p.body);
    assert!(
        p.body.contains(&format!("<a href=\"/c/{conv}\">")),
        "{}",
        p.body
    );
}
