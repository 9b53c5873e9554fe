//! Phone (issue 24): the incoming-call popup on the agents' live stream,
//! on SQLite and PostgreSQL. An agent who may see the call's inbox is told
//! (`event: call`, the popup with the customer's conversations) while it
//! rings, and `call_gone` once it is answered; a page that connects while
//! a call rings is told at once; an agent who may not see the inbox is
//! never told.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password, live_until};

fn settings(_test: &str) -> Vec<(&'static str, String)> {
    vec![("TEND_PHONE_DEFAULT_REGION", "LV".to_string())]
}

on_both_with_clock!(
    settings = super::settings;
    agents_who_see_the_inbox_see_the_ringing_call,
);

async fn event(app: &TestApp, body: Value) -> Value {
    let (s, b) = app.post("/api/v1/calls", &app.admin, body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

fn ring(event: &str, call_id: &str, from: &str, inbox: i64) -> Value {
    json!({"event": event, "call_id": call_id, "from": from, "to": "100",
           "direction": "in", "inbox_id": inbox})
}

async fn signed_in(app: &TestApp, email: &str, name: &str) -> (i64, Browser) {
    let id = agent_with_password(app, email, name, "agent").await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    (id, b)
}

async fn agents_who_see_the_inbox_see_the_ringing_call(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let sales = app.inbox("email", Some("sales@example.lv")).await;
    let support = app.inbox("email", Some("help@example.lv")).await;
    let (anna, anna_b) = signed_in(app, "anna@example.lv", "Anna Liepa").await;
    let (oskars, oskars_b) = signed_in(app, "oskars@example.lv", "Oskars Kalns").await;
    app.team("Pārdošana", &[anna], &[sales]).await;
    app.team("Atbalsts", &[oskars], &[support]).await;
    // The caller has a conversation in the sales inbox.
    let conv = app
        .conversation(
            "Piedāvājums <birojam>",
            "ilze@example.lv",
            "Labdien!",
            Some(sales),
        )
        .await;
    let customer = conv["customer"]["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &app.admin,
            json!({"phone": "2000 0009"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let mut anna_live = anna_b.get_raw(&format!("{}/live", app.base)).await;
    let mut oskars_live = oskars_b.get_raw(&format!("{}/live", app.base)).await;
    assert_eq!(anna_live.status(), StatusCode::OK);
    assert_eq!(oskars_live.status(), StatusCode::OK);

    let call = event(app, ring("new", "s-1", "+371 2000 0009", sales)).await;
    let id = call["id"].as_i64().unwrap();
    let seen = live_until(&mut anna_live, "</section>").await;
    assert!(seen.contains("event: call\n"), "{seen}");
    assert!(seen.contains(&format!("data-call=\\\"{id}\\\"")), "{seen}");
    assert!(seen.contains("Incoming call"), "{seen}");
    assert!(seen.contains("+37120000009"), "{seen}");
    // The subject, escaped once by the template (the JSON keeps it so).
    assert!(seen.contains("Piedāvājums &#60;birojam&#62;"), "{seen}");
    assert!(seen.contains(&format!("/customers/{customer}")), "{seen}");

    // Oskars may not see the sales inbox: his stream is told only of the
    // support call that rings next (the order of the announcements holds).
    let other = event(app, ring("new", "h-1", "+371 2000 0010", support)).await;
    let told = live_until(
        &mut oskars_live,
        &format!("data-call=\\\"{}\\\"", other["id"]),
    )
    .await;
    assert!(!told.contains(&format!("data-call=\\\"{id}\\\"")), "{told}");
    assert!(!told.contains("Piedāvājums"), "{told}");

    // A page Anna opens now is told of the call still ringing.
    let mut fresh = anna_b.get_raw(&format!("{}/live", app.base)).await;
    live_until(&mut fresh, &format!("data-call=\\\"{id}\\\"")).await;

    // Answered: gone, on every page.
    let mut answered = ring("answered", "s-1", "+371 2000 0009", sales);
    answered["agent_id"] = json!(anna);
    event(app, answered).await;
    let gone = format!("event: call_gone\ndata: {{\"id\":{id}}}");
    live_until(&mut anna_live, &gone).await;
    live_until(&mut fresh, &gone).await;
    // And a page opened after that is not told of it.
    let mut later = anna_b.get_raw(&format!("{}/live", app.base)).await;
    let ringing_next = event(app, ring("new", "s-2", "+371 2000 0011", sales)).await;
    let told = live_until(
        &mut later,
        &format!("data-call=\\\"{}\\\"", ringing_next["id"]),
    )
    .await;
    assert!(!told.contains(&format!("data-call=\\\"{id}\\\"")), "{told}");
}
