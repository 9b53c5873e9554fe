//! Live chat: the `/widget.js` script, the visitor's HTTP endpoints and
//! WebSocket under `/chat/{inbox}/`, and the per-conversation fan-out that
//! tells connected visitors about new messages, typing and read receipts.
//!
//! - [`http`]: routes, origin checks and CORS;
//! - [`ws`]: the visitor socket protocol;
//! - [`service`]: sessions, messages, read marks;
//! - [`identity`]: what a site's HMAC signs, and the customer it binds;
//! - `upload`: files, authorised before anything is stored;
//! - `offline`: the offline form; `transcript`: the transcript by mail;
//! - [`hub`]: per-conversation rooms on this node, fed by [`dispatch`]
//!   from the bus (which, on PostgreSQL, also carries other nodes' events:
//!   `crate::bus`), and the per-address socket count;
//! - [`widget`]: the script with its strings.

pub mod http;
mod hub;
pub mod identity;
mod offline;
mod receipts;
mod repo;
pub mod service;
mod transcript;
mod upload;
pub mod widget;
mod ws;

use tokio::sync::broadcast::error::RecvError;

use std::sync::Arc;

use crate::state::AppState;
use crate::tasks::{Shutdown, Supervisor};
use crate::vocab::EventKind;

pub use hub::{Delivery, Hub, Signal, SocketPermit};
pub use ws::{MAX_FRAME_BYTES, READ_EVERY_MS, TYPING_EVERY_MS};

/// The room of a chat session itself (its sockets learn there that the
/// session's conversation started or changed). Conversation rooms use the
/// conversation id; sessions use negative ids in the same map.
pub fn session_room(session_id: i64) -> i64 {
    -session_id
}

/// Puts the chat's background task under `tasks`: [`dispatch`]. Events
/// other app nodes commit reach it on the same bus (`crate::bus`).
pub fn spawn_tasks(st: &AppState, tasks: &mut Supervisor) {
    tasks.spawn("chat_dispatch", crate::tasks::with(st, dispatch));
}

/// A conversation another node started (a visitor's tab there sent the
/// first message): this node's other tabs of that visitor wait in their
/// session's room, and follow it once signalled (on the node that wrote
/// it, `service::post` signals them directly).
async fn follow_new_conversation(st: &AppState, conversation_id: i64) {
    if st.public().chat.sockets() == 0 {
        return;
    }
    let sessions = match st.db.pool().acquire().await {
        Ok(mut c) => repo::sessions_of_conversation(&mut c, conversation_id).await,
        Err(e) => Err(e.into()),
    };
    match sessions {
        Ok(ids) => {
            for id in ids {
                st.public().chat.signal(session_room(id), Signal::Changed);
            }
        }
        Err(e) => tracing::warn!(error = %e, "chat: finding the sessions of a new conversation"),
    }
}

/// What a committed event tells the visitors of its conversation, if
/// anything.
fn signal_of(ev: &crate::state::BusEvent) -> Option<Signal> {
    Some(match ev.kind {
        EventKind::MessageAdded => match &ev.posted {
            Some(p) => Signal::Message(Arc::new(Delivery::visitor(p))),
            None => Signal::Messages,
        },
        // Visitors never see notes, and these change nothing
        // the widget shows.
        EventKind::NoteAdded
        | EventKind::Assigned
        | EventKind::Transferred
        | EventKind::TagsChanged
        | EventKind::PriorityChanged
        | EventKind::InboxChanged
        | EventKind::SlaApplied
        | EventKind::SlaWarning
        | EventKind::SlaBreached
        | EventKind::SlaFulfilled
        | EventKind::AutomationFired
        | EventKind::AutomationStopped
        | EventKind::RemedyRecorded
        | EventKind::RemedyDecided
        | EventKind::ProblemLinked
        | EventKind::ProblemUnlinked
        | EventKind::Snoozed
        | EventKind::Unsnoozed
        | EventKind::Linked
        | EventKind::Unlinked
        // Side conversations are the desk's own business.
        | EventKind::SideConversationStarted
        | EventKind::SideMessageSent
        | EventKind::SideReplyReceived
        // A call is not a chat.
        | EventKind::CallAnswered
        | EventKind::CallMissed
        | EventKind::CallEnded => return None,
        EventKind::Created
        | EventKind::MailHeld
        | EventKind::DeliveryFailed
        | EventKind::JoinRefused
        | EventKind::FollowUpCreated
        | EventKind::FollowUpDone
        | EventKind::Queued
        | EventKind::StatusChanged
        | EventKind::TeamChanged
        | EventKind::CustomerChanged
        | EventKind::LanguageChanged
        | EventKind::SurveySent
        | EventKind::SurveySkipped
        | EventKind::SurveyAnswered
        | EventKind::MergedInto
        | EventKind::MergedFrom
        | EventKind::SplitTo
        | EventKind::SplitFrom
        | EventKind::ReplyUndone => Signal::Changed,
    })
}

/// Turns committed conversation events into signals for the connected
/// visitors of those conversations, until the shutdown or until the bus
/// closes.
pub async fn dispatch(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    let mut bus = st.bus.subscribe();
    loop {
        let received = tokio::select! {
            r = bus.recv() => r,
            _ = shutdown.stopped() => return Ok(()),
        };
        match received {
            Ok(batch) => {
                for ev in batch.iter() {
                    if let Some(signal) = signal_of(ev) {
                        st.public().chat.signal(ev.conversation_id, signal);
                    }
                    if ev.remote && ev.kind == EventKind::Created {
                        follow_new_conversation(&st, ev.conversation_id).await;
                    }
                }
            }
            Err(RecvError::Lagged(_)) => st.public().chat.signal_all(),
            Err(RecvError::Closed) => return Ok(()),
        }
    }
}
