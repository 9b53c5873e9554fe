// Over 500 lines: to be split by responsibility under issue 18 item 5 (the
// clean-up after the security merges); not split in the same change.
//! The conversation page: the whole timeline (messages, internal notes,
//! events), the composer, the controls (status, priority, owner with a
//! reason for transfers, team, tags) and the customer sidebar.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::i18n::{datetime, local_time};
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use crate::app::AppState;
use crate::conversations::model::ConversationPatch;
use crate::conversations::service::Direction;
use crate::conversations::{Conversation, Message, Priority, Status};
use crate::{Error, Result};

/// A file on a message.
pub struct FileView {
    pub id: i64,
    pub filename: String,
    pub size: String,
    pub is_image: bool,
    pub inline: bool,
}

/// One entry of the timeline.
pub struct Item {
    /// `message`, `note` or `event`.
    pub kind: &'static str,
    pub id: i64,
    pub who: String,
    /// The agent behind `who` (0: a customer or the system), for the link
    /// to their profile.
    pub who_id: i64,
    pub when: String,
    pub inbound: bool,
    pub text: String,
    pub full_text: String,
    pub has_html: bool,
    pub has_remote_images: bool,
    pub has_raw: bool,
    pub files: Vec<FileView>,
    pub delivery: String,
    pub delivery_label: String,
    pub delivery_error: String,
    pub cc: String,
    pub notes: String,
    pub reason: String,
    /// Inbound email: sender authentication badges (mechanism, verdict,
    /// translated verdict); empty when it was not checked.
    pub auth: Vec<(&'static str, &'static str, String)>,
    /// Inbound email that failed DMARC (its From may be forged).
    pub forged: bool,
    /// A conversation this event names (0: none), linked on the timeline.
    pub link: i64,
}

/// The sender-authentication badges of a message.
fn auth_badges(
    tr: &super::i18n::Tr,
    auth: Option<&crate::conversations::model::MailAuth>,
) -> Vec<(&'static str, &'static str, String)> {
    let Some(a) = auth else { return vec![] };
    [("SPF", a.spf), ("DKIM", a.dkim), ("DMARC", a.dmarc)]
        .into_iter()
        .map(|(name, v)| (name, v.as_str(), tr.t(&format!("auth-{}", v.as_str()))))
        .collect()
}

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
    pub history: Vec<(i64, String, String, String)>,
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
    /// A live chat (the visitor's typing is shown).
    is_chat: bool,
    error: Option<String>,
    warning: bool,
    draft: String,
    draft_internal: bool,
    reply_action: String,
}

fn human_size(n: i64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    }
}

fn ms(s: &str) -> i64 {
    crate::time::parse_ms(s).unwrap_or(0)
}

fn agent_id(actor: &crate::conversations::model::Actor) -> i64 {
    match (actor.kind.as_str(), actor.id) {
        ("agent", Some(id)) => id,
        _ => 0,
    }
}

fn message_item(a: &Agent, m: Message) -> Item {
    let who = m
        .author
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or(m.author.email.clone())
        .unwrap_or_else(|| a.tr.t("author-system"));
    let shown = m
        .reply_text
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| m.text.clone());
    let full_text = if shown.trim() == m.text.trim() {
        String::new()
    } else {
        m.text.clone()
    };
    Item {
        kind: if m.internal { "note" } else { "message" },
        id: m.id,
        who,
        who_id: agent_id(&m.author),
        when: datetime(ms(&m.created_at), &a.tz),
        inbound: m.direction == "in",
        text: shown,
        full_text,
        has_html: m.html.as_deref().is_some_and(|h| !h.trim().is_empty()),
        has_remote_images: m
            .html
            .as_deref()
            .is_some_and(|h| h.contains(tend_mail::BLOCKED_SRC_ATTR)),
        has_raw: m.has_raw,
        files: m
            .attachments
            .into_iter()
            .map(|f| FileView {
                id: f.id,
                is_image: f.content_type.starts_with("image/"),
                inline: f.inline,
                size: human_size(f.size),
                filename: f.filename,
            })
            .collect(),
        delivery_label: m
            .delivery_status
            .as_deref()
            .map(|d| a.tr.t(&format!("delivery-{d}")))
            .unwrap_or_default(),
        delivery: m.delivery_status.unwrap_or_default(),
        delivery_error: m.delivery_error.unwrap_or_default(),
        cc: m.cc.join(", "),
        notes: m.notes.unwrap_or_default(),
        reason: String::new(),
        auth: auth_badges(&a.tr, m.auth.as_ref()),
        forged: m.auth.as_ref().is_some_and(|x| x.dmarc_failed()),
        link: 0,
    }
}

fn event_item(
    a: &Agent,
    names: &HashMap<i64, String>,
    e: crate::conversations::Event,
) -> Option<Item> {
    let tr = &a.tr;
    let who = e
        .actor
        .name
        .clone()
        .unwrap_or_else(|| tr.t("author-system"));
    let name_of = |v: &serde_json::Value| {
        v.as_i64()
            .map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
            .unwrap_or_else(|| tr.t("assign-nobody"))
    };
    let d = &e.data;
    let text = match e.kind.as_str() {
        "message_added" | "note_added" => return None,
        "created" => tr.s(
            "event-created",
            "channel",
            d["channel"].as_str().unwrap_or(""),
        ),
        "assigned" => tr.s("event-assigned", "to", name_of(&d["to"])),
        "transferred" => tr.args(
            "event-transferred",
            &[
                ("from", name_of(&d["from"]).into()),
                ("to", name_of(&d["to"]).into()),
            ],
        ),
        "status_changed" => tr.s(
            "event-status",
            "to",
            tr.t(&format!("status-{}", d["to"].as_str().unwrap_or("open"))),
        ),
        "priority_changed" => tr.s(
            "event-priority",
            "to",
            tr.t(&format!(
                "priority-{}",
                d["to"].as_str().unwrap_or("normal")
            )),
        ),
        "tags_changed" => tr.s(
            "event-tags",
            "tags",
            d["tags"]
                .as_array()
                .map(|t| {
                    t.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
        ),
        "team_changed" => tr.t("event-team"),
        "customer_changed" => tr.t("event-customer"),
        "language_changed" => tr.s("event-language", "to", d["to"].as_str().unwrap_or("—")),
        "mail_held" => tr.s(
            "event-mail-held",
            "value",
            tr.t(&format!(
                "mail-kind-{}",
                d["kind"].as_str().unwrap_or("ack")
            )),
        ),
        "join_refused" => match d["conversation_id"].as_i64() {
            Some(n) => tr.s("event-join-refused", "id", n.to_string()),
            None => tr.t("event-join-refused-elsewhere"),
        },
        other => other.replace('_', " "),
    };
    let link = match e.kind.as_str() {
        "join_refused" => d["conversation_id"].as_i64().unwrap_or(0),
        _ => 0,
    };
    Some(Item {
        kind: "event",
        id: e.id,
        who,
        who_id: agent_id(&e.actor),
        when: datetime(ms(&e.created_at), &a.tz),
        inbound: false,
        text,
        full_text: String::new(),
        has_html: false,
        has_remote_images: false,
        has_raw: false,
        files: vec![],
        delivery: String::new(),
        delivery_label: String::new(),
        delivery_error: String::new(),
        cc: String::new(),
        notes: String::new(),
        // Transfer reasons are `{"category", "text"}`; older events hold text.
        reason: match &d["reason"] {
            serde_json::Value::Object(r) => {
                let text = r.get("text").and_then(|t| t.as_str()).unwrap_or("");
                match r.get("category").and_then(|c| c.as_str()) {
                    Some(c) if c != "other" => format!("{}: {text}", tr.t(&format!("reason-{c}"))),
                    _ => text.to_string(),
                }
            }
            // A refused join's reason is a code.
            serde_json::Value::String(code) if e.kind == "join_refused" => {
                tr.t(&format!("join-reason-{}", code.replace('_', "-")))
            }
            v => v.as_str().unwrap_or("").to_string(),
        },
        auth: vec![],
        forged: false,
        link,
    })
}

/// The page's data, for the view and for re-rendering after a failed post.
pub async fn load(st: &AppState, a: &Agent, id: i64) -> Result<ConvPage> {
    let conv: Conversation = crate::conversations::service::get(st, &a.viewer, id).await?;
    let (messages, _) =
        crate::conversations::service::messages(st, &a.viewer, id, None, 1000).await?;
    let (events, _) = crate::conversations::service::events(st, &a.viewer, id, None, 2000).await?;
    let customer = crate::customers::service::get(st, &a.viewer, conv.customer.id).await?;
    let users = crate::agents::service::list_users(st, &a.viewer).await?;
    let names: HashMap<i64, String> = users.iter().map(|u| (u.id, u.name.clone())).collect();
    let team_list = crate::agents::service::list_teams(st, &a.viewer).await?;
    // Only agents who may own this inbox's conversations are offered.
    let agents: Vec<(i64, String)> = users
        .into_iter()
        .filter(|u| u.active)
        .filter(|u| {
            u.role != crate::agents::model::Role::Agent
                || team_list
                    .iter()
                    .any(|t| t.member_ids.contains(&u.id) && t.inbox_ids.contains(&conv.inbox_id))
        })
        .map(|u| (u.id, u.name))
        .collect();
    let teams = team_list.into_iter().map(|t| (t.id, t.name)).collect();
    let last_seen = messages.iter().map(|m| m.id).max().unwrap_or(0);
    let is_chat = conv.channel == "chat";
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
        .filter(|m| m.direction == "out" && !m.internal && m.id <= visitor_read)
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
                let label = tr.t(&format!("status-{}", h.status));
                (h.id, h.subject, h.status, label)
            })
            .collect(),
    };
    Ok(ConvPage {
        c: Chrome::agent(a, format!("#{} {}", conv.id, conv.subject), "inbox"),
        conv_id: conv.id,
        subject: conv.subject,
        status: conv.status.as_str(),
        status_label: tr.t(&format!("status-{}", conv.status.as_str())),
        priority: conv.priority.as_str(),
        channel_label: tr.t(&format!("channel-{}", conv.channel)),
        assignee_id: conv.assignee_id.unwrap_or(0),
        team_id: conv.team_id.unwrap_or(0),
        tags: conv.tags.join(", "),
        items: timed.into_iter().map(|t| t.3).collect(),
        side,
        agents,
        teams,
        statuses: [
            Status::New,
            Status::Open,
            Status::Pending,
            Status::Solved,
            Status::Closed,
        ]
        .into_iter()
        .map(|s| (s.as_str(), tr.t(&format!("status-{}", s.as_str()))))
        .collect(),
        priorities: [
            Priority::Low,
            Priority::Normal,
            Priority::High,
            Priority::Urgent,
        ]
        .into_iter()
        .map(|p| (p.as_str(), tr.t(&format!("priority-{}", p.as_str()))))
        .collect(),
        reasons: [
            "skill",
            "language",
            "workload",
            "escalation",
            "shift",
            "other",
        ]
        .into_iter()
        .map(|r| (r, tr.t(&format!("reason-{r}"))))
        .collect(),
        last_seen,
        is_chat,
        error: None,
        warning: false,
        draft: String::new(),
        draft_internal: false,
        reply_action: format!(
            "/c/{id}/reply?_csrf={}&seen={last_seen}",
            super::session::url_encode(&a.csrf)
        ),
    })
}

/// `GET /c/{id}`
pub async fn page(State(st): State<AppState>, a: Agent, Path(id): Path<i64>) -> Response {
    match load(&st, &a, id).await {
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
    }
    match load(&st, &a, id).await {
        Ok(p) => render_status(
            StatusCode::OK,
            &Timeline {
                c: p.c,
                conv_id: p.conv_id,
                items: p.items,
                last_seen: p.last_seen,
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
            Ok((newer, _)) if newer.iter().any(|m| m.direction == "in") => {
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
    match crate::conversations::service::add_message(
        &st,
        &a.viewer,
        id,
        body,
        Direction::Out,
        files,
    )
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
    let show_images = q.images.as_deref() == Some("1");
    let mut html = m.html.unwrap_or_default();
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
