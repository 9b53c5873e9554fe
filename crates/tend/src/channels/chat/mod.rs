//! Live chat: the `/widget.js` script, the visitor's HTTP endpoints and
//! WebSocket under `/chat/{inbox}/`, and the per-conversation fan-out that
//! tells connected visitors about new messages, typing and read receipts.
//!
//! - [`http`]: routes, origin checks and CORS;
//! - [`ws`]: the visitor socket protocol;
//! - [`service`]: sessions, identity, messages, offline form;
//! - [`hub`]: per-conversation rooms on this node, fed by [`dispatch`];
//! - [`widget`]: the script with its strings.

pub mod http;
mod hub;
pub mod repo;
pub mod service;
mod transcript;
pub mod widget;
mod ws;

use tokio::sync::broadcast::error::RecvError;

use crate::app::AppState;

pub use hub::{Hub, Signal};

/// The room of a chat session itself (its sockets learn there that the
/// session's conversation started or changed). Conversation rooms use the
/// conversation id; sessions use negative ids in the same map.
pub fn session_room(session_id: i64) -> i64 {
    -session_id
}

/// Turns committed conversation events into signals for the connected
/// visitors of those conversations; runs until the bus closes.
pub async fn dispatch(st: AppState) {
    let mut bus = st.bus.subscribe();
    loop {
        match bus.recv().await {
            Ok(ev) => st.public.chat.signal(ev.conversation_id, Signal::Changed),
            Err(RecvError::Lagged(_)) => st.public.chat.signal_all(),
            Err(RecvError::Closed) => return,
        }
    }
}
