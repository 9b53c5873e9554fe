//! A Telegram inbox's updates, however they come (the webhook, or the
//! poller's `getUpdates`), go through [`handle`]: read
//! (`model::parse`), the message's files fetched (`getFile`, then the
//! file), and recorded like every messaging channel's message
//! (`channels::api::inbound::receive`: deduplicated by chat and message
//! id, threaded by chat, what is not understood kept raw).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::client::Bot;
use super::model::{self, FileRef};
use crate::channels::api::inbound::{duplicate, receive, seen};
use crate::channels::api::model::{File, Inbound, Outcome, Received};
use crate::channels::capabilities::{Capabilities, TELEGRAM_FETCH_BYTES};
use crate::error::error_response;
use crate::http::ApiPath;
use crate::inboxes::InboxKind;
use crate::inboxes::telegram::TelegramChannel;
use crate::secrets::Purpose;
use crate::state::AppState;
use crate::vocab::Channel;
use crate::{Error, Result};

/// The header Telegram sends the webhook's secret token in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// The bot of a Telegram inbox (`None`: no token set).
pub fn bot(st: &AppState, tg: &TelegramChannel) -> Result<Option<Bot>> {
    let Some(sealed) = &tg.sealed_token else {
        return Ok(None);
    };
    let token = st.secrets().open(Purpose::BotToken, sealed)?;
    Ok(Some(Bot::new(st, &tg.api_base, &token)))
}

/// Handles one update of inbox `inbox_id`: `None` when it concerns no
/// chat (skipped). A message's files the Bot API refuses (too big, gone)
/// become placeholders; when it cannot be reached at all the update fails
/// (`Err`), to be tried again.
pub async fn handle(
    st: &AppState,
    inbox_id: i64,
    bot: Option<&Bot>,
    raw: &[u8],
) -> Result<Option<Received>> {
    let value: Value = serde_json::from_slice(raw).map_err(|e| Error::InvalidJson {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let update = model::parse(&value)?;
    let Some((mut m, refs)) = update.message else {
        metrics::counter!("tend_channel_inbound_total", "channel" => "telegram", "outcome" => "skipped")
            .increment(1);
        return Ok(None);
    };
    // A duplicate costs no download.
    if let Some(conversation_id) = seen(st, inbox_id, &m.external_id).await? {
        return Ok(Some(duplicate(conversation_id)));
    }
    fetch_files(st, bot, &mut m, &refs).await?;
    receive(st, inbox_id, Channel::Telegram, m, raw)
        .await
        .map(Some)
}

/// Fetches a message's files into it, within the channel's limits.
async fn fetch_files(
    st: &AppState,
    bot: Option<&Bot>,
    m: &mut Inbound,
    refs: &[FileRef],
) -> Result<()> {
    let caps = Capabilities::of(InboxKind::Telegram);
    let limit = caps.media_limit(st.config.max_attachment_bytes as u64);
    let mut total = 0u64;
    for f in refs {
        let name = &f.filename;
        if !caps.carries(&f.content_type) {
            m.unknown.push(format!(
                "file {name:?} of unsupported type {}",
                f.content_type
            ));
            continue;
        }
        let Some(bot) = bot else {
            m.unknown.push(format!(
                "file {name:?}, not fetched: the inbox has no bot token"
            ));
            continue;
        };
        let max = TELEGRAM_FETCH_BYTES.min(limit.saturating_sub(total));
        if f.size.is_some_and(|n| n > max) {
            m.unknown.push(too_big(name, max));
            continue;
        }
        match bot.fetch(&f.file_id, max).await {
            Ok(Some(bytes)) => {
                total += bytes.len() as u64;
                m.files.push(File {
                    filename: f.filename.clone(),
                    content_type: f.content_type.clone(),
                    bytes,
                });
            }
            Ok(None) => m.unknown.push(too_big(name, max)),
            Err(e) if e.transient() => {
                return Err(Error::Internal(anyhow::anyhow!(
                    "the file {name:?} could not be fetched from the Bot API: {e}"
                )));
            }
            Err(e) => m.unknown.push(format!("file {name:?}, not fetched: {e}")),
        }
    }
    Ok(())
}

fn too_big(name: &str, max: u64) -> String {
    format!("file {name:?}, not fetched: over the {max} bytes this channel takes")
}

/// A 401 that says what was wrong.
fn refused(reason: &str, message: &str) -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        message,
        json!({ "reason": reason }),
    )
}

/// A Telegram Update (<https://core.telegram.org/bots/api#update>): its id
/// and one field named after its kind (`message`, `edited_message`,
/// `poll`…); every kind is taken.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateBody {
    /// The update's id.
    pub update_id: i64,
    /// A new message (`message_id`, `from`, `chat`, `text`, `caption`,
    /// `photo`, `document`, `voice`, `audio`, …).
    #[schema(value_type = Option<Object>)]
    pub message: Option<Value>,
}

/// What the webhook answers Telegram (which reads only the status).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = TelegramWebhookAnswer)]
pub struct WebhookAnswer {
    /// `created`, `appended` or `duplicate`; `null`: the update concerns
    /// no chat (read and skipped).
    pub outcome: Option<Outcome>,
    /// The conversation that holds the message.
    pub conversation_id: Option<i64>,
}

/// Telegram's webhook for a Telegram inbox: one Update per call, as the
/// Bot API posts it after `setWebhook` with the inbox's `secret_token`,
/// checked in `X-Telegram-Bot-Api-Secret-Token`. No bearer token: the
/// secret is the credential.
#[utoipa::path(post, path = "/channels/{inbox_id}/telegram", tag = "channels", security(()),
    params(("inbox_id" = i64, Path, description = "The inbox (kind telegram)"),
           ("X-Telegram-Bot-Api-Secret-Token" = String, Header, description = "The inbox's telegram.webhook_secret")),
    request_body = UpdateBody,
    responses(
        (status = 200, description = "Stored, a duplicate, or skipped", body = WebhookAnswer),
        (status = 401, description = "Missing or wrong secret token, or none set; `details.reason` says which"),
        (status = 404, description = "No inbox of kind telegram with this id"),
        (status = 413, description = "Body over the limit"),
        (status = 422, description = "Not JSON, or no update_id"),
    ))]
pub(super) async fn webhook(
    State(st): State<AppState>,
    ApiPath(inbox_id): ApiPath<i64>,
    req: Request,
) -> Result<Response> {
    let tg = crate::inboxes::service::channel_inbox(&st, inbox_id)
        .await?
        .filter(|i| i.kind == InboxKind::Telegram)
        .and_then(|i| i.telegram)
        .ok_or(Error::NotFound("inbox"))?;
    let Some(sealed) = &tg.sealed_webhook_secret else {
        return Ok(refused(
            "no_secret",
            "this inbox has no webhook secret yet; an admin sets one with PATCH /api/v1/inboxes/{id} {\"telegram\": {\"webhook_secret\": …}}",
        ));
    };
    let given = req
        .headers()
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let Some(given) = given else {
        return Ok(refused(
            "missing",
            "the X-Telegram-Bot-Api-Secret-Token header is missing; call setWebhook with the inbox's secret_token",
        ));
    };
    let secret = st.secrets().open(Purpose::ChannelSecret, sealed)?;
    if !crate::crypto::same_secret(&secret, &given) {
        metrics::counter!("tend_channel_refused_total", "reason" => "telegram_secret").increment(1);
        return Ok(refused(
            "mismatch",
            "the X-Telegram-Bot-Api-Secret-Token does not match the inbox's webhook secret",
        ));
    }
    let body = crate::http::extract::read_body(req, st.config.max_json_body_bytes).await?;
    let bot = bot(&st, &tg)?;
    let received = handle(&st, inbox_id, bot.as_ref(), &body).await?;
    let answer = WebhookAnswer {
        outcome: received.as_ref().map(|r| r.outcome),
        conversation_id: received.map(|r| r.conversation_id),
    };
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}
