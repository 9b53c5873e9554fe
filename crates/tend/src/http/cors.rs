//! Cross-origin requests to an inbox's public endpoints (the chat widget's
//! `/chat/{inbox}/…`, the suggestions and deflection records it and the
//! contact form use): a request with an `Origin` must come from Tend's own
//! origin or one of the inbox's allowed origins, else 403
//! `origin_not_allowed`; allowed ones get CORS headers naming that origin.
//! A request without `Origin` is not from a browser page and has nothing
//! to protect.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Result;
use crate::error::error_response;
use crate::inboxes::public;
use crate::state::AppState;

/// What to do with a request to an inbox's public endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not from a browser page: no CORS headers.
    NoOrigin,
    /// Allowed: answer with CORS headers for this origin.
    Allowed(String),
    /// Refused: answer [`refusal`].
    Refused(String),
}

/// The request's `Origin`, if any.
pub fn origin_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Checks a request's `Origin` against the inbox's allowed origins.
pub async fn check(st: &AppState, inbox_id: i64, headers: &HeaderMap) -> Result<Verdict> {
    if origin_of(headers).is_none() {
        return Ok(Verdict::NoOrigin);
    }
    Ok(verdict(st, &public::get(st, inbox_id).await?, headers))
}

/// [`check`] with the inbox's settings at hand.
pub fn verdict(st: &AppState, settings: &public::PublicSettings, headers: &HeaderMap) -> Verdict {
    let Some(origin) = origin_of(headers) else {
        return Verdict::NoOrigin;
    };
    if settings.origin_allowed(&origin, &public::own_origins(st)) {
        Verdict::Allowed(origin)
    } else {
        Verdict::Refused(origin)
    }
}

/// The 403 for an origin the inbox does not allow.
pub fn refusal(origin: &str) -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        "origin_not_allowed",
        &format!(
            "{origin} may not use this inbox; an admin can add it to the inbox's allowed origins"
        ),
        json!({"origin": origin}),
    )
}

/// The answer to a preflight (`OPTIONS`) from an allowed origin.
pub fn preflight() -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    resp
}

/// Adds the CORS headers for an allowed origin.
pub fn allow(resp: &mut Response, origin: &str) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
}

/// Whether a request is a CORS preflight.
pub fn is_preflight(method: &Method) -> bool {
    method == Method::OPTIONS
}
