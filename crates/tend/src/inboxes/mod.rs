//! Inboxes: the channel endpoints conversations arrive through (an email
//! address, a chat widget, a web form, the API). Every conversation belongs
//! to one; teams are granted inboxes, which is what agents may see.

pub mod api;
pub mod model;
pub mod public;
mod repo;
pub mod service;

pub use model::{Inbox, InboxKind};
