//! Undo send: an agent's mail reply sent from the workspace waits in the
//! outbox for `undo_send_seconds` (see `reply::add_message_held`), and
//! meanwhile its author may take it back. Taken back, it is never mailed
//! and never shown to anyone: the message row goes, its text becomes the
//! author's draft again (the composer shows it), and the conversation is
//! put back as the reply found it:
//! - `first_response_at` is cleared when that reply was the first response,
//!   and a conversation it had moved from New to Open (and that is still
//!   Open) is New again (a `status_changed` event says so);
//! - the customer waits again since their first unanswered message;
//! - the response clock the reply fulfilled counts again, as if it had
//!   never stopped (`Wrote::TakenBack`), and the clocks follow the
//!   restored row.
//!
//! Events are an append-only log: the `message_added` stays, and a
//! `reply_undone` event with the message id follows it. Chat messages are
//! never held (a chat answers live, like any chat app), nor are replies
//! through the API (a program has no Undo button).

use serde_json::json;

use super::repo;
use super::service::enter_status;
use super::service_levels::{Was, Wrote, track_in};
use super::status::Status;
use super::timeline::{Timeline, actor_of};
use crate::agents::Viewer;
use crate::state::AppState;
use crate::vocab::{Direction, EventKind};
use crate::{Error, Result};

/// Takes back the viewer's held reply `message_id` on conversation `id`;
/// answers its text (now the viewer's draft again). `NotFound` for a
/// message that is not the viewer's own public reply there; a conflict
/// `already_sent` when its time is over and it goes (or went).
pub async fn undo_send(st: &AppState, viewer: &Viewer, id: i64, message_id: i64) -> Result<String> {
    let uid = viewer.user_id.ok_or(Error::Forbidden(
        "only the agent who sent a reply may undo it",
    ))?;
    let conv = super::reading::get(st, viewer, id).await?;
    let Some(carrier) = st.carrier(conv.channel) else {
        return Err(too_late(message_id));
    };
    let viewer = viewer.clone();
    let now = st.clock.now_ms();
    let (text, events) = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let mut row = repo::get_for_update(c, &viewer, id)
                    .await?
                    .ok_or(Error::NotFound("conversation"))?;
                let m = repo::sent_facts(c, id, message_id)
                    .await?
                    .filter(|m| {
                        m.author_id == Some(uid)
                            && m.author_kind == "agent"
                            && m.direction == Direction::Out.as_str()
                            && m.internal == 0
                    })
                    .ok_or(Error::NotFound("message"))?;
                if !carrier.take_back_in(c, message_id, now).await? {
                    return Err(too_late(message_id));
                }
                // Its pictures wait with the text it puts back in the box.
                repo::inline_back_to_draft(c, uid, id, message_id, now).await?;
                repo::delete_message(c, message_id).await?;
                let was = Was::of(&row);
                let status = row.status();
                let mut tl = Timeline::new(id, row.inbox_id, now);
                let actor = actor_of(&viewer);
                row.message_count = (row.message_count - 1).max(0);
                row.updated_at = now;
                let first = row.first_response_at == Some(m.created_at)
                    && !repo::agent_replied(c, id).await?;
                if first {
                    row.first_response_at = None;
                    if status == Status::Open && repo::reply_opened(c, id, m.created_at).await? {
                        enter_status(&mut row, Status::New, now);
                        tl.add(
                            c,
                            EventKind::StatusChanged,
                            &actor,
                            json!({"from": status, "to": Status::New, "reason": "reply_undone"}),
                        )
                        .await?;
                    }
                }
                if row.status().takes_messages() && status != Status::Pending {
                    row.waiting_since = repo::waiting_since(c, id).await?;
                }
                repo::update(c, &row).await?;
                tl.add(
                    c,
                    EventKind::ReplyUndone,
                    &actor,
                    json!({"message_id": message_id}),
                )
                .await?;
                super::drafts::restore_in(c, uid, id, &m.text, now).await?;
                track_in(
                    c,
                    &mut tl,
                    Some(was),
                    &row,
                    Wrote::TakenBack(m.created_at),
                    now,
                )
                .await?;
                Ok((m.text, tl.added))
            })
        })
        .await?;
    st.publish(events);
    Ok(text)
}

fn too_late(message_id: i64) -> Error {
    Error::conflict(
        "already_sent",
        "this reply has already gone to the customer; it can no longer be undone",
        json!({"message_id": message_id}),
    )
}
