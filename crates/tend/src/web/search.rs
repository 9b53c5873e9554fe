//! The search page: `GET /search?q=` runs the same search as
//! `GET /api/v1/search` (ranked, only what the agent may see) and lists the
//! conversations with their highlighted snippets.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::pages::{Chrome, error_page, render};
use super::session::Agent;
use crate::Result;
use crate::state::AppState;

/// Most results shown.
const LIMIT: usize = 50;

/// `?q=`
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// One result, ready to show.
pub struct Hit {
    pub id: i64,
    pub subject: String,
    pub status: &'static str,
    pub status_label: String,
    pub customer: String,
    pub updated: String,
    /// Safe HTML: escaped text with `<mark>` only (see [`safe_snippet`]).
    pub snippet: String,
    /// Where on the conversation's page the match is (`#sm…`: a side
    /// conversation's mail), or empty.
    pub anchor: String,
}

#[derive(Template)]
#[template(path = "web/search.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    hits: Vec<Hit>,
}

/// `GET /search?q=`
pub async fn page(State(st): State<AppState>, a: Agent, Query(q): Query<SearchQuery>) -> Response {
    let q = q.q.unwrap_or_default().trim().to_string();
    match hits(&st, &a, &q).await {
        Ok(hits) => {
            let title = if q.is_empty() {
                a.tr.t("search-title")
            } else {
                a.tr.s("search-title-for", "q", &q)
            };
            render(&SearchPage {
                c: Chrome::agent(&a, title, "search"),
                q,
                hits,
            })
        }
        Err(e) => error_page(&a.tr, e),
    }
}

async fn hits(st: &AppState, a: &Agent, q: &str) -> Result<Vec<Hit>> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let found = crate::search::service::search(st, &a.viewer, q, LIMIT).await?;
    let mut out = Vec::with_capacity(found.len());
    for h in found {
        // The index may be a moment behind the database (a conversation
        // just moved out of the agent's inboxes): skip what is not visible.
        let Ok(conv) = crate::conversations::service::get(st, &a.viewer, h.conversation_id).await
        else {
            continue;
        };
        let updated = crate::time::parse_ms(&conv.updated_at).unwrap_or(0);
        out.push(Hit {
            id: conv.id,
            subject: conv.subject,
            status: conv.status.as_str(),
            status_label: super::labels::status(&a.tr, conv.status),
            customer: conv
                .customer
                .name
                .filter(|n| !n.is_empty())
                .or(conv.customer.email)
                .unwrap_or_default(),
            updated: a.tr.datetime(updated, &a.tz),
            snippet: safe_snippet(&h.snippet),
            anchor: h
                .side_message_id
                .map(|m| format!("#sm{m}"))
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Makes a search snippet safe to put into a page as HTML. The index
/// answers escaped text with `<mark>…</mark>` around the matches; this does
/// not trust that: it decodes the usual entities, escapes everything again,
/// and lets through only balanced `<mark>` / `</mark>` tags.
pub fn safe_snippet(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 16);
    let mut open = false;
    let mut rest = snippet;
    while !rest.is_empty() {
        let next_open = rest.find("<mark>");
        let next_close = rest.find("</mark>");
        let (cut, tag_len, opens) = match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => (o, "<mark>".len(), true),
            (Some(o), None) => (o, "<mark>".len(), true),
            (_, Some(c)) => (c, "</mark>".len(), false),
            (None, None) => (rest.len(), 0, false),
        };
        crate::html::escape_into(&mut out, &decode_entities(&rest[..cut]));
        if tag_len > 0 {
            if opens && !open {
                out.push_str("<mark>");
                open = true;
            } else if !opens && open {
                out.push_str("</mark>");
                open = false;
            }
        }
        rest = &rest[(cut + tag_len).min(rest.len())..];
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

fn decode_entities(s: &str) -> String {
    // `&amp;` last, so `&amp;lt;` stays the text `&lt;`.
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::safe_snippet;

    #[test]
    fn only_mark_tags_survive() {
        assert_eq!(
            safe_snippet("a &lt;b&gt; <mark>word</mark> &amp; more"),
            "a &lt;b&gt; <mark>word</mark> &amp; more"
        );
        // Raw tags that slipped through are escaped, not rendered.
        assert_eq!(
            safe_snippet("<script>alert(1)</script> <mark>x</mark>"),
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>"
        );
        assert_eq!(
            safe_snippet("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        // Unbalanced marks are balanced or dropped.
        assert_eq!(safe_snippet("</mark>a<mark>b"), "a<mark>b</mark>");
        assert_eq!(safe_snippet("<mark><mark>a</mark>"), "<mark>a</mark>");
        // A double-escaped entity stays visible text.
        assert_eq!(safe_snippet("&amp;lt;x"), "&amp;lt;x");
        assert_eq!(safe_snippet("it&#x27;s"), "it&#39;s");
    }
}
