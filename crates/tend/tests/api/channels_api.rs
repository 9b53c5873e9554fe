//! The generic channel API (issue 24) end to end, on SQLite and
//! PostgreSQL: messages signed like webhooks come in through
//! `POST /api/v1/channels/{inbox_id}/inbound`, and the desk's replies go
//! out to a real HTTP receiver on 127.0.0.1:0 that answers what the test
//! tells it to (500s, a 401, then 200) and keeps every request. The test
//! signs with the server's `ManualClock` time, moves that clock past each
//! backoff and wakes the sender (`tend::channels::api::wake`), and waits
//! for what it expects with a deadline.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use base64::Engine;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;

const SECRET: &str = "chsec-0123456789abcdef";

on_both_with_clock!(
    messages_are_created_appended_and_deduplicated,
    racing_duplicates_store_one_message,
    signatures_and_replays_are_refused,
    an_unknown_type_is_kept_and_the_next_message_goes_through,
    media_goes_both_ways_with_bytes_intact,
    replies_are_retried_until_the_receiver_takes_them,
    a_revoked_token_marks_the_inbox_failing,
    api_conversations_store_their_language,
    an_automation_reply_goes_out_on_the_channel,
);

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// One request the receiver got, and what it answered.
#[derive(Debug, Clone)]
struct Got {
    delivery: String,
    signature: String,
    body: String,
    answered: u16,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

#[derive(Default)]
struct Mailbox {
    /// Answered in turn; 200 once empty.
    answers: VecDeque<u16>,
    got: Vec<Got>,
}

/// A real HTTP receiver standing in for a bridge's outbound endpoint.
struct Receiver {
    url: String,
    mailbox: Arc<Mutex<Mailbox>>,
    server: tokio::task::JoinHandle<()>,
}

async fn receive(
    State(mailbox): State<Arc<Mutex<Mailbox>>>,
    headers: HeaderMap,
    body: Bytes,
) -> AxumStatus {
    let header = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let mut m = mailbox.lock().unwrap();
    let code = m.answers.pop_front().unwrap_or(200);
    m.got.push(Got {
        delivery: header("tend-delivery"),
        signature: header("tend-signature"),
        body: String::from_utf8_lossy(&body).to_string(),
        answered: code,
    });
    AxumStatus::from_u16(code).unwrap()
}

impl Receiver {
    async fn start(answers: &[u16]) -> Receiver {
        let mailbox = Arc::new(Mutex::new(Mailbox {
            answers: answers.iter().copied().collect(),
            got: Vec::new(),
        }));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/out", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/out", axum::routing::post(receive))
            .with_state(mailbox.clone())
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver {
            url,
            mailbox,
            server,
        }
    }

    fn got(&self) -> Vec<Got> {
        self.mailbox.lock().unwrap().got.clone()
    }

    /// Waits (at most 15 s) until the receiver holds `n` requests.
    async fn wait_for(&self, n: usize) -> Vec<Got> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the receiver got {} requests, not {n}: {got:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Checks `Tend-Signature` against the body, as a bridge would: with the
/// HMAC itself, not with Tend's verifier.
fn assert_signed(g: &Got) {
    let (t, v1) = g
        .signature
        .split_once(',')
        .and_then(|(t, v)| Some((t.strip_prefix("t=")?, v.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("a signature header: {:?}", g.signature));
    let mac = tend::crypto::hmac_sha256(SECRET.as_bytes(), format!("{t}.{}", g.body).as_bytes());
    assert_eq!(v1, hex::encode(mac), "the signature of {}", g.body);
}

/// A channel inbox with the test's secret (and `outbound`, if given).
async fn channel_inbox(app: &TestApp, outbound: Option<&str>) -> i64 {
    let id = app.inbox("api", None).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{id}"),
            &app.admin,
            json!({"secret": SECRET, "outbound_url": outbound}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["has_secret"], true, "{b}");
    assert!(b.get("secret").is_none(), "the secret is never shown: {b}");
    assert!(
        !b.to_string().contains(SECRET),
        "the secret is never shown: {b}"
    );
    id
}

/// Posts a raw body signed at `t` (unix seconds) with `secret`.
async fn post_signed(
    app: &TestApp,
    inbox: i64,
    body: &[u8],
    t: i64,
    secret: &str,
) -> (StatusCode, Value) {
    let sig = tend::crypto::signature(secret, t, body);
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/inbound", app.base))
        .header("content-type", "application/json")
        .header("tend-signature", sig)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Delivers `msg`, signed now by the server's clock.
async fn deliver(
    app: &TestApp,
    clock: &ManualClock,
    inbox: i64,
    msg: &Value,
) -> (StatusCode, Value) {
    use tend::time::Clock;
    let body = serde_json::to_vec(msg).unwrap();
    post_signed(app, inbox, &body, clock.now_ms() / 1000, SECRET).await
}

/// Delivers `msg` and expects `outcome`; answers the conversation id.
async fn expect(app: &TestApp, clock: &ManualClock, inbox: i64, msg: Value, outcome: &str) -> i64 {
    let (s, b) = deliver(app, clock, inbox, &msg).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{msg}: {b}");
    assert_eq!(b["outcome"], outcome, "{msg}: {b}");
    b["conversation_id"].as_i64().expect("a conversation id")
}

async fn messages(app: &TestApp, conv: i64) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn conversation(app: &TestApp, conv: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{conv}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// An agent's (the admin's) public reply; answers the message.
async fn reply(app: &TestApp, conv: i64, text: &str) -> Value {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": text}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

/// Waits (at most 15 s) until message `mid` of `conv` satisfies `ok`.
async fn wait_message(app: &TestApp, conv: i64, mid: i64, ok: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let all = messages(app, conv).await;
        if let Some(m) = all.iter().find(|m| m["id"] == mid)
            && ok(m)
        {
            return m.clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "message {mid} never got there: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn download(app: &TestApp, id: i64) -> Vec<u8> {
    let r = app
        .client
        .get(format!("{}/api/v1/attachments/{id}", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.bytes().await.unwrap().to_vec()
}

async fn messages_are_created_appended_and_deduplicated(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let inbox = channel_inbox(app, None).await;
    let first = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m1", "from": {"id": "u-1", "name": "Ann"}, "text": "My order has not arrived", "thread_id": "chat-1"}),
        "created",
    )
    .await;
    let again = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m2", "from": {"id": "u-1"}, "text": "Any news?", "thread_id": "chat-1"}),
        "appended",
    )
    .await;
    assert_eq!(again, first);
    // The same external id again: nothing changes.
    let dup = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m2", "from": {"id": "u-1"}, "text": "Any news?", "thread_id": "chat-1"}),
        "duplicate",
    )
    .await;
    assert_eq!(dup, first);
    let all = messages(app, first).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let conv = conversation(app, first).await;
    assert_eq!(conv["channel"], "api", "{conv}");
    assert_eq!(conv["inbox_id"], inbox, "{conv}");
    assert_eq!(conv["customer"]["name"], "Ann", "{conv}");
    // Another thread of the same sender is another conversation, of the
    // same customer (found by their id on the channel).
    let other = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m3", "from": {"id": "u-1"}, "text": "Another question", "thread_id": "chat-2"}),
        "created",
    )
    .await;
    assert_ne!(other, first);
    assert_eq!(
        conversation(app, other).await["customer"]["id"],
        conv["customer"]["id"]
    );
    // Without a thread id, the sender's messages form one thread.
    let lone = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m4", "from": {"id": "u-2"}, "text": "Hello"}),
        "created",
    )
    .await;
    expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m5", "from": {"id": "u-2"}, "text": "Hello again"}),
        "appended",
    )
    .await;
    // The same ids on another inbox are another channel's.
    let inbox2 = channel_inbox(app, None).await;
    let elsewhere = expect(
        app,
        clock,
        inbox2,
        json!({"external_id": "m4", "from": {"id": "u-2"}, "text": "Hello"}),
        "created",
    )
    .await;
    assert_ne!(elsewhere, lone);
    // A closed conversation takes no message: the thread goes on in a new one.
    for status in ["solved", "closed"] {
        let (s, b) = app
            .patch(
                &format!("/api/v1/conversations/{lone}"),
                &app.admin,
                json!({"status": status}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let next = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m6", "from": {"id": "u-2"}, "text": "Still there?"}),
        "created",
    )
    .await;
    assert_ne!(next, lone);
    expect(
        app,
        clock,
        inbox,
        json!({"external_id": "m7", "from": {"id": "u-2"}, "text": "Hello?"}),
        "appended",
    )
    .await;
    // Bad input names its field.
    let (s, b) = deliver(
        app,
        clock,
        inbox,
        &json!({"from": {"id": "u"}, "text": "x"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "external_id", "{b}");
    let (s, b) = deliver(
        app,
        clock,
        inbox,
        &json!({"external_id": "e", "from": {"id": "u"}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = post_signed(app, inbox, b"{not json", clock_s(clock), SECRET).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["code"], "invalid_json", "{b}");
}

fn clock_s(clock: &ManualClock) -> i64 {
    use tend::time::Clock;
    clock.now_ms() / 1000
}

async fn racing_duplicates_store_one_message(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let inbox = channel_inbox(app, None).await;
    let msg = json!({"external_id": "race-1", "from": {"id": "racer"}, "text": "Once only", "thread_id": "r"});
    let body = serde_json::to_vec(&msg).unwrap();
    let t = clock_s(clock);
    let answers =
        futures_util::future::join_all((0..8).map(|_| post_signed(app, inbox, &body, t, SECRET)))
            .await;
    let mut created = 0;
    let mut convs = std::collections::HashSet::new();
    for (s, b) in &answers {
        assert_eq!(*s, StatusCode::ACCEPTED, "{b}");
        match b["outcome"].as_str() {
            Some("created") => created += 1,
            Some("duplicate") => {}
            other => panic!("unexpected outcome {other:?}: {b}"),
        }
        convs.insert(b["conversation_id"].as_i64().unwrap());
    }
    assert_eq!(created, 1, "{answers:?}");
    assert_eq!(convs.len(), 1, "every answer names the one conversation");
    let conv = *convs.iter().next().unwrap();
    assert_eq!(messages(app, conv).await.len(), 1);
    assert_eq!(app.rows("channel_inbound").await, 1);
    // Two first messages of one new sender at once: one customer.
    let t = clock_s(clock);
    let bodies: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            serde_json::to_vec(&json!({"external_id": format!("n-{i}"), "from": {"id": "newcomer"}, "text": "hi", "thread_id": format!("t-{i}")}))
                .unwrap()
        })
        .collect();
    let answers = futures_util::future::join_all(
        bodies.iter().map(|b| post_signed(app, inbox, b, t, SECRET)),
    )
    .await;
    let mut customers = std::collections::HashSet::new();
    for (s, b) in &answers {
        assert_eq!(*s, StatusCode::ACCEPTED, "{b}");
        let c = conversation(app, b["conversation_id"].as_i64().unwrap()).await;
        customers.insert(c["customer"]["id"].as_i64().unwrap());
    }
    assert_eq!(
        customers.len(),
        1,
        "one sender is one customer: {answers:?}"
    );
}

async fn signatures_and_replays_are_refused(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let inbox = app.inbox("api", None).await;
    let msg = json!({"external_id": "s1", "from": {"id": "u"}, "text": "hi"});
    let body = serde_json::to_vec(&msg).unwrap();
    let now = clock_s(clock);
    // No secret set yet.
    let (s, b) = post_signed(app, inbox, &body, now, SECRET).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "no_secret", "{b}");
    // Secrets are checked, and only inboxes of kind api take one.
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"secret": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "secret", "{b}");
    let web = app.inbox("web", None).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{web}"),
            &app.admin,
            json!({"secret": SECRET}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"outbound_url": "ftp://x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "outbound_url", "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"secret": SECRET}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Only inboxes of kind api take messages.
    let (s, _) = post_signed(app, web, &body, now, SECRET).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // No header.
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/inbound", app.base))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["details"]["reason"], "missing", "{b}");
    // Another secret, a changed body, a malformed header.
    let (s, b) = post_signed(app, inbox, &body, now, "another-secret-0123456").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "mismatch", "{b}");
    let sig = tend::crypto::signature(SECRET, now, &body);
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/inbound", app.base))
        .header("tend-signature", sig)
        .body(br#"{"external_id":"s1","from":{"id":"u"},"text":"HI"}"#.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/inbound", app.base))
        .header("tend-signature", "v1=abc")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["error"]["details"]["reason"], "malformed", "{b}");
    // A replay: signed more than 5 minutes ago (or ahead).
    let (s, b) = post_signed(app, inbox, &body, now - 301, SECRET).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "replay", "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("301 s old"),
        "{b}"
    );
    let (s, b) = post_signed(app, inbox, &body, now + 301, SECRET).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "future", "{b}");
    // Nothing was stored by any of them.
    assert_eq!(app.rows("channel_inbound").await, 0);
    // Within the 5 minutes, it is taken.
    let (s, b) = post_signed(app, inbox, &body, now - 299, SECRET).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["outcome"], "created", "{b}");
    // A captured request replayed later is refused, even though it is a
    // duplicate anyway.
    clock.advance_ms(5 * 60_000);
    let (s, b) = post_signed(app, inbox, &body, now - 299, SECRET).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
}

async fn an_unknown_type_is_kept_and_the_next_message_goes_through(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let inbox = channel_inbox(app, None).await;
    let sticker = json!({"external_id": "k1", "from": {"id": "u-9"}, "type": "sticker",
        "sticker": {"emoji": "👍", "set": "thumbs"}, "thread_id": "t9"});
    let raw = serde_json::to_vec(&sticker).unwrap();
    let (s, b) = post_signed(app, inbox, &raw, clock_s(clock), SECRET).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    assert_eq!(b["outcome"], "created", "{b}");
    let conv = b["conversation_id"].as_i64().unwrap();
    // The next message is not blocked by it.
    let next = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "k2", "from": {"id": "u-9"}, "text": "Did you get my sticker?", "thread_id": "t9"}),
        "appended",
    )
    .await;
    assert_eq!(next, conv);
    let all = messages(app, conv).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let kept = &all[0];
    let text = kept["text"].as_str().unwrap();
    assert!(
        text.contains("unsupported message type \"sticker\""),
        "{text}"
    );
    assert!(text.contains("original.json"), "{text}");
    let files = kept["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{kept}");
    assert_eq!(files[0]["filename"], "original.json");
    assert_eq!(
        download(app, files[0]["id"].as_i64().unwrap()).await,
        raw,
        "the raw message is kept byte for byte"
    );
    assert_eq!(all[1]["text"], "Did you get my sticker?");
    // An attachment the channel does not carry (or sent without its bytes)
    // is kept the same way; the text and the good file go through.
    let (s, b) = deliver(
        app,
        clock,
        inbox,
        &json!({"external_id": "k3", "from": {"id": "u-9"}, "thread_id": "t9", "text": "two files",
            "attachments": [
                {"filename": "mail.eml", "content_type": "message/rfc822", "content_base64": b64(b"From: x")},
                {"filename": "voice.ogg", "content_type": "audio/ogg", "url": "https://cdn.example/voice.ogg"},
                {"filename": "ok.txt", "content_type": "text/plain", "content_base64": b64(b"fine")}
            ]}),
    )
    .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{b}");
    let all = messages(app, conv).await;
    let m = all.last().unwrap();
    let text = m["text"].as_str().unwrap();
    assert!(text.starts_with("two files"), "{text}");
    assert!(text.contains("mail.eml"), "{text}");
    assert!(text.contains("voice.ogg"), "{text}");
    let names: Vec<&str> = m["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ok.txt", "original.json"], "{m}");
}

async fn media_goes_both_ways_with_bytes_intact(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let rx = Receiver::start(&[]).await;
    let inbox = channel_inbox(app, Some(&rx.url)).await;
    // Every byte value, so no encoding step can hide a change.
    let picture: Vec<u8> = (0..=255u8).cycle().take(70_001).collect();
    let voice: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let conv = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "p1", "from": {"id": "u-5"}, "text": "Photo and voice",
            "attachments": [
                {"filename": "photo.jpg", "content_type": "image/jpeg", "content_base64": b64(&picture)},
                {"filename": "voice.ogg", "content_type": "audio/ogg", "content_base64": b64(&voice)}
            ]}),
        "created",
    )
    .await;
    let all = messages(app, conv).await;
    let files = all[0]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{all:?}");
    assert_eq!(files[0]["content_type"], "image/jpeg");
    assert_eq!(
        download(app, files[0]["id"].as_i64().unwrap()).await,
        picture
    );
    assert_eq!(download(app, files[1]["id"].as_i64().unwrap()).await, voice);
    // Over the limit (the server's cap on a message's files) is refused
    // with the reason, and nothing is stored.
    let big = vec![7u8; 2_000_001];
    let (s, b) = deliver(
        app,
        clock,
        inbox,
        &json!({"external_id": "p2", "from": {"id": "u-5"},
            "attachments": [{"filename": "big.bin", "content_type": "application/octet-stream", "content_base64": b64(&big)}]}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "attachments", "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at most 2000000"),
        "{b}"
    );
    // The agent answers with a file: it reaches the receiver intact.
    let pdf: Vec<u8> = (0..=255u8).rev().cycle().take(33_333).collect();
    let form = Form::new().text("text", "Here is the label").part(
        "file",
        Part::bytes(pdf.clone())
            .file_name("label.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{conv}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["delivery_status"], "queued", "{sent}");
    let got = rx.wait_for(1).await;
    assert_signed(&got[0]);
    let body = got[0].json();
    assert_eq!(body["kind"], "reply", "{body}");
    assert_eq!(body["conversation_id"], conv);
    assert_eq!(body["to"]["id"], "u-5");
    assert_eq!(body["text"], "Here is the label");
    assert_eq!(body["id"], got[0].delivery.as_str());
    let file = &body["attachments"][0];
    assert_eq!(file["filename"], "label.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["content_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(bytes, pdf, "the file reached the receiver intact");
    let mid = sent["id"].as_i64().unwrap();
    wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    // What the channel cannot carry is refused before anything is stored.
    let form = Form::new().text("text", "a mail").part(
        "file",
        Part::bytes(b"From: a".to_vec())
            .file_name("fwd.eml")
            .mime_str("message/rfc822")
            .unwrap(),
    );
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{conv}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let b: Value = r.json().await.unwrap();
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot carry"),
        "{b}"
    );
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": "x".repeat(65_537)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(messages(app, conv).await.len(), 2);
    // Notes never go out.
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": "internal", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(rx.got().len(), 1);
}

async fn replies_are_retried_until_the_receiver_takes_them(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let rx = Receiver::start(&[500, 503]).await;
    let inbox = channel_inbox(app, Some(&rx.url)).await;
    let conv = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "r1", "from": {"id": "u-7"}, "text": "Help", "thread_id": "th-7"}),
        "created",
    )
    .await;
    let sent = reply(app, conv, "On it").await;
    let mid = sent["id"].as_i64().unwrap();
    let got = rx.wait_for(1).await;
    assert_eq!(got[0].answered, 500);
    assert_eq!(got[0].json()["thread_id"], "th-7");
    let m = wait_message(app, conv, mid, |m| {
        m["delivery_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    })
    .await;
    assert_eq!(m["delivery_status"], "queued", "retried, not failed: {m}");
    // A later reply waits behind it: one conversation's messages in order.
    let second = reply(app, conv, "Second").await;
    // The backoff passes (30 s): a 503.
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    let got = rx.wait_for(2).await;
    assert_eq!(got[1].answered, 503);
    assert_eq!(got[1].delivery, got[0].delivery, "the same message again");
    assert_eq!(got[1].json()["text"], "On it");
    wait_message(app, conv, mid, |m| {
        m["delivery_error"]
            .as_str()
            .is_some_and(|e| e.contains("503"))
    })
    .await;
    // The next backoff (1 minute): taken, then the second reply.
    clock.advance_ms(61_000);
    tend::channels::api::wake(&app.st);
    let got = rx.wait_for(4).await;
    assert_eq!(got[2].answered, 200);
    assert_eq!(got[2].json()["text"], "On it");
    assert_eq!(got[3].json()["text"], "Second");
    for g in &got {
        assert_signed(g);
    }
    let m = wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    assert!(m["delivery_error"].is_null(), "{m}");
    let sid = second["id"].as_i64().unwrap();
    wait_message(app, conv, sid, |m| m["delivery_status"] == "sent").await;
    // The conversation page shows each message's delivery state.
    let mut browser = crate::web_admin::admin_browser(app, "lv").await;
    let page = browser.get(&format!("/c/{conv}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let sent_lv = tend::web::i18n::Tr::new("lv").t("delivery-sent");
    assert!(
        page.body.contains(&sent_lv),
        "the page shows the delivery state in the viewer's language ({sent_lv})"
    );
    // A reply on an inbox without an outbound URL is refused, not dropped.
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"outbound_url": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["outbound_url"].is_null(), "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": "Nowhere to go"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("outbound_url"),
        "{b}"
    );
}

async fn a_revoked_token_marks_the_inbox_failing(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let rx = Receiver::start(&[401]).await;
    let inbox = channel_inbox(app, Some(&rx.url)).await;
    let conv = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "a1", "from": {"id": "u-3"}, "text": "Hi"}),
        "created",
    )
    .await;
    let sent = reply(app, conv, "Hello").await;
    let mid = sent["id"].as_i64().unwrap();
    rx.wait_for(1).await;
    // Within the first attempt (not minutes later), the inbox shows it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let failing = loop {
        let (s, b) = app
            .get(&format!("/api/v1/inboxes/{inbox}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::OK);
        if !b["failing_since"].is_null() {
            break b;
        }
        assert!(tokio::time::Instant::now() < deadline, "never failing: {b}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(
        failing["failing_error"].as_str().unwrap().contains("401"),
        "{failing}"
    );
    // The admin page says so.
    let mut browser = crate::web_admin::admin_browser(app, "en").await;
    let page = browser.get("/admin/inboxes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("The outbound URL has refused Tend") && page.body.contains("401"),
        "the admin page shows the failing inbox: {}",
        page.body
    );
    let m = wait_message(app, conv, mid, |m| !m["delivery_error"].is_null()).await;
    assert_eq!(m["delivery_status"], "queued", "{m}");
    // The token is fixed on the receiver's side: the retry goes through
    // and the inbox is no longer failing.
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    rx.wait_for(2).await;
    wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    let (_, b) = app
        .get(&format!("/api/v1/inboxes/{inbox}"), &app.admin)
        .await;
    assert!(b["failing_since"].is_null(), "{b}");
}

async fn api_conversations_store_their_language(app: &mut TestApp, clock: &Arc<ManualClock>) {
    // Through the REST API, without a language: detected and stored, so
    // the inbox's language filter finds them.
    let texts = [
        (
            "ja",
            "注文した商品がまだ届いていません。配送状況を確認していただけますか。",
        ),
        (
            "ko",
            "주문한 상품이 아직 도착하지 않았습니다. 배송 상태를 확인해 주시겠어요?",
        ),
        (
            "lv",
            "Mans pasūtījums vēl nav atnācis. Vai jūs varētu pārbaudīt piegādes statusu?",
        ),
    ];
    for (lang, text) in texts {
        let c = app
            .conversation("Delivery", &format!("{lang}@customer.example"), text, None)
            .await;
        assert_eq!(c["language"], lang, "{c}");
        let (s, b) = app
            .get(
                &format!("/api/v1/conversations?language={lang}"),
                &app.admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == c["id"]),
            "the language filter finds it: {b}"
        );
    }
    // A language given wins.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "s", "customer": {"email": "given@customer.example"},
                "message": {"text": texts[0].1}, "language": "en"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["language"], "en");
    // Through the channel, too.
    let inbox = channel_inbox(app, None).await;
    for (i, (lang, text)) in texts.iter().enumerate() {
        let conv = expect(
            app,
            clock,
            inbox,
            json!({"external_id": format!("l{i}"), "from": {"id": format!("lang-{i}")}, "text": text}),
            "created",
        )
        .await;
        let c = conversation(app, conv).await;
        assert_eq!(c["language"], *lang, "{c}");
        assert_eq!(c["customer"]["language"], *lang, "{c}");
    }
}

async fn an_automation_reply_goes_out_on_the_channel(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let rx = Receiver::start(&[]).await;
    let inbox = channel_inbox(app, Some(&rx.url)).await;
    let (s, b) = app
        .post(
            "/api/v1/automations",
            &app.admin,
            json!({"name": "Acknowledge", "active": true, "position": 1,
                "when": {"event": "conversation_created"},
                "conditions": {"all": [{"field": "channel", "op": "is", "value": "api"}]},
                "actions": [{"type": "reply", "text": "Thanks, we got your message."}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let conv = expect(
        app,
        clock,
        inbox,
        json!({"external_id": "auto-1", "from": {"id": "u-auto"}, "text": "Hello there"}),
        "created",
    )
    .await;
    let got = rx.wait_for(1).await;
    assert_signed(&got[0]);
    let body = got[0].json();
    assert_eq!(body["text"], "Thanks, we got your message.", "{body}");
    assert_eq!(body["automatic"], true, "{body}");
    assert_eq!(body["to"]["id"], "u-auto");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let all = messages(app, conv).await;
        if all
            .iter()
            .any(|m| m["direction"] == "out" && m["delivery_status"] == "sent")
        {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{all:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
