//! Drafts: the reply or note an agent is typing on a conversation, saved
//! server-side as they type (the page's script, debounced), so nothing is
//! lost on reload and the same text waits on any device. One draft per
//! agent and conversation, seen only by that agent; sending a message (or
//! undoing a send, which puts the text back) replaces it.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use utoipa::ToSchema;

use super::repo;
use crate::agents::Viewer;
use crate::state::AppState;
use crate::time::rfc3339;
use crate::{Error, Result};

/// The longest draft kept (characters); a reply is rarely a tenth of it.
const MAX_DRAFT_CHARS: usize = 100_000;

/// An agent's unsent reply or note on a conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Draft {
    /// The text as typed.
    pub text: String,
    /// An internal note (true) or a reply to the customer (false).
    pub internal: bool,
    /// When it was last saved (RFC 3339).
    pub updated_at: String,
}

/// What `PUT /conversations/{id}/draft` takes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// The text as typed (at most 100,000 characters); empty removes the draft.
    pub text: String,
    /// An internal note (true) or a reply to the customer (false, the default).
    #[serde(default)]
    pub internal: bool,
}

/// Only people have drafts (a token of the system has no composer).
fn owner(viewer: &Viewer) -> Result<i64> {
    viewer.user_id.ok_or(Error::Forbidden(
        "drafts belong to a user; use a user's token",
    ))
}

/// The viewer's own draft on conversation `id` (`None`: nothing typed).
pub async fn mine(st: &AppState, viewer: &Viewer, id: i64) -> Result<Option<Draft>> {
    let uid = owner(viewer)?;
    super::reading::get(st, viewer, id).await?;
    let mut c = st.db.pool().acquire().await?;
    Ok(repo::draft(&mut c, uid, id)
        .await?
        .map(|(text, internal, at)| Draft {
            text,
            internal,
            updated_at: rfc3339(at),
        }))
}

/// Saves the viewer's draft on conversation `id`; an empty (or blank) text
/// removes it, and then `None` is returned.
pub async fn save(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: DraftInput,
) -> Result<Option<Draft>> {
    let uid = owner(viewer)?;
    if input.text.chars().count() > MAX_DRAFT_CHARS {
        return Err(Error::invalid(
            "text",
            format!("a draft is at most {MAX_DRAFT_CHARS} characters; send it or shorten it"),
        ));
    }
    super::reading::get(st, viewer, id).await?;
    let now = st.clock.now_ms();
    let DraftInput { text, internal } = input;
    if text.trim().is_empty() {
        st.db
            .write(move |c| Box::pin(async move { repo::delete_draft(c, uid, id).await }))
            .await?;
        return Ok(None);
    }
    let kept = text.clone();
    st.db
        .write(move |c| {
            Box::pin(async move { repo::save_draft(c, uid, id, &kept, internal, now).await })
        })
        .await?;
    Ok(Some(Draft {
        text,
        internal,
        updated_at: rfc3339(now),
    }))
}

/// Removes the viewer's draft on conversation `id`; `NotFound` when there
/// is none.
pub async fn discard(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    let uid = owner(viewer)?;
    super::reading::get(st, viewer, id).await?;
    let gone = st
        .db
        .write(move |c| Box::pin(async move { repo::delete_draft(c, uid, id).await }))
        .await?;
    if gone {
        Ok(())
    } else {
        Err(Error::NotFound("draft"))
    }
}

/// Inside a write that sends a message by `user_id`: the draft is spent.
pub(super) async fn sent_in(
    c: &mut AnyConnection,
    user_id: Option<i64>,
    conversation_id: i64,
) -> Result<()> {
    if let Some(uid) = user_id {
        repo::delete_draft(c, uid, conversation_id).await?;
        repo::delete_draft_images(c, uid, conversation_id).await?;
    }
    Ok(())
}

/// Inside the write that undoes a send: the text goes back to the draft.
pub(super) async fn restore_in(
    c: &mut AnyConnection,
    user_id: i64,
    conversation_id: i64,
    text: &str,
    now: i64,
) -> Result<()> {
    repo::save_draft(c, user_id, conversation_id, text, false, now).await
}
