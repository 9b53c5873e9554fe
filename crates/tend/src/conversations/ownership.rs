//! Where conversations meet routing: after a use case changed a
//! conversation (inside its transaction), [`settle_in`] records a change of
//! owner, closes a stretch of handling when it is solved, and routes it when
//! it needs an owner (created, reopened or unassigned). The router's own
//! changes (assigning from the queue, returning an offline agent's chats)
//! come back through the `*_in` functions here, so every change to a
//! conversation row and its timeline stays in this module.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::Result;
use crate::agents::Viewer;
use crate::routing::engine::{self, OwnerChange, RouteRequest, Routed};
use crate::routing::model::TransferReason;
use crate::state::BusEvent;
use crate::vocab::EventKind;

use super::repo::{self, ConvRow, EventActor};
use super::routing_repo;
use super::service::Timeline;

const SYSTEM: EventActor = EventActor::SYSTEM;

/// Applies the routing consequences of a change from `before` (`None`: the
/// conversation was just created) to `row`, which the caller writes back.
pub(super) async fn settle_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    before: Option<&ConvRow>,
    row: &mut ConvRow,
    actor: &EventActor,
    reason: Option<&TransferReason>,
    now: i64,
) -> Result<()> {
    let by = actor.ownership_by();
    // Moved to another team: in a routed inbox, that team's routing takes
    // it over. Its owner keeps it when they are a member of the new team
    // (or when this same change named the owner); otherwise it is released
    // and routed within the new team below.
    let team_moved = before.is_some_and(|b| b.team_id != row.team_id);
    if let (Some(b), Some(team), Some(owner)) = (before, row.team_id, row.assignee_id)
        && team_moved
        && b.assignee_id == row.assignee_id
        && row.status.is_active()
        && engine::has_rule_in(c, row.inbox_id).await?
        && !crate::agents::service::is_member_in(c, team, owner).await?
    {
        tl.add(
            c,
            EventKind::Assigned,
            actor,
            json!({"from": owner, "to": null, "by": by, "reason": null, "trigger": "team_changed"}),
        )
        .await?;
        row.assignee_id = None;
    }
    if let Some(b) = before {
        if b.assignee_id != row.assignee_id {
            engine::owner_changed_in(
                c,
                &OwnerChange {
                    conversation_id: row.id,
                    customer_id: row.customer_id,
                    team_id: row.team_id,
                    from: b.assignee_id,
                    to: row.assignee_id,
                    by,
                    reason_category: reason.map(|r| r.category.as_str()),
                },
                now,
            )
            .await?;
        }
        if b.status.is_active() && !row.status.is_active() {
            engine::finished_in(
                c,
                row.id,
                row.team_id,
                row.channel.as_str(),
                row.assignee_id,
                now,
            )
            .await?;
        }
    }
    // Moved to another inbox: it leaves its old queue, and without an
    // owner the new inbox's rule routes it.
    // The same when it moved to another team: it leaves the old team's
    // queue and is routed within the new one.
    let moved = before.is_some_and(|b| b.inbox_id != row.inbox_id);
    if moved || team_moved {
        engine::left_queue_in(c, row.id).await?;
    }
    let trigger = match before {
        None => Some("created"),
        Some(b) if !b.status.is_active() => Some("reopened"),
        Some(b) if b.assignee_id.is_some() => Some("unassigned"),
        Some(_) if moved => Some("moved"),
        Some(_) if team_moved => Some("team_changed"),
        Some(_) => None,
    };
    if let Some(trigger) = trigger
        && row.status.is_active()
        && row.assignee_id.is_none()
    {
        let team = if team_moved { row.team_id } else { None };
        route_row_in(c, tl, row, trigger, team, true, now).await?;
    }
    Ok(())
}

/// Routes a just-created conversation when its inbox has a routing rule;
/// answers the row as it is now when it had to read it.
pub(super) async fn route_created_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    id: i64,
    inbox_id: i64,
    now: i64,
) -> Result<Option<ConvRow>> {
    if !engine::has_rule_in(c, inbox_id).await? {
        return Ok(None);
    }
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok(None);
    };
    let before = tl.added.len();
    settle_in(c, tl, None, &mut row, &SYSTEM, None, now).await?;
    if tl.added.len() != before {
        repo::update(c, &row).await?;
    }
    Ok(Some(row))
}

/// Asks the router for an owner (or a place in the queue), within `team`
/// when one was chosen (else the inbox rule's team), and records the answer
/// on the row and the timeline.
async fn route_row_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    row: &mut ConvRow,
    trigger: &str,
    team: Option<i64>,
    allow_assign: bool,
    now: i64,
) -> Result<()> {
    let tags = row.tag_list();
    let req = RouteRequest {
        conversation_id: row.id,
        inbox_id: row.inbox_id,
        customer_id: row.customer_id,
        channel: row.channel.as_str(),
        language: row.language.as_deref(),
        tags: &tags,
        waiting_since: row.waiting_since,
        team_id: team,
    };
    let routed = engine::route_in(c, &req, allow_assign, now).await?;
    let team = match routed {
        Routed::NoRule => return Ok(()),
        Routed::Assigned { team_id, .. } | Routed::Queued { team_id } => team_id,
    };
    if row.team_id != Some(team) {
        tl.add(
            c,
            EventKind::TeamChanged,
            &SYSTEM,
            json!({"from": row.team_id, "to": team, "by": "system"}),
        )
        .await?;
        row.team_id = Some(team);
    }
    match routed {
        Routed::Assigned {
            agent,
            basis,
            strategy,
            ..
        } => {
            tl.add(
                c,
                EventKind::Assigned,
                &SYSTEM,
                json!({"from": null, "to": agent, "by": "system", "team_id": team,
                       "strategy": strategy.as_str(), "basis": basis.as_str(), "trigger": trigger}),
            )
            .await?;
            row.assignee_id = Some(agent);
        }
        Routed::Queued { .. } => {
            tl.add(
                c,
                EventKind::Queued,
                &SYSTEM,
                json!({"team_id": team, "trigger": trigger}),
            )
            .await?;
        }
        Routed::NoRule => {}
    }
    row.updated_at = now;
    Ok(())
}

/// Unsolved conversations per owner and channel: `(user, channel, count)`.
pub(crate) async fn loads_in(
    c: &mut AnyConnection,
    user_ids: &[i64],
) -> Result<Vec<(i64, String, i64)>> {
    routing_repo::loads(c, user_ids).await
}

/// Locks the given queued conversations (PostgreSQL: skipping those another
/// transaction holds) and says, for each one locked, whether it still waits
/// for an owner (unassigned and unsolved).
pub(crate) async fn lock_waiting_in(
    c: &mut AnyConnection,
    ids: &[i64],
) -> Result<Vec<(i64, bool)>> {
    Ok(routing_repo::lock_skipping(c, ids)
        .await?
        .into_iter()
        .map(|(id, assignee, status)| (id, assignee.is_none() && status.is_active()))
        .collect())
}

/// Gives a waiting conversation to `agent` (the router's decision); `None`
/// when it no longer waits. Returns its customer, team and new events.
pub(crate) async fn assign_waiting_in(
    c: &mut AnyConnection,
    id: i64,
    agent: i64,
    data: Value,
    now: i64,
) -> Result<Option<(i64, Option<i64>, Vec<BusEvent>)>> {
    let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
        return Ok(None);
    };
    if row.assignee_id.is_some() || !row.status.is_active() {
        return Ok(None);
    }
    let mut tl = Timeline::new(id, row.inbox_id, now);
    tl.add(c, EventKind::Assigned, &SYSTEM, data).await?;
    row.assignee_id = Some(agent);
    row.updated_at = now;
    repo::update(c, &row).await?;
    Ok(Some((row.customer_id, row.team_id, tl.added)))
}

/// An agent went offline: their unsolved chats lose their owner (recorded
/// as the system's doing, not a transfer) and go back to their team's queue.
pub(crate) async fn release_chats_in(
    c: &mut AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let mut events = Vec::new();
    for id in routing_repo::active_chats_of(c, user_id).await? {
        let Some(mut row) = repo::get_for_update(c, &Viewer::system(), id).await? else {
            continue;
        };
        if row.assignee_id != Some(user_id) {
            continue;
        }
        let mut tl = Timeline::new(id, row.inbox_id, now);
        tl.add(
            c,
            EventKind::Assigned,
            &SYSTEM,
            json!({"from": user_id, "to": null, "by": "system", "reason": "agent_offline"}),
        )
        .await?;
        row.assignee_id = None;
        engine::owner_changed_in(
            c,
            &OwnerChange {
                conversation_id: id,
                customer_id: row.customer_id,
                team_id: row.team_id,
                from: Some(user_id),
                to: None,
                by: "system",
                reason_category: Some("agent_offline"),
            },
            now,
        )
        .await?;
        // Queued only, in its own team's queue: the caller assigns from
        // the queue after its commit, taking the agents' locks in order.
        let team = row.team_id;
        route_row_in(c, &mut tl, &mut row, "agent_offline", team, false, now).await?;
        row.updated_at = now;
        repo::update(c, &row).await?;
        events.extend(tl.added);
    }
    Ok(events)
}
