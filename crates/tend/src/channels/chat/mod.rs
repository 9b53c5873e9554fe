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
//!   (and [`follow_log`] on PostgreSQL), and the per-address socket count;
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

/// Puts the chat's background tasks under `tasks`: [`dispatch`], and on
/// PostgreSQL, where other app nodes may commit too, [`follow_log`].
pub fn spawn_tasks(st: &AppState, tasks: &mut Supervisor) {
    tasks.spawn("chat_dispatch", crate::tasks::with(st, dispatch));
    if st.db.backend() == crate::db::Backend::Postgres {
        tasks.spawn("chat_follow_log", crate::tasks::with(st, follow_log));
    }
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
            Ok(ev) => {
                let signal = match ev.kind {
                    EventKind::MessageAdded => match ev.posted {
                        Some(p) => Signal::Message(Arc::new(Delivery::visitor(&p))),
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
                    | EventKind::SlaFulfilled => continue,
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
                    | EventKind::SurveyAnswered => Signal::Changed,
                };
                st.public().chat.signal(ev.conversation_id, signal);
            }
            Err(RecvError::Lagged(_)) => st.public().chat.signal_all(),
            Err(RecvError::Closed) => return Ok(()),
        }
    }
}

/// Events any node committed: signals the rooms of their conversations.
/// Identity ids can commit out of order, so each pass looks back a window
/// of ids and remembers which of them it has signalled already. Runs
/// until the shutdown.
async fn follow_log(st: AppState, shutdown: Shutdown) -> anyhow::Result<()> {
    const LOOK_BACK: i64 = 1000;
    let mut cursor: Option<i64> = None;
    let mut done = std::collections::BTreeSet::new();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.stopped() => return Ok(()),
        }
        if st.public().chat.sockets() == 0 && cursor.is_some() {
            continue;
        }
        let rows: crate::Result<Vec<(i64, i64)>> = match cursor {
            None => crate::conversations::export::last_event_id(&st)
                .await
                .map(|id| vec![(id, 0)]),
            Some(c) => crate::conversations::export::events_after(&st, c - LOOK_BACK, 5000)
                .await
                .map(|es| es.into_iter().map(|e| (e.id, e.conversation_id)).collect()),
        };
        match (rows, cursor) {
            (Ok(rows), None) => cursor = rows.first().map(|r| r.0),
            (Ok(rows), Some(c)) => {
                let mut signalled = std::collections::HashSet::new();
                for (id, conv) in &rows {
                    if done.insert(*id) && signalled.insert(*conv) {
                        st.public().chat.signal(*conv, Signal::Changed);
                    }
                }
                let top = rows.last().map_or(c, |r| r.0.max(c));
                cursor = Some(top);
                done = done.split_off(&(top - LOOK_BACK));
            }
            (Err(e), _) => tracing::warn!(error = %e, "chat: following the event log"),
        }
    }
}
