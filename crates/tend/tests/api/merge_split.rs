//! Merging conversations (issue 25): a merge moves messages, their files
//! and events, closes the source and leads its number (page, API, mail
//! threading) to the target; it is refused across customers, into itself,
//! and for what was merged already. Splitting and linking are
//! `split_links`. SQLite and PostgreSQL.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::email::{deliver, mail};
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    a_merge_moves_messages_files_and_events_and_mail_follows,
    merges_are_refused_across_customers_into_itself_and_twice,
);

/// A mail from `from` with a file attached.
pub(crate) fn mail_with_file(
    from: &str,
    subject: &str,
    message_id: &str,
    extra_headers: &str,
    file: &str,
    text: &str,
) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n\
         Date: Mon, 23 Nov 2026 10:00:00 +0900\r\nMIME-Version: 1.0\r\n{extra_headers}\
         Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n\
         --b0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{text}\r\n\
         --b0\r\nContent-Type: text/plain; name=\"{file}\"\r\n\
         Content-Disposition: attachment; filename=\"{file}\"\r\n\r\nthe corner is broken\r\n\
         --b0--\r\n"
    )
    .into_bytes()
}

/// Delivers a mail and answers the conversation it went to and whether it
/// was appended (rather than created).
pub(crate) async fn arrive(app: &TestApp, inbox: i64, raw: Vec<u8>) -> (i64, bool) {
    let (s, o) = deliver(app, inbox, raw).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    (
        o["conversation_id"].as_i64().unwrap(),
        o["outcome"] == "appended",
    )
}

pub(crate) async fn get(app: &TestApp, path: &str) -> Value {
    let (s, b) = app.get(path, &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{path}: {b}");
    b
}

pub(crate) async fn messages(app: &TestApp, id: i64) -> Vec<Value> {
    get(
        app,
        &format!("/api/v1/conversations/{id}/messages?limit=200"),
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) async fn events(app: &TestApp, id: i64) -> Vec<Value> {
    get(app, &format!("/api/v1/conversations/{id}/events?limit=200")).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

pub(crate) fn of_kind<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

pub(crate) fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|m| m["id"].as_i64().unwrap()).collect()
}

async fn merge(app: &TestApp, token: &str, id: i64, into: Value) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/conversations/{id}/merge"),
        token,
        json!({ "into": into }),
    )
    .await
}

async fn a_merge_moves_messages_files_and_events_and_mail_follows(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let yuki = "Yuki <yuki@example.jp>";
    let (a, _) = arrive(
        app,
        inbox,
        mail_with_file(
            yuki,
            "Broken box",
            "a1@example.jp",
            "",
            "damage.txt",
            "The box arrived broken.",
        ),
    )
    .await;
    let (s, reply) = app
        .post(
            &format!("/api/v1/conversations/{a}/messages"),
            &app.admin,
            json!({"text": "Sorry to hear that; a new one is on its way."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{reply}");
    let (b, appended) = arrive(
        app,
        inbox,
        mail(
            yuki,
            "Refund",
            "b1@example.jp",
            "",
            "Could I have a refund instead?",
        ),
    )
    .await;
    assert!(!appended && b != a, "a second conversation");
    let moved = ids(&messages(app, a).await);
    assert_eq!(moved.len(), 2);
    let file = messages(app, a).await[0]["attachments"][0]["id"]
        .as_i64()
        .expect("the mail's file");
    let outbound_id = messages(app, a).await[1]["message_id"]
        .as_str()
        .expect("the reply's Message-ID")
        .to_string();

    let (s, target) = merge(app, &app.admin, a, json!(b)).await;
    assert_eq!(s, StatusCode::OK, "{target}");
    assert_eq!(target["id"], b);
    assert_eq!(target["message_count"], 3);
    assert_eq!(target["merged_into"], Value::Null);

    // The source: closed, empty, and says where it went.
    let source = get(app, &format!("/api/v1/conversations/{a}")).await;
    assert_eq!(
        (
            &source["status"],
            &source["merged_into"],
            &source["message_count"]
        ),
        (&json!("closed"), &json!(b), &json!(0))
    );
    assert!(messages(app, a).await.is_empty());
    // The target holds every message, the file still downloads.
    let held = ids(&messages(app, b).await);
    assert!(moved.iter().all(|m| held.contains(m)), "{held:?}");
    let target_msgs = messages(app, b).await;
    let with_file = target_msgs.iter().find(|m| m["id"] == moved[0]).unwrap();
    assert_eq!(with_file["attachments"][0]["filename"], "damage.txt");
    let (s, _) = app
        .get(&format!("/api/v1/attachments/{file}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    // The messages' events moved with them; each side says what happened.
    let eb = events(app, b).await;
    let added: Vec<i64> = of_kind(&eb, "message_added")
        .iter()
        .map(|e| e["data"]["message_id"].as_i64().unwrap())
        .collect();
    assert!(moved.iter().all(|m| added.contains(m)), "{eb:?}");
    let from = of_kind(&eb, "merged_from");
    assert_eq!(from.len(), 1);
    assert_eq!(from[0]["data"]["from"], a);
    assert_eq!(from[0]["data"]["messages"], json!(moved));
    let ea = events(app, a).await;
    assert!(of_kind(&ea, "message_added").is_empty(), "{ea:?}");
    assert_eq!(
        of_kind(&ea, "created").len(),
        1,
        "the source keeps its own history"
    );
    assert_eq!(of_kind(&ea, "merged_into")[0]["data"]["into"], b);
    assert_eq!(
        of_kind(&ea, "status_changed").last().unwrap()["data"]["to"],
        "closed"
    );

    // Mail threading to either conversation lands in the target: the
    // customer's first Message-ID, our reply's, and the old `[#id]` token.
    let (to, appended) = arrive(
        app,
        inbox,
        mail(
            yuki,
            "Re: Broken box",
            "a2@example.jp",
            "In-Reply-To: <a1@example.jp>\r\nReferences: <a1@example.jp>\r\n",
            "Any news on the box?",
        ),
    )
    .await;
    assert_eq!((to, appended), (b, true));
    let (to, appended) = arrive(
        app,
        inbox,
        mail(
            yuki,
            "Re: Broken box",
            "a3@example.jp",
            &format!("In-Reply-To: <{outbound_id}>\r\n"),
            "Thank you, it came.",
        ),
    )
    .await;
    assert_eq!((to, appended), (b, true));
    let (to, appended) = arrive(
        app,
        inbox,
        mail(
            yuki,
            &format!("Broken box again [#{a}]"),
            "a4@example.jp",
            "",
            "One more thing about the box.",
        ),
    )
    .await;
    assert_eq!((to, appended), (b, true));
    assert_eq!(
        get(app, &format!("/api/v1/conversations/{a}")).await["message_count"],
        0
    );

    // The search index follows: the source's words are found in the target.
    crate::search::indexed(&app.st).await;
    assert_eq!(
        crate::search::search(app, &app.admin, "arrived broken").await,
        vec![b]
    );

    // The old page redirects to the survivor.
    let (_, mut browser) = crate::web::signed_in(app, "marta@example.cat", "Marta", "admin").await;
    let (s, to) = browser.get(&format!("/c/{a}")).await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::PERMANENT_REDIRECT, &*format!("/c/{b}"))
    );
    let (s, page) = browser.get(&format!("/c/{b}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("merged another conversation into this one (2 messages moved)"),
        "the timeline names the merge"
    );
    assert!(
        page.contains(&format!("href=\"/c/{a}\"")),
        "and links the other conversation"
    );
}

async fn merges_are_refused_across_customers_into_itself_and_twice(app: &TestApp) {
    // Service levels on every conversation: the source's clocks stop.
    let (s, policy) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "All", "position": 1, "business_hours": false,
                   "targets": {"first_response": 240, "resolution": 2880}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{policy}");
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let other_inbox = app.inbox("email", Some("sales@example.com")).await;
    let a = app
        .conversation(
            "Invoice",
            "ilze@example.lv",
            "Where is my invoice?",
            Some(inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let b = app
        .conversation(
            "Invoice again",
            "ilze@example.lv",
            "Still no invoice.",
            Some(inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let stranger = app
        .conversation(
            "Delivery",
            "jordi@example.cat",
            "On és el paquet?",
            Some(inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let elsewhere = app
        .conversation(
            "Quote",
            "ilze@example.lv",
            "A quote, please.",
            Some(other_inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();

    let field_of = |b: &Value| b["error"]["details"]["field"].as_str().map(str::to_string);
    for (into, words) in [
        (a, "itself"),
        (stranger, "another customer"),
        (elsewhere, "another inbox"),
        (999_999, "no conversation"),
    ] {
        let (s, body) = merge(app, &app.admin, a, json!(into)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{into}: {body}");
        assert_eq!(body["error"]["code"], "invalid_input");
        assert_eq!(field_of(&body).as_deref(), Some("into"));
        assert!(
            body["error"]["message"].as_str().unwrap().contains(words),
            "{body}"
        );
    }
    let (s, body) = merge(app, &app.admin, a, json!("two")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Nothing moved.
    assert_eq!(messages(app, a).await.len(), 1);
    assert_eq!(
        get(app, &format!("/api/v1/conversations/{a}")).await["status"],
        "new"
    );

    // An agent who cannot see the other inbox: its conversation is as if it were not there.
    let (agent, token) = app.user("agent@example.com", "Agent", "agent").await;
    app.team("Support", &[agent], &[inbox]).await;
    let (s, body) = merge(app, &token, elsewhere, json!(a)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let (s, body) = merge(app, &token, a, json!(elsewhere)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no conversation"),
        "{body}"
    );

    let (s, body) = merge(app, &token, a, json!(b)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let clocks = get(app, &format!("/api/v1/conversations/{a}/sla")).await["clocks"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(clocks.len(), 2, "{clocks:?}");
    for k in &clocks {
        assert_ne!(k["state"], "running", "{k}");
        assert!(k["stopped_at"].is_string(), "{k}");
    }
    let survivor = get(app, &format!("/api/v1/conversations/{b}/sla")).await;
    assert!(
        survivor["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["state"] == "running"),
        "{survivor}"
    );
    // Merged already: a conflict; into a merged one: refused on `into`.
    let (s, body) = merge(app, &app.admin, a, json!(b)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "conversation_merged");
    assert_eq!(body["error"]["details"]["merged_into"], b);
    let c = app
        .conversation("Invoice, third", "ilze@example.lv", "Hello?", Some(inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    let (s, body) = merge(app, &app.admin, c, json!(a)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("merged"),
        "{body}"
    );
    // A closed target is refused.
    for status in ["solved", "closed"] {
        let (s, body) = app
            .patch(
                &format!("/api/v1/conversations/{c}"),
                &app.admin,
                json!({ "status": status }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let (s, body) = merge(app, &app.admin, b, json!(c)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("closed"),
        "{body}"
    );

    // The page (a forged choice): a refused merge comes back with the
    // error beside the field, in words; nothing moved.
    let (_, mut browser) = crate::web::signed_in(app, "marta@example.cat", "Marta", "admin").await;
    let (s, page) = browser
        .post(&format!("/c/{b}/merge"), &[("into", &stranger.to_string())])
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"merge-error\""), "{page}");
    assert!(
        page.contains("That conversation belongs to another customer"),
        "{page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    assert_eq!(messages(app, b).await.len(), 2);
    // A merged conversation takes no split either.
    let (s, body) = app
        .post(
            &format!("/api/v1/conversations/{a}/messages/1/split"),
            &app.admin,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
}
