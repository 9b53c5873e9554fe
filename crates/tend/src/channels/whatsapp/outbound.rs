//! The desk's messages on a WhatsApp conversation, sent from the channel
//! outbox (`channels::api::outbound`) to the customer's number: a
//! template (`type: template`), or the text (`type: text`) and then each
//! file, uploaded first (`/media`) and sent by its media id as an image,
//! audio, video or document. Each part's WhatsApp id is recorded so the
//! webhook's statuses reach the message; a part the Cloud API took is
//! not sent again on a retry.

use serde_json::{Value, json};

use super::client::Graph;
use super::repo;
use crate::channels::api::model::{OutboundBody, OutboundTemplate};
use crate::channels::api::outbound::Failure;
use crate::channels::capabilities::Media;
use crate::inboxes::whatsapp::WhatsappChannel;
use crate::secrets::Purpose;
use crate::state::AppState;

/// The inbox's number at the Cloud API, and its id (`None`: no access
/// token or no phone number id set).
pub fn graph(st: &AppState, wa: &WhatsappChannel) -> crate::Result<Option<(Graph, String)>> {
    let (Some(sealed), Some(number)) = (&wa.sealed_token, &wa.phone_number_id) else {
        return Ok(None);
    };
    let token = st.secrets().open(Purpose::BotToken, sealed)?;
    Ok(Some((Graph::new(st, &wa.api_base, &token), number.clone())))
}

/// The Cloud API's message object of a template.
fn template_message(to: &str, t: &OutboundTemplate) -> Value {
    let mut template = json!({"name": t.name, "language": {"code": t.language}});
    if !t.parameters.is_empty() {
        let parameters: Vec<Value> = t
            .parameters
            .iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        template["components"] = json!([{"type": "body", "parameters": parameters}]);
    }
    json!({"recipient_type": "individual", "to": to, "type": "template", "template": template})
}

/// Sends the message `body` of inbox `inbox_id` (of which `parts_sent`
/// parts went before); answers 200 once the Cloud API has taken every
/// part.
pub async fn send(
    st: &AppState,
    inbox_id: i64,
    wa: &WhatsappChannel,
    body: &OutboundBody,
    parts_sent: i64,
    message_id: Option<i64>,
) -> Result<i64, Failure> {
    let (graph, number) = graph(st, wa)
        .map_err(|e| Failure::plain(None, format!("the access token cannot be opened: {e}")))?
        .ok_or_else(|| {
            Failure::plain(
                None,
                "the inbox has no access token or phone number id; an admin sets them with PATCH /api/v1/inboxes/{id}",
            )
        })?;
    let to = body.to.id.as_str();
    let text = (!body.text.trim().is_empty() && body.template.is_none()).then_some(&body.text);
    let files = if body.template.is_some() {
        &[][..]
    } else {
        &body.attachments[..]
    };
    let parts = usize::from(text.is_some() || body.template.is_some()) + files.len();
    let done = usize::try_from(parts_sent).unwrap_or(0);
    for i in done..parts {
        let failed = |e: super::client::ApiError| Failure {
            code: e.status,
            error: e.to_string(),
            revoked: e.revoked(),
            retry_after_ms: None,
            parts_sent: Some(i as i64),
        };
        let message = match (&body.template, text, i) {
            (Some(t), _, 0) => template_message(to, t),
            (None, Some(t), 0) => json!({"recipient_type": "individual", "to": to,
                "type": "text", "text": {"body": t, "preview_url": false}}),
            _ => {
                let f = &files[i - usize::from(text.is_some())];
                let bytes = crate::attachments::load(st, &f.sha256).await.map_err(|e| {
                    Failure::plain(
                        None,
                        format!("the file {:?} cannot be read: {e}", f.filename),
                    )
                })?;
                let media_id = graph
                    .upload(&number, bytes, &f.filename, &f.content_type)
                    .await
                    .map_err(failed)?;
                let kind = match Media::of(&f.content_type) {
                    Some(Media::Image) => "image",
                    Some(Media::Audio) => "audio",
                    Some(Media::Video) => "video",
                    Some(Media::Document) | None => "document",
                };
                let mut media = json!({ "id": media_id });
                if kind == "document" {
                    media["filename"] = Value::from(f.filename.clone());
                }
                json!({"recipient_type": "individual", "to": to, "type": kind, kind: media})
            }
        };
        let wamid = graph.send(&number, message).await.map_err(failed)?;
        if let Some(mid) = message_id {
            let now = st.clock.now_ms();
            let recorded = st
                .db
                .write(move |c| {
                    Box::pin(async move { repo::record_sent(c, &wamid, inbox_id, mid, now).await })
                })
                .await;
            if let Err(e) = recorded {
                tracing::warn!(inbox_id, error = %e, "WhatsApp: a sent message's id was not recorded; its statuses will not show");
            }
        }
    }
    Ok(200)
}
