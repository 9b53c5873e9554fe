//! Conversations: one customer issue on any channel, its messages, and its
//! append-only event timeline. Every change to a conversation goes through
//! [`service`], which appends the matching event in the same transaction.

pub mod api;
mod automate;
mod automate_act;
mod automate_read;
pub mod chat;
pub mod delivery;
pub mod export;
mod export_repo;
pub mod followup;
mod followup_repo;
pub mod history;
pub mod inbound;
pub mod merge;
pub mod model;
pub(crate) mod ownership;
mod patch;
mod plain;
mod reading;
mod reply;
mod repo;
mod routing_repo;
pub mod service;
mod service_levels;
mod sight;
pub mod status;
mod templating;
pub mod threading;
mod timeline;
mod validate;
pub mod views;

pub use model::{Conversation, Event, Message};
pub use status::{Priority, Status};
pub use validate::{language_of, parse_tags};
