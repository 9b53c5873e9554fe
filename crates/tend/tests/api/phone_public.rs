//! Phone (issue 24): the public callback request (`POST /help/callback`)
//! that the chat widget and contact forms send without a token, checked
//! like the contact form, on SQLite and PostgreSQL.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;

/// Latvia for numbers without `+country`; two public posts a minute for
/// the rate-limit test.
fn settings(test: &str) -> Vec<(&'static str, String)> {
    let mut s = vec![("TEND_PHONE_DEFAULT_REGION", "LV".to_string())];
    if test == "the_public_callback_needs_no_token_and_is_rate_limited" {
        s.push(("TEND_PUBLIC_RATE_PER_MINUTE", "2".to_string()));
    }
    s
}

on_both_with_clock!(
    settings = super::settings;
    the_public_callback_needs_no_token_and_is_rate_limited,
    the_public_callback_answers_only_allowed_sites,
);

fn field(b: &Value) -> &str {
    b["error"]["details"]["field"].as_str().unwrap_or_default()
}

async fn the_public_callback_needs_no_token_and_is_rate_limited(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let web = app.inbox("web", None).await;
    let post = |body: Value| {
        app.client
            .post(format!("{}/help/callback", app.base))
            .json(&body)
            .send()
    };
    let r = post(json!({"phone": "+371 2000 0007", "name": "Anna Liepiņa"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let (s, list) = app.get("/api/v1/conversations?limit=50", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let item = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["subject"] == "Callback: +37120000007")
        .cloned()
        .expect("the callback");
    assert_eq!(item["inbox_id"], web, "{item}");
    // Invalid input names the field; it counts against the limit too.
    let r = post(json!({"phone": "???"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert_eq!(field(&b), "phone", "{b}");
    let r = post(json!({"phone": "+371 2000 0008"})).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn the_public_callback_answers_only_allowed_sites(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let web = app.inbox("web", None).await;
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/inboxes/{web}/public-settings"),
            &app.admin,
            Some(json!({"allowed_origins": ["https://veikals.example"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Sent as text/plain, as another site's page does to need no preflight.
    let post = |origin: &'static str, phone: &'static str| {
        app.client
            .post(format!("{}/help/callback", app.base))
            .header("origin", origin)
            .header("content-type", "text/plain")
            .body(json!({"phone": phone, "inbox_id": web}).to_string())
            .send()
    };
    let r = post("https://veikals.example", "+371 2000 0009")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let allow = r.headers().get("access-control-allow-origin").cloned();
    assert_eq!(allow.unwrap(), "https://veikals.example");
    let r = post("https://svess.example", "+371 2000 0010")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["code"], "origin_not_allowed", "{b}");
    // Only the allowed site's request was recorded.
    let (_, list) = app.get("/api/v1/conversations?limit=50", &app.admin).await;
    let subjects: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["subject"].as_str())
        .collect();
    assert!(subjects.contains(&"Callback: +37120000009"), "{subjects:?}");
    assert!(
        !subjects.contains(&"Callback: +37120000010"),
        "{subjects:?}"
    );
}
