//! Adding a message: a reply, an internal note, or a customer's message
//! relayed by an integration.

use super::delivery::{Carrier, Outgoing, Prepared};
use super::model::{Message, NewMessage};
use super::repo::{self, AttachmentMeta, EventActor, NewMessageRow};
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::status::Status;
use super::timeline::{Timeline, actor_of};
use super::validate::parse_body;
use crate::agents::Viewer;
use crate::attachments::Upload;
use crate::state::{AppState, BusEvent};
use crate::vocab::{ActorKind, DeliveryStatus, Direction, EventKind};
use crate::{Error, Result};
use serde_json::json;
use sqlx::AnyConnection;
use std::sync::Arc;

/// Who a new message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The customer wrote (relayed by an integration or a channel).
    In,
    /// The desk wrote.
    Out,
    /// An automatic message from the desk (acknowledgement): sent like a
    /// reply but marked auto-submitted, and it neither counts as a first
    /// response nor changes the status.
    Auto,
    /// An automation rule's automatic reply: sent like [`Sender::Auto`],
    /// with the rule as its actor.
    Rule(i64),
}

impl Sender {
    /// Which way the message goes.
    pub fn direction(self) -> Direction {
        match self {
            Sender::In => Direction::In,
            Sender::Out | Sender::Auto | Sender::Rule(_) => Direction::Out,
        }
    }
}

/// Adds a reply, an internal note, or (direction `In`) a customer message.
/// The first public reply sets `first_response_at`; a customer message on a
/// solved conversation reopens it.
///
/// `uploads` are the message's files, still in memory: they are stored
/// only once the message is valid, the viewer may see the conversation and
/// the conversation takes it, so a refused request leaves nothing on disk.
#[tracing::instrument(skip_all, fields(conversation_id = id, user_id = ?viewer.user_id, sender = ?sender))]
pub async fn add_message(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewMessage,
    sender: Sender,
    uploads: Vec<Upload>,
) -> Result<Message> {
    let (text, html) = parse_body("text", input.text.as_deref(), input.html.as_deref())?;
    let internal = input.internal;
    if internal && sender == Sender::In {
        return Err(Error::invalid(
            "internal",
            "a customer message cannot be an internal note",
        ));
    }
    let public_reply = matches!(
        (sender, internal),
        (Sender::Out | Sender::Auto | Sender::Rule(_), false)
    );
    let conv = if public_reply || !uploads.is_empty() {
        Some(super::reading::get(st, viewer, id).await?)
    } else {
        None
    };
    let files = match &conv {
        Some(conv) if !uploads.is_empty() => {
            takes_message(conv.status, internal, id)?;
            st.files().put_uploads(uploads).await?
        }
        _ => Vec::new(),
    };
    // A public reply is composed now by its channel's carrier (mail, for
    // email and the web form) and queued with the message in one
    // transaction.
    let outbound = match (public_reply, conv) {
        (true, Some(conv)) if conv.status.takes_messages() => match st.carrier(conv.channel) {
            Some(carrier) => {
                let out = Outgoing::Reply {
                    text: &text,
                    html: html.as_deref(),
                    files: &files,
                    automatic: matches!(sender, Sender::Auto | Sender::Rule(_)),
                };
                carrier.prepare(st, &conv, out).await?.map(|p| (carrier, p))
            }
            None => None,
        },
        _ => None,
    };
    let queued_with = outbound.as_ref().map(|(carrier, _)| carrier.clone());
    // The rules' text conditions read the analysed message: analysed here,
    // off the single writer.
    let analysed = (!internal && crate::automation::service::text_wanted())
        .then(|| crate::automation::engine::Text::new(&text));
    let adding = Adding {
        analysed,
        viewer: viewer.clone(),
        actor: None,
        id,
        sender,
        internal,
        text,
        html,
        files,
        outbound,
        now: st.clock.now_ms(),
    };
    let (mid, events) = st.db.write(move |c| Box::pin(add_in(c, adding))).await?;
    metrics::counter!("tend_messages_created_total").increment(1);
    st.publish(events);
    if let Some(carrier) = queued_with {
        carrier.wake(st);
    }
    let mut c = st.db.pool().acquire().await?;
    repo::messages(&mut c, id, Some(mid), None, 1)
        .await?
        .pop()
        .ok_or(Error::NotFound("message"))
}

/// A new message, validated and composed, as the write takes it.
struct Adding {
    viewer: Viewer,
    /// Who the events name, when not the viewer (an automation rule).
    actor: Option<EventActor>,
    id: i64,
    sender: Sender,
    internal: bool,
    text: String,
    html: Option<String>,
    files: Vec<AttachmentMeta>,
    /// A public reply composed by its channel's carrier, queued with it.
    outbound: Option<(Arc<dyn Carrier>, Prepared)>,
    /// The text analysed for the rules, when they look at text.
    analysed: Option<crate::automation::engine::Text>,
    now: i64,
}

/// The write of [`add_message`]: the message on the locked conversation,
/// its files and delivery, its event, and what it changes (a customer
/// message reopens, a first public reply is the first response).
async fn add_in(c: &mut AnyConnection, mut a: Adding) -> Result<(i64, Vec<BusEvent>)> {
    let (id, now) = (a.id, a.now);
    let text = a.text.clone();
    let analysed = a.analysed.take();
    let from = match a.sender {
        Sender::In => ActorKind::Customer,
        Sender::Out if a.viewer.user_id.is_some() => ActorKind::Agent,
        Sender::Rule(_) => ActorKind::Automation,
        Sender::Out | Sender::Auto => ActorKind::System,
    };
    let (mid, events) = add_core_in(c, a).await?;
    let Some(inbox_id) = events.first().map(|e| e.inbox_id) else {
        return Ok((mid, events));
    };
    let added = events
        .iter()
        .find(|e| e.kind == EventKind::MessageAdded)
        .map(|e| e.event_id);
    let mut tl = Timeline::new(id, inbox_id, now);
    tl.added = events;
    let sight = || match added {
        Some(e) => super::sight::Sight::message(e, from, &text, analysed),
        None => super::sight::Sight::default(),
    };
    super::automate::react_seeing_in(c, &mut tl, 0, sight, now).await?;
    Ok((mid, tl.added))
}

/// An automation rule's internal note (`author`: the rule's name), inside
/// the write that fired it; the rules do not run on it again here.
pub(super) async fn note_in(
    c: &mut AnyConnection,
    id: i64,
    actor: &EventActor,
    author: &str,
    text: &str,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let viewer = Viewer {
        name: author.to_string(),
        ..Viewer::system()
    };
    let adding = Adding {
        viewer,
        actor: Some(actor.clone()),
        id,
        sender: Sender::Out,
        internal: true,
        text: text.to_string(),
        html: None,
        files: Vec::new(),
        outbound: None,
        analysed: None,
        now,
    };
    Ok(add_core_in(c, adding).await?.1)
}

/// [`add_in`] without running the rules.
async fn add_core_in(c: &mut AnyConnection, a: Adding) -> Result<(i64, Vec<BusEvent>)> {
    let Adding {
        viewer,
        analysed: _,
        actor: as_actor,
        id,
        sender,
        internal,
        text,
        html,
        files,
        outbound,
        now,
    } = a;
    let mut row = repo::get_for_update(c, &viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let before = row.clone();
    let was = Was::of(&row);
    let mut tl = Timeline::new(id, row.inbox_id, now);
    let status = row.status();
    takes_message(status, internal, id)?;
    let (author_id, author_name, author_email, actor) = match sender {
        Sender::Out => {
            let a = as_actor.unwrap_or_else(|| actor_of(&viewer));
            (
                a.id.filter(|_| a.kind == ActorKind::Agent),
                Some(viewer.name.clone()),
                None,
                a,
            )
        }
        Sender::Auto => (None, Some("Tend".to_string()), None, EventActor::SYSTEM),
        Sender::Rule(rule) => (
            None,
            Some(viewer.name.clone()),
            None,
            EventActor::automation(rule),
        ),
        Sender::In => (
            Some(row.customer_id),
            row.customer_name.clone(),
            row.customer_email.clone(),
            EventActor::customer(row.customer_id),
        ),
    };
    let delivery = outbound.as_ref().map(|_| DeliveryStatus::Queued);
    let mid = repo::insert_message(
        c,
        &NewMessageRow {
            conversation_id: id,
            direction: sender.direction(),
            internal,
            author_kind: actor.author_kind(),
            author_id,
            author_name: author_name.as_deref(),
            author_email: author_email.as_deref(),
            text: &text,
            html: html.as_deref(),
            message_id: outbound.as_ref().map(|(_, p)| p.external_id.as_str()),
            delivery_status: delivery,
            now,
            email: Default::default(),
        },
    )
    .await?;
    for f in &files {
        repo::insert_attachment(c, mid, f, now).await?;
    }
    if let Some((carrier, prepared)) = &outbound {
        tl.added
            .extend(carrier.queue_in(c, prepared, Some(mid), id, now).await?);
    }
    let kind = if internal {
        EventKind::NoteAdded
    } else {
        EventKind::MessageAdded
    };
    tl.add(
        c,
        kind,
        &actor,
        json!({"message_id": mid, "direction": sender.direction(), "attachments": files.len()}),
    )
    .await?;
    match (sender, internal) {
        (Sender::In, _) => {
            super::inbound::customer_wrote_in(c, &mut tl, &mut row, &actor, now).await?;
        }
        (Sender::Out, false) => {
            row.message_count += 1;
            row.updated_at = now;
            row.first_response_at.get_or_insert(now);
            row.waiting_since = None;
            if status == Status::New {
                enter_status(&mut row, Status::Open, now);
                tl.add(
                    c,
                    EventKind::StatusChanged,
                    &actor,
                    json!({"from": status, "to": Status::Open}),
                )
                .await?;
            }
        }
        (Sender::Out, true) | (Sender::Auto | Sender::Rule(_), _) => {
            row.message_count += 1;
            row.updated_at = now;
        }
    }
    super::ownership::settle_in(c, &mut tl, Some(&before), &mut row, &actor, None, now).await?;
    repo::update(c, &row).await?;
    // The first response is an agent's public reply: not a note, not
    // automatic mail.
    let wrote = match (sender, internal) {
        (Sender::In, _) => Wrote::Customer,
        (Sender::Out, false) if actor.kind == ActorKind::Agent => Wrote::AgentReply,
        _ => Wrote::Nothing,
    };
    track_in(c, &mut tl, Some(was), &row, wrote, now).await?;
    Ok((mid, tl.added))
}

/// Whether a conversation in `status` takes a new message: a closed one
/// takes only internal notes.
fn takes_message(status: Status, internal: bool, id: i64) -> Result<()> {
    if !status.takes_messages() && !internal {
        return Err(Error::conflict(
            "conversation_closed",
            "this conversation is closed; start a new conversation instead",
            json!({"conversation_id": id}),
        ));
    }
    Ok(())
}
