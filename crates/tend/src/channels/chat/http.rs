//! The widget's public HTTP endpoints, all under `/chat/{inbox}/`, and the
//! script itself at `/widget.js`.
//!
//! Cross-origin rules: a request carrying an `Origin` must come from Tend's
//! own origin or one of the inbox's allowed origins, else 403; allowed ones
//! get CORS headers. WebSocket upgrades are checked the same way (browsers
//! always send `Origin` there), which stops other sites from opening chats
//! in a visitor's name.

use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::http::cors::Verdict;
use crate::http::{ApiJson, ClientIp};
use crate::state::AppState;
use crate::{Error, Result};

use super::offline::OfflineInput;
use super::service::{self, StartInput};

/// The chat routes (no session cookie, no CSRF token: visitors are
/// identified by their chat token, and origins are checked).
pub fn router(st: &AppState) -> Router<AppState> {
    Router::new()
        .route("/chat/{inbox}/config", get(config))
        .route("/chat/{inbox}/session", post(start))
        .route("/chat/{inbox}/ws", get(socket))
        .route("/chat/{inbox}/upload", post(super::upload::upload))
        .route("/chat/{inbox}/files/{id}", get(file))
        .route("/chat/{inbox}/offline", post(offline))
        .route("/chat/{inbox}/transcript", post(transcript))
        .layer(middleware::from_fn_with_state(st.clone(), cors))
        .route("/widget.js", get(widget_js))
}

/// The inbox id from a `/chat/{inbox}/…` path.
fn inbox_of(path: &str) -> Option<i64> {
    path.strip_prefix("/chat/")?.split('/').next()?.parse().ok()
}

/// Origin check and CORS headers for every `/chat/{inbox}/…` request
/// (`http::cors`; only chat inboxes answer here).
async fn cors(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(inbox) = inbox_of(req.uri().path()) else {
        return next.run(req).await;
    };
    if crate::http::cors::origin_of(req.headers()).is_none() {
        // Not from a browser page (curl, server-side): nothing to protect.
        return next.run(req).await;
    }
    let settings = match service::settings(&st, inbox).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let origin = match crate::http::cors::verdict(&st, &settings, req.headers()) {
        Verdict::Allowed(o) => o,
        Verdict::NoOrigin => return next.run(req).await,
        Verdict::Refused(o) => return crate::http::cors::refusal(&o),
    };
    let mut resp = if crate::http::cors::is_preflight(req.method()) {
        crate::http::cors::preflight()
    } else {
        next.run(req).await
    };
    crate::http::cors::allow(&mut resp, &origin);
    resp
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn config(State(st): State<AppState>, Path(inbox): Path<i64>) -> Result<Response> {
    Ok(no_store(
        axum::Json(service::config(&st, inbox).await?).into_response(),
    ))
}

async fn start(
    State(st): State<AppState>,
    Path(inbox): Path<i64>,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<StartInput>,
) -> Result<Response> {
    let ip = crate::ratelimit::ip_key(ip);
    let started = service::start(&st, inbox, b, &ip).await?;
    Ok(no_store(axum::Json(started).into_response()))
}

/// `GET /chat/{inbox}/ws`: at most `chat_max_sockets_per_ip` sockets per
/// client address (429 beyond), with bounded frames.
async fn socket(
    State(st): State<AppState>,
    Path(inbox): Path<i64>,
    ClientIp(ip): ClientIp,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    service::settings(&st, inbox).await?;
    let ip = crate::ratelimit::client_net(ip);
    let Some(permit) = st
        .public()
        .chat
        .admit(ip, st.config.chat_max_sockets_per_ip)
    else {
        return Err(Error::RateLimited);
    };
    Ok(ws
        // Small buffers: 10,000 idle visitors must fit in little memory.
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(super::ws::MAX_FRAME_BYTES)
        .max_frame_size(super::ws::MAX_FRAME_BYTES)
        // The permit lives as long as the socket (or until the upgrade
        // fails and the closure is dropped).
        .on_upgrade(move |s| super::ws::run(st, inbox, s, permit)))
}

#[derive(Deserialize)]
struct TokenQuery {
    token: String,
}

/// `GET /chat/{inbox}/files/{id}?token=…`: a file of the visitor's chat.
async fn file(
    State(st): State<AppState>,
    Path((inbox, id)): Path<(i64, i64)>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let s = service::session(&st, inbox, &q.token).await?;
    let ids = service::readable(&st, &s).await?;
    let mut c = st.db.pool().acquire().await?;
    let (sha, name, content_type) = crate::conversations::chat::public_file_in(&mut c, id, &ids)
        .await?
        .ok_or(Error::NotFound("file"))?;
    drop(c);
    let bytes = crate::attachments::load(&st, &sha).await?;
    Ok(crate::attachments::api::download(
        bytes,
        &name,
        &content_type,
    ))
}

async fn offline(
    State(st): State<AppState>,
    Path(inbox): Path<i64>,
    ClientIp(ip): ClientIp,
    ApiJson(b): ApiJson<OfflineInput>,
) -> Result<Response> {
    let ip = crate::ratelimit::ip_key(ip);
    let id = super::offline::offline(&st, inbox, b, &ip).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"conversation_id": id})),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranscriptInput {
    token: String,
    email: Option<String>,
}

async fn transcript(
    State(st): State<AppState>,
    Path(inbox): Path<i64>,
    ApiJson(b): ApiJson<TranscriptInput>,
) -> Result<Response> {
    let s = service::session(&st, inbox, &b.token).await?;
    let to = super::transcript::send(&st, &s, b.email.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(json!({"sent_to": to}))).into_response())
}

/// `GET /widget.js`: the script, with every locale's strings.
async fn widget_js() -> Response {
    let mut r = super::widget::script().into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}
