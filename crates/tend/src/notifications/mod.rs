//! Agents' notifications (issue 25): someone `@named` them in a note, a
//! conversation was given to them, their customer wrote, a chat waits in
//! their team's queue, a snoozed conversation came back. Made by a
//! follower of the event log (`follower.rs`, rules in `rules.rs` and
//! `mentions.rs`, both pure), never by the write paths; read and marked
//! read through `service.rs` and `api.rs`; each agent chooses per kind
//! where they go (the workspace, mail). The workspace's bell, list and
//! browser notifications are `web/notifications.rs`.

pub mod api;
pub mod follower;
pub mod mentions;
pub mod model;
mod repo;
pub mod rules;
pub mod service;
pub mod words;

pub use model::{Delivery, Notification, NotificationKind, Preferences};

/// A notification just made for the workspace, announced on this node
/// (the live stream tells its agent at once).
#[derive(Debug, Clone, Copy)]
pub struct Notified {
    /// The notification.
    pub id: i64,
    /// Whose.
    pub user_id: i64,
    /// Why.
    pub kind: NotificationKind,
    /// About which conversation.
    pub conversation_id: i64,
}

/// This node's notification state: the announcements of new ones.
pub struct NotificationState {
    /// Each pass's new notifications. On several nodes, only the node
    /// whose pass made them announces them; other nodes' pages see them
    /// at their next load.
    pub notified: tokio::sync::broadcast::Sender<Vec<Notified>>,
}

impl Default for NotificationState {
    fn default() -> Self {
        NotificationState {
            notified: tokio::sync::broadcast::channel(256).0,
        }
    }
}

impl crate::state::AppState {
    /// This node's notification state.
    pub fn notifications(&self) -> &NotificationState {
        self.slots.get()
    }
}
