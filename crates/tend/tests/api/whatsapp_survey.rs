//! Surveys on messaging channels, on SQLite and PostgreSQL: a solved
//! WhatsApp conversation is asked on the channel, as a text with the
//! survey's link inside the 24-hour window and as the inbox's survey
//! template outside it (skipped, with the reason, when there is none);
//! the generic channel API's conversations are asked too.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::whatsapp_fake::*;

on_both_with_clock!(
    a_survey_goes_as_text_inside_the_window_and_as_a_template_outside,
    without_a_survey_template_the_survey_is_skipped_with_its_reason,
);

const DAY_MS: i64 = 86_400_000;

async fn solve(app: &TestApp, conv: i64) {
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    tend::surveys::jobs::run_once(&app.st)
        .await
        .expect("survey pass");
}

async fn surveys(app: &TestApp, conv: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{conv}/surveys"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| b.as_array().unwrap().clone())
}

async fn a_survey_goes_as_text_inside_the_window_and_as_a_template_outside(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"whatsapp": {
            "templates": [{"name": "csat_request", "language": "ja", "parameters": 1}],
            "survey_template": "csat_request"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Inside the window: a text with the link.
    let b = deliver(
        app,
        inbox,
        json!([message(
            "wamid.S1",
            "text",
            json!({"body": "ありがとうございました"})
        )]),
    )
    .await;
    assert_eq!(b["received"], 1, "{b}");
    let conv = conversation_of(app, inbox, "wamid.S1").await;
    solve(app, conv).await;
    let got = graph.wait_sent(1).await;
    let m = &got[0].0;
    assert_eq!(m["type"], "text", "{m}");
    let body = m["text"]["body"].as_str().unwrap();
    assert!(body.contains("/help/survey/"), "{body}");
    let s = surveys(app, conv).await;
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0]["status"], "sent", "{s:?}");
    // Another conversation, solved more than a day after its customer
    // wrote: the survey template, its parameter the link.
    // (Another customer: one survey per customer per period.)
    let mut m2 = message(
        "wamid.S2",
        "text",
        json!({"body": "もう一つ質問があります"}),
    );
    m2["from"] = json!("819011112222");
    let b = deliver(app, inbox, json!([m2])).await;
    assert_eq!(b["received"], 1, "{b}");
    let other = conversation_of(app, inbox, "wamid.S2").await;
    assert_ne!(other, conv);
    clock.advance_ms(DAY_MS + 60_000);
    solve(app, other).await;
    let got = graph.wait_sent(2).await;
    let m = &got[1].0;
    assert_eq!(m["type"], "template", "{m}");
    assert_eq!(m["template"]["name"], "csat_request", "{m}");
    assert_eq!(m["template"]["language"]["code"], "ja", "{m}");
    let link = m["template"]["components"][0]["parameters"][0]["text"]
        .as_str()
        .unwrap();
    assert!(
        link.contains("/help/survey/") && link.contains("/form/"),
        "{link}"
    );
    assert_eq!(surveys(app, other).await[0]["status"], "sent");
}

async fn without_a_survey_template_the_survey_is_skipped_with_its_reason(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let graph = FakeGraph::start().await;
    let inbox = whatsapp_inbox(app, &graph).await;
    let b = deliver(
        app,
        inbox,
        json!([message("wamid.K1", "text", json!({"body": "Thanks"}))]),
    )
    .await;
    assert_eq!(b["received"], 1, "{b}");
    let conv = conversation_of(app, inbox, "wamid.K1").await;
    clock.advance_ms(DAY_MS + 60_000);
    solve(app, conv).await;
    let s = surveys(app, conv).await;
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0]["status"], "skipped", "{s:?}");
    assert_eq!(s[0]["skip_reason"], "window_closed", "{s:?}");
    assert!(graph.sent().is_empty(), "nothing sent: {:?}", graph.sent());
    // The generic channel API's conversations are asked on the channel too.
    let api = app.inbox("api", None).await;
    let (s, b) = app
        .patch(&format!("/api/v1/inboxes/{api}"), &app.admin,
            json!({"secret": "a-channel-secret-of-16+", "outbound_url": format!("{}/bridge", graph.url)}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let body =
        serde_json::to_vec(&json!({"external_id": "e1", "from": {"id": "u1"}, "text": "Hello"}))
            .unwrap();
    let t = app.st.clock.now_ms() / 1000;
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{api}/inbound", app.base))
        .header(
            "Tend-Signature",
            tend::crypto::signature("a-channel-secret-of-16+", t, &body),
        )
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let got: Value = r.json().await.unwrap();
    let conv = got["conversation_id"].as_i64().unwrap();
    solve(app, conv).await;
    let s = surveys(app, conv).await;
    assert_eq!(s[0]["status"], "sent", "{s:?}");
    let queued: String = sqlx::query_scalar(
        "SELECT payload FROM channel_outbox WHERE conversation_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(conv)
    .fetch_one(app.st.db.pool())
    .await
    .unwrap();
    let queued: Value = serde_json::from_str(&queued).unwrap();
    assert_eq!(queued["kind"], "survey", "{queued}");
    assert!(
        queued["text"].as_str().unwrap().contains("/help/survey/"),
        "{queued}"
    );
}
