//! The incoming-call popup: while an inbound call rings, every agent who
//! may see its inbox (the live stream's own access) sees, on the pages
//! with the live stream, the caller (number and name), the customer it
//! was matched to with a link, their open conversations and their recent
//! ones (subject, status, date), and "Open customer" / "Dismiss". It goes
//! when the call is answered (by anyone) or ends. Rendered here, in the
//! agent's words; `assets/app.js` places and removes it.

use askama::Template;
use serde_json::{Value, json};

use super::i18n::Tr;
use super::labels;
use crate::agents::Viewer;
use crate::channels::phone::model::{Call, CallDirection};
use crate::state::AppState;

/// How many open and how many recent conversations the popup lists.
const LISTED: usize = 5;

/// One conversation in the popup.
struct Line {
    id: i64,
    subject: String,
    status: &'static str,
    status_label: String,
    date: String,
}

#[derive(Template)]
#[template(path = "web/call_popup.html")]
struct Popup<'a> {
    tr: &'a Tr,
    id: i64,
    number: String,
    name: String,
    customer_id: Option<i64>,
    open: Vec<Line>,
    recent: Vec<Line>,
}

/// The caller's number, as the phone system's E.164 or as typed.
fn caller(call: &Call) -> String {
    match call.direction {
        CallDirection::In => call.from_e164.clone().unwrap_or_else(|| call.from.clone()),
        CallDirection::Out => call.to_e164.clone().unwrap_or_else(|| call.to.clone()),
    }
}

/// The live stream's `call` event of call `id` for this agent: `{"id",
/// "html"}`; `None` when the call is gone. The customer and their
/// conversations are read with the agent's access: what they may not
/// see is not shown (nor the number, when the customer's private fields
/// are hidden from them).
pub(super) async fn call_event(
    st: &AppState,
    viewer: &Viewer,
    tr: &Tr,
    tz: &str,
    id: i64,
    name: Option<&str>,
) -> crate::Result<Option<Value>> {
    let Some(call) = crate::channels::phone::service::call(st, id).await? else {
        return Ok(None);
    };
    let customer = match crate::customers::service::get(st, viewer, call.customer_id).await {
        Ok(cu) => Some(cu),
        Err(crate::Error::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    let ms = |rfc: &str| crate::time::parse_ms(rfc).unwrap_or(0);
    let line = |h: &crate::customers::model::HistoryItem| Line {
        id: h.id,
        subject: h.subject.clone(),
        status: h.status.as_str(),
        status_label: labels::status(tr, h.status),
        date: tr.datetime(ms(&h.updated_at), tz),
    };
    let history = customer
        .as_ref()
        .and_then(|cu| cu.conversations.clone())
        .unwrap_or_default();
    let (open, done): (Vec<_>, Vec<_>) = history.iter().partition(|h| h.status.is_active());
    let number = match &customer {
        Some(cu) if cu.private_hidden => String::new(),
        _ => caller(&call),
    };
    let name = name
        .map(str::to_string)
        .or_else(|| customer.as_ref().and_then(|cu| cu.name.clone()))
        .unwrap_or_default();
    let popup = Popup {
        tr,
        id: call.id,
        number,
        name,
        customer_id: customer.as_ref().map(|cu| cu.id),
        open: open.iter().take(LISTED).map(|h| line(h)).collect(),
        recent: done.iter().take(LISTED).map(|h| line(h)).collect(),
    };
    let html = popup
        .render()
        .map_err(|e| crate::Error::Internal(anyhow::anyhow!("rendering the call popup: {e}")))?;
    Ok(Some(json!({"id": call.id, "html": html})))
}
