//! The WhatsApp webhook: `GET /api/v1/channels/{inbox_id}/whatsapp`
//! answers Meta's subscription check (`hub.mode=subscribe`, the inbox's
//! verify token, `hub.challenge` echoed), and `POST` the same path takes
//! the notifications, signed with the app secret (`X-Hub-Signature-256:
//! sha256=<hex HMAC-SHA256(app_secret, body)>`, checked on the raw bytes
//! before anything is read). Each message's media are fetched, then it is
//! recorded like every messaging channel's message
//! (`channels::api::inbound::receive`: deduplicated by its id, the
//! customer matched by their number); each status moves the delivery
//! state of the desk's message it names.

use std::collections::HashMap;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::client::Graph;
use super::model::{self, Message};
use super::repo;
use crate::channels::api::inbound::{receive, seen};
use crate::channels::api::model::{File, Outcome};
use crate::channels::capabilities::Capabilities;
use crate::error::error_response;
use crate::http::{ApiPath, ApiQuery};
use crate::inboxes::InboxKind;
use crate::inboxes::whatsapp::WhatsappChannel;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::vocab::Channel;
use crate::{Error, Result};

/// The header the signature comes in.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";

/// A 401 that says what was wrong.
fn refused(reason: &str, message: &str) -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        message,
        json!({ "reason": reason }),
    )
}

async fn whatsapp_inbox(st: &AppState, inbox_id: i64) -> Result<WhatsappChannel> {
    crate::inboxes::service::channel_inbox(st, inbox_id)
        .await?
        .filter(|i| i.kind == InboxKind::Whatsapp)
        .and_then(|i| i.whatsapp)
        .ok_or(Error::NotFound("inbox"))
}

/// Meta's check of the webhook's subscription: answers `hub.challenge`
/// when `hub.mode` is `subscribe` and `hub.verify_token` is the inbox's
/// verify token.
#[utoipa::path(get, path = "/channels/{inbox_id}/whatsapp", operation_id = "whatsapp_verify", tag = "channels", security(()),
    params(("inbox_id" = i64, Path, description = "The inbox (kind whatsapp)"),
           ("hub.mode" = String, Query, description = "`subscribe`"),
           ("hub.verify_token" = String, Query, description = "The inbox's whatsapp.verify_token"),
           ("hub.challenge" = String, Query, description = "Echoed back")),
    responses(
        (status = 200, description = "The challenge, as text/plain", body = String),
        (status = 403, description = "Not `subscribe`, or not the inbox's verify token (or none set)"),
        (status = 404, description = "No inbox of kind whatsapp with this id"),
    ))]
pub(super) async fn verify(
    State(st): State<AppState>,
    ApiPath(inbox_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<HashMap<String, String>>,
) -> Result<Response> {
    let wa = whatsapp_inbox(&st, inbox_id).await?;
    let forbidden =
        |message: &str| error_response(StatusCode::FORBIDDEN, "forbidden", message, Value::Null);
    if q.get("hub.mode").map(String::as_str) != Some("subscribe") {
        return Ok(forbidden("hub.mode must be subscribe"));
    }
    let Some(sealed) = &wa.sealed_verify_token else {
        return Ok(forbidden(
            "this inbox has no verify token yet; an admin sets whatsapp.verify_token with PATCH /api/v1/inboxes/{id}",
        ));
    };
    let expected = st.secrets().open(Purpose::ChannelSecret, sealed)?;
    let given = q.get("hub.verify_token").map(String::as_str).unwrap_or("");
    if !crate::crypto::same_secret(&expected, given) {
        metrics::counter!("tend_channel_refused_total", "reason" => "whatsapp_verify_token")
            .increment(1);
        return Ok(forbidden(
            "hub.verify_token is not this inbox's verify token",
        ));
    }
    let challenge = q.get("hub.challenge").cloned().unwrap_or_default();
    Ok((
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        challenge,
    )
        .into_response())
}

/// What the webhook answers (Meta reads only the status).
#[derive(Debug, Default, Serialize, ToSchema)]
#[schema(as = WhatsappWebhookAnswer)]
pub struct WebhookAnswer {
    /// Messages stored (in a new conversation or appended).
    pub received: usize,
    /// Messages stored before (by their id): nothing changed.
    pub duplicates: usize,
    /// Statuses that moved a message's delivery state.
    pub statuses: usize,
    /// Parts that could not be read at all (no id or sender), skipped.
    pub skipped: usize,
}

/// WhatsApp's notifications for a WhatsApp inbox (`messages`,
/// `statuses`), as the Cloud API posts them, signed with the app secret.
/// No bearer token: the signature is the credential. A message whose
/// media cannot be fetched for now answers 500, so WhatsApp delivers the
/// call again (what was stored is then a duplicate).
#[utoipa::path(post, path = "/channels/{inbox_id}/whatsapp", operation_id = "whatsapp_webhook", tag = "channels", security(()),
    params(("inbox_id" = i64, Path, description = "The inbox (kind whatsapp)"),
           ("X-Hub-Signature-256" = String, Header, description = "sha256=<hex HMAC-SHA256(app_secret, body)>")),
    request_body(content = Object, description = "`{\"object\": \"whatsapp_business_account\", \"entry\": [{\"changes\": [{\"value\": {\"contacts\", \"messages\", \"statuses\"}}]}]}`"),
    responses(
        (status = 200, description = "Read", body = WebhookAnswer),
        (status = 401, description = "Missing, malformed or wrong signature, or no app secret set; `details.reason` says which"),
        (status = 404, description = "No inbox of kind whatsapp with this id"),
        (status = 413, description = "Body over the limit"),
        (status = 422, description = "Not JSON"),
    ))]
pub(super) async fn webhook(
    State(st): State<AppState>,
    ApiPath(inbox_id): ApiPath<i64>,
    req: Request,
) -> Result<Response> {
    let wa = whatsapp_inbox(&st, inbox_id).await?;
    let Some(sealed) = &wa.sealed_app_secret else {
        return Ok(refused(
            "no_secret",
            "this inbox has no app secret yet; an admin sets one with PATCH /api/v1/inboxes/{id} {\"whatsapp\": {\"app_secret\": …}}",
        ));
    };
    let given = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(given) = given else {
        return Ok(refused(
            "missing",
            "the X-Hub-Signature-256 header is missing",
        ));
    };
    let Some(hex) = given.trim().strip_prefix("sha256=") else {
        return Ok(refused(
            "malformed",
            "X-Hub-Signature-256 must be sha256=<hex HMAC-SHA256 of the body>",
        ));
    };
    let body = crate::http::extract::read_body(req, st.config.max_json_body_bytes).await?;
    let secret = st.secrets().open(Purpose::ChannelSecret, sealed)?;
    let expected = hex::encode(crate::crypto::hmac_sha256(secret.as_bytes(), &body));
    if !crate::crypto::same_secret(&expected, &hex.to_ascii_lowercase()) {
        metrics::counter!("tend_channel_refused_total", "reason" => "whatsapp_signature")
            .increment(1);
        return Ok(refused(
            "mismatch",
            "X-Hub-Signature-256 does not match the body signed with the inbox's app secret",
        ));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| Error::InvalidJson {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let answer = handle(&st, inbox_id, &wa, &value).await?;
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

/// Handles one notification of inbox `inbox_id`: its messages in order,
/// then its statuses.
pub async fn handle(
    st: &AppState,
    inbox_id: i64,
    wa: &WhatsappChannel,
    value: &Value,
) -> Result<WebhookAnswer> {
    let payload = model::parse(value);
    let mut answer = WebhookAnswer {
        skipped: payload.skipped.len(),
        ..WebhookAnswer::default()
    };
    for why in &payload.skipped {
        tracing::warn!(
            inbox_id,
            why,
            "WhatsApp: part of a notification was skipped"
        );
    }
    let graph = super::outbound::graph(st, wa)?.map(|(g, _)| g);
    for msg in payload.messages {
        // A duplicate costs no download.
        if seen(st, inbox_id, &msg.inbound.external_id)
            .await?
            .is_some()
        {
            answer.duplicates += 1;
            continue;
        }
        let received = store(st, inbox_id, graph.as_ref(), msg).await?;
        match received {
            Outcome::Duplicate => answer.duplicates += 1,
            Outcome::Created | Outcome::Appended => answer.received += 1,
        }
    }
    for s in payload.statuses {
        let now = st.clock.now_ms();
        let moved = st
            .db
            .write(move |c| {
                Box::pin(async move {
                    let Some(mid) = repo::message_of(c, inbox_id, &s.wamid).await? else {
                        return Ok(false);
                    };
                    crate::conversations::inbound::report_delivery_in(
                        c,
                        mid,
                        s.status,
                        s.error.as_deref(),
                        now,
                    )
                    .await
                })
            })
            .await?;
        answer.statuses += usize::from(moved);
    }
    Ok(answer)
}

/// Fetches a message's media into it, within the channel's and the
/// server's limits, and records it.
async fn store(
    st: &AppState,
    inbox_id: i64,
    graph: Option<&Graph>,
    msg: Message,
) -> Result<Outcome> {
    let Message {
        inbound: mut m,
        media,
        raw,
    } = msg;
    let caps = Capabilities::of(InboxKind::Whatsapp);
    let limit = caps.media_limit(st.config.max_attachment_bytes as u64);
    let mut total = 0u64;
    for f in &media {
        let name = &f.filename;
        let Some(graph) = graph else {
            m.unknown.push(format!(
                "file {name:?}, not fetched: the inbox has no access token"
            ));
            continue;
        };
        let max = limit.saturating_sub(total);
        match graph.fetch(&f.id, max).await {
            Ok(Some(bytes)) => {
                total += bytes.len() as u64;
                m.files.push(File {
                    filename: f.filename.clone(),
                    content_type: f.content_type.clone(),
                    bytes,
                });
            }
            Ok(None) => m.unknown.push(format!(
                "file {name:?}, not fetched: over the {max} bytes this server takes"
            )),
            Err(e) if e.transient() => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "the file {name:?} could not be fetched from the Cloud API: {e}"
                )));
            }
            Err(e) => m.unknown.push(format!("file {name:?}, not fetched: {e}")),
        }
    }
    let raw = if m.unknown.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(&raw).unwrap_or_default()
    };
    Ok(receive(st, inbox_id, Channel::Whatsapp, m, &raw)
        .await?
        .outcome)
}
