//! Automation rules end to end (issue 20), on SQLite and PostgreSQL, with
//! a `ManualClock`: event rules act inside the change that fired them,
//! cascade and stop loops; time rules fire once per moment, on wall and
//! business time, also across a restart; automatic replies go out once
//! per customer message and never to machine mail; the dry run and "why
//! didn't my rule fire?".

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;

const MIN: i64 = 60_000;

on_both_with_clock!(
    event_rules_act_inside_the_change_that_fired_them,
    every_condition_field_decides,
    rules_cascade_and_a_loop_is_stopped_and_named,
    an_action_that_cannot_apply_is_skipped_and_the_message_kept,
    time_rules_fire_once_per_moment_across_a_restart,
    time_rules_count_business_minutes_on_a_calendar,
    automatic_replies_go_once_per_customer_message,
    no_automatic_reply_to_machine_mail,
    no_automatic_reply_to_an_ended_chat,
    dry_run_and_why_a_rule_did_not_fire,
    bad_rules_are_refused_naming_the_field,
    reordering_rules_does_not_fire_a_time_rule_again,
);

/// Waits for a condition the server's own tasks may also bring about (a
/// timer pass or a reply sender running beside the test's), up to 10 s.
macro_rules! until {
    ($what:expr, $cond:expr) => {{
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if $cond {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting: {}",
                $what
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }};
}

async fn rule(app: &TestApp, body: Value) -> i64 {
    let (s, b) = app.post("/api/v1/automations", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b["id"].is_i64(), "{b}");
    b["id"].as_i64().expect("id")
}

async fn conv(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn create(app: &TestApp, subject: &str, email: &str, text: &str) -> Value {
    let (s, b) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": subject, "customer": {"email": email, "name": "Aiko Tanaka"},
                   "message": {"text": text}, "language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

async fn customer_says(app: &TestApp, id: i64, text: &str) {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": text, "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

async fn patch(app: &TestApp, id: i64, body: Value) -> Value {
    let (s, b) = app
        .patch(&format!("/api/v1/conversations/{id}"), &app.admin, body)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn timeline(app: &TestApp, id: i64) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{id}/events?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().expect("items").clone()
}

fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

async fn messages(app: &TestApp, id: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().expect("items").clone()
}

/// One pass of the time rules' timer (the server runs its own too).
async fn timers(app: &TestApp) {
    tend::automation::timer::run_once(&app.st)
        .await
        .expect("timer pass");
}

/// One pass of the automatic replies' sender (the server runs its own too).
async fn replies(app: &TestApp) {
    tend::automation::replies::run_once(&app.st)
        .await
        .expect("replies");
}

async fn sent(app: &TestApp, id: i64) -> Vec<Value> {
    messages(app, id)
        .await
        .into_iter()
        .filter(|m| m["direction"] == "out" && m["internal"] == false)
        .collect()
}

async fn event_rules_act_inside_the_change_that_fired_them(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let (agent, _) = app.user("mika@desk.example", "Mika", "agent").await;
    let team = app.team("Billing", &[agent], &[]).await;
    let refund = rule(
        app,
        json!({"name": "Refunds", "active": true, "position": 1,
               "when": {"event": "conversation_created"},
               "conditions": {"all": [{"field": "text", "op": "contains", "value": "返金"}]},
               "actions": [{"type": "add_tags", "value": ["refund"]},
                           {"type": "set_priority", "value": "high"},
                           {"type": "assign_team", "value": team},
                           {"type": "note", "text": "Refund request from {{ customer.first_name }}",
                            "translations": {"ja": "{{ customer.name }}様から返金の依頼です"}}]}),
    )
    .await;
    // Inactive rules do nothing.
    rule(
        app,
        json!({"name": "Off", "active": false, "position": 0,
               "when": {"event": "conversation_created"},
               "actions": [{"type": "add_tags", "value": ["never"]}]}),
    )
    .await;
    let c = create(
        app,
        "注文について",
        "aiko@example.jp",
        "先週の注文を返金してください。",
    )
    .await;
    // The creation's answer already shows what the rule did: it ran in
    // the same transaction.
    assert_eq!(c["tags"], json!(["refund"]), "{c}");
    assert_eq!(c["priority"], "high");
    assert_eq!(c["team_id"], team);
    let id = c["id"].as_i64().unwrap();
    let events = timeline(app, id).await;
    let fired = of_kind(&events, "automation_fired");
    assert_eq!(fired.len(), 1, "{events:?}");
    assert_eq!(fired[0]["actor"]["kind"], "automation");
    assert_eq!(fired[0]["actor"]["name"], "Refunds");
    assert_eq!(fired[0]["data"]["automation_id"], refund);
    assert_eq!(
        fired[0]["data"]["actions"],
        json!(["add_tags", "set_priority", "assign_team", "note"])
    );
    for kind in ["tags_changed", "priority_changed", "team_changed"] {
        let e = of_kind(&events, kind);
        assert_eq!(e.len(), 1, "{kind}: {events:?}");
        assert_eq!(e[0]["actor"]["kind"], "automation", "{kind}");
        assert_eq!(e[0]["data"]["automation_id"], refund, "{kind}");
    }
    // The note is in the customer's language, internal, by the rule.
    let notes: Vec<Value> = messages(app, id)
        .await
        .into_iter()
        .filter(|m| m["internal"] == true)
        .collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], "Aiko Tanaka様から返金の依頼です");
    // Another conversation without the words is left alone.
    let other = create(app, "質問", "ken@example.jp", "営業時間を教えてください").await;
    assert_eq!(other["tags"], json!([]));
    assert_eq!(other["priority"], "normal");
    assert!(
        of_kind(
            &timeline(app, other["id"].as_i64().unwrap()).await,
            "automation_fired"
        )
        .is_empty()
    );

    // A customer message fires message rules; an agent reply does not
    // pass a `message.from is customer` condition.
    rule(
        app,
        json!({"name": "Customer wrote", "active": true, "position": 2,
               "when": {"event": "message_added"},
               "conditions": {"all": [{"field": "message.from", "op": "is", "value": "customer"}]},
               "actions": [{"type": "add_tags", "value": ["customer-wrote"]}]}),
    )
    .await;
    let oid = other["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{oid}/messages"),
            &app.admin,
            json!({"text": "9時から18時までです。"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(conv(app, oid).await["tags"], json!([]));
    customer_says(app, oid, "ありがとうございます").await;
    assert_eq!(conv(app, oid).await["tags"], json!(["customer-wrote"]));
}

async fn every_condition_field_decides(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let inbox = app.inbox("api", None).await;
    // One rule per field; each tags the conversation with its name when
    // its condition holds.
    let conditions = [
        (
            "status",
            json!({"field": "status", "op": "is", "value": "new"}),
        ),
        (
            "priority",
            json!({"field": "priority", "op": "gt", "value": "normal"}),
        ),
        (
            "channel",
            json!({"field": "channel", "op": "in", "value": ["api", "email"]}),
        ),
        (
            "inbox",
            json!({"field": "inbox_id", "op": "is", "value": inbox}),
        ),
        (
            "team",
            json!({"field": "team_id", "op": "is", "value": null}),
        ),
        (
            "assignee",
            json!({"field": "assignee_id", "op": "is", "value": null}),
        ),
        ("tags", json!({"field": "tags", "op": "is", "value": "vip"})),
        (
            "language",
            json!({"field": "language", "op": "is", "value": "lv"}),
        ),
        (
            "subject",
            json!({"field": "subject", "op": "contains", "value": "rēķins"}),
        ),
        (
            "text",
            json!({"field": "text", "op": "not_contains", "value": "paldies"}),
        ),
        (
            "email",
            json!({"field": "customer.email", "op": "contains", "value": "firma.lv"}),
        ),
        (
            "breached",
            json!({"field": "sla.breached", "op": "is_not", "value": "first_response"}),
        ),
        (
            "age",
            json!({"field": "hours_since_created", "op": "lt", "value": 1}),
        ),
    ];
    for (i, (name, cond)) in conditions.iter().enumerate() {
        rule(
            app,
            json!({"name": name, "active": true, "position": i,
                   "when": {"event": "conversation_created"},
                   "conditions": {"all": [cond]},
                   "actions": [{"type": "add_tags", "value": [format!("f-{name}")]}]}),
        )
        .await;
    }
    let (s, hit) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Rēķins Nr. 7", "inbox_id": inbox, "priority": "urgent", "tags": ["VIP"],
                   "language": "lv", "customer": {"email": "janis@firma.lv"},
                   "message": {"text": "Lūdzu, atsūtiet rēķinu vēlreiz."}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{hit}");
    let mut want: Vec<String> = vec!["vip".into()];
    want.extend(conditions.iter().map(|(n, _)| format!("f-{n}")));
    let got: Vec<String> = serde_json::from_value(hit["tags"].clone()).unwrap();
    assert_eq!(got, want, "every condition held");

    // The opposite conversation passes only the conditions it fits.
    let (s, miss) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Hello", "priority": "low", "language": "en",
                   "customer": {"email": "x@elsewhere.example"},
                   "message": {"text": "Paldies!"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{miss}");
    let got: Vec<String> = serde_json::from_value(miss["tags"].clone()).unwrap();
    assert_eq!(
        got,
        [
            "f-status",
            "f-channel",
            "f-team",
            "f-assignee",
            "f-breached",
            "f-age"
        ],
        "{miss}"
    );

    // `any`: one of them is enough; none is not.
    rule(
        app,
        json!({"name": "any", "active": true, "position": 99,
               "when": {"event": "priority_changed"},
               "conditions": {"any": [{"field": "priority", "op": "is", "value": "urgent"},
                                      {"field": "language", "op": "is", "value": "ko"}]},
               "actions": [{"type": "add_tags", "value": ["any-hit"]}]}),
    )
    .await;
    let mid = miss["id"].as_i64().unwrap();
    let after = patch(app, mid, json!({"priority": "high"})).await;
    assert!(
        !after["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("any-hit"))
    );
    let after = patch(app, mid, json!({"priority": "urgent"})).await;
    assert!(
        after["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("any-hit")),
        "{after}"
    );
}

async fn rules_cascade_and_a_loop_is_stopped_and_named(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    // A tag raises the priority; the raise adds another tag: one change
    // fires both.
    rule(
        app,
        json!({"name": "VIP is urgent", "active": true, "position": 1,
               "when": {"event": "tags_changed"},
               "conditions": {"all": [{"field": "tags", "op": "is", "value": "vip"}]},
               "actions": [{"type": "set_priority", "value": "urgent"}]}),
    )
    .await;
    rule(
        app,
        json!({"name": "Urgent is watched", "active": true, "position": 2,
               "when": {"event": "priority_changed"},
               "conditions": {"all": [{"field": "priority", "op": "is", "value": "urgent"}]},
               "actions": [{"type": "add_tags", "value": ["watched"]}]}),
    )
    .await;
    let c = create(app, "Hi", "vip@example.com", "hello").await;
    let id = c["id"].as_i64().unwrap();
    let after = patch(app, id, json!({"add_tags": ["vip"]})).await;
    assert_eq!(after["priority"], "urgent", "{after}");
    assert_eq!(after["tags"], json!(["vip", "watched"]));

    // Two rules that undo each other: stopped, named, and the change that
    // started it kept.
    let a = rule(
        app,
        json!({"name": "Ping", "active": true, "position": 3,
               "when": {"event": "status_changed"},
               "conditions": {"all": [{"field": "status", "op": "is", "value": "pending"}]},
               "actions": [{"type": "set_status", "value": "open"}]}),
    )
    .await;
    let b = rule(
        app,
        json!({"name": "Pong", "active": true, "position": 4,
               "when": {"event": "status_changed"},
               "conditions": {"all": [{"field": "status", "op": "is", "value": "open"}]},
               "actions": [{"type": "set_status", "value": "pending"}]}),
    )
    .await;
    patch(app, id, json!({"status": "pending"})).await;
    let events = timeline(app, id).await;
    let stopped = of_kind(&events, "automation_stopped");
    assert_eq!(stopped.len(), 1, "{events:?}");
    assert_eq!(stopped[0]["data"]["reason"], "loop");
    assert_eq!(stopped[0]["data"]["rules"], json!([a, b, a]));
    assert_eq!(stopped[0]["data"]["names"], json!(["Ping", "Pong", "Ping"]));
    // Each fired once; the status moved twice after the agent's change.
    let changes = of_kind(&events, "status_changed");
    let by_rules = changes
        .iter()
        .filter(|e| e["actor"]["kind"] == "automation")
        .count();
    assert_eq!(by_rules, 2, "{changes:?}");
}

async fn an_action_that_cannot_apply_is_skipped_and_the_message_kept(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    // An agent whose teams cannot work the default inbox.
    let (outsider, _) = app.user("out@desk.example", "Outsider", "agent").await;
    rule(
        app,
        json!({"name": "Give to outsider", "active": true, "position": 1,
               "when": {"event": "message_added"},
               "actions": [{"type": "add_tags", "value": ["seen"]},
                           {"type": "assign_agent", "value": outsider},
                           {"type": "set_priority", "value": "high"}]}),
    )
    .await;
    let c = create(
        app,
        "Ajuda",
        "jordi@example.cat",
        "Bon dia, tinc un problema.",
    )
    .await;
    let id = c["id"].as_i64().unwrap();
    customer_says(app, id, "Encara espero resposta.").await;
    let after = conv(app, id).await;
    assert_eq!(after["tags"], json!(["seen"]));
    assert_eq!(after["priority"], "high");
    assert_eq!(after["assignee_id"], Value::Null);
    assert_eq!(after["message_count"], 2, "the customer's message is kept");
    let events = timeline(app, id).await;
    let fired = of_kind(&events, "automation_fired");
    let last = fired.last().expect("fired");
    assert_eq!(last["data"]["actions"], json!(["add_tags", "set_priority"]));
    assert_eq!(last["data"]["skipped"][0]["action"], "assign_agent");
    assert!(
        last["data"]["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("cannot work inbox"),
        "{last}"
    );

    // Once the agent's team may work the inbox, the same rule gives it to
    // them; another rule takes the tag away again.
    let inbox = after["inbox_id"].as_i64().unwrap();
    app.team("Outside", &[outsider], &[inbox]).await;
    rule(
        app,
        json!({"name": "Untag", "active": true, "position": 2,
               "when": {"event": "assigned"},
               "actions": [{"type": "remove_tags", "value": ["seen"]}]}),
    )
    .await;
    customer_says(app, id, "Hola?").await;
    let after = conv(app, id).await;
    assert_eq!(after["assignee_id"], outsider, "{after}");
    assert_eq!(after["tags"], json!([]), "{after}");
    let events = timeline(app, id).await;
    let assigned = of_kind(&events, "assigned");
    let by_rule = assigned.last().expect("assigned");
    assert_eq!(by_rule["actor"]["kind"], "automation");
    assert_eq!(by_rule["data"]["to"], outsider);
}

async fn time_rules_fire_once_per_moment_across_a_restart(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let close = rule(
        app,
        json!({"name": "Close quiet pending", "active": true, "position": 1,
               "when": {"after": {"minutes": 60, "since": "status_changed"}},
               "conditions": {"all": [{"field": "status", "op": "is", "value": "pending"}]},
               "actions": [{"type": "set_status", "value": "solved"},
                           {"type": "add_tags", "value": ["auto-solved"]}]}),
    )
    .await;
    let c = create(app, "Waiting", "wait@example.com", "hello").await;
    let id = c["id"].as_i64().unwrap();
    let other = create(app, "Open", "open@example.com", "hello").await;
    let oid = other["id"].as_i64().unwrap();
    clock.advance_ms(10 * MIN);
    patch(app, id, json!({"status": "pending"})).await;
    patch(app, oid, json!({"status": "open"})).await;
    clock.advance_ms(59 * MIN);
    timers(app).await;
    assert_eq!(conv(app, id).await["status"], "pending", "not yet due");
    clock.advance_ms(MIN);
    timers(app).await;
    until!(
        "the time rule solved it",
        conv(app, id).await["status"] == "solved"
    );
    assert_eq!(conv(app, id).await["tags"], json!(["auto-solved"]));
    assert_eq!(
        conv(app, oid).await["status"],
        "open",
        "the condition decides"
    );
    let fired = |events: Vec<Value>| {
        events
            .into_iter()
            .filter(|e| e["kind"] == "automation_fired" && e["data"]["automation_id"] == close)
            .count()
    };
    assert_eq!(fired(timeline(app, id).await), 1);
    assert_eq!(fired(timeline(app, oid).await), 0);

    // Saving the rule again does not fire the same moment again.
    let (s, mut saved) = app
        .get(&format!("/api/v1/automations/{close}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    for k in ["id", "created_at", "updated_at"] {
        saved.as_object_mut().unwrap().remove(k);
    }
    saved["position"] = json!(5);
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/automations/{close}"),
            &app.admin,
            Some(saved),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // A restart does not fire the same moment again either.
    app.restart().await;
    clock.advance_ms(120 * MIN);
    timers(app).await;
    assert_eq!(fired(timeline(app, id).await), 1);

    // A new moment (the customer reopens it, then it is pending again)
    // fires again, once, without any tag trick.
    customer_says(app, id, "one more thing").await;
    patch(app, id, json!({"status": "pending"})).await;
    clock.advance_ms(61 * MIN);
    timers(app).await;
    until!("the rule fired again", fired(timeline(app, id).await) == 2);
    assert_eq!(conv(app, id).await["status"], "solved");
    timers(app).await;
    assert_eq!(fired(timeline(app, id).await), 2);

    // A rule enabled later acts on conversations that waited before it.
    rule(
        app,
        json!({"name": "Old opens", "active": true, "position": 2,
               "when": {"after": {"minutes": 30, "since": "created"}},
               "conditions": {"all": [{"field": "status", "op": "is", "value": "open"}]},
               "actions": [{"type": "add_tags", "value": ["old"]}]}),
    )
    .await;
    timers(app).await;
    until!(
        "the new rule acted",
        conv(app, oid).await["tags"] == json!(["old"])
    );
    assert_eq!(conv(app, id).await["tags"], json!(["auto-solved"]));
}

async fn time_rules_count_business_minutes_on_a_calendar(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    // START is a Wednesday 09:00 UTC (see surveys.rs); open 09–17 on
    // weekdays.
    let (s, cal) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Office", "timezone": "UTC",
                   "hours": {"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]],
                             "wed": [["09:00","17:00"]], "thu": [["09:00","17:00"]],
                             "fri": [["09:00","17:00"]], "sat": [], "sun": []}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cal}");
    rule(
        app,
        json!({"name": "Nudge after a business day", "active": true, "position": 1,
               "when": {"after": {"minutes": 480, "since": "created", "calendar_id": cal["id"]}},
               "actions": [{"type": "add_tags", "value": ["nudge"]}]}),
    )
    .await;
    let c = create(app, "Biz", "biz@example.lv", "Labdien").await;
    let id = c["id"].as_i64().unwrap();
    // 8 wall hours later it is 17:00 the same day: a business day has
    // passed exactly then, not a minute before.
    clock.advance_ms(8 * 60 * MIN - MIN);
    timers(app).await;
    assert_eq!(conv(app, id).await["tags"], json!([]), "a minute early");
    clock.advance_ms(MIN);
    timers(app).await;
    until!("the nudge", conv(app, id).await["tags"] == json!(["nudge"]));
    // Created at 17:00: the night does not count; due at 17:00 next day.
    let late = create(app, "Late", "late@example.lv", "Labvakar").await;
    let lid = late["id"].as_i64().unwrap();
    clock.advance_ms(16 * 60 * MIN);
    timers(app).await;
    assert_eq!(
        conv(app, lid).await["tags"],
        json!([]),
        "only the night passed"
    );
    clock.advance_ms(8 * 60 * MIN);
    timers(app).await;
    until!(
        "the late nudge",
        conv(app, lid).await["tags"] == json!(["nudge"])
    );
}

async fn automatic_replies_go_once_per_customer_message(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    for (i, name) in ["Thanks", "Thanks again"].iter().enumerate() {
        rule(
            app,
            json!({"name": name, "active": true, "position": i,
                   "when": {"event": "message_added"},
                   "conditions": {"all": [{"field": "message.from", "op": "is", "value": "customer"}]},
                   "actions": [{"type": "reply", "text": "We got your message.",
                                "translations": {"ja": "{{ customer.name }}様、メッセージを受け取りました。", "ko": "메시지를 받았습니다."}}]}),
        )
        .await;
    }
    let c = create(app, "返信", "reply@example.jp", "こんにちは").await;
    let id = c["id"].as_i64().unwrap();
    replies(app).await;
    until!("the automatic reply", sent(app, id).await.len() == 1);
    let out = sent(app, id).await;
    assert_eq!(
        out[0]["text"],
        "Aiko Tanaka様、メッセージを受け取りました。"
    );
    let events = timeline(app, id).await;
    let second = of_kind(&events, "automation_fired")
        .into_iter()
        .find(|e| e["actor"]["name"] == "Thanks again")
        .cloned()
        .expect("the second rule fired");
    assert!(
        second["data"]["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("automatic reply already"),
        "{second}"
    );
    // The automatic reply is the rule's, is not a customer message (no
    // reply to it), and not a first response; another pass sends nothing.
    let added = of_kind(&events, "message_added");
    assert!(
        added
            .iter()
            .any(|e| e["actor"]["kind"] == "automation" && e["actor"]["name"] == "Thanks"),
        "{added:?}"
    );
    replies(app).await;
    assert_eq!(app.rows("automation_replies").await, 1);
    assert_eq!(sent(app, id).await.len(), 1);
    assert_eq!(conv(app, id).await["first_response_at"], Value::Null);
    // A new customer message gets its own reply.
    customer_says(app, id, "もう一つ質問があります").await;
    replies(app).await;
    until!("the second automatic reply", sent(app, id).await.len() == 2);
    assert_eq!(app.rows("automation_replies").await, 2);
}

async fn no_automatic_reply_to_machine_mail(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    rule(
        app,
        json!({"name": "Ack", "active": true, "position": 1,
               "when": {"event": "message_added"},
               "actions": [{"type": "reply", "text": "Thanks"}]}),
    )
    .await;
    let inbox = app.inbox("email", Some("help@desk.example")).await;
    let post = |raw: &'static str| {
        let url = format!("{}/api/v1/inbound/email?inbox_id={inbox}", app.base);
        let req = app
            .client
            .request(Method::POST, url)
            .bearer_auth(&app.admin)
            .header("content-type", "message/rfc822")
            .body(raw);
        async move {
            let r = req.send().await.expect("send");
            let s = r.status();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let (s, b) = post(
        "From: Vacation <boss@example.com>\r\nTo: help@desk.example\r\nSubject: Out of office\r\n\
         Auto-Submitted: auto-replied\r\nMessage-ID: <oof-1@example.com>\r\n\r\nI am away.\r\n",
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["outcome"], "ignored", "{b}");
    let (s, b) = post(
        "From: Ana <ana@example.com>\r\nTo: help@desk.example\r\nSubject: Help\r\n\
         Message-ID: <human-1@example.com>\r\n\r\nPlease help.\r\n",
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["outcome"], "created", "{b}");
    let id = b["conversation_id"].as_i64().unwrap();
    replies(app).await;
    until!("the automatic reply", sent(app, id).await.len() == 1);
    assert_eq!(
        app.rows("automation_replies").await,
        1,
        "only the person is answered"
    );
    let out = sent(app, id).await;
    assert!(
        matches!(out[0]["delivery_status"].as_str(), Some("queued" | "sent")),
        "mail goes out by the outbox: {out:?}"
    );
}

async fn no_automatic_reply_to_an_ended_chat(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    rule(
        app,
        json!({"name": "Goodbye", "active": true, "position": 1,
               "when": {"event": "status_changed"},
               "conditions": {"all": [{"field": "status", "op": "is", "value": "solved"}]},
               "actions": [{"type": "reply", "text": "Thanks for chatting"}]}),
    )
    .await;
    let mut ids = Vec::new();
    for channel in ["chat", "api"] {
        let (s, c) = app
            .post(
                "/api/v1/conversations",
                &app.admin,
                json!({"subject": "Chat", "channel": channel, "customer": {"email": format!("{channel}@example.com")},
                       "message": {"text": "hi"}}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["id"].as_i64().unwrap();
        patch(app, id, json!({"status": "solved"})).await;
        ids.push(id);
    }
    replies(app).await;
    // The API conversation is answered; the solved chat has ended.
    until!(
        "the reply to the API conversation",
        sent(app, ids[1]).await.len() == 1
    );
    until!("the chat's reply skipped", {
        let skipped: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT skipped FROM automation_replies WHERE conversation_id = $1")
                .bind(ids[0])
                .fetch_all(app.st.db.pool())
                .await
                .unwrap();
        skipped.len() == 1 && skipped[0].0.as_deref() == Some("the chat has ended")
    });
    assert!(sent(app, ids[0]).await.is_empty());
}

async fn dry_run_and_why_a_rule_did_not_fire(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    for i in 0..3 {
        create(
            app,
            &format!("Invoice {i}"),
            &format!("i{i}@example.com"),
            "invoice please",
        )
        .await;
    }
    let c = create(app, "Other", "o@example.com", "something else").await;
    let id = c["id"].as_i64().unwrap();
    let r = rule(
        app,
        json!({"name": "Invoices", "active": false, "position": 1, "trace": true,
               "when": {"event": "message_added"},
               "conditions": {"all": [{"field": "text", "op": "contains", "value": "invoice"},
                                      {"field": "status", "op": "is", "value": "new"}]},
               "actions": [{"type": "add_tags", "value": ["invoice"]}]}),
    )
    .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/automations/{r}/dry-run"),
            &app.admin,
            json!({"days": 30}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["matched"], 3, "{b}");
    assert_eq!(b["examined"], 4);
    assert!(!b["sample"].as_array().unwrap().contains(&json!(id)));
    // The dry run changed nothing.
    assert_eq!(conv(app, id).await["tags"], json!([]));
    // Enabled with tracing: a message that does not fit is recorded, with
    // the condition that failed.
    let (s, body) = app
        .get(&format!("/api/v1/automations/{r}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut input = body.clone();
    for k in ["id", "created_at", "updated_at"] {
        input.as_object_mut().unwrap().remove(k);
    }
    input["active"] = json!(true);
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/automations/{r}"),
            &app.admin,
            Some(input),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    customer_says(app, id, "no match here").await;
    let (s, why) = app
        .get(
            &format!("/api/v1/conversations/{id}/automations"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{why}");
    let check = &why["rules"][0];
    assert_eq!(check["automation_id"], r);
    assert_eq!(check["holds"], false);
    assert_eq!(check["conditions"]["all"][0]["held"], false);
    assert_eq!(check["conditions"]["all"][1]["held"], true);
    let trace = &why["traces"][0];
    assert_eq!(trace["automation_id"], r);
    assert_eq!(trace["cause"], "message_added");
    assert_eq!(trace["detail"]["all"][0]["field"], "text");
    assert_eq!(trace["detail"]["all"][0]["held"], false);
    // Agents may not read rules.
    let (_, token) = app.user("agent@desk.example", "Agent", "agent").await;
    let (s, _) = app
        .get(&format!("/api/v1/conversations/{id}/automations"), &token)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn bad_rules_are_refused_naming_the_field(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let cases = [
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "conditions": {"all": [{"field": "status", "op": "is", "value": "opened"}]},
                   "actions": [{"type": "add_tags", "value": ["a"]}]}),
            "conditions.all[0].value",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "conditions": {"any": [{"field": "channel", "op": "gt", "value": "chat"}]},
                   "actions": [{"type": "add_tags", "value": ["a"]}]}),
            "conditions.any[0].op",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": []}),
            "actions",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "assign_team", "value": 999}]}),
            "actions[0].value",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"after": {"minutes": 0, "since": "created"}},
                   "actions": [{"type": "add_tags", "value": ["a"]}]}),
            "when.after.minutes",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "webhook", "url": "ftp://example.com"}]}),
            "actions[0].url",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "add_tags", "value": ["a"]},
                               {"type": "reply", "text": "Hi {{ customer.frist_name }}"}]}),
            "actions[1].text",
        ),
        (
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "note", "text": "ok",
                                "translations": {"ko": "{{ customer.name | shout }}"}}]}),
            "actions[0].translations.ko",
        ),
    ];
    for (body, field) in cases {
        let (s, b) = app.post("/api/v1/automations", &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
        if field == "actions[1].text" {
            let msg = b["error"]["message"].as_str().unwrap();
            assert!(
                msg.contains("customer.frist_name") && msg.contains("column"),
                "{msg}"
            );
        }
    }
    let (_, token) = app.user("sup@desk.example", "Sup", "supervisor").await;
    let (s, _) = app
        .post(
            "/api/v1/automations",
            &token,
            json!({"name": "x", "position": 1, "when": {"event": "conversation_created"},
                   "actions": [{"type": "add_tags", "value": ["a"]}]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app.get("/api/v1/automations", &token).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// Moving rules (the admin page's up/down buttons) writes only positions:
/// a time rule that fired for a moment does not fire for it again.
async fn reordering_rules_does_not_fire_a_time_rule_again(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let first = rule(
        app,
        json!({"name": "Tag", "active": true, "position": 0,
               "when": {"event": "conversation_created"},
               "actions": [{"type": "add_tags", "value": ["seen"]}]}),
    )
    .await;
    let later = rule(
        app,
        json!({"name": "Note after half an hour", "active": true, "position": 1,
               "when": {"after": {"minutes": 30, "since": "created"}},
               "actions": [{"type": "note", "text": "Still open."}]}),
    )
    .await;
    let c = create(app, "Quiet", "quiet@example.com", "hello").await;
    let id = c["id"].as_i64().unwrap();
    clock.advance_ms(31 * MIN);
    timers(app).await;
    let fired = |events: Vec<Value>| {
        events
            .into_iter()
            .filter(|e| e["kind"] == "automation_fired" && e["data"]["automation_id"] == later)
            .count()
    };
    until!("the time rule fired", fired(timeline(app, id).await) == 1);
    let mut b = crate::web_admin::admin_browser(app, "en").await;
    let p = b
        .post(
            &format!("/admin/automations/{later}/move"),
            &[("dir", "up")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, list) = app.get("/api/v1/automations", &app.admin).await;
    let order: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, vec![later, first]);
    clock.advance_ms(60 * MIN);
    timers(app).await;
    assert_eq!(
        fired(timeline(app, id).await),
        1,
        "fired once for its moment"
    );
}
