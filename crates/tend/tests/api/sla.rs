//! Service levels end to end (issue 19), on SQLite and PostgreSQL, driven
//! by a `ManualClock`: the test moves the clock and runs one pass of the
//! timer (`tend::sla::timer::run_once`), which the server also runs on its
//! own; counts are of events, so whichever pass fires a deadline, it must
//! fire once.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::{ManualClock, rfc3339};

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;

const MIN: i64 = 60_000;

on_both_with_clock!(
    policies_fit_conversations_on_every_channel,
    pending_pauses_and_a_priority_change_retargets,
    warnings_and_breaches_fire_once_across_restarts,
    a_reopen_starts_a_new_resolution_clock,
    business_hours_come_from_the_inbox_calendar,
    timers_on_two_nodes_never_fire_twice,
    every_channel_is_answered_or_says_nobody_is_online,
    routing_serves_the_soonest_deadline_first,
    office_hours_saved_before_become_inbox_calendars,
    moving_to_another_inbox_or_tagging_retargets,
);

async fn policy(app: &TestApp, body: Value) -> i64 {
    let (s, b) = app.post("/api/v1/sla-policies", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().expect("id")
}

async fn conv(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn patch(app: &TestApp, id: i64, body: Value) -> Value {
    let (s, b) = app
        .patch(&format!("/api/v1/conversations/{id}"), &app.admin, body)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn message(app: &TestApp, token: &str, id: i64, body: Value) {
    let (s, b) = app
        .post(&format!("/api/v1/conversations/{id}/messages"), token, body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// The conversation's events of `kind`, oldest first.
async fn events(app: &TestApp, id: i64, kind: &str) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{id}/events?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["kind"] == kind)
        .cloned()
        .collect()
}

fn at(min: i64) -> String {
    rfc3339(START + min * MIN)
}

async fn policies_fit_conversations_on_every_channel(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let chat_policy = policy(
        app,
        json!({"name": "Chat", "position": 1, "business_hours": false,
               "match": {"channels": ["chat"]},
               "targets": {"first_response": 5, "resolution": 60}}),
    )
    .await;
    let urgent = policy(
        app,
        json!({"name": "Steidzami", "position": 2, "business_hours": false,
               "match": {"priorities": ["urgent"]}, "targets": {"first_response": 30}}),
    )
    .await;
    let everything = policy(
        app,
        json!({"name": "Visi", "position": 3, "business_hours": false,
               "targets": {"first_response": 240, "next_response": 120, "resolution": 2880}}),
    )
    .await;

    // The API: the catch-all policy, and the creation answer says so.
    let b = app
        .conversation("Rēķins", "anna@example.lv", "Sveiki!", None)
        .await;
    assert_eq!(b["sla"]["policy_id"], everything, "{b}");
    assert_eq!(b["sla"]["first_response_due"], at(240));
    assert_eq!(b["sla"]["resolution_due"], at(2880));
    assert_eq!(b["sla"]["next_response_due"], Value::Null);
    let api_id = b["id"].as_i64().unwrap();
    assert_eq!(conv(app, api_id).await["sla"], b["sla"]);
    let applied = events(app, api_id, "sla_applied").await;
    assert_eq!(applied.len(), 2, "{applied:?}");
    assert_eq!(applied[0]["data"]["metric"], "first_response");
    assert_eq!(applied[0]["data"]["due"], at(240));

    // An urgent one: the earlier policy by position wins.
    let (s, b) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "至急", "customer": {"email": "kenji@example.jp"},
                   "message": {"text": "サーバーが止まりました"}, "priority": "urgent"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["sla"]["policy_id"], urgent);
    assert_eq!(b["sla"]["first_response_due"], at(30));
    assert_eq!(b["sla"]["resolution_due"], Value::Null);

    // Email through the raw-MIME webhook.
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let raw = crate::email::mail(
        "Laura <laura@example.cat>",
        "Factura",
        "sla-1@example.cat",
        "",
        "Bon dia, no trobo la factura.",
    );
    let (s, b) = crate::email::deliver(app, inbox, raw).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let mail_id = b["conversation_id"].as_i64().expect("conversation_id");
    let mail_conv = conv(app, mail_id).await;
    assert_eq!(mail_conv["channel"], "email");
    assert_eq!(mail_conv["sla"]["policy_id"], everything);

    // Chat through the widget.
    let (chat_inbox, _agent) = crate::chat::desk(app).await;
    let (s, started) = app
        .post(&format!("/chat/{chat_inbox}/session"), "", json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{started}");
    let token = started["token"].as_str().unwrap();
    let mut v = crate::chat::Visitor::connect(app, chat_inbox, token, 0).await;
    let ack = v.say("c1", "안녕하세요, 주문이 안 보여요").await;
    let chat_id = ack["conversation_id"].as_i64().expect("conversation_id");
    let chat_conv = conv(app, chat_id).await;
    assert_eq!(chat_conv["sla"]["policy_id"], chat_policy, "{chat_conv}");
    assert_eq!(chat_conv["sla"]["first_response_due"], at(5));

    // Mistakes are named by field; only admins write, supervisors read.
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "x", "position": 1, "targets": {}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["details"]["field"], "targets", "{b}");
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "x", "position": 1, "match": {"tags": []}, "targets": {"resolution": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["details"]["field"], "match.tags", "{b}");
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "x", "position": 1, "pause_on": ["solved"], "targets": {"resolution": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["details"]["field"], "pause_on", "{b}");
    let (_, supervisor) = app.user("sup@example.com", "Sup", "supervisor").await;
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let (s, list) = app.get("/api/v1/sla-policies", &supervisor).await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Chat", "Steidzami", "Visi"]);
    let (s, _) = app.get("/api/v1/sla-policies", &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/sla-policies",
            &supervisor,
            json!({"name": "x", "position": 9, "targets": {"resolution": 5}}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn pending_pauses_and_a_priority_change_retargets(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let urgent = policy(
        app,
        json!({"name": "Urgent", "position": 1, "business_hours": false,
               "match": {"priorities": ["urgent"]},
               "targets": {"first_response": 60, "resolution": 300}}),
    )
    .await;
    let normal = policy(
        app,
        json!({"name": "Normal", "position": 2, "business_hours": false,
               "targets": {"first_response": 240, "resolution": 1000}}),
    )
    .await;
    let b = app
        .conversation(
            "Pasūtījums",
            "janis@example.lv",
            "Kur ir mans pasūtījums?",
            None,
        )
        .await;
    let id = b["id"].as_i64().unwrap();
    assert_eq!(b["sla"]["policy_id"], normal);

    // 30 minutes in, pending: the clocks stand still for two hours.
    clock.advance_ms(30 * MIN);
    let p = patch(app, id, json!({"status": "pending"})).await;
    assert_eq!(p["sla"]["paused"], true, "{p}");
    assert_eq!(p["sla"]["first_response_due"], Value::Null);
    clock.advance_ms(120 * MIN);
    let p = patch(app, id, json!({"status": "open"})).await;
    // 30 of 240 minutes were used: 210 are left from now (minute 150).
    assert_eq!(p["sla"]["first_response_due"], at(360), "{p}");
    assert_eq!(p["sla"]["resolution_due"], at(150 + 970));
    assert_eq!(p["sla"]["paused"], false);

    // 10 minutes later it becomes urgent: 40 minutes used, 20 left of 60.
    clock.advance_ms(10 * MIN);
    let p = patch(app, id, json!({"priority": "urgent"})).await;
    assert_eq!(p["sla"]["policy_id"], urgent, "{p}");
    assert_eq!(p["sla"]["first_response_due"], at(180));
    assert_eq!(p["sla"]["resolution_due"], at(160 + 260));

    // The explanation: the policy, why it fits, each clock with its pause.
    let (s, e) = app
        .get(&format!("/api/v1/conversations/{id}/sla"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    assert_eq!(e["policy"]["name"], "Urgent");
    assert_eq!(e["reasons"], json!(["priority urgent"]));
    let fr = &e["clocks"][0];
    assert_eq!(fr["metric"], "first_response");
    assert_eq!(fr["state"], "running");
    assert_eq!(fr["used_secs"], 40 * 60);
    assert_eq!(fr["pauses"], json!([[at(30), at(150)]]));
    assert_eq!(fr["due"], at(180));

    // Agents who may not see the conversation learn nothing.
    let (_, outsider) = app.user("out@example.com", "Out", "agent").await;
    let (s, _) = app
        .get(&format!("/api/v1/conversations/{id}/sla"), &outsider)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Editing the policy moves the open deadlines, not the time used.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/sla-policies/{urgent}"),
            &app.admin,
            Some(
                json!({"name": "Urgent", "position": 1, "business_hours": false,
                        "match": {"priorities": ["urgent"]},
                        "targets": {"first_response": 90, "resolution": 300}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(conv(app, id).await["sla"]["first_response_due"], at(210));
}

async fn warnings_and_breaches_fire_once_across_restarts(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    policy(
        app,
        json!({"name": "Mail", "position": 1, "business_hours": false, "on_breach": "raise_priority",
               "targets": {"first_response": 60, "resolution": 600}}),
    )
    .await;
    let b = app
        .conversation("Ajuda", "pere@example.cat", "No puc entrar", None)
        .await;
    let id = b["id"].as_i64().unwrap();

    // Nothing is due before 45 minutes (75 % of 60).
    clock.advance_ms(44 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    assert!(events(app, id, "sla_warning").await.is_empty());
    // A note does not answer the customer.
    message(
        app,
        &app.admin.clone(),
        id,
        json!({"text": "Checking the logs", "internal": true}),
    )
    .await;
    clock.advance_ms(2 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    tend::sla::timer::run_once(&app.st).await.unwrap();
    let warned = events(app, id, "sla_warning").await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0]["data"]["metric"], "first_response");
    assert_eq!(warned[0]["data"]["due"], at(60));
    assert_eq!(
        conv(app, id).await["sla"]["warned"],
        json!(["first_response"])
    );

    // A restart, then the deadline passes.
    app.restart().await;
    clock.advance_ms(15 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    app.restart().await;
    tend::sla::timer::run_once(&app.st).await.unwrap();
    assert_eq!(events(app, id, "sla_warning").await.len(), 1);
    let breached = events(app, id, "sla_breached").await;
    assert_eq!(breached.len(), 1, "{breached:?}");
    assert_eq!(breached[0]["data"]["action"], "raise_priority");
    let c = conv(app, id).await;
    assert_eq!(c["sla"]["breached"], json!(["first_response"]), "{c}");
    // The built-in action: one step up, by Tend, saying why.
    assert_eq!(c["priority"], "high");
    let raised = events(app, id, "priority_changed").await;
    assert_eq!(raised.len(), 1);
    assert_eq!(raised[0]["data"]["reason"], "sla_breached");
    assert_eq!(raised[0]["actor"]["kind"], "system");

    // The reply comes late: the clock stops, its breach stays on record.
    message(app, &app.admin.clone(), id, json!({"text": "Ja està!"})).await;
    let c = conv(app, id).await;
    assert_eq!(c["sla"]["first_response_due"], Value::Null, "{c}");
    assert_eq!(c["sla"]["breached"], json!([]));
    let fulfilled = events(app, id, "sla_fulfilled").await;
    assert_eq!(fulfilled.len(), 1);
    assert_eq!(fulfilled[0]["data"]["metric"], "first_response");
    let (_, e) = app
        .get(&format!("/api/v1/conversations/{id}/sla"), &app.admin)
        .await;
    assert_eq!(e["clocks"][0]["state"], "fulfilled");
    assert_eq!(e["clocks"][0]["breached_at"], at(61));
    clock.advance_ms(600 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    assert_eq!(
        events(app, id, "sla_breached").await.len(),
        2,
        "the resolution deadline breaches too, once"
    );
}

async fn a_reopen_starts_a_new_resolution_clock(app: &mut TestApp, clock: &Arc<ManualClock>) {
    policy(
        app,
        json!({"name": "All", "position": 1, "business_hours": false,
               "targets": {"first_response": 60, "next_response": 30, "resolution": 480}}),
    )
    .await;
    let b = app
        .conversation("Ausgang", "lena@example.de", "Hallo", None)
        .await;
    let id = b["id"].as_i64().unwrap();
    clock.advance_ms(10 * MIN);
    message(app, &app.admin.clone(), id, json!({"text": "Hello Lena"})).await;
    clock.advance_ms(10 * MIN);
    // The customer answers: the next response is due in 30 minutes.
    message(
        app,
        &app.admin.clone(),
        id,
        json!({"text": "Danke, aber …", "direction": "in"}),
    )
    .await;
    let c = conv(app, id).await;
    assert_eq!(c["sla"]["next_response_due"], at(50), "{c}");
    clock.advance_ms(5 * MIN);
    patch(app, id, json!({"status": "solved"})).await;
    let c = conv(app, id).await;
    assert_eq!(c["sla"], Value::Null, "solved: no open clocks ({c})");
    // Reopened by the customer two hours later: a new resolution clock
    // (round 1) and a next-response clock.
    clock.advance_ms(120 * MIN);
    message(
        app,
        &app.admin.clone(),
        id,
        json!({"text": "Es geht wieder nicht", "direction": "in"}),
    )
    .await;
    let c = conv(app, id).await;
    assert_eq!(c["status"], "open");
    assert_eq!(c["sla"]["resolution_due"], at(145 + 480), "{c}");
    assert_eq!(c["sla"]["next_response_due"], at(145 + 30));
    let (_, e) = app
        .get(&format!("/api/v1/conversations/{id}/sla"), &app.admin)
        .await;
    let res: Vec<&Value> = e["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["metric"] == "resolution")
        .collect();
    assert_eq!(res.len(), 2, "{e}");
    assert_eq!(
        (res[0]["round"].as_i64(), res[0]["state"].as_str()),
        (Some(0), Some("fulfilled"))
    );
    assert_eq!(
        (res[1]["round"].as_i64(), res[1]["state"].as_str()),
        (Some(1), Some("running"))
    );
}

async fn business_hours_come_from_the_inbox_calendar(app: &mut TestApp, clock: &Arc<ManualClock>) {
    // START is Wednesday 2026-11-25 09:00 UTC = 11:00 in Riga.
    let inbox = app.inbox("api", None).await;
    let (s, cal) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Rīga", "timezone": "Europe/Riga",
                   "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "tue": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "wed": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "thu": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "fri": [["09:00", "13:00"], ["14:00", "18:00"]]},
                   "holidays": [{"date": "2026-11-26", "name": "Brīvdiena"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cal}");
    let cal = cal["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"calendar_id": cal}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["calendar_id"], cal);
    policy(
        app,
        json!({"name": "Darba laiks", "position": 1, "match": {"inbox_ids": [inbox]},
               "targets": {"first_response": 480}}),
    )
    .await;
    let b = app
        .conversation("Jautājums", "ilze@example.lv", "Labdien!", Some(inbox))
        .await;
    let id = b["id"].as_i64().unwrap();
    // Wednesday 11:00–13:00 and 14:00–18:00 (6 h), Thursday is a holiday,
    // Friday 09:00–11:00 (2 h): due Friday 11:00 Riga = 09:00 UTC.
    assert_eq!(
        b["sla"]["first_response_due"], "2026-11-27T09:00:00Z",
        "{b}"
    );

    // An hour later the calendar loses its holiday: the hour used stays,
    // the seven left count from now on the new calendar: Wednesday
    // 12:00–13:00, 14:00–18:00 (5 h), Thursday 09:00–11:00 (2 h).
    clock.advance_ms(60 * MIN);
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/calendars/{cal}"),
            &app.admin,
            Some(json!({"name": "Rīga", "timezone": "Europe/Riga",
                   "hours": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "tue": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "wed": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "thu": [["09:00", "13:00"], ["14:00", "18:00"]],
                             "fri": [["09:00", "13:00"], ["14:00", "18:00"]]}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        conv(app, id).await["sla"]["first_response_due"],
        "2026-11-26T09:00:00Z"
    );

    // The calendar is in use: it cannot go.
    let (s, b) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/calendars/{cal}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "calendar_in_use");

    // Office hours set on the chat settings are an inbox calendar too, and
    // its holidays close the widget.
    let chat = app.inbox("chat", None).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{chat}/public-settings"),
            &app.admin,
            Some(json!({"office_hours": {"timezone": "Asia/Tokyo",
                                          "days": {"mon": [["09:00", "18:00"]], "wed": [["22:00", "06:00"]]}}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let hours_cal = b["calendar_id"]
        .as_i64()
        .expect("a calendar for the office hours");
    assert_eq!(
        b["office_hours"]["days"]["wed"],
        json!([["22:00", "06:00"]])
    );
    let (s, k) = app
        .get(&format!("/api/v1/calendars/{hours_cal}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(k["timezone"], "Asia/Tokyo");
    assert_eq!(k["hours"]["mon"], json!([["09:00", "18:00"]]));
    // Changing the hours changes that calendar, not a new one.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{chat}/public-settings"),
            &app.admin,
            Some(json!({"office_hours": {"timezone": "Asia/Tokyo",
                                          "days": {"tue": [["10:00", "12:00"]]}}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["calendar_id"], hours_cal);
    let (_, k) = app
        .get(&format!("/api/v1/calendars/{hours_cal}"), &app.admin)
        .await;
    assert_eq!(k["hours"]["mon"], json!([]));
    assert_eq!(k["hours"]["tue"], json!([["10:00", "12:00"]]));
    // Teams get calendars too.
    let team = app.team("Naktis", &[], &[chat]).await;
    let (s, t) = app
        .patch(
            &format!("/api/v1/teams/{team}"),
            &app.admin,
            json!({"calendar_id": hours_cal}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["calendar_id"], hours_cal);
}

/// Many deadlines in the same minute, and the timer of a second node on
/// the same database (PostgreSQL; on SQLite, two timers of one node)
/// racing the first: every warning and breach fires exactly once.
async fn timers_on_two_nodes_never_fire_twice(app: &mut TestApp, clock: &Arc<ManualClock>) {
    policy(
        app,
        json!({"name": "All", "position": 1, "business_hours": false,
               "targets": {"first_response": 60}}),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..60 {
        let b = app
            .conversation(
                &format!("Nr. {i}"),
                &format!("c{i}@example.com"),
                "Palīdzība",
                None,
            )
            .await;
        ids.push(b["id"].as_i64().unwrap());
    }
    let (other, _dir) = if app.st.db.backend() == tend::db::Backend::Postgres {
        let (st, dir) = app.another_node().await;
        (st, Some(dir))
    } else {
        (app.st.clone(), None)
    };
    clock.advance_ms(61 * MIN);
    let (a, b) = tokio::join!(
        tend::sla::timer::run_once(&app.st),
        tend::sla::timer::run_once(&other)
    );
    let fired = a.unwrap() + b.unwrap();
    assert!(
        fired <= 120,
        "at most one warning and one breach each: {fired}"
    );
    let (a, b) = tokio::join!(
        tend::sla::timer::run_once(&app.st),
        tend::sla::timer::run_once(&other)
    );
    a.unwrap();
    b.unwrap();
    let count = |kind: &'static str| {
        let st = app.st.clone();
        async move {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE kind = $1")
                .bind(kind)
                .fetch_one(st.db.pool())
                .await
                .unwrap();
            n
        }
    };
    assert_eq!(count("sla_warning").await, 60);
    assert_eq!(count("sla_breached").await, 60);
    for id in [ids[0], ids[59]] {
        assert_eq!(events(app, id, "sla_breached").await.len(), 1);
    }
    if app.st.db.backend() == tend::db::Backend::Postgres {
        other.db.close().await;
    }
}

/// The unanswered monitor: customers waiting past the threshold (60
/// minutes by default) per channel and inbox, and whether anyone who may
/// answer is online; the page and `/metrics` say the same.
async fn every_channel_is_answered_or_says_nobody_is_online(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let chat = app.inbox("chat", None).await;
    let a = app
        .conversation("Rechnung", "jonas@example.de", "Hallo?", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let (s, b) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "チャット", "customer": {"email": "yui@example.jp"}, "channel": "chat",
                   "inbox_id": chat, "message": {"text": "こんにちは"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, m) = app.get("/api/v1/monitor/unanswered", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["after_minutes"], 60);
    assert_eq!(m["items"], json!([]), "nobody has waited an hour yet");

    clock.advance_ms(61 * MIN);
    let (_, m) = app.get("/api/v1/monitor/unanswered", &app.admin).await;
    let items = m["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{m}");
    let api = items.iter().find(|i| i["channel"] == "api").expect("api");
    assert_eq!(api["count"], 1);
    assert_eq!(api["longest_wait_secs"], 61 * 60);
    assert_eq!(api["nobody_online"], true, "{api}");
    assert_eq!(
        items.iter().find(|i| i["channel"] == "chat").unwrap()["inbox_id"],
        chat
    );
    // The page says it in words, to a supervisor who is offline too.
    let (_, mut b) = crate::web::signed_in(app, "sup@example.com", "Sup", "supervisor").await;
    let (s, html) = b.get("/monitor").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Nobody is online"), "{html}");
    assert!(html.contains("1 hour"), "{html}");
    // And /metrics.
    tend::sla::monitor::publish_gauges(&app.st, &mut Default::default())
        .await
        .unwrap();
    if app.metrics.is_some() {
        let text = app.metrics_text().await;
        assert!(text.contains("tend_unanswered_conversations{"), "{text}");
        assert!(text.contains("tend_unanswered_nobody_online{"));
    }

    // The admin comes online: someone can answer.
    let (s, b) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            &app.admin.clone(),
            Some(json!({"presence": "online"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, m) = app.get("/api/v1/monitor/unanswered", &app.admin).await;
    let api = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["channel"] == "api")
        .cloned()
        .unwrap();
    assert_eq!(api["nobody_online"], false, "{api}");
    assert!(api["agents_online"].as_i64().unwrap() >= 1);
    // A public reply answers it.
    message(app, &app.admin.clone(), a, json!({"text": "Guten Tag!"})).await;
    let (_, m) = app.get("/api/v1/monitor/unanswered", &app.admin).await;
    assert!(
        m["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["channel"] != "api"),
        "{m}"
    );
}

/// A queue is served by deadline when one exists: a later conversation
/// whose first response is due sooner goes before one that waited longer.
async fn routing_serves_the_soonest_deadline_first(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let d = crate::routing::desk(
        app,
        "r",
        1,
        json!({}),
        json!({"capacity": {"chat": 1}}),
        false,
    )
    .await;
    policy(
        app,
        json!({"name": "VIP", "position": 1, "business_hours": false,
               "match": {"tags": ["vip"]}, "targets": {"first_response": 15}}),
    )
    .await;
    let plain = crate::routing::arrive(app, d.inbox, "chat", "first@example.com", json!({})).await;
    clock.advance_ms(10 * MIN);
    let vip = crate::routing::arrive(
        app,
        d.inbox,
        "chat",
        "vip@example.com",
        json!({"tags": ["vip"]}),
    )
    .await;
    assert!(plain["assignee_id"].is_null() && vip["assignee_id"].is_null());
    let (agent, tok) = d.agents[0].clone();
    crate::routing::presence(app, &tok, "online").await;
    let vip = conv(app, vip["id"].as_i64().unwrap()).await;
    assert_eq!(vip["assignee_id"], agent, "the deadline goes first");
    let plain = conv(app, plain["id"].as_i64().unwrap()).await;
    assert!(plain["assignee_id"].is_null(), "capacity 1: {plain}");
}

/// Office hours saved before migration 0019 (in `inbox_public_settings`)
/// become a calendar of their inbox: the migration's own SQL, run again on
/// rows written the old way.
async fn office_hours_saved_before_become_inbox_calendars(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let chat = app.inbox("chat", None).await;
    let plain = app.inbox("chat", None).await;
    let hours =
        r#"{"timezone":"Asia/Seoul","days":{"mon":[["09:00","18:00"]],"sat":[["22:00","02:00"]]}}"#;
    for (inbox, hours) in [(chat, hours), (plain, "")] {
        sqlx::query(
            "INSERT INTO inbox_public_settings (inbox_id, office_hours, updated_at) VALUES ($1, $2, $3)",
        )
        .bind(inbox)
        .bind(hours)
        .bind(START)
        .execute(app.st.db.pool())
        .await
        .unwrap();
    }
    let migration = if app.st.db.backend() == tend::db::Backend::Postgres {
        include_str!("../../migrations/postgres/0019_office_hours_calendars.sql")
    } else {
        include_str!("../../migrations/sqlite/0019_office_hours_calendars.sql")
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(migration))
        .execute(app.st.db.pool())
        .await
        .unwrap();

    let (_, inbox) = app
        .get(&format!("/api/v1/inboxes/{chat}"), &app.admin)
        .await;
    let cal = inbox["calendar_id"].as_i64().expect("a calendar");
    let (_, k) = app
        .get(&format!("/api/v1/calendars/{cal}"), &app.admin)
        .await;
    assert_eq!(k["timezone"], "Asia/Seoul", "{k}");
    assert_eq!(k["hours"]["mon"], json!([["09:00", "18:00"]]));
    assert_eq!(k["hours"]["sat"], json!([["22:00", "02:00"]]));
    assert_eq!(k["hours"]["tue"], json!([]));
    assert!(
        k["name"].as_str().unwrap().starts_with("Office hours: "),
        "{k}"
    );
    let (_, settings) = app
        .get(
            &format!("/api/v1/inboxes/{chat}/public-settings"),
            &app.admin,
        )
        .await;
    assert_eq!(settings["calendar_id"], cal);
    assert_eq!(settings["office_hours"]["timezone"], "Asia/Seoul");
    assert_eq!(
        settings["office_hours"]["days"]["sat"],
        json!([["22:00", "02:00"]])
    );
    // An inbox without office hours stays always open.
    let (_, other) = app
        .get(&format!("/api/v1/inboxes/{plain}"), &app.admin)
        .await;
    assert_eq!(other["calendar_id"], Value::Null);
    let left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM inbox_public_settings WHERE office_hours <> ''")
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(left, 0, "the old column is emptied");
}

/// A change of inbox or tags re-evaluates the policy and keeps the time
/// used; a move the owner could not work is refused.
async fn moving_to_another_inbox_or_tagging_retargets(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let a = app.inbox("api", None).await;
    let b = app.inbox("api", None).await;
    let in_b = policy(
        app,
        json!({"name": "B", "position": 1, "business_hours": false,
               "match": {"inbox_ids": [b]}, "targets": {"first_response": 30}}),
    )
    .await;
    let tagged = policy(
        app,
        json!({"name": "VIP", "position": 2, "business_hours": false,
               "match": {"tags": ["vip"]}, "targets": {"first_response": 20}}),
    )
    .await;
    policy(
        app,
        json!({"name": "All", "position": 3, "business_hours": false,
               "targets": {"first_response": 120}}),
    )
    .await;
    let c = app
        .conversation("Frage", "mia@example.de", "Hallo", Some(a))
        .await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["sla"]["first_response_due"], at(120));
    clock.advance_ms(10 * MIN);
    let p = patch(app, id, json!({"add_tags": ["VIP"]})).await;
    assert_eq!(p["sla"]["policy_id"], tagged, "{p}");
    assert_eq!(p["sla"]["first_response_due"], at(20));
    clock.advance_ms(5 * MIN);
    let p = patch(app, id, json!({"inbox_id": b})).await;
    assert_eq!(p["inbox_id"], b);
    assert_eq!(p["sla"]["policy_id"], in_b, "{p}");
    // 15 of 30 minutes used.
    assert_eq!(p["sla"]["first_response_due"], at(30));
    let moved = events(app, id, "inbox_changed").await;
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (
            moved[0]["data"]["from"].as_i64(),
            moved[0]["data"]["to"].as_i64()
        ),
        (Some(a), Some(b))
    );

    // An owner who cannot work the other inbox: the move is refused.
    let (agent, _) = app.user("only-a@example.com", "Only A", "agent").await;
    app.team("A only", &[agent], &[a]).await;
    let c = app
        .conversation("Zweite", "mia@example.de", "Noch eine", Some(a))
        .await;
    let id = c["id"].as_i64().unwrap();
    patch(app, id, json!({"assignee_id": agent})).await;
    let (s, e) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"inbox_id": b}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "inbox_id");
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"inbox_id": 999_999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
