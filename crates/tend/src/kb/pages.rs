//! The public help centre: `/help/` (the visitor's language), `/help/{lang}/`
//! (categories and their articles), `/help/{lang}/categories/{id}-{slug}`,
//! `/help/{lang}/articles/{id}-{slug}` (with "Did this help?"),
//! `/help/{lang}/search?q=`, `/help/sitemap.xml` and the suggestions
//! `/help/api/suggest`. No sign-in and no script; drafts never show.
//! Searches, suggestions and votes count against the client address's
//! limit (`KbState::per_ip`).

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::http::ClientIp;
use crate::locale::{DEFAULT, LOCALES, from_accept_language};
use crate::ratelimit::ip_key;
use crate::state::AppState;

use super::public::{self, Listed, article_path};
use super::render::{ArticlePage, Chrome, Item, ListPage, Section, language_name, page};

/// The help centre's routes (merged beside the UI, like the contact form).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help/", get(pick_language))
        .route("/help/sitemap.xml", get(super::feeds::sitemap))
        .route("/help/api/suggest", get(super::feeds::suggest))
        .route(
            "/help/api/deflection",
            post(super::feeds::record).options(super::feeds::record),
        )
        .route("/help/{lang}/", get(home))
        .route("/help/{lang}/categories/{category}", get(category))
        .route("/help/{lang}/articles/{article}", get(article))
        .route("/help/{lang}/articles/{article}/vote", post(vote))
        .route("/help/{lang}/search", get(search))
        .route("/help/images/{name}", get(super::images::serve))
        .route("/help/theme.css", get(super::theme::css))
}

/// Most results a search page shows.
const SEARCH_LIMIT: usize = 30;
/// Longest query looked at, in characters.
const MAX_QUERY_CHARS: usize = 200;

/// The help centre's language of a path segment: one Tend speaks.
fn site_lang(lang: &str) -> Option<&'static str> {
    LOCALES.into_iter().find(|l| *l == lang)
}

/// `{id}-{slug}` (or just `{id}`) from a path segment.
fn id_of(segment: &str) -> Option<(i64, &str)> {
    let (id, slug) = segment.split_once('-').unwrap_or((segment, ""));
    Some((id.parse().ok().filter(|id| *id > 0)?, slug))
}

/// The words of a query, at most [`MAX_QUERY_CHARS`].
pub(super) fn words(q: Option<&str>) -> String {
    q.unwrap_or("")
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

/// Counts a public read or vote; false when the address is over its limit.
pub(super) fn allowed(st: &AppState, ip: std::net::IpAddr) -> bool {
    st.kb().per_ip.hit(&ip_key(ip), st.clock.now_ms())
}

pub(super) fn internal(e: &crate::Error) -> Response {
    tracing::error!(error = %e, "help centre");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error; please try again later",
    )
        .into_response()
}

/// A page that says something went wrong for the visitor (404, 429).
async fn message(
    st: &AppState,
    lang: &str,
    status: StatusCode,
    title_key: &str,
    text_key: &str,
) -> Response {
    let theme = super::theme::current(st).await;
    let c = Chrome::new(theme, lang, String::new(), |l| format!("/help/{l}/"));
    let title = c.tr.t(title_key);
    let empty = c.tr.t(text_key);
    let mut resp = page(
        status,
        &ListPage {
            c: Chrome {
                title: title.clone(),
                ..c
            },
            heading: title,
            sections: vec![],
            empty,
        },
    );
    if status == StatusCode::TOO_MANY_REQUESTS {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    }
    resp
}

async fn not_found(st: &AppState, lang: &str) -> Response {
    message(
        st,
        lang,
        StatusCode::NOT_FOUND,
        "kb-not-found-title",
        "kb-not-found",
    )
    .await
}

fn item(l: &Listed, lang: &str) -> Item {
    Item {
        href: l.path(lang),
        title: l.title.clone(),
        other_lang: (l.lang != lang).then(|| l.lang.clone()),
        snippet: l.snippet.clone(),
    }
}

/// `GET /help/`: the help centre in the visitor's language.
async fn pick_language(headers: HeaderMap) -> Response {
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(from_accept_language)
        .unwrap_or(DEFAULT);
    let mut resp = Redirect::to(&format!("/help/{lang}/")).into_response();
    resp.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    resp
}

/// `GET /help/{lang}/`: the categories with their articles, then the
/// articles without a category.
async fn home(State(st): State<AppState>, Path(lang): Path<String>) -> Response {
    let Some(lang) = site_lang(&lang) else {
        return not_found(&st, DEFAULT).await;
    };
    let (cats, listed) = match tokio::try_join!(
        super::service::categories(&st),
        public::listing(&st, lang, None)
    ) {
        Ok(v) => v,
        Err(e) => return internal(&e),
    };
    let chain = super::fallback::chain(&st.config.help_fallback, lang);
    let mut sections: Vec<Section> = cats
        .iter()
        .map(|cat| {
            let names: Vec<&str> = cat.names.keys().map(String::as_str).collect();
            let shown = super::fallback::pick(&chain, DEFAULT, &names).unwrap_or(DEFAULT);
            Section {
                title: cat.names.get(shown).cloned().unwrap_or_default(),
                href: Some(format!("/help/{lang}/categories/{}-{}", cat.id, cat.slug)),
                items: listed
                    .iter()
                    .filter(|a| a.category == Some(cat.id))
                    .map(|a| item(a, lang))
                    .collect(),
            }
        })
        .collect();
    let mut c = Chrome::new(super::theme::current(&st).await, lang, String::new(), |l| {
        format!("/help/{l}/")
    });
    c.title = c.tr.t("help-centre");
    sections.push(Section {
        title: if sections.iter().any(|s| !s.items.is_empty()) {
            c.tr.t("kb-uncategorised")
        } else {
            String::new()
        },
        href: None,
        items: listed
            .iter()
            .filter(|a| a.category.is_none_or(|id| !cats.iter().any(|c| c.id == id)))
            .map(|a| item(a, lang))
            .collect(),
    });
    let base = st.link_base();
    c.canonical = Some(format!("{base}/help/{lang}/"));
    c.alternates = LOCALES
        .iter()
        .map(|l| (l.to_string(), format!("{base}/help/{l}/")))
        .collect();
    let heading = c.tr.t("help-centre");
    let empty = c.tr.t("kb-empty");
    page(
        StatusCode::OK,
        &ListPage {
            c,
            heading,
            sections,
            empty,
        },
    )
}

/// `GET /help/{lang}/categories/{id}-{slug}`
async fn category(
    State(st): State<AppState>,
    Path((lang, segment)): Path<(String, String)>,
) -> Response {
    let Some(lang) = site_lang(&lang) else {
        return not_found(&st, DEFAULT).await;
    };
    let Some((id, slug)) = id_of(&segment) else {
        return not_found(&st, lang).await;
    };
    let cats = match super::service::categories(&st).await {
        Ok(c) => c,
        Err(e) => return internal(&e),
    };
    let Some(cat) = cats.into_iter().find(|c| c.id == id) else {
        return not_found(&st, lang).await;
    };
    if slug != cat.slug {
        return Redirect::permanent(&format!("/help/{lang}/categories/{id}-{}", cat.slug))
            .into_response();
    }
    let listed = match public::listing(&st, lang, Some(Some(id))).await {
        Ok(l) => l,
        Err(e) => return internal(&e),
    };
    let chain = super::fallback::chain(&st.config.help_fallback, lang);
    let names: Vec<&str> = cat.names.keys().map(String::as_str).collect();
    let shown = super::fallback::pick(&chain, DEFAULT, &names).unwrap_or(DEFAULT);
    let title = cat.names.get(shown).cloned().unwrap_or_default();
    let path_in = |l: &str| format!("/help/{l}/categories/{id}-{}", cat.slug);
    let mut c = Chrome::new(
        super::theme::current(&st).await,
        lang,
        title.clone(),
        path_in,
    );
    let base = st.link_base();
    c.canonical = Some(format!("{base}{}", path_in(lang)));
    let empty = c.tr.t("kb-empty");
    page(
        StatusCode::OK,
        &ListPage {
            c,
            heading: title,
            sections: vec![Section {
                title: String::new(),
                href: None,
                items: listed.iter().map(|a| item(a, lang)).collect(),
            }],
            empty,
        },
    )
}

#[derive(Debug, Deserialize)]
struct ArticleParams {
    voted: Option<String>,
}

/// `GET /help/{lang}/articles/{id}-{slug}`: the article in the page's
/// language, else in the first language of the fallback it has, with a
/// note. A wrong or missing slug redirects to the article's address.
async fn article(
    State(st): State<AppState>,
    Path((lang, segment)): Path<(String, String)>,
    Query(p): Query<ArticleParams>,
) -> Response {
    let Some(lang) = site_lang(&lang) else {
        return not_found(&st, DEFAULT).await;
    };
    let Some((id, slug)) = id_of(&segment) else {
        return not_found(&st, lang).await;
    };
    let (a, shown) = match public::article(&st, id, lang).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found(&st, lang).await,
        Err(e) => return internal(&e),
    };
    if slug != a.slug {
        return Redirect::permanent(&article_path(lang, id, &a.slug)).into_response();
    }
    let Some(t) = a.translations.get(&shown) else {
        return not_found(&st, lang).await;
    };
    let base = st.link_base();
    let mut c = Chrome::new(
        super::theme::current(&st).await,
        lang,
        t.title.clone(),
        |l| article_path(l, id, &a.slug),
    );
    // The versions in the site's languages that exist; a page that shows
    // another language's text names that page as canonical.
    c.alternates = LOCALES
        .iter()
        .filter(|l| a.translations.contains_key(**l))
        .map(|l| {
            (
                l.to_string(),
                format!("{base}{}", article_path(l, id, &a.slug)),
            )
        })
        .collect();
    let canonical_lang = if shown == lang || !LOCALES.contains(&shown.as_str()) {
        lang
    } else {
        shown.as_str()
    };
    c.canonical = Some(format!(
        "{base}{}",
        article_path(canonical_lang, id, &a.slug)
    ));
    let note = (shown != lang).then(|| c.tr.s("kb-not-translated", "name", language_name(&shown)));
    let vote_action = format!("{}/vote", article_path(lang, id, &a.slug));
    page(
        StatusCode::OK,
        &ArticlePage {
            heading: t.title.clone(),
            body: t.body_html.clone(),
            shown: shown.clone(),
            note,
            vote_action,
            voted: p.voted.is_some(),
            c,
        },
    )
}

#[derive(Debug, Deserialize)]
struct VoteForm {
    helpful: String,
}

/// `POST /help/{lang}/articles/{id}-{slug}/vote`: "Did this help?"; back
/// to the article, which thanks the visitor.
async fn vote(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path((lang, segment)): Path<(String, String)>,
    headers: HeaderMap,
    Form(f): Form<VoteForm>,
) -> Response {
    let Some(lang) = site_lang(&lang) else {
        return not_found(&st, DEFAULT).await;
    };
    let Some((id, _)) = id_of(&segment) else {
        return not_found(&st, lang).await;
    };
    if crate::surveys::pages::from_another_site(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "this form can only be sent from its own page",
        )
            .into_response();
    }
    if !allowed(&st, ip) {
        return message(
            &st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "kb-rate-limited-title",
            "kb-rate-limited",
        )
        .await;
    }
    let helpful = match f.helpful.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                "helpful must be yes or no",
            )
                .into_response();
        }
    };
    match public::vote(&st, id, lang, helpful).await {
        Ok(()) => {}
        Err(crate::Error::NotFound(_)) => return not_found(&st, lang).await,
        Err(e) => return internal(&e),
    }
    let slug = segment.split_once('-').map_or("", |(_, s)| s);
    Redirect::to(&format!("{}?voted=1#vote", article_path(lang, id, slug))).into_response()
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
}

/// `GET /help/{lang}/search?q=`
async fn search(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(lang): Path<String>,
    Query(p): Query<SearchParams>,
) -> Response {
    let Some(lang) = site_lang(&lang) else {
        return not_found(&st, DEFAULT).await;
    };
    let q = words(p.q.as_deref());
    if !q.is_empty() && !allowed(&st, ip) {
        return message(
            &st,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "kb-rate-limited-title",
            "kb-rate-limited",
        )
        .await;
    }
    let found = if q.is_empty() {
        vec![]
    } else {
        match public::search(&st, lang, &q, SEARCH_LIMIT).await {
            Ok(f) => f,
            Err(e) => return internal(&e),
        }
    };
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q)
        .finish();
    let mut c = Chrome::new(super::theme::current(&st).await, lang, String::new(), |l| {
        format!("/help/{l}/search?{query}")
    });
    c.title = c.tr.s("kb-search-results", "q", &q);
    c.q.clone_from(&q);
    let heading = c.title.clone();
    let empty = c.tr.t("kb-search-none");
    page(
        StatusCode::OK,
        &ListPage {
            c,
            heading,
            sections: vec![Section {
                title: String::new(),
                href: None,
                items: found.iter().map(|a| item(a, lang)).collect(),
            }],
            empty,
        },
    )
}
