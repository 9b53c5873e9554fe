//! `POST /api/v1/channels/{inbox_id}/inbound`: a bridge delivers a
//! customer's message, signed like webhooks. The signature is checked on
//! the raw bytes before anything is parsed or stored; the message joins
//! its thread's open conversation or starts one, once per `external_id`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::model::{self, Inbound, Outcome, RAW_NAME, Received};
use super::repo;
use crate::channels::capabilities::Capabilities;
use crate::conversations::chat::ChatMessage;
use crate::conversations::service::AttachmentMeta;
use crate::crypto::{BadSignature, verify_signature};
use crate::db::is_unique_violation;
use crate::error::error_response;
use crate::http::ApiPath;
use crate::inboxes::InboxKind;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::vocab::{Channel, Status};
use crate::{Error, Result};

/// The body limit of the route: the server's cap on a message's files in
/// base64, and room for the rest of the JSON.
pub fn body_limit(max_attachment_bytes: usize) -> usize {
    max_attachment_bytes
        .saturating_mul(4)
        .div_ceil(3)
        .saturating_add(256 * 1024)
}

/// A 401 that says what was wrong with the signature.
fn refused(reason: &str, message: &str) -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        message,
        json!({ "reason": reason }),
    )
}

/// Deliver a customer's message through the generic channel (inboxes of
/// kind `api`). Signed with the inbox's secret like webhooks:
/// `Tend-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
/// "<t>.<body>")>`; signatures more than 5 minutes old (or ahead) are
/// refused as replays. No bearer token: the signature is the credential.
#[utoipa::path(post, path = "/channels/{inbox_id}/inbound", tag = "channels", security(()),
    params(("inbox_id" = i64, Path, description = "The inbox (kind api)"),
           ("Tend-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">")),
    request_body = model::InboundBody,
    responses(
        (status = 202, description = "Stored (created or appended), or a duplicate", body = Received),
        (status = 401, description = "Missing, malformed, stale or wrong signature, or no secret set; `details.reason` says which"),
        (status = 404, description = "No inbox of kind api with this id"),
        (status = 413, description = "Body over the limit"),
        (status = 422, description = "Invalid message (the field is named)"),
    ))]
pub(super) async fn inbound(
    State(st): State<AppState>,
    ApiPath(inbox_id): ApiPath<i64>,
    req: Request,
) -> Result<Response> {
    let inbox = crate::inboxes::service::channel_inbox(&st, inbox_id)
        .await?
        .filter(|i| i.kind == InboxKind::Api)
        .ok_or(Error::NotFound("inbox"))?;
    let Some(sealed) = inbox.sealed_secret else {
        return Ok(refused(
            "no_secret",
            "this inbox has no channel secret yet; an admin sets one with PATCH /api/v1/inboxes/{id} {\"secret\": …}",
        ));
    };
    let header = req
        .headers()
        .get("tend-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(header) = header else {
        return Ok(refused(
            "missing",
            "the Tend-Signature header is missing; sign the body like webhooks (see CONTRACT.md, Signatures)",
        ));
    };
    let body =
        crate::http::extract::read_body(req, body_limit(st.config.max_attachment_bytes)).await?;
    let secret = st.secrets().open(Purpose::ChannelSecret, &sealed)?;
    let now_s = st.clock.now_ms().div_euclid(1000);
    if let Err(bad) = verify_signature(&secret, &header, &body, now_s) {
        let reason = match bad {
            BadSignature::Malformed => "malformed",
            BadSignature::TooOld(_) => "replay",
            BadSignature::InTheFuture(_) => "future",
            BadSignature::Mismatch => "mismatch",
        };
        metrics::counter!("tend_channel_refused_total", "reason" => reason).increment(1);
        return Ok(refused(reason, &bad.to_string()));
    }
    let value: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| Error::InvalidJson {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        })?;
    let caps = Capabilities::of(InboxKind::Api);
    let msg = model::parse(&value, &caps, st.config.max_attachment_bytes as u64)?;
    let received = receive(&st, inbox_id, Channel::Api, msg, &body).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(received)).into_response())
}

/// Records a checked message that arrived on `channel` (the channel API,
/// Telegram, WhatsApp): a duplicate of one received before, or
/// appended to its thread's open conversation, or a new conversation
/// (the first of its thread, or the first after the thread's conversation
/// was closed, as a follow-up of it). `raw` is kept when a part was not
/// understood.
#[tracing::instrument(skip_all, fields(inbox_id = inbox_id))]
pub async fn receive(
    st: &AppState,
    inbox_id: i64,
    channel: Channel,
    m: Inbound,
    raw: &[u8],
) -> Result<Received> {
    // A re-delivery costs one read, no write.
    let appends = |t: Option<(i64, Status)>| t.is_some_and(|(_, s)| s.takes_messages());
    let was_open = {
        let mut c = st.db.pool().acquire().await?;
        if let Some(conversation_id) = repo::seen(&mut c, inbox_id, &m.external_id).await? {
            return Ok(duplicate(conversation_id));
        }
        // The language is stored by the message that opens a conversation:
        // detected (some CPU) only when none takes it on the thread.
        appends(repo::thread_conversation(&mut c, inbox_id, m.thread_key()).await?)
    };
    // Files go to the store before the write (a committed row always has
    // its file); the raw message too when something was not understood.
    let mut files: Vec<AttachmentMeta> = Vec::with_capacity(m.files.len() + 1);
    for f in &m.files {
        files.push(stored(st, &f.bytes, &f.filename, &f.content_type).await?);
    }
    if !m.unknown.is_empty() {
        files.push(stored(st, raw, RAW_NAME, "application/json").await?);
        metrics::counter!("tend_channel_unknown_total").increment(1);
    }
    let text = m.stored_text();
    // The customer's words only, not the placeholders.
    let detect = |m: &Inbound| crate::conversations::language_of(None, &m.text);
    let language = if was_open { None } else { detect(&m) };
    let now = st.clock.now_ms();
    let external_id = m.external_id.clone();
    let written = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if let Some(id) = repo::seen(c, inbox_id, &m.external_id).await? {
                    return Ok((duplicate(id), Vec::new()));
                }
                let thread_key = m.thread_key().to_string();
                let thread = repo::thread_conversation(c, inbox_id, &thread_key).await?;
                // Closed since the read above: this message opens one.
                let language = match language {
                    None if !appends(thread) => detect(&m),
                    l => l,
                };
                let open = thread.map(|(id, _)| id);
                let customer_id = crate::customers::service::find_or_create_by_channel_in(
                    c,
                    inbox_id,
                    &m.from_id,
                    m.phone.as_ref(),
                    m.from_name.as_deref(),
                    language.as_deref(),
                    now,
                )
                .await?;
                let (rec, events) = crate::conversations::chat::record_in(
                    c,
                    &ChatMessage {
                        inbox_id,
                        customer_id,
                        name: m.from_name.as_deref(),
                        email: None,
                        conversation_id: open,
                        client_id: &m.external_id,
                        text: &text,
                        files: &files,
                        language: language.as_deref(),
                        channel,
                    },
                    now,
                )
                .await?;
                repo::insert_arrived(
                    c,
                    &repo::Arrived {
                        inbox_id,
                        external_id: &m.external_id,
                        from_id: &m.from_id,
                        thread_id: m.thread_id.as_deref(),
                        thread_key: &thread_key,
                        conversation_id: rec.conversation_id,
                        message_id: rec.message_id,
                    },
                    now,
                )
                .await?;
                let outcome = if open == Some(rec.conversation_id) {
                    Outcome::Appended
                } else {
                    Outcome::Created
                };
                Ok((
                    Received {
                        outcome,
                        conversation_id: rec.conversation_id,
                    },
                    events,
                ))
            })
        })
        .await;
    let received = match written {
        Ok((received, events)) => {
            crate::conversations::chat::publish_events(st, events);
            if received.outcome == Outcome::Created {
                metrics::counter!("tend_conversations_created_total").increment(1);
            }
            received
        }
        // The same id committed by a concurrent delivery.
        Err(Error::Database(d)) if is_unique_violation(&d) => {
            let mut c = st.db.pool().acquire().await?;
            match repo::seen(&mut c, inbox_id, &external_id).await? {
                Some(id) => duplicate(id),
                None => return Err(Error::Database(d)),
            }
        }
        Err(e) => return Err(e),
    };
    metrics::counter!("tend_channel_inbound_total", "channel" => channel.as_str(), "outcome" => received.outcome.as_str())
        .increment(1);
    Ok(received)
}

/// The conversation that holds message `external_id` of this inbox, if
/// it arrived before (a channel asks before it fetches a message's files).
pub async fn seen(st: &AppState, inbox_id: i64, external_id: &str) -> Result<Option<i64>> {
    let mut c = st.db.pool().acquire().await?;
    repo::seen(&mut c, inbox_id, external_id).await
}

/// When the customer's latest message on the channel arrived in
/// conversation `conversation_id` (ms): where a channel's reply window
/// starts.
pub async fn last_arrival(st: &AppState, conversation_id: i64) -> Result<Option<i64>> {
    let mut c = st.db.pool().acquire().await?;
    repo::last_arrival(&mut c, conversation_id).await
}

/// The answer for a message received before.
pub fn duplicate(conversation_id: i64) -> Received {
    Received {
        outcome: Outcome::Duplicate,
        conversation_id,
    }
}

async fn stored(
    st: &AppState,
    bytes: &[u8],
    filename: &str,
    content_type: &str,
) -> Result<AttachmentMeta> {
    let sha256 = st.files().put(bytes).await?;
    Ok(AttachmentMeta {
        sha256,
        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        content_type: content_type.to_string(),
        filename: filename.to_string(),
        inline: false,
        content_id: None,
    })
}
