//! Side conversations: threads by mail with third parties (a courier, a
//! warehouse), kept on a customer's conversation and hidden from its
//! customer.
//!
//! Their mails live in their own tables (`side_conversations`,
//! `side_messages`), not among the conversation's messages, so nothing
//! that shows or measures the customer's conversation (the portal, the
//! chat widget, exports, surveys, service levels, notifications of a
//! customer's reply) can see them. A third party's answer threads back by
//! its In-Reply-To/References to a side mail ([`find_in`]) and changes
//! nothing on the conversation: no reopening, no waiting customer.
//!
//! Forwarding is built on them (as Zendesk does): forwarding a message or
//! the whole conversation starts a side conversation seeded with it,
//! quoted, so the recipient's answer lands beside the conversation too.

use serde_json::json;
use sqlx::AnyConnection;

use super::delivery::Outgoing;
use super::inbound::{InboundEmail, Threaded};
use super::model::Message;
use super::repo::{self, AttachmentMeta, EventActor, NewSideMessage, SideMessageRow, SideRow};
use super::side_model::{self as model, NewSideConversation, SideConversation};
use super::timeline::{Timeline, actor_of};
use super::validate::{parse_recipients, parse_subject};
use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::time::rfc3339;
use crate::vocab::{Channel, Direction, EventKind};
use crate::{Error, Result};

/// Most messages a forwarded conversation quotes (the newest).
const FORWARD_MAX: i64 = 200;

/// The side conversations of conversation `id`, oldest first.
pub async fn list(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<SideConversation>> {
    super::reading::get(st, viewer, id).await?;
    let mut c = st.db.pool().acquire().await?;
    load(&mut c, id, None).await
}

/// Starts a side conversation on conversation `id`: its first mail goes
/// from the inbox's address to `to`, with its own Message-ID.
#[tracing::instrument(skip_all, fields(conversation_id = id))]
pub async fn start(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: NewSideConversation,
) -> Result<SideConversation> {
    let conv = super::reading::get(st, viewer, id).await?;
    let to = parse_recipients("to", &input.to)?;
    if to.is_empty() {
        return Err(Error::invalid("to", "at least one address is required"));
    }
    if input.forward_message_id.is_some() && input.forward_conversation {
        return Err(Error::invalid(
            "forward_conversation",
            "forward one message or the whole conversation, not both",
        ));
    }
    let (quoted, files, forward) = {
        let mut c = st.db.pool().acquire().await?;
        forwarded(&mut c, &conv, &input).await?
    };
    let note = input
        .text
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.replace("\r\n", "\n"));
    let text = match (note, quoted.is_empty()) {
        (Some(n), true) => n,
        (Some(n), false) => format!("{n}\n\n{quoted}"),
        (None, false) => quoted,
        (None, true) => return Err(Error::invalid("text", "a message needs text")),
    };
    let subject = match input.subject.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_subject(s)?,
        None if forward.is_some() => format!("Fwd: {}", conv.subject),
        None => return Err(Error::invalid("subject", "a subject is required")),
    };
    let out = Outgoing::Side {
        to: &to,
        subject: &subject,
        text: &text,
        files: &files,
        in_reply_to: None,
        references: &[],
    };
    let (carrier, prepared) = prepare(st, &conv, out).await?;
    let now = st.clock.now_ms();
    let viewer = viewer.clone();
    let participants = serde_json::Value::from(to.clone()).to_string();
    let mut data = json!({"subject": subject, "to": to});
    if let Some((kind, mid)) = forward {
        data["forwarded"] = json!(kind);
        data["message_id"] = json!(mid);
    }
    let queue_with = carrier.clone();
    let (side_id, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let row = repo::get_for_update(c, &viewer, id)
                    .await?
                    .ok_or(Error::NotFound("conversation"))?;
                let side_id =
                    repo::insert_side(c, id, &subject, &participants, viewer.user_id, now).await?;
                let mut tl = Timeline::new(id, row.inbox_id, now);
                let mail = write_out(
                    c,
                    &viewer,
                    side_id,
                    (text.as_str(), &files[..]),
                    &prepared,
                    now,
                )
                .await?;
                tl.added
                    .extend(queue_with.queue_in(c, &prepared, None, id, now).await?);
                data["side_id"] = json!(side_id);
                data["side_message_id"] = json!(mail);
                let kind = EventKind::SideConversationStarted;
                tl.add(c, kind, &actor_of(&viewer), data).await?;
                Ok::<_, Error>((side_id, tl.added))
            })
        })
        .await?;
    finish(st, &carrier, events, id, side_id).await
}

/// Answers side conversation `side_id` of conversation `id`: the mail goes
/// to its third parties, threaded under its last mail.
#[tracing::instrument(skip_all, fields(conversation_id = id, side_id))]
pub async fn reply(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    side_id: i64,
    input: model::NewSideMessage,
) -> Result<SideConversation> {
    let conv = super::reading::get(st, viewer, id).await?;
    let text = input
        .text
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.replace("\r\n", "\n"))
        .ok_or_else(|| Error::invalid("text", "a message needs text"))?;
    let side = load(&mut *st.db.pool().acquire().await?, id, Some(side_id))
        .await?
        .pop()
        .ok_or(Error::NotFound("side conversation"))?;
    let references: Vec<String> = side.messages.iter().map(|m| m.message_id.clone()).collect();
    let subject = if side.subject.to_lowercase().starts_with("re:") {
        side.subject.clone()
    } else {
        format!("Re: {}", side.subject)
    };
    let out = Outgoing::Side {
        to: &side.participants,
        subject: &subject,
        text: &text,
        files: &[],
        in_reply_to: references.last().map(String::as_str),
        references: &references[..references.len().saturating_sub(1)],
    };
    let (carrier, prepared) = prepare(st, &conv, out).await?;
    let now = st.clock.now_ms();
    let viewer = viewer.clone();
    let queue_with = carrier.clone();
    let mut data = json!({"side_id": side_id, "subject": side.subject});
    let events = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let row = repo::get_for_update(c, &viewer, id)
                    .await?
                    .ok_or(Error::NotFound("conversation"))?;
                let mut tl = Timeline::new(id, row.inbox_id, now);
                let mail =
                    write_out(c, &viewer, side_id, (text.as_str(), &[]), &prepared, now).await?;
                tl.added
                    .extend(queue_with.queue_in(c, &prepared, None, id, now).await?);
                data["side_message_id"] = json!(mail);
                tl.add(c, EventKind::SideMessageSent, &actor_of(&viewer), data)
                    .await?;
                Ok::<_, Error>(tl.added)
            })
        })
        .await?;
    finish(st, &carrier, events, id, side_id).await
}

/// The side conversation that an inbound mail answers: the first of its
/// In-Reply-To and References (newest first) that names a side mail of a
/// conversation of the inbox it arrived at. Mail that failed DMARC joins
/// nothing (the threading rules then refuse it as they refuse any join).
pub(super) async fn find_in(c: &mut AnyConnection, m: &InboundEmail) -> Result<Option<(i64, i64)>> {
    if m.auth.as_ref().is_some_and(|a| a.dmarc_failed()) {
        return Ok(None);
    }
    let keys: Vec<&str> = m
        .in_reply_to
        .iter()
        .chain(m.references.iter().take(50))
        .map(String::as_str)
        .collect();
    repo::side_of_message_ids(c, m.inbox_id, &keys).await
}

/// Records a third party's answer on side conversation `side_id` of
/// conversation `conversation_id`. It is no customer message: the
/// conversation's status, waiting time and service levels stay as they
/// are; only a `side_reply_received` event tells the agents. Its files are
/// kept with the side mail (their bytes are stored already; inline images
/// are linked after the commit, `inbound::link_inline_images`).
pub(super) async fn record_reply_in(
    c: &mut AnyConnection,
    m: &InboundEmail,
    (side_id, conversation_id): (i64, i64),
    now: i64,
) -> Result<(Threaded, Vec<BusEvent>)> {
    let inserted = repo::insert_side_message(
        c,
        &NewSideMessage {
            side_id,
            inbound: true,
            author_id: None,
            author_name: m.from_name.as_deref(),
            author_email: Some(m.from.as_str()),
            text: m.reply_text.as_deref().unwrap_or(&m.text),
            html: m.html.as_deref(),
            message_id: &m.message_id,
            raw_sha256: Some(&m.raw_sha256),
            now,
        },
    )
    .await?;
    let Some(mail) = inserted else {
        return Ok((Threaded::Duplicate(Some(conversation_id)), Vec::new()));
    };
    for f in &m.attachments {
        repo::insert_side_attachment(c, mail, f, now).await?;
    }
    let subject = repo::sides_of(c, conversation_id, Some(side_id))
        .await?
        .pop()
        .map(|s| s.subject)
        .unwrap_or_default();
    let row = repo::get_for_update(c, &Viewer::system(), conversation_id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let mut tl = Timeline::new(conversation_id, row.inbox_id, now);
    tl.add(
        c,
        EventKind::SideReplyReceived,
        &EventActor::SYSTEM,
        json!({"side_id": side_id, "side_message_id": mail, "subject": subject,
            "from": m.from.as_str(), "attachments": m.attachments.len()}),
    )
    .await?;
    Ok((Threaded::Side(conversation_id), tl.added))
}

/// What `input` forwards: the quoted text, the files to send with it, and
/// (`message` or `conversation`, the message's id) for the event.
async fn forwarded(
    c: &mut AnyConnection,
    conv: &super::Conversation,
    input: &NewSideConversation,
) -> Result<(
    String,
    Vec<AttachmentMeta>,
    Option<(&'static str, Option<i64>)>,
)> {
    if let Some(mid) = input.forward_message_id {
        let m = repo::messages(c, conv.id, Some(mid), None, 1)
            .await?
            .pop()
            .ok_or_else(|| {
                Error::invalid(
                    "forward_message_id",
                    format!("conversation {} has no message {mid}", conv.id),
                )
            })?;
        let files = m
            .attachments
            .iter()
            .map(|f| AttachmentMeta {
                sha256: f.sha256.clone(),
                size: f.size,
                content_type: f.content_type.clone(),
                filename: f.filename.clone(),
                inline: f.inline,
                content_id: f.content_id.clone(),
            })
            .collect();
        return Ok((
            quote(&conv.subject, &[m]),
            files,
            Some(("message", Some(mid))),
        ));
    }
    if !input.forward_conversation {
        return Ok((String::new(), Vec::new(), None));
    }
    let public: Vec<Message> = repo::newest_messages(c, conv.id, FORWARD_MAX)
        .await?
        .into_iter()
        .filter(|m| !m.internal)
        .collect();
    if public.is_empty() {
        return Err(Error::invalid(
            "forward_conversation",
            "this conversation has no message to forward",
        ));
    }
    Ok((
        quote(&conv.subject, &public),
        Vec::new(),
        Some(("conversation", None)),
    ))
}

/// Messages quoted as mail clients forward them.
fn quote(subject: &str, messages: &[Message]) -> String {
    let mut out = String::new();
    for m in messages {
        let who = match (&m.author.name, &m.author.email) {
            (Some(n), Some(e)) if !n.is_empty() => format!("{n} <{e}>"),
            (Some(n), _) if !n.is_empty() => n.clone(),
            (_, Some(e)) => e.clone(),
            _ => String::new(),
        };
        out.push_str("---------- Forwarded message ----------\n");
        out.push_str(&format!(
            "From: {who}\nDate: {}\nSubject: {subject}\n\n{}\n\n",
            m.created_at,
            m.text.trim_end()
        ));
    }
    out.trim_end().to_string()
}

/// Composes a side mail with the mail carrier (side conversations go by
/// mail, whatever the conversation's own channel).
async fn prepare(
    st: &AppState,
    conv: &super::Conversation,
    out: Outgoing<'_>,
) -> Result<(
    std::sync::Arc<dyn super::delivery::Carrier>,
    super::delivery::Prepared,
)> {
    let no_mail = || {
        Error::conflict(
            "no_sender_address",
            "this inbox has no address to send mail from; give it one, or set TEND_MAIL_FROM",
            json!({"inbox_id": conv.inbox_id}),
        )
    };
    let carrier = st.carrier(Channel::Email).ok_or_else(no_mail)?;
    let prepared = carrier.prepare(st, conv, out).await?.ok_or_else(no_mail)?;
    Ok((carrier, prepared))
}

/// The desk's side mail, stored with its Message-ID and the files it
/// carries (a forwarded message's); answers its id.
async fn write_out(
    c: &mut AnyConnection,
    viewer: &Viewer,
    side_id: i64,
    (text, files): (&str, &[AttachmentMeta]),
    prepared: &super::delivery::Prepared,
    now: i64,
) -> Result<i64> {
    let mail = repo::insert_side_message(
        c,
        &NewSideMessage {
            side_id,
            inbound: false,
            author_id: viewer.user_id,
            author_name: Some(&viewer.name),
            author_email: None,
            text,
            html: None,
            message_id: &prepared.external_id,
            raw_sha256: None,
            now,
        },
    )
    .await?
    .ok_or_else(|| Error::Internal(anyhow::anyhow!("a side mail's Message-ID came twice")))?;
    for f in files {
        repo::insert_side_attachment(c, mail, f, now).await?;
    }
    Ok(mail)
}

/// Publishes and wakes the sender after a side mail's commit; answers the
/// side conversation as it is now.
async fn finish(
    st: &AppState,
    carrier: &std::sync::Arc<dyn super::delivery::Carrier>,
    events: Vec<BusEvent>,
    id: i64,
    side_id: i64,
) -> Result<SideConversation> {
    st.publish(events);
    carrier.wake(st);
    let mut c = st.db.pool().acquire().await?;
    load(&mut c, id, Some(side_id))
        .await?
        .pop()
        .ok_or(Error::NotFound("side conversation"))
}

/// The side conversations of `id` (or only `only`) with their mails.
async fn load(c: &mut AnyConnection, id: i64, only: Option<i64>) -> Result<Vec<SideConversation>> {
    let sides: Vec<SideRow> = repo::sides_of(c, id, only).await?;
    let ids: Vec<i64> = sides.iter().map(|s| s.id).collect();
    let mut mails: Vec<SideMessageRow> = repo::side_messages_of(c, &ids).await?;
    let mail_ids: Vec<i64> = mails.iter().map(|m| m.id).collect();
    let mut files: std::collections::HashMap<i64, Vec<super::model::Attachment>> =
        Default::default();
    for (mail, file) in repo::side_files_of(c, &mail_ids).await? {
        files.entry(mail).or_default().push(file);
    }
    Ok(sides
        .into_iter()
        .map(|s| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut mails)
                .into_iter()
                .partition(|m| m.side_conversation_id == s.id);
            mails = rest;
            SideConversation {
                id: s.id,
                conversation_id: s.conversation_id,
                subject: s.subject,
                participants: serde_json::from_str(&s.participants).unwrap_or_default(),
                started_by: s.started_by,
                created_at: rfc3339(s.created_at),
                updated_at: rfc3339(s.updated_at),
                messages: mine
                    .into_iter()
                    .map(|m| {
                        let attachments = files.remove(&m.id).unwrap_or_default();
                        side_message(m, attachments)
                    })
                    .collect(),
            }
        })
        .collect())
}

fn side_message(
    m: SideMessageRow,
    attachments: Vec<super::model::Attachment>,
) -> model::SideMessage {
    model::SideMessage {
        id: m.id,
        direction: if m.direction == "in" {
            Direction::In
        } else {
            Direction::Out
        },
        author_id: m.author_id,
        author_name: m.author_name,
        author_email: m.author_email,
        text: m.text,
        html: m.html,
        message_id: m.message_id,
        delivery_status: m.delivery,
        attachments,
        created_at: rfc3339(m.created_at),
    }
}
