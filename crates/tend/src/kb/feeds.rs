//! What machines read of the help centre: `/help/sitemap.xml` for search
//! engines and `/help/api/suggest` for the contact form and the widget.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::http::ClientIp;
use crate::locale::{DEFAULT, LOCALES, from_accept_language};
use crate::state::AppState;

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
    #[expect(dead_code, reason = "accepted now; per-inbox article sets come later")]
    inbox_id: Option<i64>,
}

/// One suggestion.
#[derive(Debug, serde::Serialize)]
struct Suggestion {
    id: i64,
    title: String,
    url: String,
    snippet: String,
}

/// `GET /help/api/suggest?q=&lang=&inbox_id=`: up to 3 published
/// articles for what a customer is typing, in their language with the
/// fallback: `{"items": [{"id", "title", "url", "snippet"}]}`.
pub(super) async fn suggest(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(p): Query<SuggestParams>,
) -> Response {
    if !allowed(&st, ip) {
        return crate::Error::RateLimited.into_response();
    }
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
    axum::Json(serde_json::json!({ "items": items })).into_response()
}
