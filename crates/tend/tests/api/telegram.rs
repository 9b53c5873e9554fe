//! The Telegram channel (issue 24) end to end, on SQLite and PostgreSQL,
//! against a real HTTP server on 127.0.0.1:0 that speaks the Bot API's
//! documented JSON (`getUpdates`, `getFile` and the file download,
//! `sendMessage`, `sendDocument` as multipart) for one bot token. The
//! inbox's `api_base` points at it, so Tend's client is the one used with
//! Telegram. Updates are queued on the server and Tend's poller fetches
//! them; the webhook is posted to like Telegram does. The test moves the
//! server's `ManualClock` past each backoff, wakes the sender, and waits
//! for what it expects with a deadline.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode as AxumStatus;
use axum::response::{IntoResponse, Response};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;

pub(crate) const TOKEN: &str = "123456:AAE-test_token";
pub(crate) const WEBHOOK_SECRET: &str = "tg-hook_secret-42";

on_both_with_clock!(
    polling_brings_text_and_media_with_bytes_intact,
    duplicates_are_stored_once,
    an_unknown_update_is_kept_and_the_next_one_arrives,
    the_webhook_checks_its_secret,
    replies_go_out_as_messages_and_documents,
    a_failing_bot_api_is_retried,
    a_revoked_token_marks_the_inbox_failing,
);

/// What Tend sent the bot.
#[derive(Debug, Clone)]
struct Sent {
    method: String,
    chat_id: String,
    text: Option<String>,
    /// `(file name, content type, bytes)` of a `sendDocument`.
    document: Option<(String, String, Vec<u8>)>,
    answered: u16,
}

#[derive(Default)]
pub(crate) struct BotState {
    /// Every update queued so far.
    updates: Vec<Value>,
    /// The `offset` of each `getUpdates`.
    offsets: Vec<i64>,
    /// `file_id` → (`file_path`, bytes).
    files: HashMap<String, (String, Vec<u8>)>,
    /// What `sendMessage` and `sendDocument` answer, in turn: `(status,
    /// retry_after)`; 200 once empty.
    send_answers: VecDeque<(u16, Option<i64>)>,
    /// While set, `getUpdates` answers this error code.
    updates_refused: Option<u16>,
    /// A webhook is registered: `getUpdates` answers 409 until
    /// `deleteWebhook`.
    pub(crate) webhook_set: bool,
    /// Each `setWebhook`: its `url` and `secret_token`.
    pub(crate) webhooks: Vec<(String, Option<String>)>,
    /// What `setWebhook` answers, in turn: `(status, description)`; 200
    /// once empty.
    pub(crate) webhook_answers: VecDeque<(u16, &'static str)>,
    sent: Vec<Sent>,
}

/// A Bot API server for the bot `TOKEN`.
pub(crate) struct FakeBot {
    pub(crate) url: String,
    pub(crate) state: Arc<Mutex<BotState>>,
    server: tokio::task::JoinHandle<()>,
}

fn bot_error(code: u16, description: &str, retry_after: Option<i64>) -> Response {
    let mut body = json!({"ok": false, "error_code": code, "description": description});
    if let Some(s) = retry_after {
        body["parameters"] = json!({ "retry_after": s });
    }
    (AxumStatus::from_u16(code).unwrap(), Json(body)).into_response()
}

fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn method(
    State(state): State<Arc<Mutex<BotState>>>,
    Path((bot, method)): Path<(String, String)>,
    req: Request,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return bot_error(401, "Unauthorized", None);
    }
    if method == "sendDocument" {
        let mut form = axum::extract::Multipart::from_request(req, &())
            .await
            .expect("sendDocument is multipart");
        let (mut chat_id, mut document) = (String::new(), None);
        while let Some(field) = form.next_field().await.unwrap() {
            match field.name().unwrap_or_default() {
                "chat_id" => chat_id = field.text().await.unwrap(),
                "document" => {
                    let name = field.file_name().unwrap_or_default().to_string();
                    let ct = field.content_type().unwrap_or_default().to_string();
                    document = Some((name, ct, field.bytes().await.unwrap().to_vec()));
                }
                other => panic!("unexpected field {other}"),
            }
        }
        return sent(&state, "sendDocument", chat_id, None, document);
    }
    let body = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap();
    let params: Value = serde_json::from_slice(&body).expect("a JSON body");
    match method.as_str() {
        "getUpdates" => {
            let mut s = state.lock().unwrap();
            let offset = params["offset"].as_i64().unwrap_or(0);
            s.offsets.push(offset);
            if let Some(code) = s.updates_refused {
                return bot_error(code, "Unauthorized", None);
            }
            if s.webhook_set {
                return bot_error(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
                    None,
                );
            }
            let result: Vec<Value> = s
                .updates
                .iter()
                .filter(|u| u["update_id"].as_i64().unwrap() >= offset)
                .take(params["limit"].as_u64().unwrap_or(100) as usize)
                .cloned()
                .collect();
            Json(json!({"ok": true, "result": result})).into_response()
        }
        "getFile" => {
            let s = state.lock().unwrap();
            let id = params["file_id"].as_str().unwrap_or_default();
            match s.files.get(id) {
                Some((path, bytes)) => Json(json!({"ok": true, "result": {
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": bytes.len(), "file_path": path}}))
                .into_response(),
                None => bot_error(400, "Bad Request: invalid file_id", None),
            }
        }
        "deleteWebhook" => {
            state.lock().unwrap().webhook_set = false;
            Json(json!({"ok": true, "result": true})).into_response()
        }
        "setWebhook" => {
            let mut s = state.lock().unwrap();
            s.webhooks.push((
                params["url"].as_str().unwrap_or_default().to_string(),
                params["secret_token"].as_str().map(str::to_string),
            ));
            match s.webhook_answers.pop_front() {
                Some((code, description)) => bot_error(code, description, None),
                None => {
                    s.webhook_set = true;
                    Json(json!({"ok": true, "result": true, "description": "Webhook was set"}))
                        .into_response()
                }
            }
        }
        "sendMessage" => sent(
            &state,
            "sendMessage",
            id_text(&params["chat_id"]),
            params["text"].as_str().map(str::to_string),
            None,
        ),
        other => bot_error(404, &format!("Not Found: method {other}"), None),
    }
}

fn sent(
    state: &Mutex<BotState>,
    method: &str,
    chat_id: String,
    text: Option<String>,
    document: Option<(String, String, Vec<u8>)>,
) -> Response {
    let mut s = state.lock().unwrap();
    let (code, retry_after) = s.send_answers.pop_front().unwrap_or((200, None));
    let message_id = s.sent.len() + 1000;
    s.sent.push(Sent {
        method: method.to_string(),
        chat_id: chat_id.clone(),
        text: text.clone(),
        document,
        answered: code,
    });
    match code {
        200 => Json(
            json!({"ok": true, "result": {"message_id": message_id, "date": 1,
            "chat": {"id": chat_id.parse::<i64>().unwrap_or(0), "type": "private"}, "text": text}}),
        )
        .into_response(),
        401 => bot_error(401, "Unauthorized", None),
        429 => bot_error(429, "Too Many Requests: retry later", retry_after),
        c => bot_error(c, "Internal Server Error", None),
    }
}

async fn download(
    State(state): State<Arc<Mutex<BotState>>>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    if bot != format!("bot{TOKEN}") {
        return AxumStatus::UNAUTHORIZED.into_response();
    }
    let s = state.lock().unwrap();
    match s.files.values().find(|(p, _)| *p == path) {
        Some((_, bytes)) => bytes.clone().into_response(),
        None => AxumStatus::NOT_FOUND.into_response(),
    }
}

impl FakeBot {
    pub(crate) async fn start() -> FakeBot {
        let state: Arc<Mutex<BotState>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/{bot}/{method}", axum::routing::post(method))
            .route("/file/{bot}/{*path}", axum::routing::get(download))
            .with_state(state.clone())
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        FakeBot { url, state, server }
    }

    /// Queues an update (its `update_id` is the next one).
    fn push(&self, kind: &str, body: Value) -> Value {
        let mut s = self.state.lock().unwrap();
        let id = 10_000 + s.updates.len() as i64;
        let mut u = json!({ "update_id": id });
        u[kind] = body;
        s.updates.push(u.clone());
        u
    }

    /// A file the bot can fetch.
    fn file(&self, id: &str, path: &str, bytes: &[u8]) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(id.to_string(), (path.to_string(), bytes.to_vec()));
    }

    fn answer_sends(&self, answers: &[(u16, Option<i64>)]) {
        self.state
            .lock()
            .unwrap()
            .send_answers
            .extend(answers.iter().copied());
    }

    fn sent(&self) -> Vec<Sent> {
        self.state.lock().unwrap().sent.clone()
    }

    /// Waits (at most 15 s) until the bot was sent `n` messages.
    async fn wait_sent(&self, n: usize) -> Vec<Sent> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let sent = self.sent();
            if sent.len() >= n {
                return sent;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot got {} messages, not {n}: {sent:?}",
                sent.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for FakeBot {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A message from the private chat of user `chat` (Aiko Sato).
fn message(chat: i64, message_id: i64, content: Value) -> Value {
    let mut m = json!({"message_id": message_id, "date": 1_700_000_000,
        "from": {"id": chat, "is_bot": false, "first_name": "Aiko", "last_name": "Sato", "language_code": "ja"},
        "chat": {"id": chat, "type": "private", "first_name": "Aiko"}});
    for (k, v) in content.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

/// A message of user `user` in the group `chat` (whose id differs).
fn group_message(chat: i64, user: i64, message_id: i64, content: Value) -> Value {
    let mut m = message(user, message_id, content);
    m["chat"] = json!({"id": chat, "type": "supergroup", "title": "Kunden"});
    m
}

/// A Telegram inbox reading `bot` by polling.
pub(crate) async fn telegram_inbox(app: &TestApp, bot: &FakeBot) -> i64 {
    telegram_inbox_in(app, bot, "polling").await
}

/// A Telegram inbox of `bot` in `mode`.
async fn telegram_inbox_in(app: &TestApp, bot: &FakeBot, mode: &str) -> i64 {
    let id = app.inbox("telegram", None).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{id}"),
            &app.admin,
            json!({"telegram": {"bot_token": TOKEN, "api_base": format!("{}/", bot.url), "mode": mode}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["kind"], "telegram", "{b}");
    assert_eq!(b["telegram"]["mode"], mode, "{b}");
    assert_eq!(b["telegram"]["has_bot_token"], true, "{b}");
    assert_eq!(b["telegram"]["api_base"], bot.url.as_str(), "{b}");
    assert!(
        !b.to_string().contains("AAE-test_token"),
        "the token is never shown: {b}"
    );
    id
}

/// Waits (at most 15 s) for message `external_id` (`chat:message_id`) of
/// the inbox; answers its conversation.
async fn arrived(app: &TestApp, inbox: i64, external_id: &str) -> i64 {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT conversation_id FROM channel_inbound WHERE inbox_id = $1 AND external_id = $2",
        )
        .bind(inbox)
        .bind(external_id)
        .fetch_optional(app.st.db.pool())
        .await
        .unwrap();
        if let Some(c) = found {
            return c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{external_id} never arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
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

async fn file_bytes(app: &TestApp, attachment: &Value) -> Vec<u8> {
    let id = attachment["id"].as_i64().unwrap();
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

async fn polling_brings_text_and_media_with_bytes_intact(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    // Every byte value, so no encoding step can hide a change.
    let photo: Vec<u8> = (0..=255u8).cycle().take(70_001).collect();
    let small: Vec<u8> = vec![1, 2, 3];
    let pdf: Vec<u8> = (0..=255u8).rev().cycle().take(33_333).collect();
    let voice: Vec<u8> = (0..40_000u32).map(|i| (i * 7 % 251) as u8).collect();
    bot.file("ph-big", "photos/file_1.jpg", &photo);
    bot.file("ph-small", "photos/file_0.jpg", &small);
    bot.file("doc-1", "documents/file_2.pdf", &pdf);
    bot.file("voice-1", "voice/file_3.oga", &voice);
    bot.push(
        "message",
        message(
            501,
            1,
            json!({"text": "注文した商品がまだ届きません。確認していただけますか?"}),
        ),
    );
    bot.push(
        "message",
        message(501, 2, json!({"caption": "箱が壊れていました", "photo": [
            {"file_id": "ph-small", "file_unique_id": "s1", "width": 90, "height": 60, "file_size": 3},
            {"file_id": "ph-big", "file_unique_id": "b1", "width": 1280, "height": 960, "file_size": 70_001}]})),
    );
    bot.push(
        "message",
        message(
            501,
            3,
            json!({"document": {"file_id": "doc-1", "file_unique_id": "d1",
            "file_name": "領収書.pdf", "mime_type": "application/pdf", "file_size": 33_333}}),
        ),
    );
    bot.push(
        "message",
        message(
            501,
            4,
            json!({"voice": {"file_id": "voice-1", "file_unique_id": "v1",
            "duration": 3, "mime_type": "audio/ogg", "file_size": 40_000}}),
        ),
    );
    let conv = arrived(app, inbox, "501:1").await;
    for n in 2..=4 {
        assert_eq!(arrived(app, inbox, &format!("501:{n}")).await, conv);
    }
    let c = conversation(app, conv).await;
    assert_eq!(c["channel"], "telegram", "{c}");
    assert_eq!(c["inbox_id"], inbox, "{c}");
    assert_eq!(c["customer"]["name"], "Aiko Sato", "{c}");
    assert_eq!(
        c["language"], "ja",
        "detected when the conversation opened: {c}"
    );
    let all = messages(app, conv).await;
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(
        all[0]["text"],
        "注文した商品がまだ届きません。確認していただけますか?"
    );
    assert_eq!(all[1]["text"], "箱が壊れていました");
    let files = all[1]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "only the largest size: {files:?}");
    assert_eq!(files[0]["content_type"], "image/jpeg");
    assert_eq!(file_bytes(app, &files[0]).await, photo);
    let files = all[2]["attachments"].as_array().unwrap();
    assert_eq!(files[0]["filename"], "領収書.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(file_bytes(app, &files[0]).await, pdf);
    let files = all[3]["attachments"].as_array().unwrap();
    assert_eq!(files[0]["content_type"], "audio/ogg");
    assert_eq!(file_bytes(app, &files[0]).await, voice);
    // Another chat is another conversation.
    bot.push("message", message(502, 1, json!({"text": "Hello"})));
    let other = arrived(app, inbox, "502:1").await;
    assert_ne!(other, conv);
    // The offset is stored: once everything is in, the poller asks for
    // what comes after the last update (confirming the others).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while bot.state.lock().unwrap().offsets.last() != Some(&10_005) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "offsets: {:?}",
            bot.state.lock().unwrap().offsets
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn duplicates_are_stored_once(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let bot = FakeBot::start().await;
    // A webhook left registered with Telegram: the polling inbox removes it.
    bot.state.lock().unwrap().webhook_set = true;
    let inbox = telegram_inbox(app, &bot).await;
    bot.push("message", message(601, 1, json!({"text": "First"})));
    let conv = arrived(app, inbox, "601:1").await;
    assert!(!bot.state.lock().unwrap().webhook_set);
    // The same message again in a new update (Telegram resends after a
    // timeout), then the next one.
    bot.push("message", message(601, 1, json!({"text": "First"})));
    bot.push("message", message(601, 2, json!({"text": "Second"})));
    assert_eq!(arrived(app, inbox, "601:2").await, conv);
    let texts: Vec<Value> = messages(app, conv)
        .await
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(texts, [json!("First"), json!("Second")]);
    // The same update through the webhook too (an inbox switched modes).
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"telegram": {"mode": "webhook", "webhook_secret": WEBHOOK_SECRET}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = hook(
        app,
        inbox,
        Some(WEBHOOK_SECRET),
        &json!({"update_id": 10_002, "message": message(601, 2, json!({"text": "Second"}))}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["outcome"], "duplicate", "{b}");
    assert_eq!(b["conversation_id"], conv, "{b}");
    assert_eq!(messages(app, conv).await.len(), 2);
}

async fn an_unknown_update_is_kept_and_the_next_one_arrives(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    let sticker = bot.push(
        "message",
        message(701, 1, json!({"sticker": {"file_id": "st", "file_unique_id": "st1",
            "type": "regular", "width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍"}})),
    );
    // An update about no chat (a poll's new tally): read and skipped.
    bot.push(
        "poll",
        json!({"id": "p1", "question": "?", "options": [], "total_voter_count": 1}),
    );
    bot.push(
        "message",
        message(701, 2, json!({"text": "Did you get my sticker?"})),
    );
    let conv = arrived(app, inbox, "701:1").await;
    assert_eq!(arrived(app, inbox, "701:2").await, conv);
    let all = messages(app, conv).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let text = all[0]["text"].as_str().unwrap();
    assert!(text.contains("\"sticker\""), "{text}");
    assert!(text.contains("original.json"), "{text}");
    let files = all[0]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{all:?}");
    assert_eq!(files[0]["filename"], "original.json");
    let kept: Value = serde_json::from_slice(&file_bytes(app, &files[0]).await).unwrap();
    assert_eq!(kept, sticker, "the raw update is kept");
    assert_eq!(all[1]["text"], "Did you get my sticker?");
}

/// Posts an update to the inbox's webhook as Telegram does.
async fn hook(
    app: &TestApp,
    inbox: i64,
    secret: Option<&str>,
    update: &Value,
) -> (StatusCode, Value) {
    let mut r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/telegram", app.base))
        .json(update);
    if let Some(s) = secret {
        r = r.header("X-Telegram-Bot-Api-Secret-Token", s);
    }
    let r = r.send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn the_webhook_checks_its_secret(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox_in(app, &bot, "webhook").await;
    let update = json!({"update_id": 1, "message": message(801, 1, json!({"text": "Bonjour"}))});
    // No secret set yet: refused.
    let (s, b) = hook(app, inbox, Some(WEBHOOK_SECRET), &update).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "no_secret", "{b}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"telegram": {"webhook_secret": WEBHOOK_SECRET}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["telegram"]["mode"], "webhook", "{b}");
    assert_eq!(b["telegram"]["has_webhook_secret"], true, "{b}");
    assert!(!b.to_string().contains(WEBHOOK_SECRET), "{b}");
    let (s, b) = hook(app, inbox, Some("wrong-secret"), &update).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "mismatch", "{b}");
    let (s, b) = hook(app, inbox, None, &update).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    assert_eq!(b["error"]["details"]["reason"], "missing", "{b}");
    assert_eq!(app.rows("channel_inbound").await, 0);
    let (s, b) = hook(app, inbox, Some(WEBHOOK_SECRET), &update).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["outcome"], "created", "{b}");
    let conv = b["conversation_id"].as_i64().unwrap();
    // Telegram delivers again when unsure: a duplicate.
    let (s, b) = hook(app, inbox, Some(WEBHOOK_SECRET), &update).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["outcome"], "duplicate", "{b}");
    // A photo through the webhook is fetched the same way.
    let photo: Vec<u8> = (0..=255u8).cycle().take(5_000).collect();
    bot.file("wh-photo", "photos/file_9.jpg", &photo);
    let (s, b) = hook(
        app,
        inbox,
        Some(WEBHOOK_SECRET),
        &json!({"update_id": 2, "message": message(801, 2, json!({"photo": [
            {"file_id": "wh-photo", "file_unique_id": "w9", "width": 10, "height": 10}]}))}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["outcome"], "appended", "{b}");
    let all = messages(app, conv).await;
    assert_eq!(all.len(), 2, "{all:?}");
    let files = all[1]["attachments"].as_array().unwrap();
    assert_eq!(file_bytes(app, &files[0]).await, photo);
    // Not JSON: 422.
    let r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/telegram", app.base))
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // In webhook mode the bot is not polled.
    assert!(
        bot.state.lock().unwrap().offsets.is_empty(),
        "getUpdates was called in webhook mode"
    );
    // Another kind's inbox has no Telegram webhook.
    let api = app.inbox("api", None).await;
    let (s, _) = hook(app, api, Some(WEBHOOK_SECRET), &update).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Bad settings name their field.
    for (body, field) in [
        (
            json!({"telegram": {"bot_token": "not a token"}}),
            "telegram.bot_token",
        ),
        (json!({"telegram": {"mode": "push"}}), "telegram.mode"),
        (
            json!({"telegram": {"api_base": "ftp://x"}}),
            "telegram.api_base",
        ),
        (
            json!({"telegram": {"webhook_secret": "has space"}}),
            "telegram.webhook_secret",
        ),
    ] {
        let (s, b) = app
            .patch(&format!("/api/v1/inboxes/{inbox}"), &app.admin, body)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["details"]["field"], field, "{b}");
    }
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{api}"),
            &app.admin,
            json!({"telegram": {"mode": "polling"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "telegram", "{b}");
}

async fn replies_go_out_as_messages_and_documents(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    bot.push(
        "message",
        // In a group, the chat is not the user: replies go to the chat.
        group_message(-100_901, 901, 1, json!({"text": "Where is my parcel?"})),
    );
    let conv = arrived(app, inbox, "-100901:1").await;
    let sent = reply(app, conv, "Paldies! Tas ir ceļā.").await;
    assert_eq!(sent["delivery_status"], "queued", "{sent}");
    let got = bot.wait_sent(1).await;
    assert_eq!(got[0].method, "sendMessage");
    assert_eq!(got[0].chat_id, "-100901", "to the customer's chat");
    assert_eq!(got[0].text.as_deref(), Some("Paldies! Tas ir ceļā."));
    wait_message(app, conv, sent["id"].as_i64().unwrap(), |m| {
        m["delivery_status"] == "sent"
    })
    .await;
    // A reply with a file: the text, then the document, bytes intact.
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
    let with_file: Value = r.json().await.unwrap();
    let got = bot.wait_sent(3).await;
    assert_eq!(got[1].method, "sendMessage");
    assert_eq!(got[1].text.as_deref(), Some("Here is the label"));
    assert_eq!(got[2].method, "sendDocument");
    assert_eq!(got[2].chat_id, "-100901");
    let (name, ct, bytes) = got[2].document.clone().unwrap();
    assert_eq!(name, "label.pdf");
    assert_eq!(ct, "application/pdf");
    assert_eq!(bytes, pdf, "the file reached Telegram intact");
    wait_message(app, conv, with_file["id"].as_i64().unwrap(), |m| {
        m["delivery_status"] == "sent"
    })
    .await;
    // Longer than Telegram takes: refused with the reason, nothing stored.
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
            json!({"text": "x".repeat(4_097)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("4096"),
        "{b}"
    );
    assert_eq!(messages(app, conv).await.len(), 3);
}

async fn a_failing_bot_api_is_retried(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    bot.push("message", message(911, 1, json!({"text": "Help"})));
    let conv = arrived(app, inbox, "911:1").await;
    bot.answer_sends(&[(500, None), (429, Some(40))]);
    let sent = reply(app, conv, "On it").await;
    let mid = sent["id"].as_i64().unwrap();
    let got = bot.wait_sent(1).await;
    assert_eq!(got[0].answered, 500);
    let m = wait_message(app, conv, mid, |m| {
        m["delivery_error"]
            .as_str()
            .is_some_and(|e| e.contains("500"))
    })
    .await;
    assert_eq!(m["delivery_status"], "queued", "retried, not failed: {m}");
    // The backoff passes (30 s): Telegram asks to wait (429).
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    let got = bot.wait_sent(2).await;
    assert_eq!(got[1].answered, 429);
    wait_message(app, conv, mid, |m| {
        m["delivery_error"]
            .as_str()
            .is_some_and(|e| e.contains("429"))
    })
    .await;
    // The next backoff (1 minute, past its retry_after): taken, once.
    clock.advance_ms(61_000);
    tend::channels::api::wake(&app.st);
    let got = bot.wait_sent(3).await;
    assert_eq!(got[2].answered, 200);
    assert_eq!(got[2].text.as_deref(), Some("On it"));
    let m = wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    assert!(m["delivery_error"].is_null(), "{m}");
    assert_eq!(bot.sent().len(), 3);
}

async fn a_revoked_token_marks_the_inbox_failing(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let bot = FakeBot::start().await;
    let inbox = telegram_inbox(app, &bot).await;
    bot.push("message", message(921, 1, json!({"text": "Hi"})));
    let conv = arrived(app, inbox, "921:1").await;
    // The token is revoked: the Bot API answers 401 to everything.
    bot.state.lock().unwrap().updates_refused = Some(401);
    bot.answer_sends(&[(401, None)]);
    let sent = reply(app, conv, "Hello").await;
    let mid = sent["id"].as_i64().unwrap();
    bot.wait_sent(1).await;
    let failing = wait_failing(app, inbox, true).await;
    assert!(
        failing["failing_error"].as_str().unwrap().contains("401"),
        "{failing}"
    );
    // The admin page says so, and how the bot is read.
    let mut browser = crate::web_admin::admin_browser(app, "en").await;
    let page = browser.get("/admin/inboxes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("The Bot API has refused this bot") && page.body.contains("401"),
        "the admin page shows the failing inbox: {}",
        page.body
    );
    assert!(
        page.body.contains("by long polling from") && page.body.contains(&bot.url),
        "{}",
        page.body
    );
    let m = wait_message(app, conv, mid, |m| !m["delivery_error"].is_null()).await;
    assert_eq!(m["delivery_status"], "queued", "{m}");
    // The token works again: the retry goes through, the inbox recovers.
    bot.state.lock().unwrap().updates_refused = None;
    bot.push("message", message(921, 2, json!({"text": "Anyone?"})));
    clock.advance_ms(31_000);
    tend::channels::api::wake(&app.st);
    bot.wait_sent(2).await;
    wait_message(app, conv, mid, |m| m["delivery_status"] == "sent").await;
    wait_failing(app, inbox, false).await;
    // The poller tries a refused bot again after a minute: the message
    // that waited arrives.
    clock.advance_ms(31_000);
    assert_eq!(arrived(app, inbox, "921:2").await, conv);
    // Refused again; a new token clears the failing state at once.
    bot.state.lock().unwrap().updates_refused = Some(401);
    wait_failing(app, inbox, true).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"telegram": {"bot_token": TOKEN}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["failing_since"].is_null(), "{b}");
}

/// Waits (at most 15 s) until the inbox is failing (or not).
pub(crate) async fn wait_failing(app: &TestApp, inbox: i64, failing: bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (s, b) = app
            .get(&format!("/api/v1/inboxes/{inbox}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::OK);
        if b["failing_since"].is_null() != failing {
            return b;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never failing={failing}: {b}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
