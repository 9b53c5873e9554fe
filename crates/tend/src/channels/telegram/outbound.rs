//! The desk's messages on a Telegram conversation, sent from the channel
//! outbox (`channels::api::outbound`): the text with `sendMessage`, then
//! each file with `sendDocument` (multipart, bytes as stored), to the
//! customer's chat. A part the Bot API took is not sent again on a retry.

use super::inbound;
use crate::channels::api::model::OutboundBody;
use crate::channels::api::outbound::Failure;
use crate::inboxes::telegram::TelegramChannel;
use crate::state::AppState;

/// Sends the message `body` (of which `parts_sent` parts went before);
/// answers 200 once the Bot API has taken every part.
pub async fn send(
    st: &AppState,
    tg: &TelegramChannel,
    body: &OutboundBody,
    parts_sent: i64,
) -> Result<i64, Failure> {
    let bot = inbound::bot(st, tg)
        .map_err(|e| Failure::plain(None, format!("the bot token cannot be opened: {e}")))?
        .ok_or_else(|| {
            Failure::plain(
                None,
                "the inbox has no bot token; an admin sets one with PATCH /api/v1/inboxes/{id}",
            )
        })?;
    // The customer's chat (their thread), else the customer.
    let chat = body.thread_id.as_deref().unwrap_or(&body.to.id);
    let text = (!body.text.trim().is_empty()).then_some(body.text.as_str());
    let parts = usize::from(text.is_some()) + body.attachments.len();
    let done = usize::try_from(parts_sent).unwrap_or(0);
    for i in done..parts {
        let answered = match (text, i) {
            (Some(t), 0) => bot.send_message(chat, t).await,
            _ => {
                let f = &body.attachments[i - usize::from(text.is_some())];
                let bytes = crate::attachments::load(st, &f.sha256).await.map_err(|e| {
                    Failure::plain(
                        None,
                        format!("the file {:?} cannot be read: {e}", f.filename),
                    )
                })?;
                bot.send_document(chat, bytes, &f.filename, &f.content_type)
                    .await
            }
        };
        if let Err(e) = answered {
            return Err(Failure {
                code: e.code,
                error: e.to_string(),
                revoked: e.revoked(),
                retry_after_ms: e.retry_after.map(|s| s.max(0) * 1000),
                parts_sent: Some(i as i64),
            });
        }
    }
    Ok(200)
}
