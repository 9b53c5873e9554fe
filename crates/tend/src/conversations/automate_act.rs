//! What a firing rule does: its actions, applied as the rule inside the
//! change that fired it. A change of plain fields (priority, tags) is made
//! in memory and written with the rest of its level of the cascade; any
//! other action, or run of field actions made as one change of the
//! conversation, runs in a savepoint of its own. Either way one that
//! cannot apply is undone alone and named (`automate.rs` runs the rules
//! and says what was done and skipped).

use sqlx::AnyConnection;

use super::automate::{Cause, render_in};
use super::repo::{self, EventActor};
use super::sight::Sight;
use super::timeline::Timeline;
use super::validate::ValidPatch;
use crate::Result;
use crate::agents::Viewer;
use crate::automation::Action;
use crate::automation::service::Rule;

/// How many of the actions at the head of `actions` are field actions that
/// make one change together: each kind once, and no tag both added and
/// removed (their order would matter).
pub(super) fn field_run(actions: &[Action]) -> usize {
    let mut kinds = Vec::new();
    let (mut added, mut removed): (Vec<&String>, Vec<&String>) = (Vec::new(), Vec::new());
    for (i, a) in actions.iter().enumerate() {
        let kind = crate::automation::model::ActionKind::of(a);
        let fits = match a {
            Action::AddTags { value } => {
                added.extend(value);
                !value.iter().any(|t| removed.contains(&t))
            }
            Action::RemoveTags { value } => {
                removed.extend(value);
                !value.iter().any(|t| added.contains(&t))
            }
            Action::SetStatus { .. }
            | Action::SetPriority { .. }
            | Action::AssignTeam { .. }
            | Action::AssignAgent { .. } => true,
            Action::Reply { .. } | Action::Note { .. } | Action::Webhook { .. } => false,
        };
        if !fits || kinds.contains(&kind) {
            return i;
        }
        kinds.push(kind);
    }
    actions.len()
}

/// Applies `actions` (one action, or a run of field actions) as the rule.
/// A change of plain fields only (priority, tags; `plain.rs`) is made to
/// the row the rules hold and written with the level (`Sight::flush_in`):
/// it reads and writes nothing here, so one that cannot apply leaves
/// nothing to undo. Anything else first writes what is pending, then runs
/// in a savepoint of its own.
/// The outer `Result` fails the whole change.
pub(super) async fn act_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    rule: &Rule,
    actions: &[Action],
    cause: Cause,
    sight: &mut Sight,
    now: i64,
) -> Result<Result<Option<String>>> {
    if let Some(p) = field_patch(rule, actions) {
        let p = match p {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        if super::plain::only_plain(&p) {
            let actor = EventActor::automation(rule.id);
            let id = tl.conversation_id();
            return match sight.change_plain_in(c, id, &actor, &p, now).await {
                Ok(true) => Ok(Ok(None)),
                Ok(false) => Ok(Err(crate::Error::NotFound("conversation"))),
                // A database error fails the change; the patch's own
                // (too many tags) is this action's.
                Err(e @ (crate::Error::Database(_) | crate::Error::Internal(_))) => Err(e),
                Err(e) => Ok(Err(e)),
            };
        }
    }
    sight.flush_in(c, tl, now).await?;
    sight.writing_around();
    step_in(c, tl, rule, actions, cause, sight, now).await
}

/// The change `actions` make together, when all are field actions.
fn field_patch(rule: &Rule, actions: &[Action]) -> Option<Result<ValidPatch>> {
    let mut p = ValidPatch::default();
    for action in actions {
        match action {
            Action::SetStatus { value } => p.status = Some(*value),
            Action::SetPriority { value } => p.priority = Some(*value),
            Action::AddTags { value } => match super::validate::parse_tags(value) {
                Ok(t) => p.add_tags = t,
                Err(e) => return Some(Err(e)),
            },
            Action::RemoveTags { value } => match super::validate::parse_tags(value) {
                Ok(t) => p.remove_tags = t,
                Err(e) => return Some(Err(e)),
            },
            Action::AssignTeam { value } => p.team_id = Some(Some(*value)),
            Action::AssignAgent { value } => {
                p.assignee_id = Some(Some(*value));
                p.reason = Some(crate::routing::TransferReason {
                    category: crate::routing::model::TransferCategory::Other,
                    text: format!("automation: {}", rule.name),
                });
            }
            Action::Note { .. } | Action::Reply { .. } | Action::Webhook { .. } => return None,
        }
    }
    Some(Ok(p))
}

/// Applies `actions` (one action, or a run of field actions) in a savepoint
/// of their own: on an error the conversation is as it was before them.
/// The outer `Result` fails the whole change (the savepoint itself failed).
async fn step_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    rule: &Rule,
    actions: &[Action],
    cause: Cause,
    sight: &mut Sight,
    now: i64,
) -> Result<Result<Option<String>>> {
    let mark = tl.added.len();
    savepoint(c, "SAVEPOINT automation_action").await?;
    let out = apply_in(c, tl, rule, actions, cause, sight, now).await;
    if out.is_err() {
        // Undo these actions alone; should even that fail (a lost
        // connection), the whole change fails as it would have.
        savepoint(c, "ROLLBACK TO SAVEPOINT automation_action").await?;
        tl.added.truncate(mark);
    }
    savepoint(c, "RELEASE SAVEPOINT automation_action").await?;
    Ok(out)
}

async fn savepoint(c: &mut AnyConnection, sql: &'static str) -> Result<()> {
    sqlx::query(sql).execute(c).await?;
    Ok(())
}

/// Applies `actions` as the rule: one action, or a run of field actions
/// ([`field_run`]) as one change. `Ok(Some(reason))` when it did nothing on
/// purpose (no customer message to answer, already answered).
async fn apply_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    rule: &Rule,
    actions: &[Action],
    cause: Cause,
    sight: &mut Sight,
    now: i64,
) -> Result<Option<String>> {
    let id = tl.conversation_id();
    let actor = EventActor::automation(rule.id);
    let p = match field_patch(rule, actions) {
        Some(p) => p?,
        None => {
            let [action] = actions else {
                return Err(crate::Error::Internal(anyhow::anyhow!(
                    "a run of actions that are not all field actions"
                )));
            };
            return other_in(c, tl, rule, action, cause, sight, now).await;
        }
    };
    let (events, row) =
        super::service::update_as_in(c, &Viewer::system(), &actor, id, &p, now).await?;
    tl.added.extend(events);
    // What the next rule sees: the row as this change left it (read again
    // only when it cannot say).
    match row {
        Some(row) => sight.wrote(row),
        None => sight.forget_row(),
    }
    Ok(None)
}

/// A rule's action other than a field action: a note, an automatic reply
/// or a webhook. `Ok(Some(reason))` when it did nothing on purpose.
async fn other_in(
    c: &mut AnyConnection,
    tl: &mut Timeline,
    rule: &Rule,
    action: &Action,
    cause: Cause,
    sight: &mut Sight,
    now: i64,
) -> Result<Option<String>> {
    let id = tl.conversation_id();
    match action {
        Action::Note { text } => {
            let actor = EventActor::automation(rule.id);
            let body = render_in(c, id, text, sight.language()).await?;
            let events = super::reply::note_in(c, id, &actor, &rule.name, &body, now).await?;
            tl.added.extend(events);
            // The note moved the row (its count of messages): the next
            // rule reads it again.
            sight.forget_row();
            Ok(None)
        }
        Action::Reply { text } => {
            let Some((mid, _)) = repo::latest_customer_message(c, id).await? else {
                return Ok(Some("no customer message to answer".into()));
            };
            let queued =
                crate::automation::service::queue_reply_in(c, id, rule.id, mid, text, now).await?;
            Ok((!queued).then(|| "this customer message has an automatic reply already".into()))
        }
        Action::Webhook { url, secret } => {
            // The event that fired the rule; for a time rule, the
            // conversation's latest (what made its moment, usually).
            let event_id = match cause {
                Cause::Event(eid, _) => Some(eid),
                Cause::Moment(..) => None,
            };
            webhook_in(c, id, url, secret.as_deref(), event_id, now).await
        }
        Action::SetStatus { .. }
        | Action::SetPriority { .. }
        | Action::AddTags { .. }
        | Action::RemoveTags { .. }
        | Action::AssignTeam { .. }
        | Action::AssignAgent { .. } => Err(crate::Error::Internal(anyhow::anyhow!(
            "a field action taken for another"
        ))),
    }
}

/// Queues an event for a rule's webhook, delivered after the commit in
/// order with the conversation's other deliveries to that URL.
async fn webhook_in(
    c: &mut AnyConnection,
    id: i64,
    url: &str,
    secret: Option<&str>,
    event_id: Option<i64>,
    now: i64,
) -> Result<Option<String>> {
    let Some((event_id, kind, data, at)) = repo::event_for_webhook(c, id, event_id).await? else {
        return Ok(Some("no event to post".into()));
    };
    crate::webhooks::service::enqueue_in(
        c,
        &crate::webhooks::service::Target {
            url: url.to_string(),
            secret: secret.map(str::to_string),
        },
        &crate::webhooks::service::Outgoing {
            event_id,
            conversation_id: id,
            kind,
            data,
            created_at_ms: at,
        },
        now,
    )
    .await?;
    Ok(None)
}
