//! Inboxes: the channel endpoints conversations arrive through (an email
//! address, a chat widget, a web form, the API). Every conversation belongs
//! to one; teams are granted inboxes, which is what agents may see.

pub mod api;
pub mod channel;
mod channel_repo;
pub mod imap_url;
pub mod model;
pub mod public;
mod repo;
pub mod service;
pub mod telegram;
mod telegram_repo;
pub mod whatsapp;
mod whatsapp_repo;

pub use model::{ChannelInbox, Inbox, InboxKind};

use crate::db::changes::{EpochCache, INBOXES};

/// Inboxes read on every request, kept while the table does not change;
/// SQLite only (`db::changes`).
#[derive(Debug)]
pub struct InboxCaches {
    /// Email inbox address → inbox id (found ones only).
    pub(crate) by_address: EpochCache<String, i64>,
    /// Inbox id → inbox.
    pub(crate) by_id: EpochCache<i64, Inbox>,
    /// Inbox id → what the channel API needs of it (every inbound message).
    pub(crate) channels: EpochCache<i64, ChannelInbox>,
}

/// The caches, or none.
#[derive(Debug)]
pub struct InboxCacheSlot(Option<InboxCaches>);

impl InboxCacheSlot {
    /// The caches, or none (`cached` false: each request reads the table).
    pub fn new(cached: bool) -> InboxCacheSlot {
        InboxCacheSlot(cached.then(|| InboxCaches {
            by_address: EpochCache::new(&INBOXES, 10_000),
            by_id: EpochCache::new(&INBOXES, 10_000),
            channels: EpochCache::new(&INBOXES, 10_000),
        }))
    }
}

impl crate::state::AppState {
    /// The inbox caches, where there are some.
    pub(crate) fn inbox_caches(&self) -> Option<&InboxCaches> {
        self.slots.get::<InboxCacheSlot>().0.as_ref()
    }
}
