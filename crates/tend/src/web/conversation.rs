//! The conversation page: the whole timeline (messages, internal notes,
//! events), the composer, the controls (status, priority, owner with a
//! reason for transfers, team, tags) and the customer sidebar.
//!
//! One file (about 510 lines): the page's data is loaded once for the view
//! and for a form that comes back; the next split is the loading into a
//! module of its own.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::conversation_side::Side;
use super::labels;
use super::pages::{Chrome, error_page, render_status, see_other};
use super::session::Agent;
use super::timeline_items::{Item, Names, event_item, message_item, ms};
use crate::conversations::service::Sender;
use crate::conversations::{Conversation, Priority, Status};
use crate::routing::model::TransferCategory;
use crate::state::AppState;
use crate::vocab::{Channel, Direction};
use crate::{Error, Result};

#[derive(Template)]
#[template(path = "web/conversation.html")]
pub struct ConvPage {
    c: Chrome,
    conv_id: i64,
    subject: String,
    pub(super) status: &'static str,
    status_label: String,
    pub(super) priority: &'static str,
    channel_label: String,
    pub(super) assignee_id: i64,
    /// The owner it has now (the form may show another, as typed).
    owner_now: i64,
    pub(super) team_id: i64,
    pub(super) tags: String,
    pub(super) items: Vec<Item>,
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
    /// A mistake in the controls, beside its field.
    pub(super) errors: super::form_errors::FieldErrors,
    /// The transfer reason as typed (kept when the form comes back).
    pub(super) reason_category: String,
    pub(super) reason_text: String,
    warning: bool,
    pub(super) draft: String,
    pub(super) draft_internal: bool,
    reply_action: String,
    /// A reply just sent and still held: (its message id, seconds left to
    /// undo it).
    pub(super) undo: Option<(i64, i64)>,
    /// A notice at the composer (a reply taken back).
    pub(super) notice: Option<String>,
    /// Service levels: which policy applies and why, and its clocks.
    sla: Option<super::sla_panel::SlaPanel>,
    /// The rules on this conversation (admins and supervisors; only on
    /// the page itself, not its live-refreshed parts).
    automations: Option<super::automations_panel::AutomationsPanel>,
    /// A draft article just made from this conversation (`kb_picker`).
    drafted: Option<i64>,
    /// Its remedies (in the live-refreshed part) and the form's kinds.
    pub(super) remedies: super::remedies::RemediesPanel,
    /// The "Problem" panel (only on the page itself).
    problem: Option<super::problems::ProblemPanel>,
    pub(super) snooze: super::snooze::SnoozePanel,
    /// Merge, and the related conversations (only on the page itself).
    pub(super) combine: Option<super::combine::CombinePanel>,
    /// Merged away: the page leads to the survivor.
    merged_into: Option<i64>,
    /// Side conversations with third parties (only on the page itself).
    pub(super) sides: Option<super::side_conversations::SidePanel>,
    /// The reply's CC and BCC, offered when the conversation is answered
    /// by mail.
    may_copy: bool,
    pub(super) copies: super::side_conversations::ReplyCopies,
    /// The largest upload (bytes), for the composer's inline images.
    upload_limit: usize,
    /// The channel's reply window, and the templates outside it.
    pub(super) window: Option<super::reply_window::WindowPanel>,
    /// The pictures the draft's text shows (`composer::pictures`).
    pub(super) pictures: Vec<crate::conversations::draft_images::DraftImage>,
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
    let users = crate::agents::service::list_users(st, &a.viewer).await?;
    let team_list = crate::agents::service::list_teams(st, &a.viewer).await?;
    let inbox_list = crate::inboxes::service::visible_inboxes(st, &a.viewer).await?;
    let surveys = crate::surveys::service::of_conversation(st, &a.viewer, id).await?;
    let names = Names {
        users: users.iter().map(|u| (u.id, u.name.clone())).collect(),
        teams: team_list.iter().map(|t| (t.id, t.name.clone())).collect(),
        inboxes: inbox_list.iter().map(|i| (i.id, i.name.clone())).collect(),
        comments: surveys
            .into_iter()
            .filter_map(|s| Some((s.id, s.comment?)))
            .collect(),
    };
    // Email: where each message went.
    let (inbox_address, customer_address) = if conv.channel == Channel::Email {
        (
            inbox_list
                .iter()
                .find(|i| i.id == conv.inbox_id)
                .and_then(|i| i.address.clone())
                .unwrap_or_default(),
            conv.customer.email.clone().unwrap_or_default(),
        )
    } else {
        Default::default()
    };
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
        if item.kind == "message" {
            item.to = if item.inbound {
                inbox_address.clone()
            } else {
                customer_address.clone()
            };
            // The customer's words are in the conversation's language
            // (for screen readers, fonts and line breaking).
            if item.inbound {
                item.lang = conv.language.clone().unwrap_or_default();
            }
        }
        if Some(mid) == seen_mid && item.delivery.is_empty() {
            item.delivery = "seen".into();
            item.delivery_label = a.tr.t("chat-seen");
        }
        timed.push((t, 1, mid, item));
    }
    for e in events {
        let t = ms(&e.created_at);
        let eid = e.id;
        // At the same instant, the opening comes before the first
        // message, and other events after the message that caused them.
        let rank = if e.kind == crate::vocab::EventKind::Created {
            0
        } else {
            2
        };
        if let Some(item) = event_item(a, &names, e) {
            timed.push((t, rank, eid, item));
        }
    }
    timed.sort_by_key(|(t, k, i, _)| (*t, *k, *i));
    let tr = &a.tr;
    let now = st.clock.now_ms();
    let sla = super::sla_panel::sla_panel(st, a, &conv).await?;
    let remedies = super::remedies::panel(st, a, id).await?;
    let snooze = super::snooze::panel(a, &conv, now);
    let side = super::conversation_side::side(st, a, conv.customer.id, id, now).await?;
    let window = super::reply_window::panel(st, a, &conv).await?;
    Ok(ConvPage {
        c: Chrome::agent(a, format!("#{} {}", conv.id, conv.subject), "inbox"),
        conv_id: conv.id,
        subject: conv.subject,
        status: conv.status.as_str(),
        status_label: labels::status(tr, conv.status),
        priority: conv.priority.as_str(),
        channel_label: labels::channel(tr, conv.channel),
        assignee_id: conv.assignee_id.unwrap_or(0),
        owner_now: conv.assignee_id.unwrap_or(0),
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
        errors: super::form_errors::FieldErrors::none(),
        reason_category: String::new(),
        reason_text: String::new(),
        warning: false,
        draft: String::new(),
        draft_internal: false,
        undo: None,
        notice: None,
        reply_action: format!(
            "/c/{id}/reply?_csrf={}&seen={last_seen}",
            super::session::url_encode(&a.csrf)
        ),
        sla,
        automations: None,
        drafted: None,
        remedies,
        problem: None,
        snooze,
        combine: None,
        merged_into: conv.merged_into,
        sides: None,
        may_copy: conv.channel.answered_by_mail(),
        copies: Default::default(),
        upload_limit: st.config.max_attachment_bytes,
        window,
        pictures: Vec::new(),
    })
}

/// `?messages=N`: how many of the newest messages to show.
#[derive(Deserialize)]
pub struct PageQuery {
    messages: Option<i64>,
    /// The draft article just made from it (a notice says so).
    kb_draft: Option<i64>,
    /// A reply just sent, that may still be undone.
    sent: Option<i64>,
    /// A reply was just taken back.
    undone: Option<u8>,
    /// A message's "Forward" link: the side conversation form, filled in.
    forward: Option<i64>,
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
        if let Some(into) = p.merged_into {
            return Ok(Err(into));
        }
        p.drafted = q.kb_draft;
        super::composer::prepare(&st, &a, &mut p, id, q.sent, q.undone.is_some()).await?;
        p.combine = Some(super::combine::panel(&st, &a, id).await?);
        let mut sides = super::side_conversations::panel(&st, &a, id, &p.items).await?;
        if let Some(m) = q.forward {
            sides.forward(m, &p.subject);
        }
        p.sides = Some(sides);
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
        Ok::<_, Error>(Ok(p))
    }
    .await;
    match page {
        Ok(Ok(p)) => render_status(StatusCode::OK, &p),
        // An old link to a merged conversation leads to the one it became.
        Ok(Err(into)) => super::redirect::permanent(&format!("/c/{into}")),
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
        pub(super) remedies: super::remedies::RemediesPanel,
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

pub(super) async fn again(
    st: &AppState,
    a: &Agent,
    id: i64,
    status: StatusCode,
    f: impl FnOnce(&mut ConvPage),
) -> Response {
    match load(st, a, id).await {
        Ok(mut p) => {
            f(&mut p);
            // The text shown again shows its pictures too.
            match super::composer::pictures(st, a, id, &p.draft).await {
                Ok(pictures) => p.pictures = pictures,
                Err(e) => return error_page(&a.tr, e),
            }
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
    /// `solve`: "Send and solve".
    then: Option<String>,
    /// The inbox view the agent came from (its query string), for the
    /// next conversation after solving.
    back: Option<String>,
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
    let (body, mut files) = match crate::conversations::api::read_multipart(&st, req).await {
        Ok(x) => x,
        Err(e) => return error_page(&a.tr, e),
    };
    // The pictures the text shows that the form did not carry again.
    if let Err(e) = super::composer::fill_pictures(&st, &a, id, &body, &mut files).await {
        return error_page(&a.tr, e);
    }
    // Only typed text is held back: an empty box answers that it is
    // empty, not that the customer wrote again.
    let typed = body.text.as_deref().is_some_and(|t| !t.trim().is_empty());
    if q.confirm.is_none()
        && !body.internal
        && typed
        && let Some(seen) = q.seen
    {
        match crate::conversations::service::messages(&st, &a.viewer, id, Some(seen), 50).await {
            Ok((newer, _)) if newer.iter().any(|m| m.direction == Direction::In) => {
                super::composer::keep_pictures_of(&st, &a, id, &files).await;
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
    let (cc, bcc) = (body.cc.clone(), body.bcc.clone());
    let carried = super::composer::inline_of(&files);
    // "Send and solve" leaves the page (and its Undo) at once, and the
    // survey the solve sends must not overtake the reply: it goes now.
    let solving = q.then.as_deref() == Some("solve");
    let hold = if internal || solving {
        0
    } else {
        super::composer::hold_ms(&st)
    };
    match crate::conversations::service::add_message_held(
        &st,
        &a.viewer,
        id,
        body,
        Sender::Out,
        files,
        hold,
    )
    .await
    {
        Ok(_) if solving => {
            super::composer::solve_and_move_on(&st, &a, id, q.back.as_deref().unwrap_or("")).await
        }
        Ok(m) if hold > 0 && m.delivery_status == Some(crate::vocab::DeliveryStatus::Queued) => {
            see_other(&format!("/c/{id}?sent={}#m{}", m.id, m.id))
        }
        Ok(m) => see_other(&format!("/c/{id}#m{}", m.id)),
        Err(Error::Invalid { message, field }) => {
            super::composer::keep_pictures_of(&st, &a, id, &carried).await;
            let copies = super::side_conversations::ReplyCopies::typed(&a, &cc, &bcc, &field);
            // An inline image that is no picture: said beside the box.
            let image = (field == crate::conversations::formatted::INLINE_FIELD)
                .then(|| a.tr.t("composer-image-type"));
            again(&st, &a, id, StatusCode::UNPROCESSABLE_ENTITY, |p| {
                if let Some(image) = image {
                    p.errors = super::form_errors::FieldErrors::on(field, image);
                } else if copies.error.is_none() {
                    p.error = Some(super::form_errors::words(&a.tr, &field, &message));
                }
                p.copies = copies;
                p.draft = draft;
                p.draft_internal = internal;
            })
            .await
        }
        Err(e) => error_page(&a.tr, e),
    }
}
