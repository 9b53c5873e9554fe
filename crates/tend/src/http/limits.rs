//! Request body limits for every route, by route class, in one layer.
//!
//! Every matched route passes through [`enforce`], so a route added later
//! gets a limit without asking for one:
//! - a form or any other non-JSON body: [`FORM_LIMIT`] (64 KiB);
//! - a JSON body: `max_json_body_bytes` (1 MiB by default);
//! - the few routes that take files or whole messages ([`large_route`]):
//!   the attachment limit, plus room for the multipart framing.
//!
//! The small limit is the default on purpose: a new upload route that is
//! missing from [`large_route`] fails loudly with 413 in its first test,
//! while a form route can never be made to buffer megabytes.
//!
//! Memory stays bounded: a body that declares a larger `Content-Length` is
//! refused before any handler runs, and a body without a declared length
//! is cut off by a counting stream as soon as it passes the limit. In both
//! cases the rest is read and thrown away (up to [`DRAIN_CAP`]) so that the
//! client, still sending, gets the 413 instead of a reset connection.
//! Handlers may still apply smaller limits of their own (`read_body`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;

use crate::Error;
use crate::config::Config;
use crate::state::AppState;

/// The largest form (or other non-JSON, non-upload) body: tens of KB is
/// plenty for every form of the workspace, the sign-in and setup pages.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Room for multipart boundaries, part headers and the text fields beside
/// the files, over the attachment limit (which counts file bytes).
const MULTIPART_SLACK: usize = 1024 * 1024;

/// How much of an oversized body is read and dropped so that the client
/// receives the 413; beyond it the connection is simply closed.
pub const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// Routes whose bodies carry files or whole messages, with the largest body
/// each accepts. Everything else is a form or JSON route.
pub fn large_route(route: &str, cfg: &Config) -> Option<usize> {
    let files = cfg.max_attachment_bytes;
    let limit = match route {
        // Messages with files: the API, the agent's reply, the chat visitor.
        // The portal's reply, too.
        "/api/v1/conversations/{id}/messages"
        | "/c/{id}/reply"
        // A picture pasted into the agent's draft.
        | "/c/{id}/draft/images"
        | "/chat/{inbox}/upload"
        | "/help/portal/conversations/{id}/reply" => files.saturating_add(MULTIPART_SLACK),
        // The contact form reads files over the limit and drops them with a
        // message on the form, up to its own hard cap.
        "/help/contact" => {
            crate::channels::contact::form::hard_cap(files).saturating_add(MULTIPART_SLACK)
        }
        // A translation in the knowledge-base editor with a picture to
        // insert; the help centre's look with its logo (multipart).
        "/kb/{id}/{lang}" | "/admin/help-centre" => files.saturating_add(MULTIPART_SLACK),
        // A new article's Markdown (up to 200,000 bytes), as a form.
        "/kb/new" => cfg.max_json_body_bytes,
        // A channel's message with its files in base64.
        "/api/v1/channels/{inbox_id}/inbound" => crate::channels::api::inbound::body_limit(files),
        // Raw mail: oversize mail up to four times the limit is quarantined.
        "/api/v1/inbound/email" => files.saturating_mul(4),
        // A survey template's source (up to 200,000 characters), as a form;
        // an iCalendar file of holidays (years of a country's feed).
        "/admin/templates/{name}/{locale}" | "/api/v1/calendars/{id}/holidays/import" => {
            cfg.max_json_body_bytes
        }
        _ => return None,
    };
    Some(limit)
}

/// The limit for a request to `route` with media type `media`.
pub fn limit_for(route: &str, media: &str, cfg: &Config) -> usize {
    if let Some(limit) = large_route(route, cfg) {
        return limit;
    }
    if super::extract::is_json_media(media) {
        cfg.max_json_body_bytes
    } else {
        FORM_LIMIT
    }
}

/// The body-limit layer (a route layer: it needs the matched route).
pub async fn enforce(State(st): State<AppState>, req: Request, next: Next) -> Response {
    // Most requests (GET, HEAD, WebSocket upgrades) have no body at all.
    if req.body().size_hint().exact() == Some(0) {
        return next.run(req).await;
    }
    let route = req.extensions().get::<MatchedPath>().cloned();
    let limit = limit_for(
        route.as_ref().map_or("", MatchedPath::as_str),
        &super::extract::media_type(&req),
        &st.config,
    );
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => {
            let answer = TooLarge::for_request(&req, limit);
            if n <= DRAIN_CAP as u64 {
                drain(req.into_body()).await;
            }
            answer.into_response()
        }
        // A declared length is enforced by the HTTP implementation (hyper
        // reads exactly that many bytes; HTTP/2 refuses more), so only
        // bodies without one need counting.
        Some(_) => next.run(req).await,
        None => {
            let answer = TooLarge::for_request(&req, limit);
            let over = Arc::new(AtomicBool::new(false));
            let req = req.map(|b| limited(b, limit, over.clone()));
            let resp = next.run(req).await;
            if over.load(Ordering::SeqCst) && resp.status() != StatusCode::PAYLOAD_TOO_LARGE {
                answer.into_response()
            } else {
                resp
            }
        }
    }
}

/// The body was longer than its route accepts.
#[derive(Debug, thiserror::Error)]
#[error("the request body is larger than this endpoint accepts")]
pub struct BodyTooLarge;

/// `body`, failing once more than `limit` bytes have arrived (after reading
/// and dropping the rest, up to [`DRAIN_CAP`]); sets `over` when it does.
fn limited(body: Body, limit: usize, over: Arc<AtomicBool>) -> Body {
    let stream = body.into_data_stream();
    let s = futures_util::stream::unfold((stream, 0usize, false), move |(mut s, seen, done)| {
        let over = over.clone();
        async move {
            if done {
                return None;
            }
            match s.next().await {
                None => None,
                Some(Err(e)) => Some((Err(axum::BoxError::from(e)), (s, seen, true))),
                Some(Ok(chunk)) => {
                    let mut seen = seen.saturating_add(chunk.len());
                    if seen <= limit {
                        return Some((Ok::<Bytes, axum::BoxError>(chunk), (s, seen, false)));
                    }
                    over.store(true, Ordering::SeqCst);
                    while seen <= DRAIN_CAP {
                        match s.next().await {
                            Some(Ok(c)) => seen = seen.saturating_add(c.len()),
                            _ => break,
                        }
                    }
                    Some((Err(axum::BoxError::from(BodyTooLarge)), (s, seen, true)))
                }
            }
        }
    });
    Body::from_stream(s)
}

/// Reads and drops a body, up to [`DRAIN_CAP`].
async fn drain(body: Body) {
    let mut s = body.into_data_stream();
    let mut seen = 0usize;
    while seen <= DRAIN_CAP {
        match s.next().await {
            Some(Ok(c)) => seen = seen.saturating_add(c.len()),
            _ => break,
        }
    }
}

/// The 413 in the form the caller reads: the CONTRACT's JSON error for the
/// API, the chat widget and JSON callers, a page in the browser's language
/// otherwise. Only what it needs is kept from the request.
struct TooLarge {
    limit: usize,
    json: bool,
    language: Option<axum::http::HeaderValue>,
}

impl TooLarge {
    fn for_request(req: &Request, limit: usize) -> TooLarge {
        let path = req.uri().path();
        let json = path.starts_with("/api/")
            || path.starts_with("/chat/")
            || super::extract::is_json_media(&super::extract::media_type(req))
            || req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("application/json"));
        TooLarge {
            limit,
            json,
            language: req.headers().get(header::ACCEPT_LANGUAGE).cloned(),
        }
    }
}

impl IntoResponse for TooLarge {
    fn into_response(self) -> Response {
        if self.json {
            return Error::PayloadTooLarge(self.limit).into_response();
        }
        let tr = crate::web::i18n::Tr::from_accept_language(
            self.language.as_ref().and_then(|v| v.to_str().ok()),
        );
        crate::web::pages::message_page(
            &tr,
            StatusCode::PAYLOAD_TOO_LARGE,
            &tr.t("error-too-large-title"),
            &tr.t("error-too-large"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::load_with(None, &|_| None).expect("defaults")
    }

    #[test]
    fn every_route_class_has_its_limit() {
        let c = cfg();
        assert_eq!(
            limit_for("/login", "application/x-www-form-urlencoded", &c),
            FORM_LIMIT
        );
        assert_eq!(limit_for("/login", "", &c), FORM_LIMIT);
        assert_eq!(limit_for("/bulk", "text/plain", &c), FORM_LIMIT);
        assert_eq!(
            limit_for("/api/v1/conversations", "application/json", &c),
            1024 * 1024
        );
        assert_eq!(
            limit_for("/c/{id}/reply", "multipart/form-data", &c),
            25_000_000 + MULTIPART_SLACK
        );
        assert_eq!(
            limit_for("/api/v1/inbound/email", "message/rfc822", &c),
            100_000_000
        );
        assert!(limit_for("/help/contact", "multipart/form-data", &c) > 50_000_000);
        // A multipart body on a route that takes no files is a form.
        assert_eq!(
            limit_for("/api/v1/conversations", "multipart/form-data", &c),
            FORM_LIMIT
        );
    }
}
