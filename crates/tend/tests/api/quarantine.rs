//! The mail quarantine as an admin uses it: held mail is listed (API and
//! `/admin/quarantine`), its original downloads byte for byte, and a retry
//! runs it through inbound processing again without the per-sender limit,
//! recording the outcome on the same mail-log entry.

use reqwest::StatusCode;
use serde_json::Value;
use tend::agents::Role;

use crate::email::{deliver, mail};
use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin::{Browser, PASSWORD, admin_browser, between, user_with_password};

on_both_backends!(
    a_looping_sender_is_quarantined_then_retried_into_a_conversation,
    oversize_mail_stays_quarantined_on_retry_in_one_entry,
    the_admin_page_lists_escaped_mail_and_retries_it,
);

/// A subject that would run script if printed unescaped.
const HOSTILE: &str = "<script>alert(1)</script> & \"invoice\"";

/// Sends 30 messages from `sender` (the per-sender limit in 10 minutes),
/// then one more with a hostile subject, which must be quarantined. Returns
/// the held message's raw bytes.
pub(crate) async fn flood(app: &TestApp, inbox: i64, sender: &str) -> Vec<u8> {
    for i in 0..30 {
        let (s, o) = deliver(
            app,
            inbox,
            mail(
                sender,
                &format!("Ticket {i}"),
                &format!("{i}.{sender}"),
                "",
                "hello",
            ),
        )
        .await;
        assert_eq!(s, StatusCode::ACCEPTED, "{o}");
        assert!(
            matches!(o["outcome"].as_str(), Some("created" | "appended")),
            "{o}"
        );
    }
    let held = mail(
        sender,
        HOSTILE,
        &format!("held.{sender}"),
        "",
        "please read me",
    );
    let (s, o) = deliver(app, inbox, held.clone()).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{o}");
    assert_eq!(o["outcome"], "quarantined", "{o}");
    assert!(
        o["reason"].as_str().unwrap().contains("loop protection"),
        "{o}"
    );
    held
}

async fn raw_of(app: &TestApp, id: i64, token: &str) -> (StatusCode, String, String, Vec<u8>) {
    let r = app
        .client
        .get(format!("{}/api/v1/mail-log/{id}/raw", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let h = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (ct, cd) = (h("content-type"), h("content-disposition"));
    (r.status(), ct, cd, r.bytes().await.unwrap().to_vec())
}

async fn retry(app: &TestApp, id: i64, token: &str) -> (StatusCode, Value) {
    app.call(
        reqwest::Method::POST,
        &format!("/api/v1/mail-log/{id}/retry"),
        token,
        None,
    )
    .await
}

async fn a_looping_sender_is_quarantined_then_retried_into_a_conversation(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let held = flood(app, inbox, "robot@example.net").await;
    // Noise on the other tab.
    let (_, o) = deliver(
        app,
        inbox,
        mail(
            "away@example.org",
            "Out of office",
            "ooo@example.org",
            "Auto-Submitted: auto-replied\r\n",
            "away",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "ignored", "{o}");

    // The admin lists the quarantine, newest first, and only the quarantine.
    let (s, list) = app
        .get("/api/v1/mail-log?outcome=quarantined", &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(list["next_cursor"], Value::Null);
    let e = &items[0];
    let id = e["id"].as_i64().unwrap();
    assert_eq!(e["outcome"], "quarantined");
    assert_eq!(e["inbox_id"], inbox);
    assert_eq!(e["sender"], "robot@example.net");
    assert_eq!(e["subject"], HOSTILE);
    assert_eq!(e["message_id"], "held.robot@example.net");
    assert_eq!(e["size"], held.len() as i64);
    assert!(
        e["reason"].as_str().unwrap().contains("loop protection"),
        "{e}"
    );
    assert_eq!(e["retried_at"], Value::Null);
    let (_, ignored) = app
        .get("/api/v1/mail-log?outcome=ignored", &app.admin)
        .await;
    assert_eq!(ignored["items"].as_array().unwrap().len(), 1, "{ignored}");
    assert_eq!(ignored["items"][0]["sender"], "away@example.org");
    // Both, newest first, one per page.
    let (_, p1) = app.get("/api/v1/mail-log?limit=1", &app.admin).await;
    assert_eq!(p1["items"][0]["sender"], "away@example.org", "{p1}");
    let cursor = p1["next_cursor"].as_str().expect("a next page").to_string();
    let (_, p2) = app
        .get(
            &format!("/api/v1/mail-log?limit=1&cursor={cursor}"),
            &app.admin,
        )
        .await;
    assert_eq!(p2["items"][0]["id"], id, "{p2}");
    assert_eq!(p2["next_cursor"], Value::Null);
    let (_, other) = app
        .get(
            &format!("/api/v1/mail-log?inbox_id={}", inbox + 1000),
            &app.admin,
        )
        .await;
    assert!(other["items"].as_array().unwrap().is_empty(), "{other}");
    let (s, bad) = app
        .get("/api/v1/mail-log?outcome=created", &app.admin)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["error"]["details"]["field"], "outcome");
    let (s, one) = app.get(&format!("/api/v1/mail-log/{id}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(one, *e);

    // The original, byte for byte, as a download.
    let (s, ct, cd, bytes) = raw_of(app, id, &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "message/rfc822");
    assert!(cd.starts_with("attachment"), "{cd}");
    assert_eq!(bytes, held);

    // Nobody but an admin sees or retries it.
    for role in ["agent", "supervisor"] {
        let (_, token) = app.user(&format!("{role}@example.com"), role, role).await;
        for path in [
            "/api/v1/mail-log".to_string(),
            format!("/api/v1/mail-log/{id}"),
        ] {
            let (s, b) = app.get(&path, &token).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{role} {path} {b}");
            assert_eq!(b["error"]["code"], "forbidden");
        }
        assert_eq!(raw_of(app, id, &token).await.0, StatusCode::FORBIDDEN);
        let (s, _) = retry(app, id, &token).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(
        retry(app, id + 1000, &app.admin).await.0,
        StatusCode::NOT_FOUND
    );

    // The retry skips the sender's limit: the message becomes a conversation.
    let (s, r) = retry(app, id, &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["outcome"], "created", "{r}");
    let conversation = r["conversation_id"].as_i64().unwrap();
    assert_eq!(r["entry"]["id"], id);
    assert_eq!(r["entry"]["retry_outcome"], "created");
    assert_eq!(r["entry"]["retry_conversation_id"], conversation);
    assert!(r["entry"]["retried_at"].is_string(), "{r}");
    assert_eq!(
        r["entry"]["outcome"], "quarantined",
        "the first outcome is kept"
    );
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{conversation}"), &app.admin)
        .await;
    assert_eq!(c["subject"], HOSTILE);
    assert_eq!(c["inbox_id"], inbox);
    assert_eq!(c["customer"]["email"], "robot@example.net");
    let (_, msgs) = app
        .get(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &app.admin,
        )
        .await;
    assert_eq!(
        msgs["items"][0]["text"].as_str().unwrap().trim(),
        "please read me"
    );
    assert_eq!(app.rows("mail_log").await, 2, "no new mail-log row");

    // A second retry would only duplicate it.
    let (s, again) = retry(app, id, &app.admin).await;
    assert_eq!(s, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["error"]["code"], "already_retried");
    assert_eq!(again["error"]["details"]["conversation_id"], conversation);
    assert!(
        again["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&conversation.to_string())
    );
}

async fn oversize_mail_stays_quarantined_on_retry_in_one_entry(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    // The test configuration allows 2,000,000 bytes; this one is kept as a
    // file, not in the database.
    let big = mail(
        "big@example.com",
        "Big",
        "big@example.com",
        "",
        &"x".repeat(2_100_000),
    );
    let (_, o) = deliver(app, inbox, big.clone()).await;
    assert_eq!(o["outcome"], "quarantined", "{o}");
    let (_, list) = app.get("/api/v1/mail-log", &app.admin).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (s, _, _, bytes) = raw_of(app, id, &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(bytes == big, "the original comes back byte for byte");

    for _ in 0..2 {
        let (s, r) = retry(app, id, &app.admin).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["outcome"], "quarantined", "{r}");
        assert!(
            r["reason"].as_str().unwrap().contains("over the limit"),
            "{r}"
        );
        assert_eq!(r["conversation_id"], Value::Null);
        assert_eq!(r["entry"]["retry_outcome"], "quarantined");
        assert_eq!(r["entry"]["retry_conversation_id"], Value::Null);
        assert!(r["entry"]["retried_at"].is_string());
        assert!(
            r["entry"]["reason"]
                .as_str()
                .unwrap()
                .contains("over the limit")
        );
    }
    // Still one entry, still listed as quarantined, no conversation.
    assert_eq!(app.rows("mail_log").await, 1);
    assert_eq!(app.rows("conversations").await, 0);
    let (_, list) = app
        .get("/api/v1/mail-log?outcome=quarantined", &app.admin)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
}

async fn the_admin_page_lists_escaped_mail_and_retries_it(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let held = flood(app, inbox, "robot@example.net").await;
    let (_, list) = app.get("/api/v1/mail-log", &app.admin).await;
    let id = list["items"][0]["id"].as_i64().unwrap();

    let mut b = admin_browser(app, "en").await;
    let p = b.get("/admin").await;
    assert!(
        p.body.contains("href=\"/admin/quarantine\""),
        "linked from the admin pages"
    );
    let p = b.get("/admin/quarantine").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("robot@example.net"));
    assert!(
        p.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;invoice&#34;"),
        "{}",
        p.body
    );
    assert!(!p.body.contains(HOSTILE) && !p.body.contains("<script>alert"));
    assert!(p.body.contains("loop protection"));
    assert!(
        p.body
            .contains(&format!("href=\"/api/v1/mail-log/{id}/raw\""))
    );
    let action = format!("/admin/quarantine/{id}/retry");
    assert!(p.body.contains(&format!("action=\"{action}\"")));
    // The ignored tab does not show it.
    let p = b.get("/admin/quarantine?view=ignored").await;
    assert!(!p.body.contains("robot@example.net"));

    // The download link works with the browser's session.
    let p = b.get(&format!("/api/v1/mail-log/{id}/raw")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.body.as_bytes(), held.as_slice());

    // Without the CSRF token nothing happens.
    let p = b.post_raw(&action, &[("view", "quarantined")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(app.rows("conversations").await, 30);

    // Retry: back on the list with the outcome.
    let p = b.post(&action, &[("view", "quarantined")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        p.location,
        format!("/admin/quarantine?view=quarantined&retried={id}")
    );
    let (_, e) = app.get(&format!("/api/v1/mail-log/{id}"), &app.admin).await;
    let conversation = e["retry_conversation_id"].as_i64().expect("a conversation");
    let p = b.get(&p.location.clone()).await;
    assert!(
        p.body.contains(&format!(
            "Retried: the message started conversation #{conversation}."
        )),
        "{}",
        p.body
    );
    assert!(p.body.contains(&format!("href=\"/c/{conversation}\"")));
    assert!(
        !p.body.contains(&format!("action=\"{action}\"")),
        "no second retry button"
    );
    // A second post (another tab, a double click) is refused with the reason.
    let p = b.post(&action, &[("view", "quarantined")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains(&format!("already in conversation #{conversation}")),
        "{}",
        p.body
    );

    // Agents get the 403 page and cannot retry.
    user_with_password(app, "agent@example.com", "Agent", Role::Agent).await;
    let mut agent = Browser::new(app, "en");
    assert!(agent.login("agent@example.com", PASSWORD).await);
    assert_eq!(
        agent.get("/admin/quarantine").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(agent.post(&action, &[]).await.status, StatusCode::FORBIDDEN);

    // Every locale has the page.
    for lang in ["ja", "ko", "lv", "ca"] {
        let mut b = admin_browser(app, lang).await;
        let p = b.get("/admin/quarantine").await;
        assert_eq!(p.status, StatusCode::OK);
        let title = between(&p.body, "<h1>", "</h1>").unwrap();
        assert_ne!(title, "Mail quarantine", "{lang}");
    }
}
