//! Live chat through its real transports: visitor sessions over HTTP, the
//! visitor's WebSocket (tokio-tungstenite as the client), and the agent's
//! side through the REST API. Covers ordering both ways, resume after a
//! reconnect without loss or duplicates, known visitors (HMAC), the offline
//! form, origins, uploads and limits, read receipts, typing, the transcript
//! and the inline survey.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    visitor_and_agent_see_every_message_in_order,
    a_message_resent_after_a_reconnect_is_stored_once,
    a_reconnect_resumes_after_the_last_message_seen,
    known_visitors_see_their_history_and_forged_hashes_are_rejected,
    offline_messages_become_email_conversations,
    only_allowed_origins_may_use_the_chat,
    files_limits_and_escaping,
    typing_and_read_receipts_reach_the_other_side,
);

pub(crate) type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A connected widget.
pub(crate) struct Visitor {
    pub(crate) ws: Socket,
    /// Frames read while waiting for something else, in arrival order.
    pub(crate) backlog: std::collections::VecDeque<Value>,
}

impl Visitor {
    pub(crate) async fn connect(app: &TestApp, inbox: i64, token: &str, after: i64) -> Visitor {
        Self::connect_to(&app.base, inbox, token, after).await
    }

    /// [`Visitor::connect`] to the server at `base` (another node).
    pub(crate) async fn connect_to(base: &str, inbox: i64, token: &str, after: i64) -> Visitor {
        let url = format!("{}/chat/{inbox}/ws", base.replacen("http", "ws", 1));
        let (mut ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("websocket");
        ws.send(WsMessage::text(
            json!({"t": "hello", "token": token, "after": after}).to_string(),
        ))
        .await
        .expect("hello");
        let mut v = Visitor {
            ws,
            backlog: Default::default(),
        };
        let ready = v.next_of("ready").await;
        assert_eq!(ready["t"], "ready");
        v
    }

    pub(crate) async fn send(&mut self, frame: Value) {
        self.ws
            .send(WsMessage::text(frame.to_string()))
            .await
            .expect("send");
    }

    /// The next frame (a missing frame fails the test after 20 s).
    pub(crate) async fn next(&mut self) -> Value {
        if let Some(v) = self.backlog.pop_front() {
            return v;
        }
        self.recv().await
    }

    /// The next frame off the socket.
    pub(crate) async fn recv(&mut self) -> Value {
        loop {
            let m = tokio::time::timeout(Duration::from_secs(20), self.ws.next())
                .await
                .expect("a frame within 20 s")
                .expect("socket open")
                .expect("frame");
            if let WsMessage::Text(t) = m {
                let v: Value = serde_json::from_str(t.as_str()).expect("json frame");
                if v["t"] != "pong" {
                    return v;
                }
            }
        }
    }

    /// The next frame of type `t` (or an error), keeping the others for
    /// later.
    pub(crate) async fn next_of(&mut self, t: &str) -> Value {
        if let Some(i) = self
            .backlog
            .iter()
            .position(|v| v["t"] == t || v["t"] == "error")
        {
            return self.backlog.remove(i).unwrap_or_default();
        }
        loop {
            let v = self.recv().await;
            if v["t"] == t || v["t"] == "error" {
                return v;
            }
            self.backlog.push_back(v);
        }
    }

    /// Sends a message and waits for its acknowledgement.
    pub(crate) async fn say(&mut self, cid: &str, text: &str) -> Value {
        self.send(json!({"t": "msg", "cid": cid, "text": text}))
            .await;
        loop {
            let v = self.recv().await;
            if v["t"] == "ack" && v["cid"] == cid || v["t"] == "error" {
                return v;
            }
            self.backlog.push_back(v);
        }
    }

    /// Message frames until `n` have arrived.
    pub(crate) async fn messages(&mut self, n: usize) -> Vec<Value> {
        let mut out = Vec::new();
        while out.len() < n {
            let v = self.next().await;
            if v["t"] == "msg" {
                out.push(v);
            }
        }
        out
    }
}

/// A chat inbox with a team of one agent who is online; (inbox, agent token).
pub(crate) async fn desk(app: &TestApp) -> (i64, String) {
    let inbox = app.inbox("chat", None).await;
    let (agent, token) = app.user("mika@example.com", "Mika Tanaka", "agent").await;
    let team = app.team("Chat", &[agent], &[inbox]).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/routing"),
            &app.admin,
            Some(json!({"team_id": team, "strategy": "round_robin"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .call(
            Method::PUT,
            "/api/v1/me/presence",
            &token,
            Some(json!({"presence": "online"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (inbox, token)
}

/// [`desk`], with an address on the chat inbox, so mail about its chats
/// (transcripts) can go out.
pub(crate) async fn mailing_desk(app: &TestApp) -> (i64, String) {
    let (inbox, token) = desk(app).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"address": "chat@example.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (inbox, token)
}

pub(crate) async fn session(app: &TestApp, inbox: i64, body: Value) -> (StatusCode, Value) {
    app.post(&format!("/chat/{inbox}/session"), "", body).await
}

pub(crate) async fn start(app: &TestApp, inbox: i64, body: Value) -> String {
    let (s, b) = session(app, inbox, body).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["token"].as_str().expect("token").to_string()
}

pub(crate) async fn api_messages(app: &TestApp, conv: i64) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{conv}/messages?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().cloned().unwrap_or_default()
}

pub(crate) async fn reply(app: &TestApp, token: &str, conv: i64, text: &str) -> i64 {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            token,
            json!({"text": text}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().expect("message id")
}

async fn visitor_and_agent_see_every_message_in_order(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let token = start(
        app,
        inbox,
        json!({"name": "Jānis Bērziņš", "language": "lv"}),
    )
    .await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    // A second tab of the same visitor, open before the chat starts.
    let mut tab = Visitor::connect(app, inbox, &token, 0).await;
    let a1 = v.say("c1", "Labdien! Vai varat palīdzēt?").await;
    assert_eq!(a1["t"], "ack", "{a1}");
    let conv = a1["conversation_id"].as_i64().expect("conversation");
    let (s, c) = app
        .get(&format!("/api/v1/conversations/{conv}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["channel"], "chat");
    assert_eq!(c["inbox_id"], inbox);
    assert_eq!(c["subject"], "Labdien! Vai varat palīdzēt?");
    // Routed to the online agent at once.
    assert!(c["assignee_id"].is_i64(), "{c}");
    let a2 = v.say("c2", "Pasūtījums Nr. 42 nav pienācis.").await;
    assert_eq!(a2["conversation_id"], conv);
    let r1 = reply(app, &agent, conv, "Protams! Pārbaudu.").await;
    let a3 = v.say("c3", "Paldies 🙏").await;
    let r2 = reply(app, &agent, conv, "Tas ir ceļā; rīt būs klāt.").await;
    // The visitor's socket delivers all five, in commit order, once each.
    let got = v.messages(5).await;
    let ids: Vec<i64> = got.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "in order, no repeats");
    let texts: Vec<&str> = got.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "Labdien! Vai varat palīdzēt?",
            "Pasūtījums Nr. 42 nav pienācis.",
            "Protams! Pārbaudu.",
            "Paldies 🙏",
            "Tas ir ceļā; rīt būs klāt."
        ]
    );
    assert_eq!(got[2]["from"], "agent");
    assert_eq!(got[2]["name"], "Mika Tanaka");
    assert_eq!(got[0]["client_id"], "c1");
    assert!(ids.contains(&r1) && ids.contains(&r2));
    assert_eq!(a3["id"], got[3]["id"]);
    let in_tab = tab.messages(5).await;
    assert_eq!(
        in_tab.iter().map(|m| &m["id"]).collect::<Vec<_>>(),
        got.iter().map(|m| &m["id"]).collect::<Vec<_>>(),
        "the other tab follows the chat it did not start"
    );
    // The visitor's messages reach the open tabs as they were stored (the
    // room hands them over instead of each socket reading them back): a
    // new socket, which reads them from the database, gets the same frames.
    let mut fresh = Visitor::connect(app, inbox, &token, 0).await;
    assert_eq!(fresh.messages(5).await, in_tab);
    // The agent's side has the same five, in the same order.
    let seen: Vec<String> = api_messages(app, conv)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(seen, texts);
    // An internal note never reaches the visitor.
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &agent,
            json!({"text": "VIP customer", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let r3 = reply(app, &agent, conv, "Vēl kas?").await;
    let next = v.messages(1).await;
    assert_eq!(next[0]["id"], r3, "the note was skipped: {next:?}");
}

async fn a_message_resent_after_a_reconnect_is_stored_once(app: &TestApp) {
    let (inbox, _agent) = desk(app).await;
    let token = start(app, inbox, json!({})).await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let first = v.say("m1", "first").await;
    let conv = first["conversation_id"].as_i64().unwrap();
    // Sent, then the connection drops before the acknowledgement is read.
    v.send(json!({"t": "msg", "cid": "m2", "text": "second"}))
        .await;
    drop(v);
    // The widget reconnects and sends what was not acknowledged, with the
    // same ids; two tabs may even do it at once.
    let mut a = Visitor::connect(app, inbox, &token, 0).await;
    let mut b = Visitor::connect(app, inbox, &token, 0).await;
    let (ra, rb) = tokio::join!(a.say("m2", "second"), b.say("m2", "second"));
    assert_eq!(ra["t"], "ack", "{ra}");
    assert_eq!(ra["id"], rb["id"], "one message for one client id");
    let again = a.say("m1", "first").await;
    assert_eq!(again["id"], first["id"]);
    let texts: Vec<String> = api_messages(app, conv)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(texts, ["first", "second"]);
    // A fresh socket from the start replays each exactly once.
    let mut c = Visitor::connect(app, inbox, &token, 0).await;
    let replay = c.messages(2).await;
    assert_eq!(replay[0]["text"], "first");
    assert_eq!(replay[1]["text"], "second");
}

async fn a_reconnect_resumes_after_the_last_message_seen(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let token = start(app, inbox, json!({"name": "민지"})).await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let a = v.say("k1", "배송 문의드립니다").await;
    let conv = a["conversation_id"].as_i64().unwrap();
    let last = v.messages(1).await[0]["id"].as_i64().unwrap();
    drop(v);
    // While the visitor is away the agent answers twice.
    let r1 = reply(app, &agent, conv, "안녕하세요, 확인해 보겠습니다.").await;
    let r2 = reply(app, &agent, conv, "내일 도착합니다.").await;
    let mut v = Visitor::connect(app, inbox, &token, last).await;
    let got = v.messages(2).await;
    assert_eq!(got[0]["id"], r1);
    assert_eq!(got[1]["id"], r2);
    // Nothing older came again: the next message is a new one.
    let r3 = reply(app, &agent, conv, "감사합니다!").await;
    assert_eq!(v.messages(1).await[0]["id"], r3);
}

pub(crate) fn hmac_hex(secret: &str, msg: &str) -> String {
    hex::encode(tend::crypto::hmac_sha256(secret.as_bytes(), msg.as_bytes()))
}

async fn known_visitors_see_their_history_and_forged_hashes_are_rejected(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let secret = "s3cret-for-identity-verification";
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
            Some(json!({"identity_secret": secret})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["identity_verification"], true);
    assert!(
        b.get("identity_secret").is_none(),
        "the secret is never shown"
    );
    // A forged or missing hash is refused.
    let (s, b) = session(
        app,
        inbox,
        json!({"user_id": "user-77", "user_hash": hmac_hex("wrong", "user-77")}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "identity_rejected");
    let (s, _) = session(app, inbox, json!({"user_id": "user-77"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The signed-in visitor chats, and the chat is solved and closed.
    let good = json!({"user_id": "user-77", "user_hash": hmac_hex(secret, "user-77"),
                      "email": "marta@example.cat", "name": "Marta"});
    let (s, b) = session(app, inbox, good.clone()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["verified"], true);
    let t1 = b["token"].as_str().unwrap().to_string();
    let mut v = Visitor::connect(app, inbox, &t1, 0).await;
    let a = v.say("h1", "L'avís d'enviament no m'ha arribat.").await;
    let conv1 = a["conversation_id"].as_i64().unwrap();
    reply(app, &agent, conv1, "Ja te l'hem reenviat.").await;
    for status in ["solved", "closed"] {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{conv1}"),
                &app.admin,
                json!({"status": status}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    drop(v);
    // On another device, the same identity sees that history first.
    let t2 = start(app, inbox, good).await;
    assert_ne!(t1, t2);
    let mut v2 = Visitor::connect(app, inbox, &t2, 0).await;
    let history = v2.messages(2).await;
    assert_eq!(history[0]["text"], "L'avís d'enviament no m'ha arribat.");
    assert_eq!(history[1]["text"], "Ja te l'hem reenviat.");
    assert_eq!(history[0]["conversation_id"], conv1);
    let a2 = v2.say("h2", "Una altra pregunta").await;
    let conv2 = a2["conversation_id"].as_i64().unwrap();
    assert_ne!(
        conv2, conv1,
        "a closed chat is not reopened: a new one starts"
    );
    let (_, c2) = app
        .get(&format!("/api/v1/conversations/{conv2}"), &app.admin)
        .await;
    let (_, c1) = app
        .get(&format!("/api/v1/conversations/{conv1}"), &app.admin)
        .await;
    assert_eq!(c1["customer"]["id"], c2["customer"]["id"]);
    // Someone who merely types the same address sees nothing of it.
    let t3 = start(app, inbox, json!({"email": "marta@example.cat"})).await;
    let mut v3 = Visitor::connect(app, inbox, &t3, 0).await;
    let a3 = v3.say("x1", "hola").await;
    let only = v3.messages(1).await;
    assert_eq!(
        only[0]["id"], a3["id"],
        "no history for an unverified visitor"
    );
}

async fn offline_messages_become_email_conversations(app: &TestApp) {
    let inbox = app.inbox("chat", Some("chat@example.com")).await;
    let (s, cfg) = app.get(&format!("/chat/{inbox}/config"), "").await;
    assert_eq!(s, StatusCode::OK, "{cfg}");
    assert_eq!(cfg["offline"], true, "nobody is online: {cfg}");
    let (s, b) = app
        .post(
            &format!("/chat/{inbox}/offline"),
            "",
            json!({"name": "佐藤", "email": "sato@example.jp", "text": "返品の方法を教えてください。", "language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let conv = b["conversation_id"].as_i64().unwrap();
    let (_, c) = app
        .get(&format!("/api/v1/conversations/{conv}"), &app.admin)
        .await;
    assert_eq!(c["channel"], "email");
    assert_eq!(c["inbox_id"], inbox);
    assert_eq!(c["customer"]["email"], "sato@example.jp");
    assert_eq!(c["language"], "ja");
    // The answer goes out by mail.
    let before = app.rows("outbox").await;
    reply(app, &app.admin, conv, "返品はこちらから…").await;
    assert_eq!(app.rows("outbox").await, before + 1);
    let rcpt: String = sqlx::query_scalar("SELECT rcpt FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    assert!(rcpt.contains("sato@example.jp"), "{rcpt}");
    // An address is required, and a bad one is explained.
    let (s, b) = app
        .post(
            &format!("/chat/{inbox}/offline"),
            "",
            json!({"email": "not-an-address", "text": "hi"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
}

pub(crate) async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    origin: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app.client.request(method, format!("{}{path}", app.base));
    if let Some(o) = origin {
        r = r.header("Origin", o);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.expect("request")
}

async fn only_allowed_origins_may_use_the_chat(app: &TestApp) {
    let (inbox, _) = desk(app).await;
    let (s, b) = app
        .call(
            Method::PUT,
            &format!("/api/v1/inboxes/{inbox}/public-settings"),
            &app.admin,
            Some(json!({"allowed_origins": ["https://Shop.Example/"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["allowed_origins"], json!(["https://shop.example"]));
    let evil = raw(
        app,
        Method::GET,
        &format!("/chat/{inbox}/config"),
        Some("https://evil.example"),
        None,
    )
    .await;
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let body: Value = evil.json().await.unwrap();
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    let ok = raw(
        app,
        Method::GET,
        &format!("/chat/{inbox}/config"),
        Some("https://shop.example"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example"
    );
    let pre = raw(
        app,
        Method::OPTIONS,
        &format!("/chat/{inbox}/session"),
        Some("https://shop.example"),
        None,
    )
    .await;
    assert_eq!(pre.status(), StatusCode::NO_CONTENT);
    assert!(
        pre.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("content-type")
    );
    let bad_session = raw(
        app,
        Method::POST,
        &format!("/chat/{inbox}/session"),
        Some("https://evil.example"),
        Some(json!({})),
    )
    .await;
    assert_eq!(bad_session.status(), StatusCode::FORBIDDEN);
    // A WebSocket from another site is refused before it opens.
    let token = start(app, inbox, json!({})).await;
    let url = format!("{}/chat/{inbox}/ws", app.base.replacen("http", "ws", 1));
    let mut req = url.clone().into_client_request().unwrap();
    req.headers_mut()
        .insert("Origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(req).await;
    assert!(err.is_err(), "the upgrade is refused");
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("Origin", "https://shop.example".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("allowed origin");
    ws.send(WsMessage::text(
        json!({"t": "hello", "token": token}).to_string(),
    ))
    .await
    .unwrap();
    // Unknown inboxes and non-chat inboxes have no chat.
    let (s, _) = app.get("/chat/999999/config", "").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let api_inbox = app.inbox("api", None).await;
    let (s, _) = app.get(&format!("/chat/{api_inbox}/config"), "").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

pub(crate) async fn upload(
    app: &TestApp,
    inbox: i64,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("token", token.to_string())
        .text("cid", format!("f-{name}"))
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    app.client
        .post(format!("{}/chat/{inbox}/upload", app.base))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

async fn files_limits_and_escaping(app: &TestApp) {
    let (inbox, agent) = desk(app).await;
    let token = start(app, inbox, json!({})).await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let a = v.say("e1", hostile).await;
    let conv = a["conversation_id"].as_i64().unwrap();
    // Stored and shown as text, never as markup.
    let m = &api_messages(app, conv).await[0];
    assert_eq!(m["text"], hostile);
    assert!(m["html"].is_null(), "{m}");
    // A file.
    let r = upload(
        app,
        inbox,
        &token,
        "請求書 2026.pdf",
        b"%PDF-1.4 test".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let up: Value = r.json().await.unwrap();
    let msgs = v.messages(2).await;
    let file = &msgs[1]["files"][0];
    assert_eq!(file["name"], "請求書 2026.pdf");
    let fid = file["id"].as_i64().unwrap();
    assert_eq!(msgs[1]["id"], up["id"]);
    let got = app
        .client
        .get(format!(
            "{}/chat/{inbox}/files/{fid}?token={token}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert!(
        got.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"%PDF-1.4 test");
    // Another visitor cannot fetch it.
    let other = start(app, inbox, json!({})).await;
    let denied = app
        .client
        .get(format!(
            "{}/chat/{inbox}/files/{fid}?token={other}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::NOT_FOUND);
    // The agent sees the file on the conversation.
    let (s, _) = app.get(&format!("/api/v1/attachments/{fid}"), &agent).await;
    assert_eq!(s, StatusCode::OK);
    // Too large (the test limit is 2 MB): refused, nothing stored.
    let before = app.rows("messages").await;
    let r = upload(app, inbox, &token, "big.bin", vec![0u8; 2_100_000]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.rows("messages").await, before);
    // Too long, empty, and unknown frames are explained on the socket.
    let long = "あ".repeat(5001);
    let e = v.say("e2", &long).await;
    assert_eq!(e["t"], "error");
    assert_eq!(e["cid"], "e2");
    assert_eq!(e["code"], "invalid_input");
    let e = v.say("e3", "   ").await;
    assert_eq!(e["t"], "error");
    v.send(json!({"t": "nonsense"})).await;
    let e = v.next_of("error").await;
    assert_eq!(e["code"], "invalid_input");
    // A bad token gets nothing.
    let url = format!("{}/chat/{inbox}/ws", app.base.replacen("http", "ws", 1));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(WsMessage::text(
        json!({"t": "hello", "token": "tcv_forged"}).to_string(),
    ))
    .await
    .unwrap();
    let frame = ws.next().await.unwrap().unwrap();
    let frame: Value = serde_json::from_str(frame.to_text().unwrap()).unwrap();
    assert_eq!(frame["code"], "unauthorized");
}

async fn typing_and_read_receipts_reach_the_other_side(app: &TestApp) {
    let (inbox, _agent) = desk(app).await;
    let token = start(app, inbox, json!({})).await;
    let mut v = Visitor::connect(app, inbox, &token, 0).await;
    let a = v.say("t1", "hello?").await;
    let conv = a["conversation_id"].as_i64().unwrap();
    let mid = a["id"].as_i64().unwrap();
    v.messages(1).await;
    // An agent signs in to the workspace and opens the chat: a read
    // receipt for the visitor.
    agent_with_password(app, "mika.t@example.com", "Mika Tanaka", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("mika.t@example.com", PASSWORD).await;
    let (s, page) = b.get(&format!("/c/{conv}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("id=\"visitor-typing\""),
        "a chat page shows the visitor typing"
    );
    let r = v.next_of("read").await;
    assert_eq!(r["up_to"], mid);
    // Their reply box tells the visitor who is typing (first name only).
    let resp = b
        .client
        .post(format!("{}/c/{conv}/presence", app.base))
        .header(
            "cookie",
            format!("tend_session={}", b.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", b.csrf.clone())
        .header("origin", app.base.clone())
        .json(&json!({"state": "replying"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let t = v.next_of("typing").await;
    assert_eq!(t["name"], "Mika");
    // The visitor's read mark is kept for the agent's "seen".
    let rid = reply(app, &app.admin, conv, "Hi! How can I help?").await;
    v.messages(1).await;
    let mut visitor_events = app.st.public().chat.visitor_events.subscribe();
    v.send(json!({"t": "read", "up_to": rid})).await;
    v.send(json!({"t": "typing"})).await;
    let mut kinds = vec![];
    while kinds.len() < 2 {
        let (c, k) = tokio::time::timeout(Duration::from_secs(20), visitor_events.recv())
            .await
            .expect("visitor events")
            .unwrap();
        assert_eq!(c, conv);
        kinds.push(k);
    }
    assert_eq!(kinds, ["read", "typing"]);
    let marks = tend::channels::chat::service::read_marks(&app.st, conv)
        .await
        .unwrap();
    assert_eq!(marks, Some((rid, mid)));
    let (_, page) = b.get(&format!("/c/{conv}")).await;
    assert!(
        page.contains("Seen by the customer"),
        "the agent sees the read receipt"
    );
}
