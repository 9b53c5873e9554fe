//! The knowledge base's reports in the workspace: `/reports/deflection`
//! (admins and supervisors: suggestions shown, opened, sent anyway and the
//! deflection rate per article and per inbox, `kb::deflection::report`,
//! the service behind `GET /api/v1/kb/deflection`) and `/kb/unhelpful`
//! (everyone: the articles customers answered "No" to "Did this help?").
//! Titles are in the agent's language with the help centre's fallback.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::i18n::Tr;
use super::pages::{Chrome, error_page, render_status};
use super::reports::{DAY_MS, PeriodQuery, date_of, percent, period};
use super::session::Agent;
use crate::Error;
use crate::kb::deflection::DeflectionCounts;
use crate::kb::desk::Unhelpful;
use crate::kb::public::article_path;
use crate::state::AppState;

/// One line of a table, ready to show.
pub struct LineView {
    pub key: i64,
    pub name: String,
    /// The article in the help centre (article lines).
    pub href: Option<String>,
    pub shown: i64,
    pub opened: i64,
    pub sent_anyway: i64,
    pub deflected: i64,
    pub rate: String,
}

fn line(tr: &Tr, key: i64, name: String, href: Option<String>, c: &DeflectionCounts) -> LineView {
    LineView {
        key,
        name,
        href,
        shown: c.shown,
        opened: c.opened,
        sent_anyway: c.sent_anyway,
        deflected: c.deflected,
        rate: percent(tr, c.deflection_rate),
    }
}

/// One grouping of the report.
pub struct Table {
    pub group: &'static str,
    pub caption: String,
    pub lines: Vec<LineView>,
}

#[derive(Template)]
#[template(path = "web/kb_deflection.html")]
struct DeflectionPage {
    c: Chrome,
    from: String,
    to: String,
    tables: Vec<Table>,
    total: LineView,
    error: Option<String>,
}

/// `GET /reports/deflection`
pub async fn deflection(
    State(st): State<AppState>,
    a: Agent,
    Query(q): Query<PeriodQuery>,
) -> Response {
    if let Err(e) = a
        .viewer
        .require_supervisor("only admins and supervisors may see reports")
    {
        return error_page(&a.tr, e);
    }
    let (from, to) = match period(&a.tr, &q, st.clock.now_ms()) {
        Ok(p) => p,
        Err(Error::Invalid { message, .. }) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DeflectionPage {
                    c: Chrome::agent(&a, a.tr.t("deflection-title"), "reports"),
                    from: q.from.clone().unwrap_or_default(),
                    to: q.to.clone().unwrap_or_default(),
                    tables: vec![],
                    total: line(&a.tr, 0, String::new(), None, &DeflectionCounts::default()),
                    error: Some(message),
                },
            );
        }
        Err(e) => return error_page(&a.tr, e),
    };
    let lang = a.tr.code();
    let r = match crate::kb::deflection::report(&st, &a.viewer, from, to, lang).await {
        Ok(r) => r,
        Err(e) => return error_page(&a.tr, e),
    };
    let articles: Vec<LineView> = r
        .articles
        .iter()
        .map(|l| {
            let href = article_path(lang, l.article_id, &l.slug);
            line(&a.tr, l.article_id, l.title.clone(), Some(href), &l.counts)
        })
        .collect();
    let inboxes: Vec<LineView> = r
        .inboxes
        .iter()
        .map(|l| line(&a.tr, l.inbox_id, l.name.clone(), None, &l.counts))
        .collect();
    render_status(
        StatusCode::OK,
        &DeflectionPage {
            c: Chrome::agent(&a, a.tr.t("deflection-title"), "reports"),
            from: date_of(from),
            to: date_of(to - DAY_MS),
            tables: vec![
                Table {
                    group: "article",
                    caption: a.tr.t("deflection-by-article"),
                    lines: articles,
                },
                Table {
                    group: "inbox",
                    caption: a.tr.t("deflection-by-inbox"),
                    lines: inboxes,
                },
            ],
            total: line(&a.tr, 0, a.tr.t("deflection-total"), None, &r.total),
            error: None,
        },
    )
}

#[derive(Template)]
#[template(path = "web/kb_unhelpful.html")]
struct UnhelpfulPage {
    c: Chrome,
    items: Vec<(Unhelpful, String)>,
}

/// `GET /kb/unhelpful`
pub async fn unhelpful(State(st): State<AppState>, a: Agent) -> Response {
    let lang = a.tr.code();
    match crate::kb::desk::unhelpful(&st, lang).await {
        Ok(items) => render_status(
            StatusCode::OK,
            &UnhelpfulPage {
                c: Chrome::agent(&a, a.tr.t("kb-unhelpful-title"), "kb"),
                items: items
                    .into_iter()
                    .map(|u| {
                        let href = article_path(lang, u.article_id, &u.slug);
                        (u, href)
                    })
                    .collect(),
            },
        ),
        Err(e) => error_page(&a.tr, e),
    }
}
