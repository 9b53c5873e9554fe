//! The patch of a conversation: status, priority, owner, team, tags,
//! customer or language, one field after another against the locked row,
//! written once for agents (`update`) and the automation rules
//! (`update_as_in`).

use serde_json::json;
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::{Error, Result};

use super::model::{Conversation, ConversationPatch};
use super::reading::get;
use super::repo::{self, ConvRow, EventActor};
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::timeline::{Timeline, actor_of};
use super::validate::{ValidPatch, validate_patch};
use crate::vocab::EventKind;

/// Changes status, priority, owner, team, tags, customer or language.
/// Moving an owned conversation to another owner is a transfer and needs a reason.
#[tracing::instrument(skip_all, fields(conversation_id = id, user_id = ?viewer.user_id))]
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    patch: ConversationPatch,
) -> Result<Conversation> {
    let p = validate_patch(patch)?;
    let now = st.clock.now_ms();
    let viewer2 = viewer.clone();
    let events = st
        .db
        .write(move |c| Box::pin(async move { update_in(c, &viewer2, id, &p, now).await }))
        .await?;
    // A change of owner or status may free capacity for waiting conversations.
    let frees = events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::Assigned | EventKind::Transferred | EventKind::StatusChanged
        )
    });
    st.publish(events);
    if frees {
        crate::routing::engine::dispatch_quietly(st).await;
    }
    get(st, &Viewer::system(), id).await
}

/// The write of [`update`]: each field of the patch that changes the
/// conversation, checked against the locked row, with its event; then
/// ownership settles (a change of status or owner may route it).
async fn update_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    p: &ValidPatch,
    now: i64,
) -> Result<Vec<BusEvent>> {
    let (events, row) = update_as_in(c, viewer, &actor_of(viewer), id, p, now).await?;
    let Some(inbox_id) = events.first().map(|e| e.inbox_id) else {
        return Ok(events);
    };
    let mut tl = Timeline::new(id, inbox_id, now);
    tl.added = events;
    let sight = || row.map(super::sight::Sight::row).unwrap_or_default();
    super::automate::react_seeing_in(c, &mut tl, 0, sight, now).await?;
    Ok(tl.added)
}

/// [`update_in`] by `actor` (an agent, or an automation rule acting with
/// `viewer`'s access), without running the rules on it. Also answers the
/// row as written, for the rules to see without reading it again (`None`
/// when the customer changed: its name and address are the old one's).
pub(super) async fn update_as_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    actor: &EventActor,
    id: i64,
    p: &ValidPatch,
    now: i64,
) -> Result<(Vec<BusEvent>, Option<ConvRow>)> {
    let mut row = repo::get_for_update(c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    let before = row.clone();
    let was = Was::of(&row);
    let actor = actor.clone();
    let by = actor.ownership_by();
    let mut tl = Timeline::new(id, row.inbox_id, now);
    // Written together, in this order, once all is checked.
    let mut events: Vec<(EventKind, serde_json::Value)> = Vec::new();

    if let Some(to) = p.status {
        let from = row.status();
        from.check_transition(to)?;
        if from != to {
            enter_status(&mut row, to, now);
            events.push((
                EventKind::StatusChanged,
                json!({"from": from.as_str(), "to": to.as_str()}),
            ));
        }
    }
    if let Some(to) = p.assignee_id
        && to != row.assignee_id
    {
        if let Some(uid) = to {
            let user = crate::agents::service::user_in(c, uid)
                .await
                .map_err(|_| Error::invalid("assignee_id", format!("there is no user {uid}")))?;
            if !crate::agents::service::may_work_inbox(c, &user, row.inbox_id).await? {
                return Err(Error::invalid(
                    "assignee_id",
                    format!(
                        "{} cannot work inbox {}; grant one of their teams access first",
                        user.name, row.inbox_id
                    ),
                ));
            }
        }
        match (row.assignee_id, to) {
            (Some(from), Some(to)) => {
                let Some(reason) = p.reason.clone() else {
                    return Err(Error::invalid(
                        "reason",
                        "a reason is required to move a conversation to another owner",
                    ));
                };
                row.transfer_count += 1;
                events.push((
                    EventKind::Transferred,
                    json!({"from": from, "to": to, "by": by, "reason": reason.to_json()}),
                ));
            }
            (from, to) => {
                let reason = p.reason.as_ref().map(|r| r.to_json());
                events.push((
                    EventKind::Assigned,
                    json!({"from": from, "to": to, "by": by, "reason": reason}),
                ));
            }
        }
        row.assignee_id = to;
    }
    if let Some(to) = p.inbox_id
        && to != row.inbox_id
    {
        if !viewer.sees_inbox(c, to).await? {
            return Err(Error::invalid(
                "inbox_id",
                format!("there is no inbox {to} you may use"),
            ));
        }
        if let Some(uid) = row.assignee_id {
            let user = crate::agents::service::user_in(c, uid).await?;
            if !crate::agents::service::may_work_inbox(c, &user, to).await? {
                return Err(Error::invalid(
                    "inbox_id",
                    format!(
                        "{} cannot work inbox {to}; unassign the conversation or grant one of their teams access first",
                        user.name
                    ),
                ));
            }
        }
        events.push((
            EventKind::InboxChanged,
            json!({"from": row.inbox_id, "to": to}),
        ));
        row.inbox_id = to;
    }
    if let Some(to) = p.team_id
        && to != row.team_id
    {
        if let Some(t) = to
            && !crate::agents::service::team_exists_in(c, t).await?
        {
            return Err(Error::invalid("team_id", format!("there is no team {t}")));
        }
        events.push((
            EventKind::TeamChanged,
            json!({"from": row.team_id, "to": to}),
        ));
        row.team_id = to;
    }
    let plain = super::plain::apply(&mut row, p)?;
    events.extend(plain.events);
    if let Some(to) = p.customer_id
        && to != row.customer_id
    {
        if !crate::customers::service::visible_in(c, viewer, to).await? {
            return Err(Error::invalid(
                "customer_id",
                format!("there is no customer {to}"),
            ));
        }
        // The conversation is with one of the new customer's
        // addresses, one the actor may see (agents::access).
        let Some(address) = crate::customers::service::address_for_in(c, viewer, to).await? else {
            return Err(Error::invalid(
                "customer_id",
                format!(
                    "customer {to} has no address you may see; ask a supervisor to move this conversation"
                ),
            ));
        };
        repo::set_customer_email(c, id, &address).await?;
        events.push((
            EventKind::CustomerChanged,
            json!({"from": row.customer_id, "to": to}),
        ));
        row.customer_id = to;
    }
    if let Some(to) = p.language.clone()
        && to != row.language
    {
        events.push((
            EventKind::LanguageChanged,
            json!({"from": row.language, "to": to}),
        ));
        row.language = to;
    }
    let events: Vec<_> = events.into_iter().map(|(k, d)| (k, &actor, d)).collect();
    if !events.is_empty() {
        tl.add_all(c, &events).await?;
    }
    let ended = super::snooze::Ended::StatusChanged;
    super::snooze::end_in(c, &mut tl, &mut row, &actor, ended).await?;
    super::ownership::settle_in(
        c,
        &mut tl,
        Some(&before),
        &mut row,
        &actor,
        p.reason.as_ref(),
        now,
    )
    .await?;
    if !tl.added.is_empty() {
        row.updated_at = now;
        let tags = plain
            .tags_before
            .map(|before| repo::TagRows::between(&before, &row.tag_list()));
        repo::update_with_tags(c, &row, tags.as_ref()).await?;
        track_in(c, &mut tl, Some(was), &row, Wrote::Nothing, now).await?;
    }
    let same_customer = row.customer_id == before.customer_id;
    Ok((tl.added, same_customer.then_some(row)))
}
