//! Clearing the mail quarantine: deleting an entry (API and page, with a
//! confirmation) takes its stored original with it unless a message still
//! names the same bytes; retrying several at once ingests each message
//! once; reasons read in the admin's language; the tab shown is marked.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::email::deliver;
use crate::on_both_backends;
use crate::quarantine::flood;
use crate::support::TestApp;
use crate::web_admin::admin_browser;

on_both_backends!(held_mail_is_deleted_and_retried_in_bulk_without_loss,);

/// Mail without a From address: quarantined.
fn no_from(n: u32) -> Vec<u8> {
    format!(
        "To: support@example.com\r\nSubject: Who am I {n}\r\nMessage-ID: <nofrom{n}@example.net>\r\n\
         Content-Type: text/plain; charset=UTF-8\r\n\r\nanonymous {n}\r\n"
    )
    .into_bytes()
}

async fn held(app: &TestApp) -> Vec<Value> {
    let (_, list) = app
        .get("/api/v1/mail-log?outcome=quarantined", &app.admin)
        .await;
    list["items"].as_array().unwrap().clone()
}

async fn held_mail_is_deleted_and_retried_in_bulk_without_loss(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    flood(app, inbox, "robot@example.net").await;
    for n in [1, 2] {
        let (_, o) = deliver(app, inbox, no_from(n)).await;
        assert_eq!(o["outcome"], "quarantined", "{o}");
    }
    let items = held(app).await;
    assert_eq!(items.len(), 3);
    let id_of = |subject: &str| {
        items
            .iter()
            .find(|e| e["subject"].as_str().unwrap_or_default().contains(subject))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (robot, first, second) = (id_of("invoice"), id_of("Who am I 1"), id_of("Who am I 2"));

    // The API deletes one entry and its original; a second time it is gone.
    let blobs = app.rows("blobs").await;
    let path = format!("/api/v1/mail-log/{first}");
    let (s, _) = app.call(Method::DELETE, &path, &app.admin, None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.call(Method::DELETE, &path, &app.admin, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.get(&format!("{path}/raw"), &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.rows("blobs").await, blobs - 1, "the original is gone");
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let other = format!("/api/v1/mail-log/{second}");
    let (s, _) = app.call(Method::DELETE, &other, &agent, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The page: reasons in Japanese, never as recorded; the tab is marked.
    let mut b = admin_browser(app, "ja").await;
    let p = b.get("/admin/quarantine").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(!p.body.contains("loop protection") && !p.body.contains("usable From"));
    assert!(p.body.contains("ループ防止"), "{}", p.body);
    assert!(p.body.contains("有効な差出人アドレスがありません"));
    assert!(
        p.body
            .contains("href=\"/admin/quarantine?view=quarantined\" aria-current=\"page\"")
    );
    assert!(
        !p.body
            .contains("href=\"/admin/quarantine?view=ignored\" aria-current")
    );

    // Retrying both at once: the robot's message becomes a conversation,
    // the anonymous one is held again.
    let conversations = app.rows("conversations").await;
    let (r, s2) = (robot.to_string(), second.to_string());
    let form = [
        ("action", "retry"),
        ("view", "quarantined"),
        ("ids", r.as_str()),
        ("ids", s2.as_str()),
    ];
    let p = b.post("/admin/quarantine/bulk", &form).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, "/admin/quarantine?view=quarantined&retried_n=2");
    assert_eq!(app.rows("conversations").await, conversations + 1);
    // Again: refused beside the list, nothing ingested twice.
    let p = b.post("/admin/quarantine/bulk", &form[..3]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("id=\"quarantine-error\""));
    assert_eq!(app.rows("conversations").await, conversations + 1);
    let (_, e) = app
        .get(&format!("/api/v1/mail-log/{robot}"), &app.admin)
        .await;
    let conversation = e["retry_conversation_id"]
        .as_i64()
        .expect("in a conversation");
    let msgs = format!("/api/v1/conversations/{conversation}/messages");
    let (_, m) = app.get(&msgs, &app.admin).await;
    assert_eq!(m["items"].as_array().unwrap().len(), 1, "{m}");

    // Deleting both asks first, and nothing goes until confirmed.
    let form = [
        ("action", "delete"),
        ("view", "quarantined"),
        ("ids", r.as_str()),
        ("ids", s2.as_str()),
    ];
    let p = b.post("/admin/quarantine/bulk", &form).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("id=\"confirm-delete\"") && p.body.contains("name=\"confirm\""));
    assert_eq!(held(app).await.len(), 2);
    let blobs = app.rows("blobs").await;
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm", "1"));
    let p = b.post("/admin/quarantine/bulk", &confirmed).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, "/admin/quarantine?view=quarantined&deleted=2");
    assert!(held(app).await.is_empty());
    assert_eq!(app.rows("mail_log").await, 0);
    // The anonymous original is gone; the robot's stays, its message names it.
    assert_eq!(app.rows("blobs").await, blobs - 1);
    let (_, m) = app.get(&msgs, &app.admin).await;
    assert_eq!(m["items"].as_array().unwrap().len(), 1, "{m}");
    let p = b.get("/admin/quarantine?view=quarantined&deleted=2").await;
    assert!(
        p.body.contains("2 件のメッセージを削除しました。"),
        "{}",
        p.body
    );
}
