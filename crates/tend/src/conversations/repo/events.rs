//! The event log: appending events and reading a timeline.

use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::FromRow;

use crate::Result;
use crate::db::Sql;
use crate::time::rfc3339;

use super::super::model::{Actor, Event};
use crate::vocab::{ActorKind, EventKind};

/// Who caused an event.
#[derive(Debug, Clone)]
pub(in crate::conversations) struct EventActor {
    pub kind: ActorKind,
    pub id: Option<i64>,
}

impl EventActor {
    /// Tend itself.
    pub const SYSTEM: EventActor = EventActor {
        kind: ActorKind::System,
        id: None,
    };

    /// The customer `id`.
    pub fn customer(id: i64) -> EventActor {
        EventActor {
            kind: ActorKind::Customer,
            id: Some(id),
        }
    }

    /// The agent `id`.
    pub fn agent(id: i64) -> EventActor {
        EventActor {
            kind: ActorKind::Agent,
            id: Some(id),
        }
    }

    /// The automation rule `id`.
    pub fn automation(id: i64) -> EventActor {
        EventActor {
            kind: ActorKind::Automation,
            id: Some(id),
        }
    }

    /// Who made an ownership change, as the routing log records it: an
    /// agent, or the system (for the customer's and the rules' doings too).
    pub fn ownership_by(&self) -> &'static str {
        match self.kind {
            ActorKind::Agent => "agent",
            ActorKind::Customer | ActorKind::System | ActorKind::Automation => "system",
        }
    }

    /// The author kind of a message this actor writes: a rule's note or
    /// reply is written by Tend.
    pub fn author_kind(&self) -> ActorKind {
        match self.kind {
            ActorKind::Automation => ActorKind::System,
            k => k,
        }
    }
}

/// An event's data as stored: an automation's change also names the rule
/// (`automation_id`), so the timeline and webhooks can say which.
fn stored_data(data: &Value, actor: &EventActor) -> String {
    match (actor.kind, data) {
        (ActorKind::Automation, Value::Object(m)) if !m.contains_key("automation_id") => {
            let mut m = m.clone();
            m.insert("automation_id".into(), Value::from(actor.id));
            Value::Object(m).to_string()
        }
        _ => data.to_string(),
    }
}

pub(in crate::conversations) async fn insert_event(
    c: &mut AnyConnection,
    conversation_id: i64,
    kind: EventKind,
    actor: &EventActor,
    data: &Value,
    now: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(conversation_id)
    .bind(kind.as_str())
    .bind(actor.kind.as_str())
    .bind(actor.id)
    .bind(stored_data(data, actor))
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Appends several events of one conversation in one statement; answers
/// their ids in the order given. Both backends hand out the ids of one
/// multi-row insert in the order of its rows, so the sorted ids line up
/// with the input.
pub(in crate::conversations) async fn insert_events(
    c: &mut AnyConnection,
    conversation_id: i64,
    events: &[(EventKind, &EventActor, &Value)],
    now: i64,
) -> Result<Vec<i64>> {
    let mut sql = Sql::new(
        "INSERT INTO events (conversation_id, kind, actor_kind, actor_id, data, created_at) VALUES ",
    );
    for (i, (kind, actor, data)) in events.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("(")
            .bind(conversation_id)
            .push(", ")
            .bind(kind.as_str())
            .push(", ")
            .bind(actor.kind.as_str())
            .push(", ")
            .bind(actor.id)
            .push(", ")
            .bind(stored_data(data, actor))
            .push(", ")
            .bind(now)
            .push(")");
    }
    sql.push(" RETURNING id");
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(c).await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}

#[derive(FromRow)]
struct EventRow {
    id: i64,
    conversation_id: i64,
    #[sqlx(try_from = "String")]
    kind: EventKind,
    #[sqlx(try_from = "String")]
    actor_kind: ActorKind,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    data: String,
    created_at: i64,
}

/// A conversation's timeline, oldest first, after a cursor.
pub(in crate::conversations) async fn events(
    c: &mut AnyConnection,
    conversation_id: i64,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    events_in_window(c, conversation_id, after_id, None, limit).await
}

/// The newest `limit` events of a conversation at or after `since` (ms),
/// oldest first.
pub(in crate::conversations) async fn newest_events(
    c: &mut AnyConnection,
    conversation_id: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<Event>> {
    let mut out = events_in_window(c, conversation_id, None, Some(since), limit).await?;
    out.reverse();
    Ok(out)
}

async fn events_in_window(
    c: &mut AnyConnection,
    conversation_id: i64,
    after_id: Option<i64>,
    newest_since: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>> {
    let mut sql = Sql::new(
        "SELECT e.id, e.conversation_id, e.kind, e.actor_kind, e.actor_id, \
         CASE WHEN e.actor_kind = 'agent' THEN u.name WHEN e.actor_kind = 'customer' THEN cu.name \
         WHEN e.actor_kind = 'automation' THEN au.name ELSE NULL END AS actor_name, \
         e.data, e.created_at FROM events e \
         LEFT JOIN users u ON u.id = e.actor_id AND e.actor_kind = 'agent' \
         LEFT JOIN customers cu ON cu.id = e.actor_id AND e.actor_kind = 'customer' \
         LEFT JOIN automations au ON au.id = e.actor_id AND e.actor_kind = 'automation' \
         WHERE e.conversation_id = ",
    );
    sql.bind(conversation_id);
    if let Some(a) = after_id {
        sql.push(" AND e.id > ").bind(a);
    }
    match newest_since {
        Some(t) => sql
            .push(" AND e.created_at >= ")
            .bind(t)
            .push(" ORDER BY e.id DESC LIMIT "),
        None => sql.push(" ORDER BY e.id LIMIT "),
    }
    .bind(limit);
    let rows: Vec<EventRow> = sql.query_as().fetch_all(c).await?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            id: r.id,
            conversation_id: r.conversation_id,
            kind: r.kind,
            actor: Actor {
                name: match r.actor_kind {
                    ActorKind::System => Some("Tend".into()),
                    ActorKind::Agent | ActorKind::Customer => r.actor_name,
                    // A rule since deleted keeps its name in the event's data.
                    ActorKind::Automation => r.actor_name.or_else(|| {
                        serde_json::from_str::<Value>(&r.data)
                            .ok()
                            .and_then(|d| d["name"].as_str().map(str::to_string))
                    }),
                },
                kind: r.actor_kind,
                id: r.actor_id,
                email: None,
            },
            data: serde_json::from_str(&r.data).unwrap_or(Value::Null),
            created_at: rfc3339(r.created_at),
        })
        .collect())
}

/// The data of one event (`Null` when there is no such event).
pub(in crate::conversations) async fn event_data(c: &mut AnyConnection, id: i64) -> Result<Value> {
    let data: Option<String> = sqlx::query_scalar("SELECT data FROM events WHERE id = $1")
        .bind(id)
        .fetch_optional(c)
        .await?;
    Ok(data
        .and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or(Value::Null))
}
