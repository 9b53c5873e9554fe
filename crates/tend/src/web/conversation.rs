//! The conversation page: the whole timeline (messages, internal notes,
//! events), the composer, the controls (status, priority, owner with a
//! reason for transfers, team, tags) and the customer sidebar.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::i18n::{datetime, local_time};
use super::labels;
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use super::timeline_items::{Item, event_item, message_item, ms};
use crate::conversations::model::ConversationPatch;
use crate::conversations::service::Sender;
use crate::conversations::{Conversation, Priority, Status};
use crate::routing::model::TransferCategory;
use crate::state::AppState;
use crate::vocab::{Channel, Direction};
use crate::{Error, Result};

/// The customer sidebar.
pub struct Side {
    pub id: i64,
    pub name: String,
    pub emails: Vec<String>,
    pub language: String,
    pub organization: String,
    pub local_time: String,
    pub first_seen: String,
    pub contacts: i64,
    pub history: Vec<(i64, String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "web/conversation.html")]
pub struct ConvPage {
    c: Chrome,
    conv_id: i64,
    subject: String,
    status: &'static str,
    status_label: String,
    priority: &'static str,
    channel_label: String,
    assignee_id: i64,
    team_id: i64,
    tags: String,
    items: Vec<Item>,
    side: Side,
    agents: Vec<(i64, String)>,
    teams: Vec<(i64, String)>,
    statuses: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
    last_seen: i64,
    /// The link to a page with earlier messages too (empty: all are shown).
    earlier: String,
    /// A live chat (the visitor's typing is shown).
    is_chat: bool,
    error: Option<String>,
    warning: bool,
    draft: String,
    draft_internal: bool,
    reply_action: String,
    /// Service levels: which policy applies and why, and its clocks.
    sla: Option<super::sla_panel::SlaPanel>,
    /// The rules on this conversation (admins and supervisors; only on
    /// the page itself, not its live-refreshed parts).
    automations: Option<super::automations_panel::AutomationsPanel>,
    /// A draft article just made from this conversation (`kb_picker`).
    drafted: Option<i64>,
    /// Its remedies (in the live-refreshed part) and the form's kinds.
    remedies: super::remedies::RemediesPanel,
    /// The "Problem" panel (only on the page itself).
    problem: Option<super::problems::ProblemPanel>,
}

/// The page's data, for the view and for re-rendering after a failed post.
pub async fn load(st: &AppState, a: &Agent, id: i64) -> Result<ConvPage> {
    load_window(st, a, id, PAGE_MESSAGES).await
}

/// Messages a conversation page shows at first: the newest ones.
pub const PAGE_MESSAGES: i64 = 200;
/// Most messages one page shows however far back the reader asks.
const MAX_PAGE_MESSAGES: i64 = 20_000;

/// The page with the newest `window` messages (and the events since the
/// first of them); a link shows twice as many.
pub async fn load_window(st: &AppState, a: &Agent, id: i64, window: i64) -> Result<ConvPage> {
    let window = window.clamp(1, MAX_PAGE_MESSAGES);
    let conv: Conversation = crate::conversations::service::get(st, &a.viewer, id).await?;
    let crate::conversations::service::Tail {
        messages,
        events,
        earlier,
    } = crate::conversations::service::tail(st, &a.viewer, id, window).await?;
    let earlier = if earlier {
        format!(
            "/c/{id}?messages={}#timeline",
            (window * 2).min(MAX_PAGE_MESSAGES)
        )
    } else {
        String::new()
    };
    let customer = crate::customers::service::get(st, &a.viewer, conv.customer.id).await?;
    let users = crate::agents::service::list_users(st, &a.viewer).await?;
    let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let team_list = crate::agents::service::list_teams(st, &a.viewer).await?;
    // Only agents who may own this inbox's conversations are offered.
    let agents: Vec<(i64, String)> = users
        .into_iter()
        .filter(|u| {
            let team_sees = team_list
                .iter()
                .any(|t| t.member_ids.contains(&u.id) && t.inbox_ids.contains(&conv.inbox_id));
            crate::agents::service::may_own(u, team_sees)
        })
        .map(|u| (u.id, u.name))
        .collect();
    let teams = team_list.into_iter().map(|t| (t.id, t.name)).collect();
    let last_seen = messages.iter().map(|m| m.id).max().unwrap_or(0);
    let is_chat = conv.channel == Channel::Chat;
    // Chats: the agent has now read the visitor's messages (a read receipt
    // for the widget), and the visitor's own read mark shows as "seen".
    let visitor_read = if is_chat {
        crate::channels::chat::service::agent_read(st, id, last_seen).await?;
        crate::channels::chat::service::read_marks(st, id)
            .await?
            .map_or(0, |(v, _)| v)
    } else {
        0
    };
    let seen_mid = messages
        .iter()
        .filter(|m| m.direction == Direction::Out && !m.internal && m.id <= visitor_read)
        .map(|m| m.id)
        .max();
    let mut timed: Vec<(i64, u8, i64, Item)> = Vec::new();
    for m in messages {
        let t = ms(&m.created_at);
        let mid = m.id;
        let mut item = message_item(a, m);
        if Some(mid) == seen_mid && item.delivery.is_empty() {
            item.delivery = "seen".into();
            item.delivery_label = a.tr.t("chat-seen");
        }
        timed.push((t, 0, mid, item));
    }
    for e in events {
        let t = ms(&e.created_at);
        let eid = e.id;
        if let Some(item) = event_item(a, &names, e) {
            timed.push((t, 1, eid, item));
        }
    }
    timed.sort_by_key(|(t, k, i, _)| (*t, *k, *i));
    let tr = &a.tr;
    let now = st.clock.now_ms();
    let sla = super::sla_panel::sla_panel(st, a, &conv).await?;
    let remedies = super::remedies::panel(st, a, id).await?;
    let side = Side {
        id: customer.id,
        name: customer.name.clone().unwrap_or_default(),
        emails: customer.emails.clone(),
        language: customer.language.clone().unwrap_or_default(),
        organization: customer
            .organization
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        local_time: customer
            .timezone
            .as_deref()
            .and_then(|tz| local_time(now, tz))
            .unwrap_or_default(),
        first_seen: datetime(ms(&customer.first_seen_at), &a.tz),
        contacts: customer.conversation_count,
        history: customer
            .conversations
            .unwrap_or_default()
            .into_iter()
            .filter(|h| h.id != id)
            .take(50)
            .map(|h| {
                let label = labels::status(tr, h.status);
                (h.id, h.subject, h.status.as_str(), label)
            })
            .collect(),
    };
    Ok(ConvPage {
        c: Chrome::agent(a, format!("#{} {}", conv.id, conv.subject), "inbox"),
        conv_id: conv.id,
        subject: conv.subject,
        status: conv.status.as_str(),
        status_label: labels::status(tr, conv.status),
        priority: conv.priority.as_str(),
        channel_label: labels::channel(tr, conv.channel),
        assignee_id: conv.assignee_id.unwrap_or(0),
        team_id: conv.team_id.unwrap_or(0),
        tags: conv.tags.join(", "),
        items: timed.into_iter().map(|t| t.3).collect(),
        side,
        agents,
        teams,
        statuses: Status::ALL
            .iter()
            .map(|&s| (s.as_str(), labels::status(tr, s)))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|&p| (p.as_str(), labels::priority(tr, p)))
            .collect(),
        reasons: TransferCategory::ALL
            .iter()
            .map(|&r| (r.as_str(), tr.t(labels::transfer_category_key(r))))
            .collect(),
        last_seen,
        earlier,
        is_chat,
        error: None,
        warning: false,
        draft: String::new(),
        draft_internal: false,
        reply_action: format!(
            "/c/{id}/reply?_csrf={}&seen={last_seen}",
            super::session::url_encode(&a.csrf)
        ),
        sla,
        automations: None,
        drafted: None,
        remedies,
        problem: None,
    })
}

/// `?messages=N`: how many of the newest messages to show.
#[derive(Deserialize)]
pub struct PageQuery {
    messages: Option<i64>,
    /// The draft article just made from it (a notice says so).
    kb_draft: Option<i64>,
}

/// `GET /c/{id}`
pub async fn page(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> Response {
    let page = async {
        let mut p = load_window(&st, &a, id, q.messages.unwrap_or(PAGE_MESSAGES)).await?;
        p.drafted = q.kb_draft;
        // Like the automations section: when it cannot, the page still serves.
        p.problem = super::problems::panel(&st, &a, id)
            .await
            .map(Some)
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, conversation_id = id, "the problem panel failed");
                None
            });
        // The section explains; when it cannot, the page still serves.
        p.automations = super::automations_panel::panel(&st, &a, id)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, conversation_id = id, "the automations section failed");
                None
            });
        Ok::<_, Error>(p)
    }
    .await;
    match page {
        Ok(p) => render_status(StatusCode::OK, &p),
        Err(e) => error_page(&a.tr, e),
    }
}

/// `GET /c/{id}/timeline`: only the timeline (live refresh).
pub async fn timeline(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    #[derive(Template)]
    #[template(path = "web/timeline.html")]
    struct Timeline {
        c: Chrome,
        conv_id: i64,
        items: Vec<Item>,
        last_seen: i64,
        earlier: String,
        remedies: super::remedies::RemediesPanel,
    }
    match load(&st, &a, id).await {
        Ok(p) => render_status(
            StatusCode::OK,
            &Timeline {
                c: p.c,
                conv_id: p.conv_id,
                items: p.items,
                last_seen: p.last_seen,
                earlier: p.earlier,
                remedies: p.remedies,
            },
        ),
        Err(e) => error_page(&a.tr, e),
    }
}

async fn again(
    st: &AppState,
    a: &Agent,
    id: i64,
    status: StatusCode,
    f: impl FnOnce(&mut ConvPage),
) -> Response {
    match load(st, a, id).await {
        Ok(mut p) => {
            f(&mut p);
            render_status(status, &p)
        }
        Err(e) => error_page(&a.tr, e),
    }
}

/// The page again with an error at its head (a form that failed).
pub(super) async fn again_with_error(
    st: &AppState,
    a: &Agent,
    id: i64,
    status: StatusCode,
    message: String,
) -> Response {
    again(st, a, id, status, |p| p.error = Some(message)).await
}

#[derive(Deserialize)]
pub struct ReplyQuery {
    seen: Option<i64>,
    confirm: Option<String>,
}

/// `POST /c/{id}/reply` (multipart: `text`, `internal`, files). When a
/// customer message arrived after the page was loaded (`seen`), the reply
/// is not sent: the page comes back with the new message, a warning and the
/// draft, and sending again confirms.
pub async fn reply(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Query(q): Query<ReplyQuery>,
    req: Request,
) -> Response {
    // Files only for conversations the agent may see: ask before the body
    // is read (the service asks again before it stores them).
    if let Err(e) = crate::conversations::service::get(&st, &a.viewer, id).await {
        return error_page(&a.tr, e);
    }
    let (body, files) = match crate::conversations::api::read_multipart(&st, req).await {
        Ok(x) => x,
        Err(e) => return error_page(&a.tr, e),
    };
    if q.confirm.is_none()
        && !body.internal
        && let Some(seen) = q.seen
    {
        match crate::conversations::service::messages(&st, &a.viewer, id, Some(seen), 50).await {
            Ok((newer, _)) if newer.iter().any(|m| m.direction == Direction::In) => {
                let draft = body.text.clone().unwrap_or_default();
                return again(&st, &a, id, StatusCode::CONFLICT, |p| {
                    p.warning = true;
                    p.draft = draft;
                    p.reply_action = format!("{}&confirm=1", p.reply_action);
                })
                .await;
            }
            Ok(_) => {}
            Err(e) => return error_page(&a.tr, e),
        }
    }
    let internal = body.internal;
    let draft = body.text.clone().unwrap_or_default();
    match crate::conversations::service::add_message(&st, &a.viewer, id, body, Sender::Out, files)
        .await
    {
        Ok(m) => see_other(&format!("/c/{id}#m{}", m.id)),
        Err(Error::Invalid { message, .. }) => {
            again(&st, &a, id, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                p.error = Some(message);
                p.draft = draft;
                p.draft_internal = internal;
            })
            .await
        }
        Err(e) => error_page(&a.tr, e),
    }
}

#[derive(Deserialize)]
pub struct UpdateForm {
    status: Option<String>,
    priority: Option<String>,
    assignee: Option<String>,
    team: Option<String>,
    tags: Option<String>,
    reason_category: Option<String>,
    reason: Option<String>,
}

/// `POST /c/{id}/update`: the controls. Changing the owner of an assigned
/// conversation is a transfer and needs a reason (category and words).
pub async fn update(
    State(st): State<AppState>,
    a: Agent,
    Path(id): Path<i64>,
    Form(f): Form<UpdateForm>,
) -> Response {
    let conv = match crate::conversations::service::get(&st, &a.viewer, id).await {
        Ok(c) => c,
        Err(e) => return error_page(&a.tr, e),
    };
    let mut patch = ConversationPatch::default();
    if let Some(s) = f
        .status
        .filter(|s| !s.is_empty() && *s != conv.status.as_str())
    {
        patch.status = Some(s);
    }
    if let Some(p) = f
        .priority
        .filter(|p| !p.is_empty() && *p != conv.priority.as_str())
    {
        patch.priority = Some(p);
    }
    let parse_id = |v: Option<String>| -> Option<Option<i64>> {
        let v = v?;
        match v.as_str() {
            "" => None,
            "none" | "0" => Some(None),
            "me" => Some(Some(a.id)),
            other => other.parse::<i64>().ok().map(Some),
        }
    };
    if let Some(to) = parse_id(f.assignee).filter(|to| *to != conv.assignee_id) {
        patch.assignee_id = Some(to);
    }
    if let Some(to) = parse_id(f.team).filter(|to| *to != conv.team_id) {
        patch.team_id = Some(to);
    }
    if let Some(tags) = f.tags {
        let list: Vec<String> = tags
            .split([',', '\n'])
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if list != conv.tags {
            patch.tags = Some(list);
        }
    }
    let words = f.reason.unwrap_or_default().trim().to_string();
    let category = f.reason_category.unwrap_or_default();
    if !words.is_empty() {
        use crate::routing::model::{StructuredReason, TransferReasonInput};
        patch.reason = Some(if category.is_empty() {
            TransferReasonInput::Text(words)
        } else {
            TransferReasonInput::Structured(StructuredReason {
                category,
                text: words,
            })
        });
    }
    match crate::conversations::service::update(&st, &a.viewer, id, patch).await {
        Ok(_) => see_other(&format!("/c/{id}")),
        Err(Error::Invalid { field, message }) => {
            let msg = if field == "reason" {
                a.tr.t("transfer-needs-reason")
            } else {
                message
            };
            again(&st, &a, id, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                p.error = Some(msg)
            })
            .await
        }
        Err(Error::Conflict { message, .. }) => {
            again(&st, &a, id, StatusCode::CONFLICT, |p| {
                p.error = Some(message)
            })
            .await
        }
        Err(e) => error_page(&a.tr, e),
    }
}
