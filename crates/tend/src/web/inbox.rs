//! The inbox: views (Mine, Unassigned, All open, Pending, Solved; per inbox
//! and per team) with counts, filters, the longest-waiting-first order, and
//! bulk assign / status / tag.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::i18n::Tr;
use super::pages::{Chrome, error_page, render};
use super::session::Agent;
pub use super::sla_cell::{SlaCell, sla_cell};
use crate::Result;
use crate::conversations::model::{ListCursor, ListFilter, ListSort, PageAt};
use crate::conversations::views::InboxView;
use crate::conversations::{Conversation, Priority, Status};
use crate::state::AppState;
use crate::vocab::Channel;

const PAGE: i64 = 50;

/// The inbox query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InboxQuery {
    view: Option<String>,
    inbox: Option<i64>,
    team: Option<i64>,
    status: Option<String>,
    priority: Option<String>,
    tag: Option<String>,
    channel: Option<String>,
    language: Option<String>,
    /// The page after this row (`ListCursor::to_param`).
    after: Option<String>,
    /// The page before this row.
    before: Option<String>,
    fragment: Option<String>,
}

pub(super) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// One row of the list, ready to show.
pub struct Row {
    pub id: i64,
    pub subject: String,
    pub customer: String,
    pub email: String,
    pub status: &'static str,
    pub status_label: String,
    pub priority: &'static str,
    pub priority_label: String,
    pub assignee: String,
    /// The owner's user id (0: nobody), for the link to their profile.
    pub assignee_id: i64,
    pub tags: Vec<String>,
    pub channel: String,
    pub language: String,
    pub waited: String,
    pub waiting: bool,
    pub updated: String,
    /// The next service-level deadline, if any.
    pub sla: Option<SlaCell>,
}

/// A navigation entry with its count key.
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub key: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "web/inbox.html")]
struct InboxPage {
    c: Chrome,
    heading: String,
    views: Vec<NavItem>,
    inboxes: Vec<NavItem>,
    teams: Vec<NavItem>,
    rows: Vec<Row>,
    q: InboxQuery,
    qs: String,
    prev: Option<String>,
    next: Option<String>,
    statuses: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    agents: Vec<(i64, String)>,
    channels: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "web/inbox_rows.html")]
struct RowsFragment {
    c: Chrome,
    rows: Vec<Row>,
}

fn filter_for(a: &Agent, q: &InboxQuery) -> Result<(ListFilter, InboxView)> {
    let view = q
        .view
        .as_deref()
        .and_then(|v| InboxView::from_db(v).ok())
        .unwrap_or(InboxView::DEFAULT);
    let mut f = ListFilter {
        limit: PAGE,
        ..view.filter(&a.viewer)
    };
    if let Some(s) = nonempty(&q.status) {
        let s = Status::parse("status", &s)?;
        // A status filter narrows the view; a status outside it empties it.
        f.statuses.retain(|x| *x == s);
        if f.statuses.is_empty() {
            f.statuses = vec![s];
            f.limit = 0;
        }
        f.sort = ListSort::Newest;
    }
    if let Some(p) = nonempty(&q.priority) {
        f.priority = Some(Priority::parse("priority", &p)?);
    }
    f.tag = nonempty(&q.tag).map(|t| t.to_lowercase());
    f.channel = nonempty(&q.channel)
        .map(|c| Channel::parse("channel", &c))
        .transpose()?;
    f.language = nonempty(&q.language);
    f.inbox_id = q.inbox;
    f.team_id = q.team;
    // A cursor that does not read is the first page, as an unknown view
    // is the default one.
    let cursor = |v: &Option<String>| nonempty(v).and_then(|s| ListCursor::from_param(f.sort, &s));
    f.at = match (cursor(&q.after), cursor(&q.before)) {
        (Some(k), _) => PageAt::After(k),
        (None, Some(k)) => PageAt::Before(k),
        (None, None) => PageAt::First,
    };
    Ok((f, view))
}

fn status_label(tr: &Tr, s: Status) -> String {
    super::labels::status(tr, s)
}

fn priority_label(tr: &Tr, p: Priority) -> String {
    super::labels::priority(tr, p)
}

/// Rows for a page of conversations.
pub fn rows(
    a: &Agent,
    now: i64,
    names: &HashMap<i64, String>,
    items: Vec<Conversation>,
) -> Vec<Row> {
    items
        .into_iter()
        .map(|c| {
            let waiting_ms = c
                .waiting_since
                .as_deref()
                .and_then(crate::time::parse_ms)
                .map(|w| now - w);
            let updated_ms = crate::time::parse_ms(&c.updated_at).unwrap_or(0);
            Row {
                id: c.id,
                customer: c
                    .customer
                    .name
                    .clone()
                    .filter(|n| !n.is_empty())
                    .or(c.customer.email.clone())
                    .unwrap_or_default(),
                email: c.customer.email.clone().unwrap_or_default(),
                subject: c.subject,
                status: c.status.as_str(),
                status_label: status_label(&a.tr, c.status),
                priority: c.priority.as_str(),
                priority_label: priority_label(&a.tr, c.priority),
                assignee: c
                    .assignee_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                assignee_id: c.assignee_id.unwrap_or(0),
                tags: c.tags,
                channel: c.channel.as_str().to_string(),
                language: c.language.unwrap_or_default(),
                waited: waiting_ms.map(|ms| a.tr.duration(ms)).unwrap_or_default(),
                waiting: waiting_ms.is_some(),
                updated: super::i18n::datetime(updated_ms, &a.tz),
                sla: c.sla.as_ref().map(|s| sla_cell(&a.tr, &a.tz, now, s)),
            }
        })
        .collect()
}

/// Id → name of every agent (for assignee columns and pickers).
pub async fn agent_names(st: &AppState, a: &Agent) -> Result<Vec<(i64, String)>> {
    let users = crate::agents::service::list_users(st, &a.viewer).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active)
        .map(|u| (u.id, u.name))
        .collect())
}

/// Where a link leads in the list.
enum Link {
    /// The current page (for live refreshes).
    Here,
    /// The page after this row.
    After(String),
    /// The page before this row.
    Before(String),
}

fn query_string(q: &InboxQuery, at: Link) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    if let Some(v) = &q.view {
        s.append_pair("view", v);
    }
    if let Some(v) = q.inbox {
        s.append_pair("inbox", &v.to_string());
    }
    if let Some(v) = q.team {
        s.append_pair("team", &v.to_string());
    }
    for (k, v) in [
        ("status", &q.status),
        ("priority", &q.priority),
        ("tag", &q.tag),
        ("channel", &q.channel),
        ("language", &q.language),
    ] {
        if let Some(v) = nonempty(v) {
            s.append_pair(k, &v);
        }
    }
    let here = |v: &Option<String>| nonempty(v);
    match at {
        Link::Here => {
            if let Some(a) = here(&q.after) {
                s.append_pair("after", &a);
            } else if let Some(b) = here(&q.before) {
                s.append_pair("before", &b);
            }
        }
        Link::After(k) => {
            s.append_pair("after", &k);
        }
        Link::Before(k) => {
            s.append_pair("before", &k);
        }
    }
    s.finish()
}

/// `GET /`: the inbox (with `fragment=rows`, only the table body, for live
/// refresh).
pub async fn page(State(st): State<AppState>, a: Agent, Query(q): Query<InboxQuery>) -> Response {
    match build(&st, &a, q).await {
        Ok(r) => r,
        Err(e) => error_page(&a.tr, e),
    }
}

async fn build(st: &AppState, a: &Agent, q: InboxQuery) -> Result<Response> {
    let (filter, view) = filter_for(a, &q)?;
    let (sort, at) = (filter.sort, filter.at);
    // `list` reads one row more than the page to know whether more follow.
    let (items, more) = if filter.limit == 0 {
        (vec![], false)
    } else {
        crate::conversations::service::list(st, &a.viewer, filter).await?
    };
    // Keyset links: after the last row, before the first. A page read
    // backwards has a later page (the one it came from); whether an
    // earlier one exists is what `more` says then.
    let edge = |c: Option<&crate::conversations::model::Conversation>| {
        c.map(|c| sort.cursor_of(c).to_param(sort))
    };
    let (first, last) = (edge(items.first()), edge(items.last()));
    let (has_prev, has_next) = match at {
        PageAt::First => (false, more),
        PageAt::After(_) => (true, more),
        PageAt::Before(_) => (more, true),
    };
    let agents = agent_names(st, a).await?;
    let names: HashMap<i64, String> = agents.iter().cloned().collect();
    let now = st.clock.now_ms();
    let rows = rows(a, now, &names, items);
    if q.fragment.as_deref() == Some("rows") {
        return Ok(render(&RowsFragment {
            c: Chrome::agent(a, String::new(), "inbox"),
            rows,
        }));
    }
    let inboxes = crate::inboxes::service::visible_inboxes(st, &a.viewer).await?;
    let teams = crate::agents::service::list_teams(st, &a.viewer).await?;
    let teams: Vec<_> = if a.viewer.sees_all() {
        teams
    } else {
        teams
            .into_iter()
            .filter(|t| t.member_ids.contains(&a.id))
            .collect()
    };
    let tr = &a.tr;
    let scoped = q.inbox.is_none() && q.team.is_none();
    let views = InboxView::ALL
        .iter()
        .map(|&v| NavItem {
            href: format!("/?view={v}"),
            label: super::labels::view(tr, v),
            key: v.to_string(),
            current: scoped && v == view,
        })
        .collect();
    let inbox_nav: Vec<NavItem> = inboxes
        .iter()
        .map(|i| NavItem {
            href: format!("/?view={}&inbox={}", InboxView::DEFAULT, i.id),
            label: i
                .address
                .clone()
                .map_or(i.name.clone(), |ad| format!("{} ({ad})", i.name)),
            key: format!("inbox-{}", i.id),
            current: q.inbox == Some(i.id),
        })
        .collect();
    let team_nav: Vec<NavItem> = teams
        .iter()
        .map(|t| NavItem {
            href: format!("/?view={}&team={}", InboxView::DEFAULT, t.id),
            label: t.name.clone(),
            key: format!("team-{}", t.id),
            current: q.team == Some(t.id),
        })
        .collect();
    let mut heading = super::labels::view(tr, view);
    if let Some(i) = q.inbox.and_then(|id| inboxes.iter().find(|i| i.id == id)) {
        heading = format!("{heading} · {}", i.name);
    }
    if let Some(t) = q.team.and_then(|id| teams.iter().find(|t| t.id == id)) {
        heading = format!("{heading} · {}", t.name);
    }
    let statuses = Status::ALL
        .iter()
        .map(|&s| (s.as_str(), status_label(tr, s)))
        .collect();
    let priorities = Priority::ALL
        .iter()
        .map(|&p| (p.as_str(), priority_label(tr, p)))
        .collect();
    let mut qv = q.clone();
    qv.view = Some(view.to_string());
    Ok(render(&InboxPage {
        c: Chrome::agent(a, heading.clone(), "inbox"),
        heading,
        views,
        inboxes: inbox_nav,
        teams: team_nav,
        rows,
        qs: query_string(&qv, Link::Here),
        prev: first
            .filter(|_| has_prev)
            .map(|k| format!("/?{}", query_string(&qv, Link::Before(k)))),
        next: last
            .filter(|_| has_next)
            .map(|k| format!("/?{}", query_string(&qv, Link::After(k)))),
        q: qv,
        statuses,
        priorities,
        agents,
        channels: Channel::ALL
            .iter()
            .map(|&k| (k.as_str(), super::labels::channel(tr, k)))
            .collect(),
    }))
}

/// `GET /ui/counts`: counts per view, inbox and team under the agent's
/// access (JSON, for the navigation badges; cached briefly per agent).
pub async fn counts(State(st): State<AppState>, a: Agent) -> Response {
    match super::live::counts(&st, &a).await {
        Ok(map) => Json(map).into_response(),
        Err(e) => error_page(&a.tr, e),
    }
}
