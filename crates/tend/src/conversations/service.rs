// Over 500 lines: to be split by responsibility under issue 18 item 5 (the
// clean-up after the security merges); not split in the same change.
//! Conversation use cases. Each change runs in one transaction that also
//! appends its events; events are published on the bus after the commit.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::{EmailAddress, parse_name};
use crate::app::{AppState, BusEvent};
use crate::attachments::Upload;
use crate::customers::model::parse_language;
use crate::{Error, Result};

pub use super::inbound::set_delivery_in;
use super::model::{
    Attachment, Conversation, ConversationPatch, Counts, ListFilter, Message, NewConversation,
    NewMessage,
};
pub use super::repo::AttachmentMeta;
use super::repo::{self, ConvRow, EventActor, NewMessageRow, NewRow};
use super::status::{Priority, Status, parse_channel};
use super::validate::{parse_body, parse_subject, parse_tags, validate_patch};

/// Collects the events of one transaction, to publish after commit.
pub(super) struct Timeline {
    conversation_id: i64,
    inbox_id: i64,
    now: i64,
    pub(super) added: Vec<BusEvent>,
}

impl Timeline {
    pub(super) fn new(conversation_id: i64, inbox_id: i64, now: i64) -> Self {
        Timeline {
            conversation_id,
            inbox_id,
            now,
            added: Vec::new(),
        }
    }

    pub(super) async fn add(
        &mut self,
        c: &mut AnyConnection,
        kind: &'static str,
        actor: &EventActor,
        data: Value,
    ) -> Result<()> {
        let id = repo::insert_event(c, self.conversation_id, kind, actor, &data, self.now).await?;
        self.record(id, kind);
        Ok(())
    }

    /// Notes an appended event, to publish after the commit.
    fn record(&mut self, event_id: i64, kind: &'static str) {
        self.added.push(BusEvent {
            event_id,
            conversation_id: self.conversation_id,
            inbox_id: self.inbox_id,
            kind,
            chat: None,
        });
    }

    /// A new conversation's `created` event, its first message `m` and the
    /// `message_added` event (`added`: its data without `message_id`, all
    /// of whose keys sort before it), in this order; answers the message
    /// id. One round trip on SQLite, two on PostgreSQL.
    pub(super) async fn open_with(
        &mut self,
        c: &mut AnyConnection,
        m: &NewMessageRow<'_>,
        created: (&EventActor, Value),
        added: (&EventActor, Value),
    ) -> Result<i64> {
        if crate::db::is_postgres(c) {
            let mid = repo::insert_message(c, m).await?;
            let (by, mut data) = added;
            data["message_id"] = json!(mid);
            self.add_all(
                c,
                &[
                    ("created", created.0, created.1),
                    ("message_added", by, data),
                ],
            )
            .await?;
            return Ok(mid);
        }
        let (mid, ids) =
            repo::insert_opening_sqlite(c, m, (created.0, &created.1), (added.0, &added.1)).await?;
        for (event_id, kind) in ids.into_iter().zip(["created", "message_added"]) {
            self.record(event_id, kind);
        }
        Ok(mid)
    }

    /// Appends several events in one statement (one round trip for the
    /// single SQLite writer instead of one per event), in this order.
    pub(super) async fn add_all(
        &mut self,
        c: &mut AnyConnection,
        events: &[(&'static str, &EventActor, Value)],
    ) -> Result<()> {
        let rows: Vec<(&str, &EventActor, &Value)> =
            events.iter().map(|(k, a, d)| (*k, *a, d)).collect();
        let ids = repo::insert_events(c, self.conversation_id, &rows, self.now).await?;
        if ids.len() != events.len() {
            return Err(Error::Internal(anyhow::anyhow!(
                "{} events written, {} ids returned",
                events.len(),
                ids.len()
            )));
        }
        for (id, (kind, _, _)) in ids.into_iter().zip(events) {
            self.record(id, kind);
        }
        Ok(())
    }
}

pub(super) fn actor_of(viewer: &Viewer) -> EventActor {
    match viewer.user_id {
        Some(id) => EventActor {
            kind: "agent",
            id: Some(id),
        },
        None => EventActor {
            kind: "system",
            id: None,
        },
    }
}

pub(super) fn publish(st: &AppState, events: Vec<BusEvent>) {
    for e in events {
        // No subscriber is fine: nobody is watching.
        let _ = st.bus.send(e);
    }
}

/// Creates a conversation with its first (customer) message.
pub async fn create(
    st: &AppState,
    viewer: &Viewer,
    input: NewConversation,
) -> Result<Conversation> {
    create_with_files(st, viewer, input, Vec::new()).await
}

/// [`create`] with files on the first message (the contact form). The
/// files must already be in the attachment store (`st.files.put`), so that
/// a committed row always has its file.
pub async fn create_with_files(
    st: &AppState,
    viewer: &Viewer,
    input: NewConversation,
    files: Vec<AttachmentMeta>,
) -> Result<Conversation> {
    let subject = parse_subject(&input.subject)?;
    let email = EmailAddress::parse("customer.email", &input.customer.email)?;
    let name = input
        .customer
        .name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| parse_name("customer.name", n, 200))
        .transpose()?;
    let (text, html) = parse_body(
        "message.text",
        input.message.text.as_deref(),
        input.message.html.as_deref(),
    )?;
    let channel = parse_channel(input.channel.as_deref().unwrap_or("api"))?;
    let priority = input
        .priority
        .as_deref()
        .map(Priority::parse)
        .transpose()?
        .unwrap_or(Priority::Normal);
    let tags = parse_tags(input.tags.as_deref().unwrap_or_default())?;
    let language = input
        .language
        .as_deref()
        .map(|l| parse_language("language", l))
        .transpose()?;
    // Skills-first routing matches agents by language: detect it (outside
    // the write) when the inbox routes that way and none was given.
    let detected = match &language {
        None if crate::routing::service::wants_language(st, input.inbox_id).await? => {
            tend_mail::detect_language(&text).map(str::to_string)
        }
        _ => None,
    };
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let inbox_id = input.inbox_id;
    let default_inbox = st.default_inbox;

    let (id, created, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let inbox_id = match inbox_id {
                    Some(i) => {
                        if !viewer2.sees_inbox(c, i).await? {
                            return Err(Error::invalid("inbox_id", format!("there is no inbox {i} you may use")));
                        }
                        i
                    }
                    // Without `inbox_id`: the default inbox, but only for
                    // callers who may see it. An agent whose teams were not
                    // granted it must name one of their own inboxes; Tend
                    // does not guess among them.
                    None if viewer2.sees_all() => default_inbox,
                    None => {
                        if !viewer2.sees_inbox(c, default_inbox).await? {
                            return Err(Error::invalid(
                                "inbox_id",
                                "you may not use the default inbox; name one of your inboxes in inbox_id",
                            ));
                        }
                        default_inbox
                    }
                };
                let (customer_id, known) = crate::customers::service::find_or_create_in(
                    c,
                    &email,
                    name.as_deref(),
                    language.as_deref(),
                    now,
                )
                .await?;
                let row = NewRow {
                    inbox_id,
                    customer_id,
                    subject: &subject,
                    priority,
                    channel: &channel,
                    tags: &tags,
                    language: language.as_deref().or(detected.as_deref()),
                    customer_email: Some(email.as_str()),
                    now,
                };
                let id = repo::insert(c, &row).await?;
                let mut tl = Timeline::new(id, inbox_id, now);
                let mid = tl.open_with(
                    c,
                    &NewMessageRow {
                        conversation_id: id,
                        direction: "in",
                        internal: false,
                        author_kind: "customer",
                        author_id: Some(customer_id),
                        author_name: name.as_deref(),
                        author_email: Some(email.as_str()),
                        text: &text,
                        html: html.as_deref(),
                        message_id: None,
                        delivery_status: None,
                        now,
                        email: Default::default(),
                    },
                    (
                        &actor_of(&viewer2),
                        json!({"subject": subject, "channel": channel, "inbox_id": inbox_id,
                               "customer_id": customer_id, "priority": priority.as_str(), "tags": tags}),
                    ),
                    (
                        &EventActor { kind: "customer", id: Some(customer_id) },
                        json!({"direction": "in", "attachments": files.len()}),
                    ),
                )
                .await?;
                for f in &files {
                    repo::insert_attachment(c, mid, f, now).await?;
                }
                let routed = super::ownership::route_created_in(c, &mut tl, id, inbox_id, now).await?;
                // The answer, as `get` would read it after the commit: from
                // what was just written (the routed row when routing changed
                // it), or read after the commit when the customer's details
                // are not known here.
                let created = match (routed, known) {
                    (Some(row), _) => Some(row),
                    (None, Some(k)) => Some(ConvRow::inserted(id, &row, k)),
                    (None, None) => None,
                };
                Ok((id, created, tl.added))
            })
        })
        .await?;
    metrics::counter!("tend_conversations_created_total").increment(1);
    metrics::counter!("tend_messages_created_total").increment(1);
    publish(st, events);
    match created {
        Some(row) => Ok(row.into_conversation()),
        // The creator gets what they created even if their teams cannot see its inbox.
        None => get(st, &Viewer::system(), id).await,
    }
}

/// One conversation the viewer may see.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<Conversation> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .map(ConvRow::into_conversation)
        .ok_or(Error::NotFound("conversation"))
}

/// Conversations the viewer may see, newest first; returns one page and
/// whether more follow.
pub async fn list(
    st: &AppState,
    viewer: &Viewer,
    mut filter: ListFilter,
) -> Result<(Vec<Conversation>, bool)> {
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut c = st.db.pool().acquire().await?;
    let mut rows = repo::list(&mut c, viewer, &filter).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((
        rows.into_iter().map(ConvRow::into_conversation).collect(),
        more,
    ))
}

/// Per-view counts under the viewer's access.
pub async fn counts(st: &AppState, viewer: &Viewer) -> Result<Counts> {
    let mut c = st.db.pool().acquire().await?;
    repo::counts(&mut c, viewer).await
}

/// Applies the side effects of entering `to` on the row.
pub(super) fn enter_status(row: &mut ConvRow, to: Status, now: i64) {
    let from = row.status();
    if from.is_reopen(to) {
        row.reopen_count += 1;
    }
    match to {
        Status::Solved => {
            row.solved_at = Some(now);
            row.waiting_since = None;
        }
        Status::Closed => {
            row.closed_at = Some(now);
            row.waiting_since = None;
        }
        Status::Pending => row.waiting_since = None,
        Status::New | Status::Open => {}
    }
    row.status = to.as_str().to_string();
}

/// Changes status, priority, owner, team, tags, customer or language.
/// Moving an owned conversation to another owner is a transfer and needs a reason.
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    patch: ConversationPatch,
) -> Result<Conversation> {
    let p = validate_patch(patch)?;
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let mut row = repo::get_for_update(c, &viewer2, id).await?.ok_or(Error::NotFound("conversation"))?;
                let before = row.clone();
                let actor = actor_of(&viewer2);
                let by = if actor.kind == "agent" { "agent" } else { "system" };
                let mut tl = Timeline::new(id, row.inbox_id, now);

                if let Some(to) = p.status {
                    let from = row.status();
                    from.check_transition(to)?;
                    if from != to {
                        enter_status(&mut row, to, now);
                        tl.add(c, "status_changed", &actor, json!({"from": from.as_str(), "to": to.as_str()})).await?;
                    }
                }
                if let Some(to) = p.assignee_id
                    && to != row.assignee_id
                {
                    if let Some(uid) = to {
                        let user = crate::agents::service::user_in(c, uid)
                            .await
                            .map_err(|_| Error::invalid("assignee_id", format!("there is no user {uid}")))?;
                        if !crate::agents::service::may_work_inbox(c, &user, row.inbox_id).await? {
                            return Err(Error::invalid(
                                "assignee_id",
                                format!("{} cannot work inbox {}; grant one of their teams access first", user.name, row.inbox_id),
                            ));
                        }
                    }
                    match (row.assignee_id, to) {
                        (Some(from), Some(to)) => {
                            let Some(reason) = p.reason.clone() else {
                                return Err(Error::invalid(
                                    "reason",
                                    "a reason is required to move a conversation to another owner",
                                ));
                            };
                            row.transfer_count += 1;
                            tl.add(c, "transferred", &actor, json!({"from": from, "to": to, "by": by, "reason": reason.to_json()}))
                                .await?;
                        }
                        (from, to) => {
                            let reason = p.reason.as_ref().map(|r| r.to_json());
                            tl.add(c, "assigned", &actor, json!({"from": from, "to": to, "by": by, "reason": reason})).await?;
                        }
                    }
                    row.assignee_id = to;
                }
                if let Some(to) = p.team_id
                    && to != row.team_id
                {
                    if let Some(t) = to
                        && !crate::agents::service::team_exists_in(c, t).await?
                    {
                        return Err(Error::invalid("team_id", format!("there is no team {t}")));
                    }
                    tl.add(c, "team_changed", &actor, json!({"from": row.team_id, "to": to})).await?;
                    row.team_id = to;
                }
                if let Some(to) = p.priority {
                    let from = row.priority.clone();
                    if from != to.as_str() {
                        row.priority = to.as_str().to_string();
                        tl.add(c, "priority_changed", &actor, json!({"from": from, "to": to.as_str()})).await?;
                    }
                }
                let mut tags_changed = false;
                if let Some(tags) = &p.tags {
                    let before = row.tag_list();
                    if &before != tags {
                        let added: Vec<&String> = tags.iter().filter(|t| !before.contains(t)).collect();
                        let removed: Vec<&String> = before.iter().filter(|t| !tags.contains(t)).collect();
                        row.tags = serde_json::to_string(tags).unwrap_or_else(|_| "[]".into());
                        tags_changed = true;
                        tl.add(c, "tags_changed", &actor, json!({"added": added, "removed": removed, "tags": tags})).await?;
                    }
                }
                if let Some(to) = p.customer_id
                    && to != row.customer_id
                {
                    if !crate::customers::service::visible_in(c, &viewer2, to).await? {
                        return Err(Error::invalid("customer_id", format!("there is no customer {to}")));
                    }
                    // The conversation is with one of the new customer's
                    // addresses, one the actor may see (agents::access).
                    let Some(address) = crate::customers::service::address_for_in(c, &viewer2, to).await? else {
                        return Err(Error::invalid("customer_id", format!("customer {to} has no address you may see; ask a supervisor to move this conversation")));
                    };
                    repo::set_customer_email(c, id, &address).await?;
                    tl.add(c, "customer_changed", &actor, json!({"from": row.customer_id, "to": to})).await?;
                    row.customer_id = to;
                }
                if let Some(to) = p.language
                    && to != row.language
                {
                    tl.add(c, "language_changed", &actor, json!({"from": row.language, "to": to})).await?;
                    row.language = to;
                }
                super::ownership::settle_in(c, &mut tl, Some(&before), &mut row, &actor, p.reason.as_ref(), now).await?;
                if !tl.added.is_empty() {
                    row.updated_at = now;
                    repo::update(c, &row).await?;
                    if tags_changed {
                        repo::replace_tags(c, id, &row.tag_list()).await?;
                    }
                }
                Ok(tl.added)
            })
        })
        .await?;
    // A change of owner or status may free capacity for waiting conversations.
    let frees = events
        .iter()
        .any(|e| matches!(e.kind, "assigned" | "transferred" | "status_changed"));
    publish(st, events);
    if frees {
        crate::routing::engine::dispatch_quietly(st).await;
    }
    get(st, &Viewer::system(), id).await
}

/// Who a new message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The customer wrote (relayed by an integration or a channel).
    In,
    /// The desk wrote.
    Out,
    /// An automatic message from the desk (acknowledgement): sent like a
    /// reply but marked auto-submitted, and it neither counts as a first
    /// response nor changes the status.
    Auto,
}

/// Adds a reply, an internal note, or (direction `In`) a customer message.
/// The first public reply sets `first_response_at`; a customer message on a
/// solved conversation reopens it.
///
/// `uploads` are the message's files, still in memory: they are stored
/// only once the message is valid, the viewer may see the conversation and
/// the conversation takes it, so a refused request leaves nothing on disk.
pub async fn add_message(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewMessage,
    direction: Direction,
    uploads: Vec<Upload>,
) -> Result<Message> {
    let (text, html) = parse_body("text", input.text.as_deref(), input.html.as_deref())?;
    let internal = input.internal;
    if internal && direction == Direction::In {
        return Err(Error::invalid(
            "internal",
            "a customer message cannot be an internal note",
        ));
    }
    let public_reply = matches!(
        (direction, internal),
        (Direction::Out | Direction::Auto, false)
    );
    let conv = if public_reply || !uploads.is_empty() {
        Some(get(st, viewer, id).await?)
    } else {
        None
    };
    let files = match &conv {
        Some(conv) if !uploads.is_empty() => {
            takes_message(conv.status, internal, id)?;
            st.files.put_uploads(uploads).await?
        }
        _ => Vec::new(),
    };
    // A public reply on an email or web-form conversation is composed now and queued
    // with the message in one transaction.
    let outbound = match (public_reply, conv) {
        (true, Some(conv)) => {
            // Email, and the web form (the customer left an address), are
            // answered by mail.
            if matches!(conv.channel.as_str(), "email" | "web") && conv.status != Status::Closed {
                crate::channels::email::outbound::prepare_reply(
                    st,
                    &conv,
                    &text,
                    html.as_deref(),
                    &files,
                    direction == Direction::Auto,
                )
                .await?
            } else {
                None
            }
        }
        _ => None,
    };
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let queued_mail = outbound.is_some();
    let (mid, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let mut row = repo::get_for_update(c, &viewer2, id).await?.ok_or(Error::NotFound("conversation"))?;
                let before = row.clone();
                let mut tl = Timeline::new(id, row.inbox_id, now);
                let status = row.status();
                takes_message(status, internal, id)?;
                let (author_kind, author_id, author_name, author_email, actor) = match direction {
                    Direction::Out => {
                        let a = actor_of(&viewer2);
                        (a.kind, a.id, Some(viewer2.name.clone()), None, a)
                    }
                    Direction::Auto => ("system", None, Some("Tend".to_string()), None, EventActor { kind: "system", id: None }),
                    Direction::In => (
                        "customer",
                        Some(row.customer_id),
                        row.customer_name.clone(),
                        row.customer_email.clone(),
                        EventActor { kind: "customer", id: Some(row.customer_id) },
                    ),
                };
                let delivery = outbound.as_ref().map(|_| "queued");
                let mid = repo::insert_message(
                    c,
                    &NewMessageRow {
                        conversation_id: id,
                        direction: if direction == Direction::In { "in" } else { "out" },
                        internal,
                        author_kind,
                        author_id,
                        author_name: author_name.as_deref(),
                        author_email: author_email.as_deref(),
                        text: &text,
                        html: html.as_deref(),
                        message_id: outbound.as_ref().map(|o| o.message_id.as_str()),
                        delivery_status: delivery,
                        now,
                        email: Default::default(),
                    },
                )
                .await?;
                for f in &files {
                    repo::insert_attachment(c, mid, f, now).await?;
                }
                if let Some(mail) = &outbound {
                    let queued = crate::channels::email::outbound::enqueue_in(c, mail, mid, id, now).await?;
                    tl.added.extend(queued.events);
                }
                row.message_count += 1;
                row.updated_at = now;
                let kind = if internal { "note_added" } else { "message_added" };
                tl.add(
                    c,
                    kind,
                    &actor,
                    json!({"message_id": mid, "direction": if direction == Direction::In { "in" } else { "out" },
                           "attachments": files.len()}),
                )
                .await?;
                let next = match (direction, internal, status) {
                    (Direction::Out, false, Status::New) => Some(Status::Open),
                    (Direction::In, _, Status::Solved | Status::Pending) => Some(Status::Open),
                    _ => None,
                };
                match (direction, internal) {
                    (Direction::Out, false) => {
                        row.first_response_at.get_or_insert(now);
                        row.waiting_since = None;
                    }
                    (Direction::In, _) => {
                        row.waiting_since.get_or_insert(now);
                    }
                    _ => {}
                }
                if let Some(to) = next {
                    enter_status(&mut row, to, now);
                    tl.add(c, "status_changed", &actor, json!({"from": status.as_str(), "to": to.as_str()})).await?;
                }
                super::ownership::settle_in(c, &mut tl, Some(&before), &mut row, &actor, None, now).await?;
                repo::update(c, &row).await?;
                Ok((mid, tl.added))
            })
        })
        .await?;
    metrics::counter!("tend_messages_created_total").increment(1);
    publish(st, events);
    if queued_mail {
        st.outbox_wake.notify_one();
    }
    let mut c = st.db.pool().acquire().await?;
    repo::messages(&mut c, id, Some(mid), None, 1)
        .await?
        .pop()
        .ok_or(Error::NotFound("message"))
}

/// Whether a conversation in `status` takes a new message: a closed one
/// takes only internal notes.
fn takes_message(status: Status, internal: bool, id: i64) -> Result<()> {
    if status == Status::Closed && !internal {
        return Err(Error::conflict(
            "conversation_closed",
            "this conversation is closed; start a new conversation instead",
            json!({"conversation_id": id}),
        ));
    }
    Ok(())
}

/// Messages of a conversation the viewer may see, oldest first.
pub async fn messages(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<Message>, bool)> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut items = repo::messages(&mut c, id, None, after, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok((items, more))
}

/// The timeline of a conversation the viewer may see, oldest first.
pub async fn events(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    after: Option<i64>,
    limit: i64,
) -> Result<(Vec<super::Event>, bool)> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut items = repo::events(&mut c, id, after, limit + 1).await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    Ok((items, more))
}

/// The original .eml of an email message (its attachment-store digest).
pub async fn raw_message(
    st: &AppState,
    viewer: &Viewer,
    conversation_id: i64,
    message_id: i64,
) -> Result<String> {
    let mut c = st.db.pool().acquire().await?;
    repo::raw_of_message(&mut c, viewer, conversation_id, message_id)
        .await?
        .ok_or(Error::NotFound("message"))
}

/// A stored file's metadata, if the viewer may see its conversation.
pub async fn attachment(st: &AppState, viewer: &Viewer, id: i64) -> Result<Attachment> {
    let mut c = st.db.pool().acquire().await?;
    repo::attachment(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("attachment"))
}
