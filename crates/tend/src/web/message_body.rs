//! `GET /c/{id}/m/{mid}/body`: a message's sanitised HTML, alone, for the
//! sandboxed frame of the conversation page; `GET /c/{id}/side-mail/{smid}/body`:
//! the same for a side conversation's mail.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::pages::error_page;
use super::session::Agent;
use crate::Error;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct BodyQuery {
    images: Option<String>,
}

/// `GET /c/{id}/m/{mid}/body`: a message's sanitised HTML as its own
/// document, shown in a sandboxed frame. Remote images stay blocked unless
/// `images=1` (the agent chose "show images"); scripts never run (the
/// frame's sandbox and this document's policy both forbid them).
pub async fn body(
    State(st): State<AppState>,
    a: Agent,
    Path((id, mid)): Path<(i64, i64)>,
    Query(q): Query<BodyQuery>,
) -> Response {
    let (msgs, _) =
        match crate::conversations::service::messages(&st, &a.viewer, id, Some(mid - 1), 1).await {
            Ok(x) => x,
            Err(e) => return error_page(&a.tr, e),
        };
    let Some(m) = msgs.into_iter().find(|m| m.id == mid) else {
        return error_page(&a.tr, Error::NotFound("message"));
    };
    framed(m.html.unwrap_or_default(), &q)
}

/// `GET /c/{id}/side-mail/{smid}/body`: a side conversation's mail as its
/// own document, like a message's ([`body`]); agents only, as the side
/// conversations are.
pub async fn side_body(
    State(st): State<AppState>,
    a: Agent,
    Path((id, smid)): Path<(i64, i64)>,
    Query(q): Query<BodyQuery>,
) -> Response {
    let sides = match crate::conversations::side::list(&st, &a.viewer, id).await {
        Ok(s) => s,
        Err(e) => return error_page(&a.tr, e),
    };
    let Some(m) = sides
        .into_iter()
        .flat_map(|s| s.messages)
        .find(|m| m.id == smid)
    else {
        return error_page(&a.tr, Error::NotFound("message"));
    };
    framed(m.html.unwrap_or_default(), &q)
}

/// Sanitised HTML as a document of its own, under a policy that runs no
/// script and, unless `images=1`, loads no remote image.
fn framed(mut html: String, q: &BodyQuery) -> Response {
    let show_images = q.images.as_deref() == Some("1");
    if show_images {
        html = html.replace(&format!(" {}=\"", tend_mail::BLOCKED_SRC_ATTR), " src=\"");
    }
    let doc = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><base target=\"_blank\">\
         <link rel=\"stylesheet\" href=\"/assets/body.css?v={}\"></head><body>{html}</body></html>",
        super::pages::ASSET_VERSION
    );
    let img = if show_images {
        "img-src 'self' data: https: http:"
    } else {
        "img-src 'self' data:"
    };
    let mut resp = Html(doc).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "default-src 'none'; {img}; style-src 'self' 'unsafe-inline'; font-src 'none'; \
         script-src 'none'; form-action 'none'; base-uri 'self'; frame-ancestors 'self'; sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox"
    )) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    resp
}
