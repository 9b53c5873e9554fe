//! `/monitor`: every channel answered. Per channel and inbox the agent may
//! see, the customers waiting past `unanswered_after_minutes` without a
//! public reply, the longest wait, and whether anyone who may answer is
//! online: "nobody is online" is said, not left to a silent queue. The
//! numbers are `sla::monitor::unanswered`, as `GET
//! /api/v1/monitor/unanswered` answers them.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::pages::{Chrome, error_page, render};
use super::session::Agent;
use crate::state::AppState;

/// One line of the table, ready to show.
pub struct Line {
    pub channel: String,
    pub inbox: String,
    /// The inbox's view of its open conversations.
    pub href: String,
    pub count: i64,
    pub longest: String,
    pub online: String,
    pub nobody_online: bool,
}

#[derive(Template)]
#[template(path = "web/monitor.html")]
struct MonitorPage {
    c: Chrome,
    intro: String,
    lines: Vec<Line>,
}

/// `GET /monitor`
pub async fn page(State(st): State<AppState>, a: Agent) -> Response {
    let m = match crate::sla::monitor::unanswered(&st, &a.viewer).await {
        Ok(m) => m,
        Err(e) => return error_page(&a.tr, e),
    };
    let tr = &a.tr;
    let lines = m
        .items
        .into_iter()
        .map(|u| Line {
            channel: super::labels::channel(tr, u.channel),
            inbox: u.inbox_name,
            href: format!(
                "/?view={}&inbox={}&channel={}",
                crate::conversations::views::InboxView::Open,
                u.inbox_id,
                u.channel
            ),
            count: u.count,
            longest: tr.span(u.longest_wait_secs * 1000),
            online: tr.n("monitor-online", u.agents_online),
            nobody_online: u.nobody_online,
        })
        .collect();
    render(&MonitorPage {
        c: Chrome::agent(&a, tr.t("monitor-title"), "monitor"),
        intro: tr.s("monitor-intro", "when", tr.span(m.after_minutes * 60_000)),
        lines,
    })
}
