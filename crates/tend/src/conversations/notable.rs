//! The events of the log that people are told about (notifications),
//! each with what it needs of its conversation and, for notes, the note's
//! text. Read on the caller's connection, outside any write; no access
//! rules (the caller decides who may hear of each).

use serde_json::Value;
use sqlx::AnyConnection;

use super::repo;
use super::status::Channel;
use crate::Result;
use crate::vocab::{ActorKind, EventKind};

/// One event and its conversation as they are when read.
#[derive(Debug, Clone)]
pub struct Notable {
    /// Event id.
    pub event_id: i64,
    /// Kind.
    pub kind: EventKind,
    /// Who caused it.
    pub actor_kind: ActorKind,
    /// The agent, customer or rule.
    pub actor_id: Option<i64>,
    /// The event's data (`Null` when unreadable).
    pub data: Value,
    /// When (ms).
    pub at: i64,
    /// Its conversation.
    pub conversation_id: i64,
    /// The conversation's inbox now.
    pub inbox_id: i64,
    /// Its channel.
    pub channel: Channel,
    /// Its subject.
    pub subject: String,
    /// Its owner now.
    pub assignee_id: Option<i64>,
    /// Whether the event is the conversation's first message (it came
    /// with the creation).
    pub at_creation: bool,
    /// A note's text (`note_added`), else empty.
    pub text: String,
}

/// The events `(after, up_to]` of `kinds`, in log order. Events of kinds
/// or actors this version does not know are left out.
pub async fn notable_between_in(
    c: &mut AnyConnection,
    after: i64,
    up_to: i64,
    kinds: &[EventKind],
) -> Result<Vec<Notable>> {
    let names: Vec<&'static str> = kinds.iter().map(|k| k.as_str()).collect();
    let rows = repo::notable_between(c, after, up_to, &names).await?;
    let notes: Vec<i64> = rows
        .iter()
        .filter(|r| r.kind == EventKind::NoteAdded.as_str())
        .filter_map(|r| serde_json::from_str::<Value>(&r.data).ok()?["message_id"].as_i64())
        .collect();
    let texts: std::collections::HashMap<i64, String> =
        repo::message_texts(c, &notes).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind = EventKind::from_db(&r.kind).ok()?;
            let data: Value = serde_json::from_str(&r.data).unwrap_or(Value::Null);
            let text = match kind {
                EventKind::NoteAdded => data["message_id"]
                    .as_i64()
                    .and_then(|m| texts.get(&m).cloned())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Some(Notable {
                event_id: r.id,
                kind,
                actor_kind: ActorKind::from_db(&r.actor_kind).ok()?,
                actor_id: r.actor_id,
                data,
                at: r.created_at,
                conversation_id: r.conversation_id,
                inbox_id: r.inbox_id,
                channel: Channel::from_db(&r.channel).ok()?,
                subject: r.subject,
                assignee_id: r.assignee_id,
                at_creation: r.first_message_event == Some(r.id),
                text,
            })
        })
        .collect())
}
