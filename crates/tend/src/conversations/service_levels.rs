//! Keeps a conversation's service-level clocks in step with each write:
//! every use case that changes a conversation calls [`track_in`] after it
//! has settled the row, in the same transaction, and the `sla_*` events it
//! answers join the write's timeline.

use serde_json::json;
use sqlx::AnyConnection;

use super::repo::{self, ConvRow, EventActor};
use super::timeline::Timeline;
use crate::agents::Viewer;
use crate::sla::clock::Facts;
use crate::sla::model::{SlaSummary, Subject};
use crate::sla::service::Change;
use crate::state::{AppState, BusEvent};
use crate::vocab::EventKind;
use crate::vocab::{Channel, Priority, Status};
use crate::{Error, Result};

/// What the clocks need of a row before the write.
#[derive(Debug, Clone, Copy)]
pub(super) struct Was {
    status: Status,
    answered: bool,
}

impl Was {
    pub(super) fn of(row: &ConvRow) -> Was {
        Was {
            status: row.status(),
            answered: row.first_response_at.is_some(),
        }
    }
}

/// Which message, if any, the write added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrote {
    /// No message (or a note, or automatic mail).
    Nothing,
    /// The customer wrote.
    Customer,
    /// An agent's public reply.
    AgentReply,
    /// The agent's public reply written at this time was taken back (undo
    /// send).
    TakenBack(i64),
}

/// The conversation after the write, as the clocks see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct After<'a> {
    pub id: i64,
    pub inbox_id: i64,
    pub channel: Channel,
    pub priority: Priority,
    pub tags: &'a [String],
    pub status: Status,
    pub waiting: bool,
}

/// Moves the clocks of the conversation `row` (after the write; `was`:
/// before it, `None` for a conversation this write created). Answers the
/// conversation's service levels after the write.
pub(super) async fn track_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    was: Option<Was>,
    row: &ConvRow,
    wrote: Wrote,
    now: i64,
) -> Result<Option<SlaSummary>> {
    let tags = row.tag_list();
    let after = After {
        id: row.id,
        inbox_id: row.inbox_id,
        channel: row.channel,
        priority: row.priority,
        tags: &tags,
        status: row.status(),
        waiting: row.waiting_since.is_some(),
    };
    track_after_in(c, tl, was, after, wrote, now).await
}

/// [`track_in`] from the parts of the row (a conversation just inserted).
pub(super) async fn track_after_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    was: Option<Was>,
    a: After<'_>,
    wrote: Wrote,
    now: i64,
) -> Result<Option<SlaSummary>> {
    let ch = Change {
        conversation_id: a.id,
        subject: Subject {
            inbox_id: a.inbox_id,
            channel: a.channel,
            priority: a.priority,
            tags: a.tags,
        },
        facts: Facts {
            created: was.is_none(),
            status_before: was.map_or(a.status, |w| w.status),
            status: a.status,
            customer_wrote: wrote == Wrote::Customer,
            agent_replied: wrote == Wrote::AgentReply,
            answered_before: was.is_some_and(|w| w.answered),
            waiting: a.waiting,
            reply_taken_back: match wrote {
                Wrote::TakenBack(at) => Some(at),
                Wrote::Nothing | Wrote::Customer | Wrote::AgentReply => None,
            },
        },
    };
    let tracked = crate::sla::service::track_in(c, &ch, now).await?;
    if !tracked.events.is_empty() {
        let rows: Vec<_> = tracked
            .events
            .into_iter()
            .map(|(kind, data)| (kind, &EventActor::SYSTEM, data))
            .collect();
        tl.add_all(c, &rows).await?;
    }
    Ok(tracked.summary)
}

/// What service-level policies match a conversation on, inside a write
/// (`None`: no such conversation).
pub async fn sla_subject_in(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<crate::sla::model::OwnedSubject>> {
    Ok(repo::get(c, &Viewer::system(), id)
        .await?
        .map(|row| crate::sla::model::OwnedSubject {
            inbox_id: row.inbox_id,
            channel: row.channel,
            priority: row.priority,
            tags: row.tag_list(),
        }))
}

/// A missed deadline's built-in action: raises the priority one step
/// (Tend as the actor, `"reason": "sla_breached"`), which re-targets the
/// clocks when another policy fits the new priority. Answers the events.
pub async fn raise_priority_in(c: &mut AnyConnection, id: i64, now: i64) -> Result<Vec<BusEvent>> {
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok(Vec::new());
    };
    let from = row.priority;
    let to = super::followup::raised(from);
    if from == to || !row.status().is_active() {
        return Ok(Vec::new());
    }
    let was = Was::of(&row);
    let mut tl = Timeline::new(id, row.inbox_id, now);
    row.priority = to;
    row.updated_at = now;
    tl.add(
        c,
        EventKind::PriorityChanged,
        &EventActor::SYSTEM,
        json!({"from": from, "to": to, "reason": "sla_breached"}),
    )
    .await?;
    repo::update(c, &row).await?;
    track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    super::automate::react_in(c, &mut tl, 0, now).await?;
    Ok(tl.added)
}

/// Why a conversation the viewer may see has the service levels it has.
pub async fn explain_sla(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
) -> Result<crate::sla::service::Explanation> {
    let mut c = st.db.pool().acquire().await?;
    let row = repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let tags = row.tag_list();
    let subject = crate::sla::model::Subject {
        inbox_id: row.inbox_id,
        channel: row.channel,
        priority: row.priority,
        tags: &tags,
    };
    crate::sla::service::explain_in(&mut c, id, subject, st.clock.now_ms()).await
}
