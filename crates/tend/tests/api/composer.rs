//! The composer (issue 25, item 7): drafts kept per agent on the server,
//! undo send (the outbox holds a workspace reply; undone, it never
//! reaches the customer — checked at a real SMTP sink — and its text is
//! back in the composer), "Send and solve" leading on to the next
//! conversation, and no "customer wrote again" refusal for an empty box.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::json;
use tend::agents::model::Role;
use tend::time::ManualClock;

use crate::browser::{Browser, PASSWORD, between, user_with_password};
use crate::on_both_backends;
use crate::portal::{on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;

on_both_backends!(a_draft_is_its_agents_own_and_goes_when_they_send);
on_both_with_sink!(
    an_undone_reply_is_never_mailed_and_comes_back_to_the_composer,
    send_and_solve_leads_on_to_the_next_conversation,
    replies_are_signed_in_the_customers_language,
);

async fn a_draft_is_its_agents_own_and_goes_when_they_send(app: &TestApp) {
    let id = app
        .conversation("Parcel", "kim@customer.example", "Where is it?", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let (_, ana) = app.user("ana@example.com", "Ana", "admin").await;
    let (_, ben) = app.user("ben@example.com", "Ben", "admin").await;
    let path = format!("/api/v1/conversations/{id}/draft");
    let put = |token: &str, body: serde_json::Value| {
        app.client
            .put(format!("{}{path}", app.base))
            .bearer_auth(token.to_string())
            .json(&body)
    };

    let (s, _) = app.get(&path, &ana).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "nothing typed yet");
    let r = put(
        &ana,
        json!({"text": "Dear Kim, your parcel", "internal": false}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, d) = app.get(&path, &ana).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["text"], "Dear Kim, your parcel");
    assert_eq!(d["internal"], false);

    // Ben reads his own (none), and his note does not touch Ana's reply.
    let (s, _) = app.get(&path, &ben).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another agent cannot read Ana's draft"
    );
    let r = put(&ben, json!({"text": "Check the depot", "internal": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (_, d) = app.get(&path, &ana).await;
    assert_eq!(d["text"], "Dear Kim, your parcel");
    let (_, d) = app.get(&path, &ben).await;
    assert_eq!(
        (d["text"].as_str(), d["internal"].as_bool()),
        (Some("Check the depot"), Some(true))
    );

    // Too long: a clear 422 naming the field.
    let r = put(&ana, json!({"text": "x".repeat(100_001)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["error"]["details"]["field"], "text", "{b}");

    // Sending spends the sender's draft only.
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &ana,
            json!({"text": "Dear Kim, your parcel left today."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, _) = app.get(&path, &ana).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "sent: the draft is gone");
    let (s, _) = app.get(&path, &ben).await;
    assert_eq!(s, StatusCode::OK, "Ben's note waits");

    // Empty text removes; DELETE removes, then there is nothing to remove.
    let r = put(&ben, json!({"text": "  "})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (s, _) = app.get(&path, &ben).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    put(&ben, json!({"text": "again"})).send().await.unwrap();
    let del = || {
        app.client
            .delete(format!("{}{path}", app.base))
            .bearer_auth(ben.clone())
            .send()
    };
    assert_eq!(del().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(del().await.unwrap().status(), StatusCode::NOT_FOUND);

    // A conversation the caller may not see: 404, as for any other path.
    let (_, agent) = app.user("cat@example.com", "Cat", "agent").await;
    let (s, _) = app.get(&path, &agent).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// An email desk: an inbox, an agent who may sign in, a conversation of
/// `customer` assigned to them.
pub(crate) async fn desk(app: &TestApp, customer: &str, tag: &str) -> (i64, i64, i64, Browser) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let agent = user_with_password(app, "aiko@example.com", "Aiko Tanaka", Role::Agent).await;
    app.team("Support", &[agent], &[inbox]).await;
    let id = crate::surveys::conversation_from(app, inbox, customer, tag, agent).await;
    let mut b = Browser::new(app, "en");
    assert!(b.login("aiko@example.com", PASSWORD).await);
    (inbox, agent, id, b)
}

async fn reply(b: &mut Browser, id: i64, text: &str, extra: &str) -> crate::browser::Page {
    let form = Form::new()
        .text("text", text.to_string())
        .text("internal", "false");
    b.post_multipart(&format!("/c/{id}/reply?seen=0&confirm=1{extra}"), form)
        .await
}

/// The mail to `to` at the sink whose text has `want`, parsed (waits for it).
pub(crate) async fn mail_to(sink: &Sink, to: &str, want: &str) -> tend_mail::InboundMessage {
    let start = Instant::now();
    loop {
        if let Some(m) = sink
            .messages()
            .into_iter()
            .filter(|m| m.contains(to))
            .map(|m| tend_mail::parse(m.as_bytes()).unwrap())
            .find(|m| m.text.contains(want))
        {
            return m;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no mail to {to}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the sink holds a mail to `to` with `want` in it.
async fn wait_mail(sink: &Sink, to: &str, want: &str) {
    let start = Instant::now();
    while !sink
        .messages()
        .iter()
        .any(|m| m.contains(to) && m.contains(want))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no mail to {to} with {want:?} reached the sink"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn an_undone_reply_is_never_mailed_and_comes_back_to_the_composer(
    app: &TestApp,
    sink: &Sink,
    clock: &Arc<ManualClock>,
) {
    // A first-response promise on every conversation (calendar minutes).
    let (s, policy) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "All", "position": 1, "business_hours": false,
                   "targets": {"first_response": 240, "resolution": 2880}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{policy}");
    let (_, _, id, mut b) = desk(app, "kim@customer.example", "u1").await;
    let (_, before) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert!(before["first_response_at"].is_null(), "{before}");
    let due = before["sla"]["first_response_due"].clone();
    assert!(due.is_string(), "the promise runs: {before}");

    // Sent: the page offers "Sent · Undo".
    let p = reply(&mut b, id, "Wrong order number, sorry", "").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let mid: i64 = between(&p.location, "?sent=", "#")
        .expect("the page is told which reply may be undone")
        .parse()
        .unwrap();
    let page = b.get(&p.location).await;
    assert!(page.body.contains("id=\"undo-send\""), "{}", page.body);
    assert!(page.body.contains(&format!("/c/{id}/m/{mid}/undo")));
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert!(
        !conv["first_response_at"].is_null(),
        "the reply counted, for now"
    );
    assert!(conv["sla"]["first_response_due"].is_null(), "met: {conv}");

    // Undone within the window.
    clock.advance_ms(3_000);
    let p = b.post(&format!("/c/{id}/m/{mid}/undo"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = b.get(&p.location).await;
    assert!(
        page.body.contains("id=\"composer-notice\""),
        "{}",
        page.body
    );
    let composer = between(&page.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(composer.contains("Wrong order number, sorry"), "{composer}");
    assert!(!page.body.contains("id=\"undo-send\""));

    // Gone from the conversation, the customer's portal view included; the
    // first response it made is taken back; the timeline says so.
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert!(
        !msgs.to_string().contains("Wrong order number"),
        "an undone reply is no message: {msgs}"
    );
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert!(conv["first_response_at"].is_null(), "{conv}");
    assert_eq!(conv["status"], before["status"], "{conv}");
    // The promise runs again, towards the same deadline.
    assert_eq!(conv["sla"]["first_response_due"], due, "{conv}");
    let (_, events) = app
        .get(&format!("/api/v1/conversations/{id}/events"), &app.admin)
        .await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "reply_undone" && e["data"]["message_id"] == mid),
        "{events}"
    );

    // Undoing twice finds nothing to undo.
    let p = b.post(&format!("/c/{id}/m/{mid}/undo"), &[]).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND, "{}", p.body);

    // The next reply is not undone: once its time is over it goes (the
    // sink works), and "Undo" is then too late.
    let p = reply(&mut b, id, "Your parcel left today", "").await;
    let mid2: i64 = between(&p.location, "?sent=", "#")
        .unwrap()
        .parse()
        .unwrap();
    clock.advance_ms(11_000);
    app.st.outbox_wake.notify_one();
    wait_mail(sink, "kim@customer.example", "Your parcel left today").await;
    let p = b.post(&format!("/c/{id}/m/{mid2}/undo"), &[]).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.body.contains("Too late to undo"), "{}", p.body);
    assert!(
        !sink
            .messages()
            .iter()
            .any(|m| m.contains("Wrong order number")),
        "the undone reply reached the customer"
    );
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert!(msgs.to_string().contains("Your parcel left today"));
}

async fn send_and_solve_leads_on_to_the_next_conversation(
    app: &TestApp,
    _sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, agent, first, mut b) = desk(app, "kim@customer.example", "s1").await;
    let second =
        crate::surveys::conversation_from(app, inbox, "lee@customer.example", "s2", agent).await;

    // An empty box is refused as empty, not as "the customer wrote again".
    let form = Form::new().text("text", "").text("internal", "false");
    let p = b
        .post_multipart(&format!("/c/{first}/reply?seen=0"), form)
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("id=\"new-message\" role=\"alert\" hidden"),
        "the warning stays hidden: {}",
        p.body
    );
    assert!(p.body.contains("a message needs text"), "{}", p.body);

    // From the "Mine" view: sent, solved, and on to the next of Mine.
    let p = reply(
        &mut b,
        first,
        "Refund made today.",
        "&then=solve&back=view%3Dmine",
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, format!("/c/{second}"));
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{first}"), &app.admin)
        .await;
    assert_eq!(conv["status"], "solved", "{conv}");
    // The last one of the view leads back to the view's list.
    let p = reply(&mut b, second, "Done too.", "&then=solve&back=view%3Dmine").await;
    assert_eq!(p.location, "/?view=mine");
}

async fn put_signatures(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let r = app
        .client
        .put(format!("{}/api/v1{path}", app.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or_default())
}

async fn replies_are_signed_in_the_customers_language(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, agent, token) = crate::surveys::desk(app).await;
    let (s, b) = put_signatures(
        app,
        &token,
        "/me/signatures",
        json!({"items": [
            {"language": null, "text": "Aiko Tanaka\nSupport"},
            {"language": "ja", "text": "田中 愛子\nサポート担当"},
        ]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["items"].as_array().unwrap().len(), 2, "{b}");
    // Agents do not write an inbox's; admins do. Bad input names its field.
    let body = json!({"items": [{"text": "Example Ltd <support>"}, {"language": "ja", "text": "株式会社エグザンプル"}]});
    let (s, _) = put_signatures(
        app,
        &token,
        &format!("/inboxes/{inbox}/signatures"),
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = put_signatures(
        app,
        &app.admin,
        &format!("/inboxes/{inbox}/signatures"),
        body,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = put_signatures(
        app,
        &token,
        "/me/signatures",
        json!({"items": [{"language": "ja", "text": "a"}, {"language": "JA", "text": "b"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["details"]["field"], "items[1].language", "{b}");

    // A Japanese customer gets the Japanese ones; a Latvian one (none in
    // Latvian) the fallbacks.
    let ja =
        crate::surveys::conversation_from(app, inbox, "yuki@customer.example", "g1", agent).await;
    let lv =
        crate::surveys::conversation_from(app, inbox, "janis@customer.example", "g2", agent).await;
    for (id, lang) in [(ja, "ja"), (lv, "lv")] {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{id}"),
                &app.admin,
                json!({"language": lang}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let (s, b) = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &token,
                json!({"text": format!("Reply {lang}"), "html": format!("<p>Reply {lang}</p>")}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(
            b["text"],
            format!("Reply {lang}"),
            "the conversation keeps the text as typed"
        );
    }
    let m = mail_to(sink, "yuki@customer.example", "Reply ja").await;
    assert!(
        m.text
            .contains("Reply ja\n\n-- \n田中 愛子\nサポート担当\n\n株式会社エグザンプル"),
        "{}",
        m.text
    );
    let html = m.html.unwrap_or_default();
    assert!(html.contains("田中 愛子<br>サポート担当"), "{html}");
    let m = mail_to(sink, "janis@customer.example", "Reply lv").await;
    assert!(
        m.text
            .contains("Reply lv\n\n-- \nAiko Tanaka\nSupport\n\nExample Ltd <support>"),
        "{}",
        m.text
    );
    assert!(
        m.html
            .unwrap_or_default()
            .contains("Example Ltd &lt;support&gt;")
    );
}
