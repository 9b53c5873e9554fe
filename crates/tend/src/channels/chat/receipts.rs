//! Read receipts: how far the visitor and the agents have read a chat.

use super::repo::{self, Session};
use crate::Result;
use crate::state::AppState;

/// The visitor has seen messages up to `up_to`.
#[tracing::instrument(skip_all, fields(chat_session_id = s.id, conversation_id = s.conversation_id, up_to = up_to))]
pub async fn visitor_read(st: &AppState, s: &Session, up_to: i64) -> Result<()> {
    if up_to <= s.visitor_read_id {
        return Ok(());
    }
    let sid = s.id;
    st.db
        .write(move |c| Box::pin(async move { repo::visitor_read(c, sid, up_to).await }))
        .await?;
    if let Some(conv) = s.conversation_id {
        let _ = st.public().chat.visitor_events.send((conv, "read"));
    }
    Ok(())
}

/// An agent has seen conversation `id` up to message `up_to` (the
/// conversation page calls this); connected visitors get a read receipt.
#[tracing::instrument(skip_all, fields(conversation_id = conversation_id, up_to = up_to))]
pub async fn agent_read(st: &AppState, conversation_id: i64, up_to: i64) -> Result<()> {
    let moved = st
        .db
        .write(move |c| Box::pin(async move { repo::agent_read(c, conversation_id, up_to).await }))
        .await?;
    if moved {
        st.public()
            .chat
            .signal(conversation_id, super::Signal::Read);
    }
    Ok(())
}

/// The read marks of a conversation's chat: (visitor has seen up to, agent
/// has seen up to); `None` when it is not a chat.
pub async fn read_marks(st: &AppState, conversation_id: i64) -> Result<Option<(i64, i64)>> {
    let mut c = st.db.pool().acquire().await?;
    repo::read_marks(&mut c, conversation_id).await
}
