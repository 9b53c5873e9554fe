//! Who may join a conversation by mail: the `[#id]` subject token only for
//! participants (the customer's addresses, addresses CC'd on it), every key
//! only within the inbox the mail arrived at, and a refused join opens a
//! new conversation that says which one it named and why.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::email::{deliver, mail};
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    the_subject_token_joins_only_for_participants,
    mail_joins_only_conversations_of_the_inbox_it_arrived_at,
);

async fn conversation(app: &TestApp, id: i64) -> Value {
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c
}

async fn events(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let (s, e) = app
        .get(&format!("/api/v1/conversations/{id}/events"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    e["items"].as_array().unwrap().clone()
}

fn refusal(events: &[Value]) -> Option<Value> {
    events
        .iter()
        .find(|e| e["kind"] == "join_refused")
        .map(|e| e["data"].clone())
}

async fn solve(app: &TestApp, id: i64) {
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn the_subject_token_joins_only_for_participants(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "Yuki <yuki@example.jp>",
            "Invoice missing",
            "t1@example.jp",
            "Cc: Keiko <Keiko@Example.JP>\r\n",
            "The invoice never arrived.",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "created", "{o}");
    let id = o["conversation_id"].as_i64().unwrap();
    solve(app, id).await;

    // A stranger who knows the number: a new conversation, linked, with
    // the reason; the named one is neither changed nor reopened.
    let (s, o) = deliver(
        app,
        inbox,
        mail(
            "mallory@example.org",
            &format!("Re: Invoice missing [#{id}]"),
            "t2@example.org",
            "",
            "Please send the invoice to my address instead.",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(o["outcome"], "created", "{o}");
    let new = o["conversation_id"].as_i64().unwrap();
    assert_ne!(new, id);
    assert!(
        o["reason"].as_str().unwrap().contains(&format!("#{id}")),
        "{o}"
    );
    let c = conversation(app, id).await;
    assert_eq!(
        (c["status"].as_str(), c["message_count"].as_i64()),
        (Some("solved"), Some(1))
    );
    let r = refusal(&events(app, &app.admin, new).await).expect("a join_refused event");
    assert_eq!(
        r,
        json!({"conversation_id": id, "via": "subject_token", "reason": "not_participant"})
    );
    let nc = conversation(app, new).await;
    assert_eq!(nc["inbox_id"], inbox);
    assert_eq!(nc["customer"]["email"], "mallory@example.org");

    // An address CC'd on the conversation joins (and reopens it).
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "keiko@example.jp",
            &format!("Re: Invoice missing [#{id}]"),
            "t3@example.jp",
            "",
            "I am Yuki's colleague; we still have no invoice.",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id)),
        "{o}"
    );
    assert_eq!(conversation(app, id).await["status"], "open");

    // So does the customer, through any of their addresses.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "YUKI@example.jp",
            &format!("[#{id}] Re: Invoice missing"),
            "t4@example.jp",
            "",
            "Any news?",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id)),
        "{o}"
    );
    assert!(refusal(&events(app, &app.admin, id).await).is_none());

    // A reply by the threading headers joins without being a participant:
    // knowing the Message-ID means having received the thread.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "boss@example.jp",
            "Re: Invoice missing",
            "t5@example.jp",
            "In-Reply-To: <t1@example.jp>\r\n",
            "Adding my voice.",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(id)),
        "{o}"
    );
    assert_eq!(conversation(app, id).await["message_count"], 4);
}

async fn mail_joins_only_conversations_of_the_inbox_it_arrived_at(app: &TestApp) {
    let a = app.inbox("email", Some("sales@example.com")).await;
    let b = app.inbox("email", Some("support@example.com")).await;
    let (agent, token) = app.user("bea@example.com", "Bea", "agent").await;
    app.team("Support", &[agent], &[b]).await;

    // A conversation in inbox A, which the agent may not see.
    let (_, o) = deliver(
        app,
        a,
        mail(
            "Yuki <yuki@example.jp>",
            "Quote for 40 seats",
            "x1@example.jp",
            "",
            "Our confidential budget is 12,000 EUR.",
        ),
    )
    .await;
    let x = o["conversation_id"].as_i64().unwrap();
    solve(app, x).await;

    // The agent posts raw mail to their own inbox, naming it every way a
    // mail can: the subject token (from the customer's own address), each
    // threading header, and both together.
    let attempts = [
        ("y1@example.jp", format!("Re: Quote [#{x}]"), String::new()),
        (
            "y2@example.jp",
            "Re: Quote".to_string(),
            "In-Reply-To: <x1@example.jp>\r\n".to_string(),
        ),
        (
            "y3@example.jp",
            "Re: Quote".to_string(),
            "References: <x1@example.jp>\r\n".to_string(),
        ),
        (
            "y4@example.jp",
            format!("Re: Quote [#{x}]"),
            "In-Reply-To: <x1@example.jp>\r\nReferences: <x1@example.jp>\r\n".to_string(),
        ),
    ];
    for (mid, subject, headers) in &attempts {
        let r = app
            .client
            .post(format!("{}/api/v1/inbound/email?inbox_id={b}", app.base))
            .bearer_auth(&token)
            .header("content-type", "message/rfc822")
            .body(mail(
                "yuki@example.jp",
                subject,
                mid,
                headers,
                "Reopen it, please.",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        let o: Value = r.json().await.unwrap();
        assert_eq!(o["outcome"], "created", "{mid}: {o}");
        let new = o["conversation_id"].as_i64().unwrap();
        assert_ne!(new, x, "{mid}");
        assert_eq!(conversation(app, new).await["inbox_id"], b, "{mid}");
        // Nothing on the new conversation names the other inbox's one.
        let evs = events(app, &token, new).await;
        let text = serde_json::to_string(&evs).unwrap();
        assert!(
            !text.contains(&format!("\"conversation_id\":{x}")),
            "{mid}: {text}"
        );
        assert!(
            !text.contains(&format!("\"linked_to\":{x}")),
            "{mid}: {text}"
        );
        if subject.contains("[#") {
            assert_eq!(
                refusal(&evs),
                Some(
                    json!({"conversation_id": null, "via": "subject_token", "reason": "not_in_inbox"})
                ),
                "{mid}"
            );
        }
    }
    let c = conversation(app, x).await;
    assert_eq!(
        (c["status"].as_str(), c["message_count"].as_i64()),
        (Some("solved"), Some(1)),
        "the other inbox's conversation is untouched"
    );

    // The same Message-ID again through the agent's inbox: a duplicate that
    // does not name the other inbox's conversation.
    let r = app
        .client
        .post(format!("{}/api/v1/inbound/email?inbox_id={b}", app.base))
        .bearer_auth(&token)
        .header("content-type", "message/rfc822")
        .body(mail(
            "yuki@example.jp",
            "Quote",
            "x1@example.jp",
            "",
            "again",
        ))
        .send()
        .await
        .unwrap();
    let o: Value = r.json().await.unwrap();
    assert_eq!(o["outcome"], "duplicate", "{o}");
    assert!(o.get("conversation_id").is_none(), "{o}");

    // Within inbox A the same keys still thread.
    let (_, o) = deliver(
        app,
        a,
        mail(
            "yuki@example.jp",
            &format!("Re: Quote [#{x}]"),
            "x2@example.jp",
            "In-Reply-To: <x1@example.jp>\r\n",
            "Any news?",
        ),
    )
    .await;
    assert_eq!(
        (o["outcome"].as_str(), o["conversation_id"].as_i64()),
        (Some("appended"), Some(x)),
        "{o}"
    );
}
