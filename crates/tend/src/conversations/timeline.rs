//! The events of one transaction: appended with the change, announced
//! after the commit.

use super::repo::{self, EventActor, NewMessageRow};
use crate::agents::Viewer;
use crate::state::BusEvent;
use crate::vocab::EventKind;
use crate::{Error, Result};
use serde_json::{Value, json};
use sqlx::AnyConnection;

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

    /// The conversation.
    pub(super) fn conversation_id(&self) -> i64 {
        self.conversation_id
    }

    pub(super) async fn add(
        &mut self,
        c: &mut AnyConnection,
        kind: EventKind,
        actor: &EventActor,
        data: Value,
    ) -> Result<()> {
        let id = repo::insert_event(c, self.conversation_id, kind, actor, &data, self.now).await?;
        self.record(id, kind);
        Ok(())
    }

    /// Notes an appended event, to publish after the commit.
    fn record(&mut self, event_id: i64, kind: EventKind) {
        self.added.push(BusEvent {
            event_id,
            conversation_id: self.conversation_id,
            inbox_id: self.inbox_id,
            kind,
            posted: None,
            remote: false,
        });
    }

    /// A new conversation's `created` event, its first message `m` and the
    /// `message_added` event (`added`: its data without `message_id`, all
    /// of whose keys sort before it), then its service-level clocks and
    /// their `sla_applied` events (`sla`, planned before), in this order;
    /// answers the message id. One round trip on SQLite, more on
    /// PostgreSQL.
    pub(super) async fn open_with(
        &mut self,
        c: &mut AnyConnection,
        m: &NewMessageRow<'_>,
        created: (&EventActor, Value),
        added: (&EventActor, Value),
        sla: &crate::sla::service::Opening,
    ) -> Result<i64> {
        if crate::db::is_postgres(c) {
            let mid = repo::insert_message(c, m).await?;
            let (by, mut data) = added;
            data["message_id"] = json!(mid);
            let mut events = vec![
                (EventKind::Created, created.0, created.1),
                (EventKind::MessageAdded, by, data),
            ];
            if !sla.clocks.is_empty() {
                crate::sla::service::store_opening_in(c, self.conversation_id, sla).await?;
            }
            for (kind, data) in &sla.events {
                events.push((*kind, &EventActor::SYSTEM, data.clone()));
            }
            self.add_all(c, &events).await?;
            return Ok(mid);
        }
        let opening = repo::OpeningSla {
            clocks: sla.clocks.iter().collect(),
            events: &sla.events,
        };
        let (mid, ids) = repo::insert_opening_sqlite(
            c,
            m,
            (created.0, &created.1),
            (added.0, &added.1),
            &opening,
        )
        .await?;
        let kinds = [EventKind::Created, EventKind::MessageAdded]
            .into_iter()
            .chain(sla.events.iter().map(|(k, _)| *k));
        for (event_id, kind) in ids.into_iter().zip(kinds) {
            self.record(event_id, kind);
        }
        Ok(mid)
    }

    /// Appends several events in one statement (one round trip for the
    /// single SQLite writer instead of one per event), in this order.
    pub(super) async fn add_all(
        &mut self,
        c: &mut AnyConnection,
        events: &[(EventKind, &EventActor, Value)],
    ) -> Result<()> {
        let rows: Vec<(EventKind, &EventActor, &Value)> =
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
            self.record(id, *kind);
        }
        Ok(())
    }
}

pub(super) fn actor_of(viewer: &Viewer) -> EventActor {
    match viewer.user_id {
        Some(id) => EventActor::agent(id),
        None => EventActor::SYSTEM,
    }
}
