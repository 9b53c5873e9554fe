//! The WhatsApp channel going out, on SQLite and PostgreSQL, against the
//! Cloud API server of `whatsapp_fake`: replies as text and uploaded
//! media (bytes intact), statuses moving each message's delivery state,
//! the 24-hour window (free text refused, templates sent), retries when
//! the Cloud API fails, and a revoked token surfacing on the inbox.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::whatsapp_fake::*;

on_both_with_clock!(
    replies_and_media_go_out_and_statuses_come_back,
    outside_the_window_only_templates_go,
    a_failing_cloud_api_is_retried,
    a_revoked_token_marks_the_inbox_failing,
);

const DAY_MS: i64 = 86_400_000;

/// A conversation the customer opened with one message.
async fn opened(app: &TestApp, inbox: i64, id: &str, text: &str) -> i64 {
    let b = deliver(
        app,
        inbox,
        json!([message(id, "text", json!({ "body": text }))]),
    )
    .await;
    assert_eq!(b["received"], 1, "{b}");
    conversation_of(app, inbox, id).await
}

async fn reply(app: &TestApp, conv: i64, body: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/conversations/{conv}/messages"),
        &app.admin,
        body,
    )
    .await
}

async fn statuses(app: &TestApp, inbox: i64, list: Value) {
    let (s, b) = post_signed(app, inbox, Some(APP_SECRET), &notification(json!([]), list)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn replies_and_media_go_out_and_statuses_come_back(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let conv = opened(app, inbox, "wamid.R1", "Where is my parcel?").await;
    let (s, sent) = reply(app, conv, json!({"text": "Paldies! Tas ir ceļā."})).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["delivery_status"], "queued", "{sent}");
    let mid = sent["id"].as_i64().unwrap();
    let got = graph.wait_sent(1).await;
    let (m, _) = &got[0];
    assert_eq!(m["to"], WA_ID, "{m}");
    assert_eq!(m["type"], "text", "{m}");
    assert_eq!(m["text"]["body"], "Paldies! Tas ir ceļā.", "{m}");
    wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    // WhatsApp reports delivery, then reading (and an old report after).
    statuses(app, inbox, json!([{"id": "wamid.OUT1", "status": "delivered", "timestamp": "1", "recipient_id": WA_ID}])).await;
    wait_message(app, conv, mid, |m| m["delivery_status"] == "delivered").await;
    statuses(
        app,
        inbox,
        json!([
        {"id": "wamid.OUT1", "status": "read", "timestamp": "2", "recipient_id": WA_ID},
        {"id": "wamid.OUT1", "status": "delivered", "timestamp": "1", "recipient_id": WA_ID},
        {"id": "wamid.UNKNOWN", "status": "read", "timestamp": "2", "recipient_id": WA_ID}]),
    )
    .await;
    wait_message(app, conv, mid, |m| m["delivery_status"] == "read").await;
    // A reply with a file: the text, then the file uploaded and sent by id.
    let pdf: Vec<u8> = (0..=255u8).rev().cycle().take(33_333).collect();
    let form = Form::new().text("text", "Here is the label").part(
        "file",
        Part::bytes(pdf.clone())
            .file_name("label.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{conv}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let with_file: Value = r.json().await.unwrap();
    let got = graph.wait_sent(3).await;
    assert_eq!(got[1].0["text"]["body"], "Here is the label");
    let doc = &got[2].0;
    assert_eq!(doc["type"], "document", "{doc}");
    assert_eq!(doc["document"]["filename"], "label.pdf", "{doc}");
    let media_id = doc["document"]["id"].as_str().unwrap().to_string();
    let (name, ct, bytes) = graph.state.lock().unwrap().uploads[&media_id].clone();
    assert_eq!(
        (name.as_str(), ct.as_str()),
        ("label.pdf", "application/pdf")
    );
    assert_eq!(bytes, pdf, "the file reached WhatsApp intact");
    let fid = with_file["id"].as_i64().unwrap();
    wait_message(app, conv, fid, |m| m["delivery_status"] == "sent").await;
    // WhatsApp could not deliver it after all.
    statuses(
        app,
        inbox,
        json!([{"id": "wamid.OUT3", "status": "failed", "timestamp": "3",
        "recipient_id": WA_ID, "errors": [{"code": 131026, "title": "Message undeliverable"}]}]),
    )
    .await;
    let m = wait_message(app, conv, fid, |m| m["delivery_status"] == "failed").await;
    assert!(
        m["delivery_error"].as_str().unwrap().contains("131026"),
        "{m}"
    );
    // Longer than WhatsApp takes: refused with the reason, nothing stored.
    let (s, b) = reply(app, conv, json!({"text": "x".repeat(4_097)})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("4096"),
        "{b}"
    );
}

async fn outside_the_window_only_templates_go(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let conv = opened(app, inbox, "wamid.W1", "Is my order shipped?").await;
    clock.advance_ms(DAY_MS - 60_000);
    let (s, b) = reply(app, conv, json!({"text": "Yes, this morning."})).await;
    assert_eq!(s, StatusCode::CREATED, "inside the window: {b}");
    clock.advance_ms(120_000);
    let (s, b) = reply(app, conv, json!({"text": "Any news?"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let why = b["error"]["message"].as_str().unwrap();
    assert!(why.contains("window") && why.contains("template"), "{why}");
    assert_eq!(messages_of(app, conv).await.len(), 2, "nothing stored");
    // No template registered yet.
    let t = json!({"template": {"name": "order_update", "parameters": ["A-1001", "Friday"]}});
    let (s, b) = reply(app, conv, t.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "template.name", "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"whatsapp": {"templates": [
            {"name": "order_update", "language": "en_US", "parameters": 2},
            {"name": "survey_link", "language": "en_US", "parameters": 1}],
            "survey_template": "survey_link"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["whatsapp"]["templates"][0]["parameters"], 2, "{b}");
    assert_eq!(b["whatsapp"]["survey_template"], "survey_link", "{b}");
    let (s, b) = reply(
        app,
        conv,
        json!({"template": {"name": "order_update", "parameters": ["A-1001"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "template.parameters", "{b}");
    // The conversation page says so, and offers the templates instead of
    // the text box.
    let mut browser = crate::web_admin::admin_browser(app, "en").await;
    let page = browser.get(&format!("/c/{conv}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("The WhatsApp reply window closed at"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"name="template" value="order_update""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Parameter 2"), "{}", page.body);
    assert!(
        !page.body.contains(r#"id="composer""#),
        "no free text: {}",
        page.body
    );
    let (s, sent) = reply(app, conv, t).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["text"], "[order_update] A-1001 · Friday", "{sent}");
    let got = graph.wait_sent(2).await;
    let m = &got[1].0;
    assert_eq!(m["type"], "template", "{m}");
    assert_eq!(m["template"]["name"], "order_update", "{m}");
    assert_eq!(m["template"]["language"]["code"], "en_US", "{m}");
    assert_eq!(
        m["template"]["components"][0]["parameters"][1]["text"], "Friday",
        "{m}"
    );
    wait_message(app, conv, sent["id"].as_i64().unwrap(), |m| {
        m["delivery_status"] == "sent"
    })
    .await;
    // The customer writes again: the window opens for another day.
    deliver(
        app,
        inbox,
        json!([message("wamid.W2", "text", json!({"body": "Thanks!"}))]),
    )
    .await;
    let (s, b) = reply(app, conv, json!({"text": "You're welcome."})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let page = browser.get(&format!("/c/{conv}")).await;
    assert!(
        page.body
            .contains("The WhatsApp reply window is open until"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="composer""#), "{}", page.body);
    // Templates are WhatsApp's: another channel refuses them.
    let email = app
        .conversation("Hi", "ann@example.com", "Hello", None)
        .await;
    let eid = email["id"].as_i64().unwrap();
    let (s, b) = reply(
        app,
        eid,
        json!({"template": {"name": "order_update", "parameters": ["a", "b"]}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "template", "{b}");
}

async fn a_failing_cloud_api_is_retried(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let conv = opened(app, inbox, "wamid.F1", "Help").await;
    graph.answer(&[500]);
    let (s, sent) = reply(app, conv, json!({"text": "On it"})).await;
    assert_eq!(s, StatusCode::CREATED, "{sent}");
    let mid = sent["id"].as_i64().unwrap();
    assert_eq!(graph.wait_sent(1).await[0].1, 500);
    let m = wait_message(app, conv, mid, |m| {
        m["delivery_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    })
    .await;
    assert_eq!(m["delivery_status"], "queued", "retried, not failed: {m}");
    // The backoff passes: taken, once.
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    let got = graph.wait_sent(2).await;
    assert_eq!(got[1].1, 200);
    assert_eq!(got[1].0["text"]["body"], "On it");
    let m = wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    assert!(m["delivery_error"].is_null(), "{m}");
    assert_eq!(graph.sent().len(), 2);
}

async fn a_revoked_token_marks_the_inbox_failing(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let conv = opened(app, inbox, "wamid.X1", "Hi").await;
    graph.answer(&[401]);
    let (_, sent) = reply(app, conv, json!({"text": "Hello"})).await;
    let mid = sent["id"].as_i64().unwrap();
    graph.wait_sent(1).await;
    let failing = wait_failing(app, inbox, true).await;
    let error = failing["failing_error"].as_str().unwrap();
    assert!(error.contains("401") && error.contains("190"), "{failing}");
    let mut browser = crate::web_admin::admin_browser(app, "en").await;
    let page = browser.get("/admin/inboxes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("The Graph API has refused the WhatsApp access token"),
        "the admin page shows the failing inbox: {}",
        page.body
    );
    assert!(page.body.contains(NUMBER_ID), "{}", page.body);
    wait_message(app, conv, mid, |m| !m["delivery_error"].is_null()).await;
    // The retry goes through: the inbox recovers.
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    graph.wait_sent(2).await;
    wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    wait_failing(app, inbox, false).await;
    // Refused again; a new token clears the failing state at once.
    graph.answer(&[401]);
    reply(app, conv, json!({"text": "Still there?"})).await;
    wait_failing(app, inbox, true).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"whatsapp": {"access_token": TOKEN}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["failing_since"].is_null(), "{b}");
}

/// Waits (at most 15 s) until the inbox is failing (or not).
async fn wait_failing(app: &TestApp, inbox: i64, failing: bool) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let (s, b) = app
            .get(&format!("/api/v1/inboxes/{inbox}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::OK);
        if b["failing_since"].is_null() != failing {
            return b;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never failing={failing}: {b}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
