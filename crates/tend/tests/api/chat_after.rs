//! Live chat, after and around the conversation: the inline survey at its
//! end, the transcript by mail, the widget's configuration (hours, agents,
//! expected wait), per-address limits, the admin set-up in the workspace,
//! and a reply from another node reaching the visitor.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::chat::*;
use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    the_chat_ends_with_the_inline_survey,
    the_transcript_goes_by_email,
    the_widget_config_follows_hours_agents_and_wait,
);

async fn the_chat_ends_with_the_inline_survey(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let token = start(app, inbox, json!({"name": "Anna"})).await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let a = v.say("s1", "My card was charged twice.").await;
    let conv = a["conversation_id"].as_i64().unwrap();
    reply(app, &agent, conv, "Refunded the second charge.").await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{conv}"),
            &agent,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    tend::surveys::jobs::run_once(&app.st).await.unwrap();
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT status, skip_reason FROM surveys")
            .fetch_all(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(
        rows,
        [("inline_due".to_string(), None)],
        "one inline survey is due"
    );
    let q = v.next_of("survey").await;
    assert_eq!(q["t"], "survey");
    v.send(json!({"t": "survey", "answer": "yes", "rating": 5, "comment": "Fast and kind, thank you!"}))
        .await;
    let done = v.next_of("survey_done").await;
    assert_eq!(done["t"], "survey_done", "{done}");
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{conv}"), &app.admin)
        .await;
    assert_eq!(c["status"], "closed");
    let (_, stories) = app.get("/api/v1/stories", &app.admin).await;
    assert_eq!(stories["items"][0]["comment"], "Fast and kind, thank you!");
    // Answering again changes nothing.
    v.send(json!({"t": "survey", "answer": "no"})).await;
    let e = v.next_of("error").await;
    assert_eq!(e["code"], "no_survey");
}

async fn the_transcript_goes_by_email(app: &TestApp) {
    let (inbox, agent) = mailing_desk(app).await;
    let token = start(
        app,
        inbox,
        json!({"language": "ko", "email": "jisoo@example.kr"}),
    )
    .await;
    // Nothing to send yet.
    let (s, b) = app
        .post(
            &format!("/chat/{inbox}/transcript"),
            "",
            json!({"token": token}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let a = v.say("r1", "비밀번호를 잊어버렸어요").await;
    let conv = a["conversation_id"].as_i64().unwrap();
    reply(app, &agent, conv, "재설정 링크를 보내드렸습니다.").await;
    // To the address given before the chat (see chat_security.rs for the
    // addresses it refuses).
    let (s, b) = app
        .post(
            &format!("/chat/{inbox}/transcript"),
            "",
            json!({"token": token}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["sent_to"], "jisoo@example.kr");
    let (kind, rcpt, sha): (String, String, String) =
        sqlx::query_as("SELECT kind, rcpt, raw_sha256 FROM outbox ORDER BY id DESC LIMIT 1")
            .fetch_one(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(kind, "transcript");
    assert!(rcpt.contains("jisoo@example.kr"));
    let raw = tend::attachments::load(&app.st, &sha).await.unwrap();
    let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let body = parsed.body_text(0).unwrap().to_string();
    assert!(body.contains("비밀번호를 잊어버렸어요"), "{body}");
    assert!(body.contains("재설정 링크를 보내드렸습니다."), "{body}");
    assert!(parsed.subject().unwrap().contains("채팅"), "Korean subject");
}

async fn the_widget_config_follows_hours_agents_and_wait(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let (s, cfg) = app.get(&format!("/chat/{inbox}/config"), "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(cfg["offline"], false, "{cfg}");
    assert_eq!(cfg["agents_online"], 1);
    assert!(cfg["expected_wait_seconds"].is_i64(), "{cfg}");
    assert_eq!(cfg["long_wait"], false, "an agent is free: {cfg}");
    // Office hours that never include now: closed, so the offline form.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
            Some(json!({"office_hours": {"timezone": "Europe/Riga", "days": {}}, "require_email": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, cfg) = app.get(&format!("/chat/{inbox}/config"), "").await;
    assert_eq!(cfg["open"], false);
    assert_eq!(cfg["offline"], true);
    assert_eq!(cfg["require_email"], true);
    // Required pre-chat fields are enforced.
    let (s, b) = session(app, inbox, json!({"name": "Nobody"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "email");
    // Always open again, but the agent goes offline.
    app.call(
        Method::PUT,
        &format!("/api/v1/inboxes/{inbox}/public-settings"),
        &app.admin,
        Some(json!({"office_hours": null})),
    )
    .await;
    app.call(
        Method::PUT,
        "/api/v1/me/presence",
        &agent,
        Some(json!({"presence": "offline"})),
    )
    .await;
    let (_, cfg) = app.get(&format!("/chat/{inbox}/config"), "").await;
    assert_eq!(cfg["open"], true);
    assert_eq!(cfg["offline"], true, "nobody online: {cfg}");
    assert_eq!(cfg["long_wait"], true, "no wait can be promised: {cfg}");
    // Bad settings are explained.
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
            Some(json!({"office_hours": {"timezone": "Mars/Base", "days": {}}})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &agent,
            Some(json!({"require_name": true})),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// The per-IP limit on new chat sessions and offline messages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_endpoints_are_rate_limited_per_ip() {
    let app = TestApp::start(
        Backend::Sqlite,
        &[("TEND_PUBLIC_RATE_PER_MINUTE", "3".into())],
    )
    .await
    .unwrap();
    let inbox = app.inbox("chat", None).await;
    for _ in 0..3 {
        let (s, b) = session(&app, inbox, json!({})).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (s, b) = session(&app, inbox, json!({})).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    let (s, _) = app
        .post(
            &format!("/chat/{inbox}/offline"),
            "",
            json!({"email": "a@example.com", "text": "hi"}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    app.finish().await;
}

/// Per visitor: a burst of messages is cut off with a clear error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_flooding_messages_is_slowed_down() {
    let app = TestApp::sqlite().await;
    let inbox = app.inbox("chat", None).await;
    let token = start(&app, inbox, json!({})).await;
    let mut v = Visitor::connect(&app, inbox, &token, 0).await;
    let mut limited = 0;
    for i in 0..25 {
        let r = v.say(&format!("f{i}"), "spam").await;
        if r["t"] == "error" {
            assert_eq!(r["code"], "rate_limited", "{r}");
            limited += 1;
        }
    }
    assert_eq!(limited, 5, "20 per 10 seconds");
    app.finish().await;
}

/// An admin sets up the chat in the workspace: allowed sites, pre-chat
/// questions, identity secret, office hours, wait; the embed code is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_set_up_the_chat_in_the_workspace() {
    let app = TestApp::sqlite().await;
    let inbox = app.inbox("chat", None).await;
    agent_with_password(&app, "root@example.com", "Root Admin", "admin").await;
    let mut b = Browser::new(&app.base);
    b.lang = "lv".into();
    b.sign_in("root@example.com", PASSWORD).await;
    let (s, page) = b.get(&format!("/admin/inboxes/{inbox}/public")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains(&format!("/widget.js&#34; data-inbox=&#34;{inbox}&#34;")),
        "{page}"
    );
    assert!(page.contains("Darba laiks"), "Latvian page");
    let path = format!("/admin/inboxes/{inbox}/public");
    let (s, to) = b
        .post(
            &path,
            &[
                ("origins", "https://shop.example\nhttps://www.shop.example/"),
                ("require_email", "1"),
                ("secret", "a-long-enough-identity-secret"),
                ("timezone", "Europe/Riga"),
                ("day_mon", "09:00-12:00, 13:00-18:00"),
                ("day_sat", "10:00-14:00"),
                ("max_wait_minutes", "3"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (_, cfg) = app
        .get(
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
        )
        .await;
    assert_eq!(
        cfg["allowed_origins"],
        json!(["https://shop.example", "https://www.shop.example"])
    );
    assert_eq!(cfg["require_email"], true);
    assert_eq!(cfg["require_name"], false);
    assert_eq!(cfg["identity_verification"], true);
    assert_eq!(cfg["max_wait_secs"], 180);
    assert_eq!(
        cfg["office_hours"]["days"]["mon"],
        json!([["09:00", "12:00"], ["13:00", "18:00"]])
    );
    let (_, page) = b.get(&path).await;
    assert!(
        !page.contains("a-long-enough-identity-secret"),
        "the secret is never shown"
    );
    assert!(page.contains("09:00-12:00, 13:00-18:00"));
    // Mistakes come back as readable errors, and nothing changes.
    let (s, page) = b
        .post(
            &path,
            &[
                ("origins", "not a site"),
                ("timezone", "Europe/Riga"),
                ("max_wait_minutes", "3"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("role=\"alert\""));
    let (s, page) = b
        .post(
            &path,
            &[
                ("origins", ""),
                ("timezone", "Europe/Riga"),
                ("day_tue", "nine to five"),
                ("max_wait_minutes", "3"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let (_, cfg) = app
        .get(
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
        )
        .await;
    assert_eq!(cfg["allowed_origins"].as_array().unwrap().len(), 2);
    app.finish().await;
}

/// Two app nodes on one PostgreSQL database: a visitor connected to the
/// second node gets the reply an agent writes on the first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_on_another_node_reaches_the_visitor() {
    let Some(app) = TestApp::postgres().await else {
        eprintln!("NOTICE: no PostgreSQL; skipping the two-node chat test");
        return;
    };
    let (inbox, agent) = desk(&app).await;
    let dir = tempfile::tempdir().unwrap();
    // Every node of one database seals secrets with the same key.
    let key =
        std::fs::read_to_string(app.st.config.data_dir.join(tend::secrets::KEY_FILE)).unwrap();
    let config = crate::support::test_config(
        dir.path(),
        Some(app.st.config.database_url.clone()),
        &[("TEND_SECRET_KEY", key.trim().to_string())],
    );
    let node2 = tend::app::open(config).await.unwrap();
    let running2 = tend::app::start(node2.clone()).await.unwrap();
    let base2 = format!("http://{}", running2.addr);
    // Sessions are the database's: made on either node.
    let token = session(&app, inbox, json!({})).await.1["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut v = Visitor::connect_to(&base2, inbox, &token, 0).await;
    let a = v.say("n1", "Sveiki no otrā mezgla").await;
    let conv = a["conversation_id"].as_i64().unwrap();
    v.messages(1).await;
    // The agent answers through the first node.
    let rid = reply(&app, &agent, conv, "Atbilde no pirmā mezgla").await;
    let got = v.messages(1).await;
    assert_eq!(got[0]["id"], rid);
    // Back and forth: each side sees the other's messages, in order.
    let mut ids = vec![a["id"].as_i64().unwrap(), rid];
    for i in 0..5 {
        let said = v.say(&format!("q{i}"), &format!("Jautājums {i}")).await;
        assert_eq!(said["t"], "ack", "{said}");
        ids.push(said["id"].as_i64().unwrap());
        assert_eq!(v.messages(1).await[0]["text"], format!("Jautājums {i}"));
        let rid = reply(&app, &agent, conv, &format!("Atbilde {i}")).await;
        ids.push(rid);
        let got = v.messages(1).await;
        assert_eq!(
            (got[0]["id"].as_i64(), got[0]["text"].as_str()),
            (Some(rid), Some(format!("Atbilde {i}").as_str()))
        );
    }
    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{conv}/messages"), &agent)
        .await;
    let seen: Vec<i64> = msgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, ids, "the agent's node holds the exchange in order");

    // A visitor's two tabs on different nodes: the tab on the second node
    // waits in the session's room and follows the conversation the tab on
    // the first node starts.
    let token = session(&app, inbox, json!({})).await.1["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut on_second = Visitor::connect_to(&base2, inbox, &token, 0).await;
    let mut on_first = Visitor::connect_to(&app.base, inbox, &token, 0).await;
    let said = on_first.say("t1", "Otrā cilnē").await;
    assert_eq!(said["t"], "ack", "{said}");
    let got = on_second.messages(1).await;
    assert_eq!(got[0]["id"], said["id"], "{got:?}");
    running2.stop().await.unwrap();
    node2.db.close().await;
    app.finish().await;
}
