//! A WhatsApp Cloud API server on 127.0.0.1:0 for the WhatsApp tests: it
//! speaks the documented JSON (`POST /{phone_number_id}/messages`,
//! `POST /{phone_number_id}/media` as multipart, `GET /{media_id}` giving
//! a URL, and that URL) for one access token, and helpers that post the
//! webhook's notifications to Tend signed as Meta signs them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::{IntoResponse, Response};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::TestApp;

pub const TOKEN: &str = "EAAG-test-access-token";
pub const APP_SECRET: &str = "app-secret-5e1f";
pub const VERIFY_TOKEN: &str = "verify-me-42";
pub const NUMBER_ID: &str = "106540352242922";
/// The customer's WhatsApp id (their number without `+`).
pub const WA_ID: &str = "819012345678";

#[derive(Default)]
pub struct GraphState {
    /// Media the customer sent: id → (content type, bytes).
    pub media: HashMap<String, (String, Vec<u8>)>,
    /// Files Tend uploaded: id → (file name, content type, bytes).
    pub uploads: HashMap<String, (String, String, Vec<u8>)>,
    /// What `/messages` answers, in turn (status); 200 once empty.
    pub answers: VecDeque<u16>,
    /// Every message object Tend posted, with what it was answered.
    pub sent: Vec<(Value, u16)>,
}

pub struct FakeGraph {
    pub url: String,
    pub state: Arc<Mutex<GraphState>>,
    server: tokio::task::JoinHandle<()>,
}

fn graph_error(status: u16, code: i64, message: &str) -> Response {
    (
        AxumStatus::from_u16(status).unwrap(),
        Json(
            json!({"error": {"message": message, "type": "OAuthException", "code": code,
            "fbtrace_id": "AbC"}}),
        ),
    )
        .into_response()
}

fn authorized(h: &HeaderMap) -> bool {
    h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

async fn messages(
    State(state): State<Arc<Mutex<GraphState>>>,
    Path(number): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let mut s = state.lock().unwrap();
    let code = if !authorized(&headers) {
        401
    } else {
        s.answers.pop_front().unwrap_or(200)
    };
    s.sent.push((body.clone(), code));
    assert_eq!(number, NUMBER_ID);
    assert_eq!(body["messaging_product"], "whatsapp", "{body}");
    match code {
        200 => Json(json!({"messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": format!("wamid.OUT{}", s.sent.len())}]}))
        .into_response(),
        401 => graph_error(
            401,
            190,
            "Error validating access token: The session has been invalidated.",
        ),
        c => graph_error(c, 2, "Service temporarily unavailable"),
    }
}

async fn media_upload(
    State(state): State<Arc<Mutex<GraphState>>>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    if !authorized(&headers) {
        return graph_error(401, 190, "Invalid OAuth access token.");
    }
    let (mut product, mut file) = (String::new(), None);
    while let Some(field) = form.next_field().await.unwrap() {
        match field.name().unwrap_or_default() {
            "messaging_product" => product = field.text().await.unwrap(),
            "type" => {
                field.text().await.unwrap();
            }
            "file" => {
                let name = field.file_name().unwrap_or_default().to_string();
                let ct = field.content_type().unwrap_or_default().to_string();
                file = Some((name, ct, field.bytes().await.unwrap().to_vec()));
            }
            other => panic!("unexpected field {other}"),
        }
    }
    assert_eq!(product, "whatsapp");
    let mut s = state.lock().unwrap();
    let id = format!("up-{}", s.uploads.len() + 1);
    s.uploads.insert(id.clone(), file.expect("a file part"));
    Json(json!({ "id": id })).into_response()
}

async fn media_url(
    State(state): State<Arc<Mutex<GraphState>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return graph_error(401, 190, "Invalid OAuth access token.");
    }
    let s = state.lock().unwrap();
    let Some((ct, bytes)) = s.media.get(&id) else {
        return graph_error(400, 100, "Unsupported get request.");
    };
    let host = headers["host"].to_str().unwrap();
    Json(
        json!({"messaging_product": "whatsapp", "id": id, "mime_type": ct,
        "sha256": "x", "file_size": bytes.len(),
        "url": format!("http://{host}/download/{id}?ext=1")}),
    )
    .into_response()
}

async fn download(
    State(state): State<Arc<Mutex<GraphState>>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return AxumStatus::UNAUTHORIZED.into_response();
    }
    match state.lock().unwrap().media.get(&id) {
        Some((_, bytes)) => bytes.clone().into_response(),
        None => AxumStatus::NOT_FOUND.into_response(),
    }
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let state: Arc<Mutex<GraphState>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v20.0", listener.local_addr().unwrap());
        let api = axum::Router::new()
            .route("/{number}/messages", axum::routing::post(messages))
            .route("/{number}/media", axum::routing::post(media_upload))
            .route("/{id}", axum::routing::get(media_url));
        let router = axum::Router::new()
            .nest("/v20.0", api)
            .route("/download/{id}", axum::routing::get(download))
            .with_state(state.clone())
            .layer(axum::extract::DefaultBodyLimit::max(64 << 20));
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        FakeGraph { url, state, server }
    }

    pub fn media(&self, id: &str, content_type: &str, bytes: &[u8]) {
        self.state
            .lock()
            .unwrap()
            .media
            .insert(id.into(), (content_type.into(), bytes.to_vec()));
    }

    pub fn answer(&self, codes: &[u16]) {
        self.state.lock().unwrap().answers.extend(codes);
    }

    pub fn sent(&self) -> Vec<(Value, u16)> {
        self.state.lock().unwrap().sent.clone()
    }

    /// Waits (at most 15 s) until Tend posted `n` messages.
    pub async fn wait_sent(&self, n: usize) -> Vec<(Value, u16)> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let sent = self.sent();
            if sent.len() >= n {
                return sent;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} messages, not {n}: {sent:?}",
                sent.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for FakeGraph {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A WhatsApp inbox for `graph`, every setting set.
pub async fn whatsapp_inbox(app: &TestApp, graph: &FakeGraph) -> i64 {
    let id = app.inbox("whatsapp", None).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{id}"),
            &app.admin,
            json!({"whatsapp": {"phone_number_id": NUMBER_ID, "access_token": TOKEN,
                "app_secret": APP_SECRET, "verify_token": VERIFY_TOKEN,
                "api_base": format!("{}/", graph.url)}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let w = &b["whatsapp"];
    assert_eq!(w["phone_number_id"], NUMBER_ID, "{b}");
    assert_eq!(w["api_base"], graph.url.as_str(), "{b}");
    for has in ["has_access_token", "has_app_secret", "has_verify_token"] {
        assert_eq!(w[has], true, "{b}");
    }
    for secret in [TOKEN, APP_SECRET, VERIFY_TOKEN] {
        assert!(!b.to_string().contains(secret), "never shown: {b}");
    }
    id
}

/// A notification of `messages` (and `statuses`) as the Cloud API posts it.
pub fn notification(messages: Value, statuses: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
        "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
            "contacts": [{"profile": {"name": "Aiko Sato"}, "wa_id": WA_ID}],
            "messages": messages, "statuses": statuses}}]}]})
}

/// A customer's message `id` of `kind` with its body.
pub fn message(id: &str, kind: &str, body: Value) -> Value {
    let mut m = json!({"from": WA_ID, "id": id, "timestamp": "1795597200", "type": kind});
    if !body.is_null() {
        m[kind] = body;
    }
    m
}

/// Posts `body` to the inbox's webhook signed with `secret` (`None`: no
/// signature).
pub async fn post_signed(
    app: &TestApp,
    inbox: i64,
    secret: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let raw = serde_json::to_vec(body).unwrap();
    let mut r = app
        .client
        .post(format!("{}/api/v1/channels/{inbox}/whatsapp", app.base))
        .header("content-type", "application/json");
    if let Some(s) = secret {
        let sig = hex::encode(tend::crypto::hmac_sha256(s.as_bytes(), &raw));
        r = r.header("X-Hub-Signature-256", format!("sha256={sig}"));
    }
    let r = r.body(raw).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Posts messages to the webhook, signed; answers the webhook's answer.
pub async fn deliver(app: &TestApp, inbox: i64, messages: Value) -> Value {
    let (s, b) = post_signed(
        app,
        inbox,
        Some(APP_SECRET),
        &notification(messages, json!([])),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// The conversation that holds WhatsApp message `id`.
pub async fn conversation_of(app: &TestApp, inbox: i64, id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT conversation_id FROM channel_inbound WHERE inbox_id = $1 AND external_id = $2",
    )
    .bind(inbox)
    .bind(id)
    .fetch_one(app.st.db.pool())
    .await
    .unwrap()
}

pub async fn messages_of(app: &TestApp, conv: i64) -> Vec<Value> {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{conv}/messages"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

pub async fn file_bytes(app: &TestApp, attachment: &Value) -> Vec<u8> {
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
pub async fn wait_message(
    app: &TestApp,
    conv: i64,
    mid: i64,
    ok: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let all = messages_of(app, conv).await;
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
