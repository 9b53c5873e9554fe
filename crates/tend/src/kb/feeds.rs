//! What machines read of the help centre: `/help/sitemap.xml` for search
//! engines, and `/help/api/suggest` and `/help/api/deflection` for the
//! contact form and the widget.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::ClientIp;
use crate::http::cors::{self, Verdict};
use crate::locale::{DEFAULT, LOCALES, from_accept_language};
use crate::state::AppState;

use super::deflection::{self, Event, Record, VisitToken};
use super::pages::{allowed, internal, words};
use super::public::{self, article_path};
use super::render::SitemapUrl;

/// Most suggestions.
const SUGGEST_LIMIT: usize = 3;

/// `GET /help/sitemap.xml`: each language's home, then every published
/// translation in the help centre's languages, with its alternates.
pub(super) async fn sitemap(State(st): State<AppState>) -> Response {
    let articles = match public::published(&st).await {
        Ok(a) => a,
        Err(e) => return internal(&e),
    };
    let base = st.link_base();
    let homes: Vec<(String, String)> = LOCALES
        .iter()
        .map(|l| (l.to_string(), format!("{base}/help/{l}/")))
        .collect();
    let mut urls: Vec<SitemapUrl> = homes
        .iter()
        .map(|(_, loc)| SitemapUrl {
            loc: loc.clone(),
            lastmod: None,
            alternates: homes.clone(),
        })
        .collect();
    for (id, slug, changed_at, langs) in articles {
        let alternates: Vec<(String, String)> = langs
            .iter()
            .filter(|l| LOCALES.contains(&l.as_str()))
            .map(|l| (l.clone(), format!("{base}{}", article_path(l, id, &slug))))
            .collect();
        for (_, loc) in &alternates {
            urls.push(SitemapUrl {
                loc: loc.clone(),
                lastmod: Some(crate::time::rfc3339(changed_at)),
                alternates: alternates.clone(),
            });
        }
    }
    super::render::sitemap(&urls)
}

#[derive(Debug, Deserialize)]
pub(super) struct SuggestParams {
    q: Option<String>,
    lang: Option<String>,
    inbox_id: Option<i64>,
    token: Option<String>,
}

/// One suggestion.
#[derive(Debug, serde::Serialize)]
struct Suggestion {
    id: i64,
    title: String,
    url: String,
    snippet: String,
}

/// The origin check of a request naming an inbox (`http::cors`): `Ok`
/// with the origin to allow (none without `Origin`), or the answer.
async fn origin_for(
    st: &AppState,
    inbox_id: Option<i64>,
    headers: &HeaderMap,
) -> Result<Option<String>, Response> {
    let Some(inbox) = inbox_id else {
        return Ok(None);
    };
    match cors::check(st, inbox, headers).await {
        Ok(Verdict::NoOrigin) => Ok(None),
        Ok(Verdict::Allowed(o)) => Ok(Some(o)),
        Ok(Verdict::Refused(o)) => Err(cors::refusal(&o)),
        Err(crate::Error::NotFound(_)) => Err(crate::Error::NotFound("inbox").into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// `GET /help/api/suggest?q=&lang=&inbox_id=&token=`: up to 3 published
/// articles for what a customer is typing, in their language with the
/// fallback: `{"items": [{"id", "title", "url", "snippet"}]}`. With an
/// `inbox_id`, the `Origin` is checked against the inbox's allowed origins
/// (CORS for them); with a visitor's `token` too, what is answered is
/// recorded as shown (`deflection`).
pub(super) async fn suggest(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<SuggestParams>,
) -> Response {
    if !allowed(&st, ip) {
        return crate::Error::RateLimited.into_response();
    }
    let origin = match origin_for(&st, p.inbox_id, &headers).await {
        Ok(o) => o,
        Err(resp) => return resp,
    };
    let lang = p
        .lang
        .as_deref()
        .and_then(crate::locale::supported)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(from_accept_language)
        })
        .unwrap_or(DEFAULT);
    let q = words(p.q.as_deref());
    let found = if q.is_empty() {
        vec![]
    } else {
        match public::search(&st, lang, &q, SUGGEST_LIMIT).await {
            Ok(f) => f,
            Err(e) => return e.into_response(),
        }
    };
    if let (Some(inbox), Some(token)) = (p.inbox_id, p.token.as_deref().and_then(VisitToken::parse))
    {
        let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
        let shown = Record::Shown {
            lang,
            articles: &ids,
            ip,
        };
        // The visitor gets their suggestions even when recording fails.
        if let Err(e) = deflection::record(&st, &token, inbox, shown).await {
            tracing::warn!(error = %e, "deflection: suggestions shown not recorded");
        }
    }
    let base = st.link_base();
    let items: Vec<Suggestion> = found
        .into_iter()
        .map(|a| Suggestion {
            url: format!("{base}{}", a.path(lang)),
            id: a.id,
            title: a.title,
            snippet: a.snippet,
        })
        .collect();
    let mut resp = axum::Json(serde_json::json!({ "items": items })).into_response();
    if let Some(o) = origin {
        cors::allow(&mut resp, &o);
    }
    resp
}

/// Largest body of `POST /help/api/deflection`.
const MAX_RECORD_BYTES: usize = 1024;

/// `POST /help/api/deflection`: what a visitor's page reports.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reported {
    token: String,
    inbox_id: i64,
    event: Event,
    #[serde(default)]
    article_id: Option<i64>,
}

/// `POST /help/api/deflection` (JSON, sent as `text/plain` too, so that a
/// page on another site needs no preflight): `{"token", "inbox_id",
/// "event": "opened"|"sent", "article_id"?}`. 204 whether or not it
/// counted (an opening of an article that was not offered does not); 422
/// for a malformed one, 413 over 1 KiB, 429 over the help centre's limit.
pub(super) async fn record(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    method: Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if !allowed(&st, ip) {
        return crate::Error::RateLimited.into_response();
    }
    if cors::is_preflight(&method) {
        // The inbox is in the body, which a preflight has not: any origin
        // may ask; the post itself is checked.
        let mut resp = cors::preflight();
        if let Some(o) = cors::origin_of(&headers) {
            cors::allow(&mut resp, &o);
        }
        return resp;
    }
    if body.len() > MAX_RECORD_BYTES {
        return crate::Error::PayloadTooLarge(MAX_RECORD_BYTES).into_response();
    }
    let r: Reported = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return crate::Error::invalid("body", format!("not a deflection record: {e}"))
                .into_response();
        }
    };
    let origin = match origin_for(&st, Some(r.inbox_id), &headers).await {
        Ok(o) => o,
        Err(resp) => return resp,
    };
    let Some(token) = VisitToken::parse(&r.token) else {
        return crate::Error::invalid("token", "a token has 16 to 64 letters, digits, - or _")
            .into_response();
    };
    let what = match (r.event, r.article_id) {
        (Event::Opened, Some(article_id)) => Record::Opened { article_id },
        (Event::Opened, None) => {
            return crate::Error::invalid("article_id", "say which article was opened")
                .into_response();
        }
        (Event::Sent, _) => Record::Sent {
            conversation_id: None,
        },
        (Event::Shown, _) => {
            return crate::Error::invalid(
                "event",
                "suggestions are recorded as shown by /help/api/suggest itself",
            )
            .into_response();
        }
    };
    if let Err(e) = deflection::record(&st, &token, r.inbox_id, what).await {
        return e.into_response();
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(o) = origin {
        cors::allow(&mut resp, &o);
    }
    resp
}
