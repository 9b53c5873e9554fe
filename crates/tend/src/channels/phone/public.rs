//! `POST /help/callback`: a visitor asks to be called back, from the chat
//! widget or a site's contact form, without signing in. Checked like the
//! contact form (`channels::contact`), in this order: the per-IP rate
//! limit (`st.public().per_ip`), the body, the inbox (a `web` or `chat`
//! inbox: the public channels' inboxes), the `Origin` (when sent: Tend's
//! own, or one of the inbox's allowed origins, which get CORS headers; 403
//! `origin_not_allowed` otherwise), the fields. The JSON may come as
//! `text/plain`, so that another site's page needs no preflight.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::model::CallbackBody;
use crate::agents::Viewer;
use crate::error::error_response;
use crate::http::cors::Verdict;
use crate::inboxes::model::InboxKind;
use crate::inboxes::public;
use crate::state::AppState;
use crate::{Error, Result};

/// The public inbox a request joins: the one named, else the first `web`
/// inbox; `None` when that is no `web` or `chat` inbox.
async fn resolve_inbox(st: &AppState, asked: Option<i64>) -> Result<Option<i64>> {
    let system = Viewer::system();
    let public = |k: InboxKind| matches!(k, InboxKind::Web | InboxKind::Chat);
    if let Some(id) = asked {
        return match crate::inboxes::service::get_inbox(st, &system, id).await {
            Ok(i) => Ok(public(i.kind).then_some(i.id)),
            Err(Error::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        };
    }
    let all = crate::inboxes::service::list_inboxes(st, &system).await?;
    Ok(all
        .iter()
        .filter(|i| i.kind == InboxKind::Web)
        .map(|i| i.id)
        .min())
}

/// `POST /help/callback` with `{"phone", "name"?, "inbox_id"?, "note"?}`:
/// 202 `{"received": true}`.
pub(super) async fn callback(State(st): State<AppState>, req: Request) -> Response {
    match handle(&st, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn handle(st: &AppState, req: Request) -> Result<Response> {
    let headers = req.headers().clone();
    let ip = crate::http::proxy::client_of(st, req.extensions(), &headers).ip;
    let outcome = |o: &'static str| {
        metrics::counter!("tend_callback_requests_total", "outcome" => o).increment(1);
    };
    if !st
        .public()
        .per_ip
        .hit(&crate::ratelimit::ip_key(ip), st.clock.now_ms())
    {
        outcome("rate_limited");
        return Ok(error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests from your address; try again in a minute",
            json!({}),
        ));
    }
    let body = crate::http::extract::read_body(req, st.config.max_json_body_bytes).await?;
    let b: CallbackBody = serde_json::from_slice(&body).map_err(|e| Error::InvalidJson {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let Some(inbox) = resolve_inbox(st, b.inbox_id).await? else {
        outcome("no_inbox");
        return Err(Error::NotFound("inbox"));
    };
    // Another site's page gets CORS headers for the answer when the inbox
    // allows it (the body may be sent as text/plain: no preflight).
    let settings = public::get(st, inbox).await?;
    let origin = match crate::http::cors::verdict(st, &settings, &headers) {
        Verdict::NoOrigin => None,
        Verdict::Allowed(o) => Some(o),
        Verdict::Refused(o) => {
            outcome("forbidden_origin");
            return Ok(crate::http::cors::refusal(&o));
        }
    };
    let b = CallbackBody {
        inbox_id: Some(inbox),
        ..b
    };
    let mut resp = match super::service::request_callback(st, &Viewer::system(), b).await {
        Ok(_) => {
            outcome("created");
            (StatusCode::ACCEPTED, axum::Json(json!({"received": true}))).into_response()
        }
        Err(e) => {
            outcome("invalid");
            e.into_response()
        }
    };
    if let Some(o) = origin {
        crate::http::cors::allow(&mut resp, &o);
    }
    Ok(resp)
}
