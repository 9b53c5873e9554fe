//! Adding a message: a reply, an internal note, or a customer's message
//! relayed by an integration.
//!
//! One file (about 515 lines): the reply's checks, its write and its
//! follow-ups share one transaction's state; the next split is the
//! follow-ups (`answered_in`, delivery) into a module of their own.

use super::delivery::{Carrier, Outgoing, Prepared};
use super::model::{Message, NewMessage};
use super::repo::{self, AttachmentMeta, ConvRow, EventActor, NewMessageRow};
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::status::Status;
use super::timeline::{Timeline, actor_of};
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
pub async fn add_message(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewMessage,
    sender: Sender,
    uploads: Vec<Upload>,
) -> Result<Message> {
    add_message_held(st, viewer, id, input, sender, uploads, 0).await
}

/// [`add_message`], with a public reply's delivery held for `hold_ms`
/// (the workspace's "undo send"), when its carrier can hold it; the
/// message's delivery stays `queued` meanwhile, and
/// `super::undo::undo_send` may take it back.
#[tracing::instrument(skip_all, fields(conversation_id = id, user_id = ?viewer.user_id, sender = ?sender))]
pub async fn add_message_held(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewMessage,
    sender: Sender,
    uploads: Vec<Upload>,
    hold_ms: i64,
) -> Result<Message> {
    // A template needs no text of its own: the message shows it.
    let mut input = input;
    if let Some(t) = &input.template
        && input.html.is_none()
        && input.text.as_deref().is_none_or(|s| s.trim().is_empty())
    {
        input.text = Some(t.shown());
    }
    let template = input.template.take();
    if template.is_some() && (input.internal || sender == Sender::In) {
        return Err(Error::invalid(
            "template",
            "a template is sent to the customer: it cannot be an internal note or a customer's message",
        ));
    }
    // Text, HTML (or the composer's formatting) and inline images.
    let body = super::formatted::parse(&input, uploads)?;
    let (text, html, uploads, markdown) = (body.text, body.html, body.uploads, body.markdown);
    let copies = Copies::parse(&input)?;
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
    let may_copy = public_reply && sender == Sender::Out;
    if !copies.is_empty() && !may_copy {
        return Err(Error::invalid(
            copies.field(),
            "CC and BCC are for an agent's reply, not for an internal note or a customer's message",
        ));
    }
    let conv = if public_reply || !uploads.is_empty() {
        Some(super::reading::get(st, viewer, id).await?)
    } else {
        None
    };
    let by_mail = conv.as_ref().is_some_and(|c| c.channel.answered_by_mail());
    let takes = conv.as_ref().is_some_and(|c| c.status.takes_messages());
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
                // An agent's reply ends with their signature and their
                // inbox's, in the customer's language; the conversation
                // keeps the text as typed.
                let signature = match sender {
                    Sender::Out => {
                        crate::signatures::service::for_reply(
                            st,
                            viewer.user_id,
                            conv.inbox_id,
                            conv.language.as_deref(),
                        )
                        .await?
                    }
                    Sender::In | Sender::Auto | Sender::Rule(_) => None,
                };
                let signed = signature
                    .map(|s| crate::signatures::service::signed(&text, html.as_deref(), &s));
                let (out_text, out_html) = match &signed {
                    Some((t, h)) => (t.as_str(), h.as_deref()),
                    None => (text.as_str(), html.as_deref()),
                };
                let out = Outgoing::Reply {
                    text: out_text,
                    html: out_html,
                    files: &files,
                    automatic: matches!(sender, Sender::Auto | Sender::Rule(_)),
                    cc: &copies.cc,
                    bcc: &copies.bcc,
                    template: template.as_ref(),
                };
                carrier.prepare(st, &conv, out).await?.map(|p| (carrier, p))
            }
            None => None,
        },
        _ => None,
    };
    if template.is_some() && outbound.is_none() {
        return Err(Error::invalid(
            "template",
            "this conversation's channel sends no message templates",
        ));
    }
    // Copies go by mail only: a chat has no one to copy.
    if !copies.is_empty() && (!by_mail || (takes && outbound.is_none())) {
        return Err(Error::invalid(
            copies.field(),
            "this conversation is not answered by mail, so its replies cannot be copied (CC, BCC)",
        ));
    }
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
        markdown,
        files,
        outbound,
        copies,
        hold_ms: if sender == Sender::Out { hold_ms } else { 0 },
        now: st.clock.now_ms(),
    };
    let (mid, events) = st.db.write(move |c| Box::pin(add_in(c, adding))).await?;
    metrics::counter!("tend_messages_created_total").increment(1);
    // Inline images point at their stored files before anyone hears of
    // the message (the mail already carries them as `cid:` parts).
    if body.shows_inline
        && let Err(e) = super::inbound::link_inline_images_of(st, mid).await
    {
        tracing::warn!(error = %e, message = mid, "could not link the reply's inline images");
    }
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
    /// The Markdown as typed, for a formatted message.
    markdown: Option<String>,
    files: Vec<AttachmentMeta>,
    /// A public reply composed by its channel's carrier, queued with it.
    outbound: Option<(Arc<dyn Carrier>, Prepared)>,
    /// The text analysed for the rules, when they look at text.
    analysed: Option<crate::automation::engine::Text>,
    /// Who else a reply by mail goes to.
    copies: Copies,
    /// How long the outbound delivery waits, so the sender may undo it.
    hold_ms: i64,
    now: i64,
}

/// Who else an agent's reply by mail goes to, validated.
#[derive(Debug, Default)]
struct Copies {
    /// In the mail's `Cc` header.
    cc: Vec<String>,
    /// Only in the envelope.
    bcc: Vec<String>,
}

impl Copies {
    fn parse(input: &NewMessage) -> Result<Copies> {
        Ok(Copies {
            cc: super::validate::parse_recipients("cc", &input.cc)?,
            bcc: super::validate::parse_recipients("bcc", &input.bcc)?,
        })
    }

    fn is_empty(&self) -> bool {
        self.cc.is_empty() && self.bcc.is_empty()
    }

    /// The field an error about the copies names.
    fn field(&self) -> &'static str {
        if self.cc.is_empty() { "bcc" } else { "cc" }
    }

    /// A list as stored (JSON), none when empty.
    fn stored(list: &[String]) -> Option<String> {
        (!list.is_empty()).then(|| serde_json::Value::from(list.to_vec()).to_string())
    }
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
        markdown: None,
        files: Vec::new(),
        outbound: None,
        analysed: None,
        copies: Copies::default(),
        hold_ms: 0,
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
        markdown,
        files,
        outbound,
        copies,
        hold_ms,
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
    let cc = Copies::stored(&copies.cc);
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
            email: repo::EmailExtras {
                cc: cc.as_deref(),
                ..Default::default()
            },
        },
    )
    .await?;
    if let Some(bcc) = Copies::stored(&copies.bcc) {
        repo::set_bcc(c, mid, &bcc).await?;
    }
    if let Some(md) = &markdown {
        repo::set_markdown(c, mid, md).await?;
    }
    for f in &files {
        repo::insert_attachment(c, mid, f, now).await?;
    }
    if sender == Sender::Out {
        super::drafts::sent_in(c, viewer.user_id, id).await?;
    }
    if let Some((carrier, prepared)) = &outbound {
        tl.added
            .extend(carrier.queue_in(c, prepared, Some(mid), id, now).await?);
        if hold_ms > 0 {
            carrier.hold_in(c, mid, now + hold_ms).await?;
        }
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
            answered_in(c, &mut tl, &mut row, &actor, now).await?;
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

/// The desk answered the customer (a public reply, a call the desk took):
/// the first response is recorded, the customer no longer waits, and a new
/// conversation opens. The caller writes the row back and moves the clocks
/// with `Wrote::AgentReply`.
pub(super) async fn answered_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    row: &mut ConvRow,
    actor: &EventActor,
    now: i64,
) -> Result<()> {
    let status = row.status();
    row.updated_at = now;
    row.first_response_at.get_or_insert(now);
    row.waiting_since = None;
    if status == Status::New {
        enter_status(row, Status::Open, now);
        tl.add(
            c,
            EventKind::StatusChanged,
            actor,
            json!({"from": status, "to": Status::Open}),
        )
        .await?;
    }
    Ok(())
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
