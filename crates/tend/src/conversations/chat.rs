//! Conversations fed by live chat and by messaging channels: a visitor's
//! message joins the chat's conversation, or starts one (the first
//! message, or the first after the previous one was closed). Each message
//! carries the widget's client id (a channel's message id), so a message
//! re-sent after a reconnect is stored once.

use serde_json::json;
use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::vocab::{ActorKind, Direction, EventKind};

use super::inbound::customer_wrote_in;
use super::repo::{self, AttachmentMeta, EventActor, NewMessageRow, NewRow};
use super::service::Timeline;
use super::service_levels::{Was, Wrote, track_in};
use super::status::{Channel, Priority};

/// A visitor's message.
#[derive(Debug, Clone)]
pub struct ChatMessage<'a> {
    /// The chat inbox.
    pub inbox_id: i64,
    /// The visitor as a customer.
    pub customer_id: i64,
    /// Visitor's name and address, as the pre-chat form gave them.
    pub name: Option<&'a str>,
    /// Address.
    pub email: Option<&'a str>,
    /// The chat's conversation so far, if any.
    pub conversation_id: Option<i64>,
    /// The widget's id for this message.
    pub client_id: &'a str,
    /// Text (may be empty when files come).
    pub text: &'a str,
    /// Stored files.
    pub files: &'a [AttachmentMeta],
    /// Language (the widget's, or detected).
    pub language: Option<&'a str>,
    /// The channel a new conversation is on: the chat, or a messaging
    /// channel that works the same way (`channels::api`).
    pub channel: Channel,
}

/// Where a visitor's message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Conversation.
    pub conversation_id: i64,
    /// Message.
    pub message_id: i64,
    /// The same client id was stored before: nothing was added.
    pub duplicate: bool,
    /// The conversation's public message before this one (0: none), read
    /// under the conversation's lock: a socket that has shown it may show
    /// this message without reading the conversation back.
    pub prev_public: i64,
}

/// Records a visitor's message inside the caller's transaction (which holds
/// the chat session's lock, so one session's messages are serialised).
pub async fn record_in(
    c: &mut AnyConnection,
    m: &ChatMessage<'_>,
    now: i64,
) -> Result<(Recorded, Vec<BusEvent>)> {
    if let Some(id) = m.conversation_id
        && let Some(mid) = repo::message_by_client_id(c, id, m.client_id).await?
    {
        return Ok((
            Recorded {
                conversation_id: id,
                message_id: mid,
                duplicate: true,
                prev_public: 0,
            },
            vec![],
        ));
    }
    let customer = EventActor::customer(m.customer_id);
    let existing = match m.conversation_id {
        Some(id) => repo::get_for_update(c, &Viewer::system(), id).await?,
        None => None,
    };
    let (mut row, created) = match existing {
        Some(row) if row.status().takes_messages() => (row, None),
        other => {
            let subject = subject_of(m.text, m.files);
            let new = NewRow {
                inbox_id: m.inbox_id,
                customer_id: m.customer_id,
                subject: &subject,
                priority: Priority::Normal,
                channel: m.channel,
                tags: &[],
                language: m.language,
                customer_email: m.email,
                now,
            };
            let id = repo::insert(c, &new).await?;
            let row = repo::get_for_update(c, &Viewer::system(), id)
                .await?
                .ok_or(crate::Error::NotFound("conversation"))?;
            (row, Some(new.created_data(other.map(|r| r.id), None)))
        }
    };
    let id = row.id;
    let mut tl = Timeline::new(id, row.inbox_id, now);
    if let Some(data) = &created {
        tl.add(c, EventKind::Created, &customer, data.clone())
            .await?;
    }
    let created = created.is_some();
    let mid = repo::insert_message(
        c,
        &NewMessageRow {
            conversation_id: id,
            direction: Direction::In,
            internal: false,
            author_kind: ActorKind::Customer,
            author_id: Some(m.customer_id),
            author_name: m.name,
            author_email: m.email,
            text: m.text,
            html: None,
            message_id: None,
            delivery_status: None,
            now,
            email: Default::default(),
        },
    )
    .await?;
    repo::set_client_id(c, mid, m.client_id).await?;
    let prev_public = repo::public_message_before(c, id, mid).await?;
    for f in m.files {
        repo::insert_attachment(c, mid, f, now).await?;
    }
    tl.add(
        c,
        EventKind::MessageAdded,
        &customer,
        json!({"message_id": mid, "direction": "in", "attachments": m.files.len(), "channel": m.channel}),
    )
    .await?;
    let before = row.clone();
    if !created {
        customer_wrote_in(c, &mut tl, &mut row, &customer, now).await?;
    }
    super::ownership::settle_in(
        c,
        &mut tl,
        (!created).then_some(&before),
        &mut row,
        &customer,
        None,
        now,
    )
    .await?;
    repo::update(c, &row).await?;
    let was = (!created).then(|| Was::of(&before));
    track_in(c, &mut tl, was, &row, Wrote::Customer, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok((
        Recorded {
            conversation_id: id,
            message_id: mid,
            duplicate: false,
            prev_public,
        },
        tl.added,
    ))
}

/// Announces committed chat events.
pub fn publish_events(st: &AppState, events: Vec<BusEvent>) {
    if !events.is_empty() {
        metrics::counter!("tend_messages_created_total").increment(1);
    }
    st.publish(events);
}

/// A chat's subject: the first line of its first message, shortened.
fn subject_of(text: &str, files: &[AttachmentMeta]) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let base = match (line, files.first()) {
        (Some(l), _) => l.to_string(),
        (None, Some(f)) => f.filename.clone(),
        (None, None) => "Chat".to_string(),
    };
    let mut s: String = base.chars().take(80).collect();
    if base.chars().count() > 80 {
        s.push('…');
    }
    s
}

pub use super::repo::PublicMessage;

/// Public messages of conversations `ids` after `after_id`, oldest first,
/// with their files: what a chat visitor is shown.
pub async fn public_messages_in(
    c: &mut AnyConnection,
    ids: &[i64],
    after_id: i64,
    limit: i64,
) -> Result<Vec<PublicMessage>> {
    repo::public_messages(c, ids, after_id, limit).await
}

/// A public file of one of these conversations: (sha256, name, content
/// type); `None` for another conversation's file or an internal note's.
pub async fn public_file_in(
    c: &mut AnyConnection,
    id: i64,
    ids: &[i64],
) -> Result<Option<(String, String, String)>> {
    repo::public_file(c, id, ids).await
}

/// Of `ids`, those still chats of inbox `inbox_id`, in the order given.
pub async fn chats_of_inbox_in(
    c: &mut AnyConnection,
    ids: &[i64],
    inbox_id: i64,
) -> Result<Vec<i64>> {
    repo::chats_of_inbox(c, ids, inbox_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_come_from_the_first_line() {
        assert_eq!(subject_of("\n  こんにちは\nsecond", &[]), "こんにちは");
        let long = "ā".repeat(100);
        assert_eq!(subject_of(&long, &[]).chars().count(), 81);
        assert_eq!(subject_of("", &[]), "Chat");
    }
}
