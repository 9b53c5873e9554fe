//! Merging one conversation into another of the same customer (issue 25).
//! Not to be confused with `merge.rs`, which moves conversations when two
//! *customer* records are merged.
//!
//! A merge moves every message of the source, with its files and its own
//! events (`message_added`, `note_added`, `delivery_failed`), its side
//! conversations (with their mails, files and events) and the agents'
//! drafts (two drafts of one agent become one) to the target; the source is closed (its service-level clocks stop) and keeps
//! its number, marked `merged_into`: its page redirects, the API shows
//! `merged_into`, and mail naming it threads into the target
//! (`threading.rs`). The source's own history (created, status, owner,
//! service levels) stays on it. Events: `merged_into` then
//! `status_changed` on the source, `merged_from` on the target.

use serde_json::json;
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::vocab::{EventKind, Status};
use crate::{Error, Result};

use super::model::Conversation;
use super::repo::{self, ConvRow};
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::timeline::{Timeline, actor_of};

/// Why a merge (or a link) was refused: a closed set, named in every
/// locale by the workspace (`web::labels::refusal_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Into itself (or linked to itself).
    Itself,
    /// No such conversation the viewer may see.
    Unknown,
    /// The other conversation is another customer's.
    OtherCustomer,
    /// The other conversation is in another inbox (mail threads only
    /// within its inbox: move it first).
    OtherInbox,
    /// The target is closed.
    TargetClosed,
    /// The target was itself merged away.
    TargetMerged,
}

impl Refusal {
    /// The stable code (locale keys `refusal-…`).
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Itself => "itself",
            Refusal::Unknown => "unknown",
            Refusal::OtherCustomer => "other_customer",
            Refusal::OtherInbox => "other_inbox",
            Refusal::TargetClosed => "target_closed",
            Refusal::TargetMerged => "target_merged",
        }
    }

    /// The API's error: 422 on `field`, in words that say what to do.
    pub fn into_error(self, field: &str, other: i64) -> Error {
        let message = match self {
            Refusal::Itself => "a conversation cannot be merged into or linked to itself".into(),
            Refusal::Unknown => format!("there is no conversation {other}"),
            Refusal::OtherCustomer => format!(
                "conversation {other} belongs to another customer; only conversations of the same customer can be merged (link them instead)"
            ),
            Refusal::OtherInbox => format!(
                "conversation {other} is in another inbox; move one of them to the other's inbox first"
            ),
            Refusal::TargetClosed => {
                format!("conversation {other} is closed; merge into an open conversation")
            }
            Refusal::TargetMerged => {
                format!("conversation {other} was itself merged into another; merge into that one")
            }
        };
        Error::invalid(field, message)
    }
}

/// What the merge rule reads of a conversation.
#[derive(Debug, Clone, Copy)]
pub struct Party {
    pub id: i64,
    pub customer_id: i64,
    pub inbox_id: i64,
    pub status: Status,
    pub merged_into: Option<i64>,
}

impl Party {
    fn of(r: &ConvRow) -> Party {
        Party {
            id: r.id,
            customer_id: r.customer_id,
            inbox_id: r.inbox_id,
            status: r.status(),
            merged_into: r.merged_into,
        }
    }
}

/// The merge rule, pure: whether `source` may be merged into `target`.
pub fn merge_refusal(source: Party, target: Party) -> Option<Refusal> {
    if source.id == target.id {
        Some(Refusal::Itself)
    } else if target.merged_into.is_some() {
        Some(Refusal::TargetMerged)
    } else if source.customer_id != target.customer_id {
        Some(Refusal::OtherCustomer)
    } else if source.inbox_id != target.inbox_id {
        Some(Refusal::OtherInbox)
    } else if target.status == Status::Closed {
        Some(Refusal::TargetClosed)
    } else {
        None
    }
}

/// The 409 for a conversation already merged away.
fn already_merged(id: i64, into: i64) -> Error {
    Error::conflict(
        "conversation_merged",
        format!("conversation {id} was merged into {into}; work on that one"),
        json!({"merged_into": into}),
    )
}

/// Merges conversation `id` into `into`; answers the target.
pub async fn merge(st: &AppState, viewer: &Viewer, id: i64, into: i64) -> Result<Conversation> {
    merge_or_refusal(st, viewer, id, into)
        .await?
        .map_err(|r| r.into_error("into", into))
}

/// [`merge`], with a refusal apart from the other errors (the page names
/// it in the agent's language).
#[tracing::instrument(skip_all, fields(conversation_id = id, into, user_id = ?viewer.user_id))]
pub async fn merge_or_refusal(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    into: i64,
) -> Result<std::result::Result<Conversation, Refusal>> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let done = st
        .db
        .write(move |c| Box::pin(async move { merge_in(c, &v, id, into, now).await }))
        .await?;
    match done {
        Err(refusal) => Ok(Err(refusal)),
        Ok(events) => {
            st.publish(events);
            // The source's owner has one conversation fewer.
            crate::routing::engine::dispatch_quietly(st).await;
            Ok(Ok(super::reading::get(st, viewer, into).await?))
        }
    }
}

async fn merge_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    into: i64,
    now: i64,
) -> Result<std::result::Result<Vec<BusEvent>, Refusal>> {
    if id == into {
        repo::get(c, viewer, id)
            .await?
            .ok_or(Error::NotFound("conversation"))?;
        return Ok(Err(Refusal::Itself));
    }
    // Locked in id order, so two merges the other way round cannot
    // deadlock (PostgreSQL).
    let (first, second) = (id.min(into), id.max(into));
    let a = repo::get_for_update(c, viewer, first).await?;
    let b = repo::get_for_update(c, viewer, second).await?;
    let (src, tgt) = if first == id { (a, b) } else { (b, a) };
    let mut src = src.ok_or(Error::NotFound("conversation"))?;
    if let Some(to) = src.merged_into {
        return Err(already_merged(id, to));
    }
    let Some(mut tgt) = tgt else {
        return Ok(Err(Refusal::Unknown));
    };
    if let Some(r) = merge_refusal(Party::of(&src), Party::of(&tgt)) {
        return Ok(Err(r));
    }
    let actor = actor_of(viewer);
    let moved = repo::move_all_messages(c, id, into).await?;
    // What agents keep beside the conversation goes along: its side
    // conversations (a third party's later answer lands on the target, as
    // it threads by the side mails' Message-IDs) and unsent drafts.
    let sides = repo::move_sides(c, id, into).await?;
    repo::move_drafts(c, id, into, now).await?;
    let waited = src.waiting_since;

    let was = Was::of(&src);
    let mut tl = Timeline::new(id, src.inbox_id, now);
    let mut events = vec![(
        EventKind::MergedInto,
        &actor,
        json!({"into": into, "messages": moved, "side_conversations": sides}),
    )];
    let from = src.status();
    if from != Status::Closed {
        enter_status(&mut src, Status::Closed, now);
        events.push((
            EventKind::StatusChanged,
            &actor,
            json!({"from": from.as_str(), "to": Status::Closed.as_str()}),
        ));
    }
    tl.add_all(c, &events).await?;
    src.message_count = 0;
    src.updated_at = now;
    repo::update(c, &src).await?;
    repo::set_merged_into(c, id, into).await?;
    track_in(c, &mut tl, Some(was), &src, Wrote::Nothing, now).await?;

    let was = Was::of(&tgt);
    let mut tt = Timeline::new(into, tgt.inbox_id, now);
    tt.add(
        c,
        EventKind::MergedFrom,
        &actor,
        json!({"from": id, "messages": moved, "side_conversations": sides}),
    )
    .await?;
    tgt.message_count += moved.len() as i64;
    tgt.updated_at = now;
    // A customer still waiting in the source waits in the target, since
    // the earlier of the two moments (when the desk owes the target an
    // answer anyway; a pending target keeps its status).
    if tgt.status().desk_owes_answer()
        && let Some(w) = waited
    {
        tgt.waiting_since = Some(tgt.waiting_since.map_or(w, |t| t.min(w)));
    }
    repo::update(c, &tgt).await?;
    track_in(c, &mut tt, Some(was), &tgt, Wrote::Nothing, now).await?;
    tl.added.append(&mut tt.added);
    Ok(Ok(tl.added))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(id: i64) -> Party {
        Party {
            id,
            customer_id: 1,
            inbox_id: 1,
            status: Status::Open,
            merged_into: None,
        }
    }

    #[test]
    fn the_merge_rule() {
        assert_eq!(merge_refusal(party(1), party(2)), None);
        assert_eq!(merge_refusal(party(1), party(1)), Some(Refusal::Itself));
        let other = Party {
            customer_id: 2,
            ..party(2)
        };
        assert_eq!(merge_refusal(party(1), other), Some(Refusal::OtherCustomer));
        let elsewhere = Party {
            inbox_id: 2,
            ..party(2)
        };
        assert_eq!(
            merge_refusal(party(1), elsewhere),
            Some(Refusal::OtherInbox)
        );
        let closed = Party {
            status: Status::Closed,
            ..party(2)
        };
        assert_eq!(merge_refusal(party(1), closed), Some(Refusal::TargetClosed));
        let merged = Party {
            merged_into: Some(3),
            ..party(2)
        };
        assert_eq!(merge_refusal(party(1), merged), Some(Refusal::TargetMerged));
        // A solved target takes a merge (a closed source may be merged too).
        let solved = Party {
            status: Status::Solved,
            ..party(2)
        };
        let closed_source = Party {
            status: Status::Closed,
            ..party(1)
        };
        assert_eq!(merge_refusal(closed_source, solved), None);
    }
}
