//! Splitting a message off into a new conversation (issue 25): the new
//! conversation is the same customer's, in the same inbox and channel,
//! with the same subject and language; it holds the message with its
//! files and its own events. Events: `created` (whose `linked_to` names
//! the source) and `split_from` on the new one, `split_to` on the source.
//! The new conversation starts like any other (`new`, waiting since now,
//! its service-level clocks, routing).

use serde_json::json;
use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::{Error, Result};

use super::model::Conversation;
use super::repo::{self, NewRow};
use super::service_levels::{Was, Wrote, track_in};
use super::timeline::{Timeline, actor_of};
use crate::vocab::EventKind;

/// Splits message `message_id` of conversation `id` into a new
/// conversation; answers the new conversation.
#[tracing::instrument(skip_all, fields(conversation_id = id, message_id, user_id = ?viewer.user_id))]
pub async fn split(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    message_id: i64,
) -> Result<Conversation> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let (new_id, events) = st
        .db
        .write(move |c| Box::pin(async move { split_in(c, &v, id, message_id, now).await }))
        .await?;
    metrics::counter!("tend_conversations_created_total").increment(1);
    st.publish(events);
    super::reading::get(st, &Viewer::system(), new_id).await
}

async fn split_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    message_id: i64,
    now: i64,
) -> Result<(i64, Vec<BusEvent>)> {
    let mut src = repo::get_for_update(c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    if let Some(into) = src.merged_into {
        return Err(Error::conflict(
            "conversation_merged",
            format!("conversation {id} was merged into {into}; work on that one"),
            json!({"merged_into": into}),
        ));
    }
    let internal = repo::message_in(c, id, message_id)
        .await?
        .ok_or(Error::NotFound("message"))?;
    if internal {
        return Err(Error::invalid(
            "message_id",
            "an internal note cannot start a conversation; split a message of the customer or a reply",
        ));
    }
    if src.message_count <= 1 {
        return Err(Error::invalid(
            "message_id",
            "this is the conversation's only message; there is nothing to split it from",
        ));
    }
    let tags: Vec<String> = Vec::new();
    let row = NewRow {
        inbox_id: src.inbox_id,
        customer_id: src.customer_id,
        subject: &src.subject,
        priority: src.priority,
        channel: src.channel,
        tags: &tags,
        language: src.language.as_deref(),
        customer_email: src.customer_email.as_deref(),
        now,
    };
    let new_id = repo::insert(c, &row).await?;
    repo::move_message(c, id, message_id, new_id).await?;
    let actor = actor_of(viewer);
    let mut tn = Timeline::new(new_id, src.inbox_id, now);
    tn.add_all(
        c,
        &[
            (EventKind::Created, &actor, row.created_data(None, Some(id))),
            (
                EventKind::SplitFrom,
                &actor,
                json!({"from": id, "message_id": message_id}),
            ),
        ],
    )
    .await?;
    let created = repo::get_for_update(c, &Viewer::system(), new_id)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("the split conversation is missing")))?;
    track_in(c, &mut tn, None, &created, Wrote::Nothing, now).await?;
    super::ownership::route_created_in(c, &mut tn, new_id, src.inbox_id, now).await?;

    let was = Was::of(&src);
    let mut ts = Timeline::new(id, src.inbox_id, now);
    ts.add(
        c,
        EventKind::SplitTo,
        &actor,
        json!({"to": new_id, "message_id": message_id}),
    )
    .await?;
    src.message_count -= 1;
    src.updated_at = now;
    repo::update(c, &src).await?;
    track_in(c, &mut ts, Some(was), &src, Wrote::Nothing, now).await?;
    tn.added.append(&mut ts.added);
    Ok((new_id, tn.added))
}
