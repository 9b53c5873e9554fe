//! A conversation's whole history for consumers that derive figures from
//! it (the reports' projection), read inside the consumer's own
//! transaction so that what it derives and the cursor it moves agree.
//! No access rules: the consumer keeps everything with its inbox and
//! filters when someone asks.

use std::collections::HashMap;

use serde_json::Value;
use sqlx::AnyConnection;

use super::export_repo as repo;
use crate::Result;
use crate::vocab::{ActorKind, EventKind};

/// One event, with who caused it and its data.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// Event id (the log's order).
    pub id: i64,
    /// Kind.
    pub kind: EventKind,
    /// Who caused it.
    pub actor_kind: ActorKind,
    /// The agent, customer or rule.
    pub actor_id: Option<i64>,
    /// Its data (`Null` when unreadable).
    pub data: Value,
    /// When (ms).
    pub at: i64,
}

/// A conversation's events, oldest first, with what it is now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The conversation.
    pub conversation_id: i64,
    /// Its language now.
    pub language: Option<String>,
    /// Its tags now.
    pub tags: Vec<String>,
    /// Every event, in log order.
    pub events: Vec<HistoryEvent>,
}

/// Rows per `IN (…)` list.
const CHUNK: usize = 500;

/// The histories of these conversations (ids that do not exist are left out).
pub async fn histories_in(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<History>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let first = out.len();
        for (id, language, tags) in repo::history_heads(c, chunk).await? {
            out.push(History {
                conversation_id: id,
                language,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
                events: Vec::new(),
            });
        }
        let at: HashMap<i64, usize> = out[first..]
            .iter()
            .enumerate()
            .map(|(i, h)| (h.conversation_id, first + i))
            .collect();
        for e in repo::history_events(c, chunk).await? {
            if let Some(&i) = at.get(&e.conversation_id) {
                out[i].events.push(HistoryEvent {
                    id: e.id,
                    kind: e.kind,
                    actor_kind: e.actor_kind,
                    actor_id: e.actor_id,
                    data: serde_json::from_str(&e.data).unwrap_or(Value::Null),
                    at: e.created_at,
                });
            }
        }
    }
    Ok(out)
}

/// The conversations with events in `after_id < id <= up_to`.
pub async fn touched_between_in(
    c: &mut AnyConnection,
    after_id: i64,
    up_to: i64,
) -> Result<Vec<i64>> {
    repo::conversations_with_events_between(c, after_id, up_to).await
}

/// The highest event id (0 when the log is empty).
pub async fn last_event_id_in(c: &mut AnyConnection) -> Result<i64> {
    repo::last_event_id(c).await
}

/// Conversation ids after `after_id`, in order, at most `limit`.
pub async fn conversation_ids_after_in(
    c: &mut AnyConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    repo::conversation_ids_after(c, after_id, limit).await
}

/// How many conversations exist.
pub async fn count_in(c: &mut AnyConnection) -> Result<i64> {
    repo::count_conversations(c).await
}

/// The customers of these conversations (for consumers that follow
/// customers, the health scores).
pub async fn customers_of_in(c: &mut AnyConnection, ids: &[i64]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        out.extend(repo::customers_of(c, chunk).await?);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// One of a customer's conversations, as [`customer_conversations_in`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerConversation {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// When it started (ms).
    pub created_at: i64,
    /// Its inbox now.
    pub inbox_id: i64,
}

/// A customer's newest conversations (at most `limit`), newest first.
pub async fn customer_conversations_in(
    c: &mut AnyConnection,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<CustomerConversation>> {
    Ok(repo::customer_heads(c, customer_id, limit)
        .await?
        .into_iter()
        .map(|(id, subject, created_at, inbox_id)| CustomerConversation {
            id,
            subject,
            created_at,
            inbox_id,
        })
        .collect())
}

/// The newest customer messages of these conversations (at most `limit`):
/// when (ms) and plain text.
pub async fn customer_texts_in(
    c: &mut AnyConnection,
    ids: &[i64],
    limit: i64,
) -> Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    repo::customer_texts(c, ids, limit).await
}
