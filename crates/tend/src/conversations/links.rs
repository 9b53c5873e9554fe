//! Links between related conversations (issue 25): symmetric, stored once
//! (`conversation_links`), listed on both, each change a `linked` or
//! `unlinked` event on both conversations. Any conversation the agent may
//! see can be linked to any other they may see (of any customer).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;
use utoipa::ToSchema;

use crate::agents::Viewer;
use crate::state::{AppState, BusEvent};
use crate::time::rfc3339;
use crate::vocab::{EventKind, Status};
use crate::{Error, Result};

use super::combine::Refusal;
use super::repo;
use super::timeline::{Timeline, actor_of};

/// `POST /conversations/{id}/links`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationLinkInput {
    /// The related conversation.
    pub conversation_id: i64,
}

/// A related conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelatedConversation {
    /// Its number.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: Status,
    /// When they were linked (RFC 3339).
    pub linked_at: String,
}

/// The conversations linked to `id` that the viewer may see.
pub async fn links(st: &AppState, viewer: &Viewer, id: i64) -> Result<Vec<RelatedConversation>> {
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    repo::links_of(&mut c, viewer, id)
        .await?
        .into_iter()
        .map(|(id, subject, status, at)| {
            Ok(RelatedConversation {
                id,
                subject,
                status: Status::from_db(&status).map_err(anyhow::Error::from)?,
                linked_at: rfc3339(at),
            })
        })
        .collect()
}

/// Links `id` and `other` (nothing changes when they are linked already);
/// answers whether the link is new, or why it was refused.
#[tracing::instrument(skip_all, fields(conversation_id = id, other, user_id = ?viewer.user_id))]
pub async fn link(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    other: i64,
) -> Result<std::result::Result<bool, Refusal>> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let done = st
        .db
        .write(move |c| Box::pin(async move { change_in(c, &v, id, other, true, now).await }))
        .await?;
    Ok(done.map(|events| {
        let new = !events.is_empty();
        st.publish(events);
        new
    }))
}

/// Removes the link between `id` and `other` (404 when there is none).
#[tracing::instrument(skip_all, fields(conversation_id = id, other, user_id = ?viewer.user_id))]
pub async fn unlink(st: &AppState, viewer: &Viewer, id: i64, other: i64) -> Result<()> {
    let now = st.clock.now_ms();
    let v = viewer.clone();
    let done = st
        .db
        .write(move |c| Box::pin(async move { change_in(c, &v, id, other, false, now).await }))
        .await?;
    match done {
        Ok(events) if !events.is_empty() => {
            st.publish(events);
            Ok(())
        }
        _ => Err(Error::NotFound("link")),
    }
}

/// Adds (or removes) the link and its events on both conversations; no
/// events when nothing changed.
async fn change_in(
    c: &mut AnyConnection,
    viewer: &Viewer,
    id: i64,
    other: i64,
    add: bool,
    now: i64,
) -> Result<std::result::Result<Vec<BusEvent>, Refusal>> {
    let one = repo::get(c, viewer, id)
        .await?
        .ok_or(Error::NotFound("conversation"))?;
    if other == id {
        return Ok(Err(Refusal::Itself));
    }
    let Some(two) = repo::get(c, viewer, other).await? else {
        return Ok(Err(Refusal::Unknown));
    };
    let changed = if add {
        repo::insert_link(c, id, other, viewer.user_id, now).await?
    } else {
        repo::delete_link(c, id, other).await?
    };
    if !changed {
        return Ok(Ok(Vec::new()));
    }
    let kind = if add {
        EventKind::Linked
    } else {
        EventKind::Unlinked
    };
    let actor = actor_of(viewer);
    let mut added = Vec::new();
    for (row, with) in [(&one, other), (&two, id)] {
        let mut tl = Timeline::new(row.id, row.inbox_id, now);
        tl.add(c, kind, &actor, json!({"with": with})).await?;
        added.append(&mut tl.added);
    }
    Ok(Ok(added))
}
