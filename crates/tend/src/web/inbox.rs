//! The inbox: views (Mine, Unassigned, All open, Pending, Solved; per inbox
//! and per team) with counts, filters, the longest-waiting-first order, and
//! bulk assign / status / tag.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::i18n::Tr;
use super::inbox_query::{self, Link, Place};
use super::pages::{Chrome, error_page, render};
use super::saved_views::SaveForm;
use super::session::Agent;
pub use super::sla_cell::{SlaCell, sla_cell};
use crate::Result;
use crate::conversations::model::{ListCursor, ListFilter, ListSort, PageAt};
use crate::conversations::views::{Column, InboxView, SlaState, ViewSpec};
use crate::conversations::{Conversation, Priority, Status};
use crate::state::AppState;
use crate::vocab::Channel;

const PAGE: i64 = 50;

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
    /// The channel in the viewer's language.
    pub channel_label: String,
    pub language: String,
    /// The start of the newest message, on one line.
    pub preview: String,
    pub waited: String,
    pub waiting: bool,
    pub updated: String,
    /// The next service-level deadline, if any.
    pub sla: Option<SlaCell>,
    /// "Snoozed until …" in the agent's time zone (empty: not snoozed).
    pub snoozed: String,
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
    saved: Vec<NavItem>,
    rows: Vec<Row>,
    /// Live chats waiting, above the list.
    chats: Vec<Row>,
    f: FormState,
    /// Whether anything narrows or reorders the view (the filter panel
    /// then starts open).
    filtered: bool,
    show: Shown,
    qs: String,
    /// The view's filters, order and columns as a query (for saving).
    spec_qs: String,
    prev: Option<String>,
    next: Option<String>,
    statuses: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    agents: Vec<(i64, String)>,
    channels: Vec<(&'static str, String)>,
    sorts: Vec<(&'static str, String)>,
    /// The language filter's choices (the detected languages, named in
    /// the agent's language).
    languages: Vec<super::pickers::Choice>,
    slas: Vec<(&'static str, String)>,
    columns: Vec<(&'static str, String, bool)>,
    views_all: Vec<(&'static str, String)>,
    /// Teams the viewer may share a view with.
    share_teams: Vec<(i64, String)>,
    /// The saved view shown, and whether the viewer may change it.
    current_saved: Option<(i64, String, bool)>,
    /// "Save this view" as typed, after a mistake.
    save: SaveForm,
}

#[derive(Template)]
#[template(path = "web/inbox_rows.html")]
struct RowsFragment {
    c: Chrome,
    rows: Vec<Row>,
    show: Shown,
}

/// The filter form's values, as strings for the template.
#[derive(Default)]
struct FormState {
    view: String,
    inbox: Option<i64>,
    team: Option<i64>,
    status: String,
    priority: String,
    channel: String,
    tag: String,
    owner: String,
    sla: String,
    sort: String,
}

impl FormState {
    fn of(spec: &ViewSpec) -> FormState {
        let s = |v: Option<&'static str>| v.unwrap_or_default().to_string();
        FormState {
            view: spec.view().as_str().to_string(),
            inbox: spec.inbox_id,
            team: spec.team_id,
            status: s(spec.status.map(|v| v.as_str())),
            priority: s(spec.priority.map(|v| v.as_str())),
            channel: s(spec.channel.map(|v| v.as_str())),
            tag: spec.tag.clone().unwrap_or_default(),
            owner: spec.owner.clone().unwrap_or_default(),
            sla: s(spec.sla.map(|v| v.as_str())),
            sort: s(spec.sort.map(|v| v.as_str())),
        }
    }
}

/// Which columns the list shows.
#[derive(Clone, Copy)]
pub struct Shown {
    pub customer: bool,
    pub status: bool,
    pub priority: bool,
    pub owner: bool,
    pub waiting: bool,
    pub due: bool,
}

impl Shown {
    fn of(spec: &ViewSpec) -> Shown {
        let cols = spec.columns();
        let has = |c| cols.contains(&c);
        // Exhaustive, so that a new column cannot be left out of the list.
        let mut show = Shown {
            customer: false,
            status: false,
            priority: false,
            owner: false,
            waiting: false,
            due: false,
        };
        for &c in Column::ALL {
            let on = has(c);
            match c {
                Column::Customer => show.customer = on,
                Column::Status => show.status = on,
                Column::Priority => show.priority = on,
                Column::Owner => show.owner = on,
                Column::Waiting => show.waiting = on,
                Column::Due => show.due = on,
            }
        }
        show
    }
}

fn filter_for(a: &Agent, spec: &ViewSpec, place: &Place, now: i64) -> Result<ListFilter> {
    let mut f = ListFilter {
        limit: PAGE,
        ..spec.filter(&a.viewer, now)?
    };
    // A cursor that does not read is the first page, as an unknown view
    // is the default one.
    let cursor = |v: &Option<String>| v.as_deref().and_then(|s| ListCursor::from_param(f.sort, s));
    f.at = match (cursor(&place.after), cursor(&place.before)) {
        (Some(k), _) => PageAt::After(k),
        (None, Some(k)) => PageAt::Before(k),
        (None, None) => PageAt::First,
    };
    Ok(f)
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
    previews: &mut HashMap<i64, String>,
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
                channel_label: super::labels::channel(&a.tr, c.channel),
                language: c.language.unwrap_or_default(),
                preview: previews
                    .remove(&c.id)
                    .map(|t| one_line(&t, 140))
                    .unwrap_or_default(),
                waited: waiting_ms.map(|ms| a.tr.duration(ms)).unwrap_or_default(),
                waiting: waiting_ms.is_some(),
                updated: a.tr.datetime(updated_ms, &a.tz),
                sla: c.sla.as_ref().map(|s| sla_cell(&a.tr, &a.tz, now, s)),
                snoozed: super::snooze::until_text(a, c.snoozed_until.as_deref()),
            }
        })
        .collect()
}

/// `text` on one line (quoted lines of mail left out), cut at `max`
/// characters as the templates' `truncate` cuts.
fn one_line(text: &str, max: usize) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .flat_map(str::split_whitespace)
        .collect();
    crate::templates::truncate(&kept.join(" "), max)
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

/// `GET /`: the inbox (with `fragment=rows`, only the table body, for live
/// refresh).
pub async fn page(State(st): State<AppState>, a: Agent, RawQuery(q): RawQuery) -> Response {
    let query = q.as_deref().unwrap_or_default();
    match build(&st, &a, query, SaveForm::default()).await {
        Ok(r) => r,
        Err(e) => error_page(&a.tr, e),
    }
}

/// The inbox for `query`, with "Save this view" as `save` holds it.
pub(super) async fn build(
    st: &AppState,
    a: &Agent,
    query: &str,
    save: SaveForm,
) -> Result<Response> {
    let (mut spec, place) = inbox_query::read(query)?;
    // Live refreshes (`fragment=rows`) come often: they read only what
    // the rows need.
    let fragment = place.fragment.as_deref() == Some("rows");
    let mut current_saved = None;
    if let Some(id) = place.saved.or(place.from_saved) {
        let v = crate::saved_views::service::get(st, &a.viewer, id).await?;
        if place.saved.is_some() {
            spec = v.spec.clone();
        }
        if !fragment {
            let editable = crate::saved_views::service::editable(st, &a.viewer, &v).await?;
            current_saved = Some((v.id, v.name, editable));
        }
    }
    let now = st.clock.now_ms();
    let view = spec.view();
    let filter = filter_for(a, &spec, &place, now)?;
    let (sort, at) = (filter.sort, filter.at);
    // `list` reads one row more than the page to know whether more follow.
    let (items, more) = crate::conversations::service::list(st, &a.viewer, filter).await?;
    // Keyset links: after the last row, before the first. A page read
    // backwards has a later page (the one it came from); whether an
    // earlier one exists is what `more` says then.
    let edge = |c: Option<&Conversation>| c.map(|c| sort.cursor_of(c).to_param(sort));
    let (first, last) = (edge(items.first()), edge(items.last()));
    let (has_prev, has_next) = match at {
        PageAt::First => (false, more),
        PageAt::After(_) => (true, more),
        PageAt::Before(_) => (more, true),
    };
    // Live chats wait on the page above the list, on the first page of
    // the views that list the desk's open work.
    let unfiltered = ViewSpec {
        view: spec.view,
        columns: spec.columns.clone(),
        ..ViewSpec::default()
    } == spec;
    let desk_work = matches!(view, InboxView::Open | InboxView::Unassigned);
    let chats =
        if !fragment && at == PageAt::First && place.saved.is_none() && unfiltered && desk_work {
            crate::conversations::service::chats_waiting(st, &a.viewer, 5).await?
        } else {
            Vec::new()
        };
    let agents = agent_names(st, a).await?;
    let names: HashMap<i64, String> = agents.iter().cloned().collect();
    let ids: Vec<i64> = items.iter().chain(&chats).map(|c| c.id).collect();
    let mut previews = crate::conversations::service::previews(st, &ids).await?;
    let show = Shown::of(&spec);
    let rows = rows(a, now, &names, &mut previews, items);
    let chats = self::rows(a, now, &names, &mut previews, chats);
    if fragment {
        return Ok(render(&RowsFragment {
            c: Chrome::agent(a, String::new(), "inbox"),
            rows,
            show,
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
    let plain = spec.inbox_id.is_none() && spec.team_id.is_none() && place.saved.is_none();
    let views = InboxView::ALL
        .iter()
        .map(|&v| NavItem {
            href: format!("/?view={v}"),
            label: super::labels::view(tr, v),
            key: v.to_string(),
            current: plain && v == view,
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
            current: place.saved.is_none() && spec.inbox_id == Some(i.id),
        })
        .collect();
    let team_nav: Vec<NavItem> = teams
        .iter()
        .map(|t| NavItem {
            href: format!("/?view={}&team={}", InboxView::DEFAULT, t.id),
            label: t.name.clone(),
            key: format!("team-{}", t.id),
            current: place.saved.is_none() && spec.team_id == Some(t.id),
        })
        .collect();
    let saved_views = crate::saved_views::service::list(st, &a.viewer).await?;
    let saved_nav: Vec<NavItem> = saved_views
        .iter()
        .map(|v| NavItem {
            href: format!("/?saved={}", v.id),
            label: v.name.clone(),
            key: format!("saved-{}", v.id),
            current: place.saved == Some(v.id),
        })
        .collect();
    let mut heading = match (&current_saved, place.saved) {
        (Some((_, name, _)), Some(_)) => name.clone(),
        _ => super::labels::view(tr, view),
    };
    if let Some(i) = spec
        .inbox_id
        .and_then(|id| inboxes.iter().find(|i| i.id == id))
    {
        heading = format!("{heading} · {}", i.name);
    }
    if let Some(t) = spec
        .team_id
        .and_then(|id| teams.iter().find(|t| t.id == id))
    {
        heading = format!("{heading} · {}", t.name);
    }
    let saved = place.saved;
    let link = |at| format!("/?{}", inbox_query::write(&spec, saved, at));
    let cols = spec.columns();
    let page = InboxPage {
        c: Chrome::agent(a, heading.clone(), "inbox"),
        heading,
        views,
        inboxes: inbox_nav,
        teams: team_nav,
        saved: saved_nav,
        rows,
        chats,
        f: FormState::of(&spec),
        filtered: !unfiltered || spec.sort.is_some(),
        show,
        qs: inbox_query::write(&spec, saved, Link::Here(&place)),
        spec_qs: inbox_query::write(&spec, None, Link::First),
        prev: first.filter(|_| has_prev).map(|k| link(Link::Before(k))),
        next: last.filter(|_| has_next).map(|k| link(Link::After(k))),
        statuses: Status::ALL
            .iter()
            .map(|&s| (s.as_str(), status_label(tr, s)))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|&p| (p.as_str(), priority_label(tr, p)))
            .collect(),
        share_teams: teams.iter().map(|t| (t.id, t.name.clone())).collect(),
        agents,
        channels: Channel::ALL
            .iter()
            .map(|&k| (k.as_str(), super::labels::channel(tr, k)))
            .collect(),
        sorts: ListSort::ALL
            .iter()
            .map(|&k| (k.as_str(), super::inbox_words::sort(tr, k)))
            .collect(),
        languages: super::pickers::languages(tr, spec.language.as_deref().unwrap_or_default()),
        slas: SlaState::ALL
            .iter()
            .map(|&k| (k.as_str(), super::inbox_words::sla_state(tr, k)))
            .collect(),
        columns: Column::ALL
            .iter()
            .map(|&k| {
                (
                    k.as_str(),
                    super::inbox_words::column(tr, k),
                    cols.contains(&k),
                )
            })
            .collect(),
        views_all: InboxView::ALL
            .iter()
            .map(|&v| (v.as_str(), super::labels::view(tr, v)))
            .collect(),
        current_saved,
        save,
    };
    Ok(super::form_errors::render_form(&page.save.errors, &page))
}
