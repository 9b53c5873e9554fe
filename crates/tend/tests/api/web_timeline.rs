//! Two bugs found in review of the agent workspace: a long conversation
//! showed its oldest messages and hid its newest, and tags added from the
//! inbox were read and written back outside the write, so concurrent
//! additions were lost.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    a_long_conversation_opens_at_its_newest_messages,
    tags_added_at_the_same_time_from_the_inbox_all_stay,
    mail_shows_its_addresses_and_events_name_what_they_changed,
);

async fn signed_in(app: &TestApp, email: &str) -> Browser {
    agent_with_password(app, email, "Reviewer", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    b
}

async fn a_long_conversation_opens_at_its_newest_messages(app: &TestApp) {
    let mut b = signed_in(app, "long@example.com").await;
    let id = app
        .conversation("Long story", "long@customer.example", "message 00", None)
        .await["id"]
        .as_i64()
        .unwrap();
    for n in 1..12 {
        let (s, m) = app
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                &app.admin,
                json!({"text": format!("message {n:02}"), "internal": n % 3 == 0}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{m}");
    }
    // All twelve fit the first page.
    let (s, page) = b.get(&format!("/c/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("message 00") && page.contains("message 11"));
    assert!(!page.contains("class=\"earlier\""), "nothing is hidden");

    // A window of five: the newest five, and a way back.
    let (s, page) = b.get(&format!("/c/{id}?messages=5")).await;
    assert_eq!(s, StatusCode::OK);
    for n in 7..12 {
        assert!(
            page.contains(&format!("message {n:02}")),
            "newest {n} shown"
        );
    }
    for n in 0..7 {
        assert!(
            !page.contains(&format!("message {n:02}<")),
            "older {n} hidden"
        );
    }
    let link = format!("/c/{id}?messages=10#timeline");
    assert!(page.contains(&link), "a link to earlier messages");
    let (_, page) = b.get(&format!("/c/{id}?messages=10")).await;
    assert!(page.contains("message 02") && page.contains("message 11"));
    assert!(!page.contains("message 01<"));
    let (_, page) = b.get(&format!("/c/{id}?messages=20")).await;
    assert!(page.contains("message 00") && page.contains("message 11"));
}

async fn tags_added_at_the_same_time_from_the_inbox_all_stay(app: &TestApp) {
    let b = signed_in(app, "tags@example.com").await;
    let conv = app
        .conversation("Tag me", "tags@customer.example", "hello", None)
        .await;
    let id = conv["id"].as_i64().unwrap();
    let tags: Vec<String> = (0..8).map(|n| format!("t{n}")).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for tag in tags.clone() {
        let mut b = Browser {
            base: b.base.clone(),
            client: b.client.clone(),
            cookie: b.cookie.clone(),
            csrf: b.csrf.clone(),
            lang: b.lang.clone(),
        };
        let ids = id.to_string();
        tasks.spawn(async move {
            b.post("/bulk", &[("ids", &ids), ("action", "tag"), ("tag", &tag)])
                .await
        });
    }
    while let Some(r) = tasks.join_next().await {
        let (s, _) = r.unwrap();
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    let mut got: Vec<String> = conv["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, tags, "{conv}");

    // The API does the same: `add_tags` and `remove_tags` apply to the
    // list as it is when the change is written.
    let (s, c) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"add_tags": ["vip"], "remove_tags": ["t0", "t1"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let after: Vec<&Value> = c["tags"].as_array().unwrap().iter().collect();
    assert!(after.contains(&&json!("vip")));
    assert!(!after.contains(&&json!("t0")) && after.contains(&&json!("t7")));
}

/// Review of the timeline (issue 25, item 10): the opening comes before
/// the first message, mail shows who sent it from which address and to
/// whom, and a team or inbox change names the team or inbox.
async fn mail_shows_its_addresses_and_events_name_what_they_changed(app: &TestApp) {
    let mut b = signed_in(app, "timeline@example.com").await;
    let inbox = app.inbox("email", Some("palidziba@example.lv")).await;
    let raw = "From: Janis Berzins <janis@example.lv>\r\nTo: palidziba@example.lv\r\n\
               Subject: =?UTF-8?B?UsSTxLdpbnM=?=\r\nMessage-ID: <tl-1@example.lv>\r\n\
               Date: Tue, 24 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
               Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
               Kur ir mans rēķins?\r\n";
    let (s, b0) = crate::email::deliver(app, inbox, raw.as_bytes().to_vec()).await;
    assert!(s.is_success(), "{b0}");
    let id = b0["conversation_id"].as_i64().expect("conversation");
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "Sūtām to vēlreiz."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, page) = b.get(&format!("/c/{id}")).await;
    let created = page.find("created this conversation").expect("created");
    let first = page.find("Kur ir mans rēķins?").expect("first message");
    assert!(created < first, "the opening comes first");
    assert!(
        page.contains("<span class=\"addr\">&lt;janis@example.lv&gt;</span>"),
        "{page}"
    );
    assert!(
        page.contains("To: palidziba@example.lv"),
        "the customer wrote to the inbox"
    );
    assert!(
        page.contains("To: janis@example.lv"),
        "the reply went to the customer"
    );

    let team = app.team("Rēķinu komanda", &[], &[inbox]).await;
    let other = app.inbox("email", Some("rekini@example.lv")).await;
    let (s, e) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"team_id": team, "inbox_id": other}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");

    let (_, page) = b.get(&format!("/c/{id}")).await;
    assert!(page.contains("changed the team to Rēķinu komanda"));
    assert!(page.contains("moved it to the inbox"));
    assert!(
        !page.contains(&format!("#{other}<")),
        "the inbox by name, not number"
    );
}
