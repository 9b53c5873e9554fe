//! Reading the event log and whole conversations for consumers that keep
//! their own copy, such as the search index. These reads ignore access
//! rules on purpose: the consumer stores everything with its inbox, and
//! filters when someone asks.

use std::collections::HashMap;

use crate::Result;
use crate::state::AppState;
use crate::vocab::{EventKind, Status};

use super::export_repo as repo;

/// One event of the log, as a consumer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    /// Event id (the log's order).
    pub id: i64,
    /// Conversation it changed.
    pub conversation_id: i64,
    /// Kind.
    pub kind: EventKind,
    /// The message it added, for `message_added` and `note_added`.
    pub message_id: Option<i64>,
    /// The side conversation's mail it added, for `side_…` events.
    pub side_message_id: Option<i64>,
}

/// What an event changes in a copy that holds a conversation's subject,
/// status, owner, tags, inbox, customer and messages (the search index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyChange {
    /// The conversation itself: its copy is replaced.
    Whole,
    /// Only this message was added.
    Message(i64),
    /// Only this side conversation's mail was added.
    SideMessage(i64),
    /// Nothing such a copy holds (service levels, surveys, priority, …).
    Nothing,
}

impl LoggedEvent {
    /// What the event changes in a conversation's copy. Every kind is
    /// named, so a new one must say.
    pub fn copy_change(&self) -> CopyChange {
        match self.kind {
            EventKind::MessageAdded | EventKind::NoteAdded => match self.message_id {
                Some(m) => CopyChange::Message(m),
                None => CopyChange::Whole,
            },
            EventKind::Created
            | EventKind::Assigned
            | EventKind::Transferred
            | EventKind::StatusChanged
            | EventKind::TagsChanged
            | EventKind::InboxChanged
            | EventKind::CustomerChanged
            // Messages moved in or out: both conversations are copied again.
            | EventKind::MergedInto
            | EventKind::MergedFrom
            | EventKind::SplitTo
            | EventKind::SplitFrom
            | EventKind::ReplyUndone => CopyChange::Whole,
            EventKind::Queued
            | EventKind::CallAnswered
            | EventKind::CallMissed
            | EventKind::CallEnded
            | EventKind::PriorityChanged
            | EventKind::TeamChanged
            | EventKind::LanguageChanged
            | EventKind::JoinRefused
            | EventKind::DeliveryFailed
            | EventKind::MailHeld
            | EventKind::SurveySent
            | EventKind::SurveySkipped
            | EventKind::SurveyAnswered
            | EventKind::FollowUpCreated
            | EventKind::FollowUpDone
            | EventKind::SlaApplied
            | EventKind::SlaWarning
            | EventKind::SlaBreached
            | EventKind::SlaFulfilled
            | EventKind::AutomationFired
            | EventKind::AutomationStopped
            | EventKind::RemedyRecorded
            | EventKind::RemedyDecided
            | EventKind::ProblemLinked
            | EventKind::ProblemUnlinked
            | EventKind::Snoozed
            | EventKind::Unsnoozed
            | EventKind::Linked
            | EventKind::Unlinked => CopyChange::Nothing,
            // Side mails are copied as the agents' own, like notes.
            EventKind::SideConversationStarted
            | EventKind::SideMessageSent
            | EventKind::SideReplyReceived => match self.side_message_id {
                Some(m) => CopyChange::SideMessage(m),
                None => CopyChange::Whole,
            },
        }
    }
}

fn logged(r: repo::EventRow) -> LoggedEvent {
    // Only a message's events name one: the others' data is not parsed.
    #[derive(serde::Deserialize)]
    struct Named {
        message_id: Option<i64>,
        side_message_id: Option<i64>,
    }
    let named = || serde_json::from_str::<Named>(&r.data).ok();
    let (message_id, side_message_id) = match r.kind {
        EventKind::MessageAdded | EventKind::NoteAdded => {
            (named().and_then(|d| d.message_id), None)
        }
        EventKind::SideConversationStarted
        | EventKind::SideMessageSent
        | EventKind::SideReplyReceived => (None, named().and_then(|d| d.side_message_id)),
        _ => (None, None),
    };
    LoggedEvent {
        id: r.id,
        conversation_id: r.conversation_id,
        kind: r.kind,
        message_id,
        side_message_id,
    }
}

/// Events after `after_id`, oldest first, at most `limit`.
pub async fn events_after(st: &AppState, after_id: i64, limit: i64) -> Result<Vec<LoggedEvent>> {
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::events_after(&mut c, after_id, limit)
        .await?
        .into_iter()
        .map(logged)
        .collect())
}

/// The events among `ids` that exist by now.
pub async fn events_by_id(st: &AppState, ids: &[i64]) -> Result<Vec<LoggedEvent>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            repo::events_by_id(&mut c, chunk)
                .await?
                .into_iter()
                .map(logged),
        );
    }
    Ok(out)
}

/// The highest event id so far (0 when there is none).
pub async fn last_event_id(st: &AppState) -> Result<i64> {
    let mut c = st.db.pool().acquire().await?;
    repo::last_event_id(&mut c).await
}

/// The event ids in `after_id < id <= up_to` that exist by now.
pub async fn event_ids_between(st: &AppState, after_id: i64, up_to: i64) -> Result<Vec<i64>> {
    let mut c = st.db.pool().acquire().await?;
    repo::event_ids_between(&mut c, after_id, up_to).await
}

/// How many conversations exist.
pub async fn count_conversations(st: &AppState) -> Result<i64> {
    let mut c = st.db.pool().acquire().await?;
    repo::count_conversations(&mut c).await
}

/// Conversation ids after `after_id`, in order, at most `limit`.
pub async fn conversation_ids_after(st: &AppState, after_id: i64, limit: i64) -> Result<Vec<i64>> {
    let mut c = st.db.pool().acquire().await?;
    repo::conversation_ids_after(&mut c, after_id, limit).await
}

/// A conversation with the messages asked for.
#[derive(Debug, Clone)]
pub struct ExportedConversation {
    /// Conversation id.
    pub id: i64,
    /// Inbox.
    pub inbox_id: i64,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: Status,
    /// Owner.
    pub assignee_id: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
    /// Customer's name.
    pub customer_name: Option<String>,
    /// The customer address the conversation is with (only that one: a
    /// search must not tell which other addresses belong to the customer,
    /// see `agents::access`).
    pub customer_emails: Vec<String>,
    /// Messages, oldest first.
    pub messages: Vec<ExportedMessage>,
}

/// A message or internal note, or a side conversation's mail.
#[derive(Debug, Clone, Default)]
pub struct ExportedMessage {
    /// Message id (a side mail's id when `side`).
    pub id: i64,
    /// A side conversation's mail (agents only, like a note).
    pub side: bool,
    /// Plain text.
    pub text: String,
    /// Internal note.
    pub internal: bool,
    /// Attachment file names.
    pub attachments: Vec<String>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Rows per `IN (…)` list: far below both backends' parameter limits.
const CHUNK: usize = 500;

/// Whole conversations with all their messages (and the mails of their
/// side conversations); ids that do not exist are left out.
pub async fn conversations(st: &AppState, ids: &[i64]) -> Result<Vec<ExportedConversation>> {
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let messages = repo::messages_of(&mut c, chunk).await?;
        let sides = repo::side_messages_of(&mut c, chunk).await?;
        out.extend(assemble(&mut c, chunk, messages, sides).await?);
    }
    Ok(out)
}

/// The conversations of these side conversations' mails, each with only
/// these mails.
pub async fn side_messages(st: &AppState, ids: &[i64]) -> Result<Vec<ExportedConversation>> {
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sides = repo::side_messages_by_id(&mut c, chunk).await?;
        let mut conv_ids: Vec<i64> = sides.iter().map(|m| m.conversation_id).collect();
        conv_ids.sort_unstable();
        conv_ids.dedup();
        out.extend(assemble(&mut c, &conv_ids, Vec::new(), sides).await?);
    }
    Ok(out)
}

/// The conversations of these messages, each with only these messages.
pub async fn messages(st: &AppState, message_ids: &[i64]) -> Result<Vec<ExportedConversation>> {
    let mut c = st.db.pool().acquire().await?;
    let mut out = Vec::new();
    for chunk in message_ids.chunks(CHUNK) {
        let messages = repo::messages_by_id(&mut c, chunk).await?;
        let mut conv_ids: Vec<i64> = messages.iter().map(|m| m.conversation_id).collect();
        conv_ids.sort_unstable();
        conv_ids.dedup();
        out.extend(assemble(&mut c, &conv_ids, messages, Vec::new()).await?);
    }
    Ok(out)
}

async fn assemble(
    c: &mut sqlx::AnyConnection,
    conversation_ids: &[i64],
    messages: Vec<repo::MessageRow>,
    sides: Vec<repo::MessageRow>,
) -> Result<Vec<ExportedConversation>> {
    if conversation_ids.is_empty() {
        return Ok(Vec::new());
    }
    let heads = repo::heads(c, conversation_ids).await?;
    let mut by_conversation: HashMap<i64, Vec<ExportedMessage>> = HashMap::new();
    for (rows, side) in [(messages, false), (sides, true)] {
        let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
        let mut files: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(CHUNK) {
            for (message, name) in repo::attachment_names(c, chunk, side).await? {
                files.entry(message).or_default().push(name);
            }
        }
        for m in rows {
            by_conversation
                .entry(m.conversation_id)
                .or_default()
                .push(ExportedMessage {
                    attachments: files.remove(&m.id).unwrap_or_default(),
                    id: m.id,
                    side,
                    text: m.text,
                    // Side mails are the agents' own, like notes.
                    internal: side || m.internal != 0,
                    created_at: m.created_at,
                });
        }
    }
    Ok(heads
        .into_iter()
        .map(|h| ExportedConversation {
            tags: serde_json::from_str(&h.tags).unwrap_or_default(),
            customer_emails: h.customer_email.into_iter().collect(),
            messages: by_conversation.remove(&h.id).unwrap_or_default(),
            id: h.id,
            inbox_id: h.inbox_id,
            subject: h.subject,
            status: h.status,
            assignee_id: h.assignee_id,
            customer_name: h.customer_name,
        })
        .collect())
}
