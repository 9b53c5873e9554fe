//! The customer portal, signed in: a customer's own conversations on every
//! channel and nothing else (ids guessed in addresses and in posts answer
//! 404 like ones that do not exist), replies with files that are customer
//! messages like any other, and "solved" / "not solved" that go through
//! the survey loop. SQLite and PostgreSQL, with a real SMTP sink.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use tend::time::ManualClock;

use crate::portal::{Browser, link_for, mail_customer, on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;
use crate::surveys::{conv, conversation_from, event_kinds, pass, reply_and_solve, surveys_of};

on_both_with_sink!(
    a_customer_sees_only_their_own_conversations,
    a_reply_with_a_file_is_a_customer_message,
    solved_and_not_solved_are_the_survey_loops_answers,
);

/// Signs `email` in; returns the browser.
async fn signed_in<'a>(app: &'a TestApp, sink: &Sink, email: &str) -> Browser<'a> {
    let link = link_for(app, sink, email).await;
    let mut b = Browser::new(app);
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    b
}

async fn messages(app: &TestApp, id: i64) -> Vec<serde_json::Value> {
    let (s, m) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    m["items"].as_array().unwrap().clone()
}

async fn a_customer_sees_only_their_own_conversations(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (mine, _, agent_token) = mail_customer(app, "aiko@customer.example", "c1").await;
    let inbox = app.inbox("email", Some("other@example.com")).await;
    let (agent, _) = app.user("liga@example.com", "Līga", "admin").await;
    let theirs = conversation_from(app, inbox, "jonas@customer.example", "c2", agent).await;
    // The same customer by the API: every channel is listed, newest first.
    let (s, api) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Invoice copy", "customer": {"email": "aiko@customer.example"}, "message": {"text": "Please send it again."}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{api}");
    let api_id = api["id"].as_i64().unwrap();
    // A public reply and an internal note on the customer's conversation.
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{mine}/messages"),
            &agent_token,
            json!({"text": "We are looking into it."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{mine}/messages"),
            &agent_token,
            json!({"text": "SECRET-NOTE for agents", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{theirs}/messages"),
            &app.admin,
            json!({"text": "Jonas, your parcel left."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);

    let b = signed_in(app, sink, "aiko@customer.example").await;
    let (s, list) = b.get("/help/portal").await;
    assert_eq!(s, StatusCode::OK);
    let at = |id: i64| list.find(&format!("data-id=\"{id}\""));
    assert!(
        at(api_id).unwrap() < at(mine).unwrap(),
        "newest first: {list}"
    );
    assert!(at(theirs).is_none(), "{list}");
    assert!(list.contains("data-status=\"new\""), "{list}");

    let (s, page) = b.get(&format!("/help/portal/conversations/{mine}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("We are looking into it."), "{page}");
    assert!(page.contains("Where is my parcel?"), "{page}");
    assert!(
        !page.contains("SECRET-NOTE"),
        "never an internal note: {page}"
    );

    // Another customer's conversation is one that does not exist.
    let (s, other) = b.get(&format!("/help/portal/conversations/{theirs}")).await;
    let (s2, none) = b.get("/help/portal/conversations/987654").await;
    assert_eq!((s, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(other, none);
    assert!(!other.contains("Jonas"), "{other}");
    assert_eq!(
        b.get("/help/portal/conversations/abc").await.0,
        StatusCode::NOT_FOUND
    );

    // Nor can it be answered, confirmed, or its files read, with a valid token.
    let csrf = b.csrf(&format!("/help/portal/conversations/{mine}")).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .text("text", "I am not Jonas");
    let (s, _, _) = b
        .post_multipart(
            &format!("/help/portal/conversations/{theirs}/reply"),
            form,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(messages(app, theirs).await.len(), 2, "nothing added");
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{theirs}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = b
        .post(
            &format!("/help/portal/conversations/{theirs}/confirm"),
            &[("_csrf", &csrf), ("answer", "yes")],
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(conv(app, theirs).await["status"], "solved");

    // Without a session the pages ask to sign in.
    let stranger = Browser::new(app);
    let (s, _) = stranger
        .get(&format!("/help/portal/conversations/{mine}"))
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
}

async fn a_reply_with_a_file_is_a_customer_message(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (id, _, token) = mail_customer(app, "sora@customer.example", "r1").await;
    reply_and_solve(app, &token, id, "Your parcel is on its way.").await;
    let b = signed_in(app, sink, "sora@customer.example").await;
    let path = format!("/help/portal/conversations/{id}");
    let csrf = b.csrf(&path).await;
    let bytes = b"%PDF-1.4 receipt".to_vec();
    let form = || {
        reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("text", "It has not arrived. Here is my receipt.")
            .part(
                "files",
                reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name("領収書.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            )
    };
    // Another site's post, or one without the session's token, adds nothing.
    let (s, _, _) = b
        .post_multipart(
            &format!("{path}/reply"),
            form(),
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let forged = reqwest::multipart::Form::new()
        .text("_csrf", "forged")
        .text("text", "x");
    let (s, _, _) = b
        .post_multipart(&format!("{path}/reply"), forged, None)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(messages(app, id).await.len(), 2);

    let (s, location, _) = b
        .post_multipart(&format!("{path}/reply"), form(), None)
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(location.contains("done=sent"), "{location}");
    let all = messages(app, id).await;
    let last = all.last().unwrap();
    assert_eq!(last["direction"], "in");
    assert_eq!(last["author"]["kind"], "customer", "{last}");
    assert_eq!(last["attachments"][0]["filename"], "領収書.pdf");
    let sha = last["attachments"][0]["sha256"].as_str().unwrap();
    assert_eq!(tend::attachments::load(&app.st, sha).await.unwrap(), bytes);
    // As if they had written: the solved conversation is open again.
    let c = conv(app, id).await;
    assert_eq!(c["status"], "open", "{c}");
    assert_eq!(c["reopen_count"], 1);

    // The customer reads the file back through their own conversation only.
    let (_, page) = b.get(&path).await;
    let key = format!("{path}/files/");
    let at = page.find(&key).expect("a file link") + key.len();
    let file_id: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = b.raw_get(&format!("{key}{file_id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), bytes);
    let other = another_by_mail(app, "kai@customer.example", "r2").await;
    assert_eq!(
        b.get(&format!(
            "/help/portal/conversations/{other}/files/{file_id}"
        ))
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    // An empty message is refused with the form again.
    let empty = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .text("text", "  ");
    let (s, _, page) = b
        .post_multipart(&format!("{path}/reply"), empty, None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"portal-error\""), "{page}");
}

/// Another conversation by mail in the desk of [`mail_customer`] (its
/// inbox `support@example.com`, its agent `aiko@example.com`).
async fn another_by_mail(app: &TestApp, email: &str, tag: &str) -> i64 {
    let (_, inboxes) = app.get("/api/v1/inboxes", &app.admin).await;
    let inbox = inboxes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["address"] == "support@example.com")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    let agent = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "aiko@example.com")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    conversation_from(app, inbox, email, tag, agent).await
}

async fn solved_and_not_solved_are_the_survey_loops_answers(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    let (happy, _, token) = mail_customer(app, "yui@customer.example", "s1").await;
    let unhappy = another_by_mail(app, "yui@customer.example", "s2").await;
    let b = signed_in(app, sink, "yui@customer.example").await;

    // Not solved yet: nothing to confirm.
    let path = format!("/help/portal/conversations/{happy}");
    let (_, page) = b.get(&path).await;
    assert!(!page.contains("id=\"portal-confirm\""), "{page}");
    let csrf = b.csrf(&path).await;
    let (s, _, _) = b
        .post(
            &format!("{path}/confirm"),
            &[("_csrf", &csrf), ("answer", "yes")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(conv(app, happy).await["status"], "new");

    // Solved and surveyed by mail: "yes" is the survey's answer, and closes.
    reply_and_solve(app, &token, happy, "Delivered today.").await;
    pass(app).await;
    let (_, page) = b.get(&path).await;
    assert!(page.contains("id=\"portal-confirm\""), "{page}");
    let (s, location, _) = b
        .post(
            &format!("{path}/confirm"),
            &[("_csrf", &csrf), ("answer", "yes")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(location.contains("done=yes"), "{location}");
    assert_eq!(conv(app, happy).await["status"], "closed");
    let surveys = surveys_of(app, happy).await;
    assert_eq!(
        (surveys.len(), surveys[0]["answer"].as_str()),
        (1, Some("yes")),
        "{surveys:?}"
    );
    assert!(
        event_kinds(app, happy)
            .await
            .contains(&"survey_answered".to_string())
    );

    // "No" before the job surveyed it: the survey is made, and the loop
    // reopens, raises the priority and follows up.
    reply_and_solve(app, &token, unhappy, "It should work now.").await;
    let path = format!("/help/portal/conversations/{unhappy}");
    let (s, location, _) = b
        .post(
            &format!("{path}/confirm"),
            &[("_csrf", &csrf), ("answer", "no")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(location.contains("done=no"), "{location}");
    let c = conv(app, unhappy).await;
    assert_eq!(
        (c["status"].as_str(), c["priority"].as_str()),
        (Some("open"), Some("high")),
        "{c}"
    );
    let kinds = event_kinds(app, unhappy).await;
    assert!(
        kinds.contains(&"survey_answered".to_string())
            && kinds.contains(&"follow_up_created".to_string()),
        "{kinds:?}"
    );
    let surveys = surveys_of(app, unhappy).await;
    assert_eq!(
        (
            surveys.len(),
            surveys[0]["answer"].as_str(),
            surveys[0]["unhappy"].as_bool()
        ),
        (1, Some("no"), Some(true)),
        "{surveys:?}"
    );
    // A forged post changes nothing.
    reply_and_solve(app, &token, unhappy, "Fixed for real.").await;
    let (s, _, _) = b
        .post(
            &format!("{path}/confirm"),
            &[("_csrf", "forged"), ("answer", "yes")],
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(conv(app, unhappy).await["status"], "solved");
}
