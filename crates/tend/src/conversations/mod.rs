//! Conversations: one customer issue on any channel, its messages, and its
//! append-only event timeline. Every change to a conversation goes through
//! [`service`], which appends the matching event in the same transaction.

pub mod api;
mod automate;
mod automate_act;
mod automate_read;
pub mod calls;
pub mod chat;
pub mod combine;
mod combine_api;
pub mod delivery;
pub mod draft_images;
pub mod drafts;
pub mod drafts_api;
pub mod export;
mod export_repo;
pub mod followup;
mod followup_repo;
pub mod formatted;
pub mod history;
pub mod inbound;
pub mod links;
mod listing;
pub mod merge;
pub mod model;
pub mod notable;
pub(crate) mod ownership;
mod patch;
mod plain;
mod reading;
mod reply;
mod repo;
mod routing_repo;
pub mod service;
mod service_levels;
pub mod side;
pub mod side_api;
pub mod side_model;
mod sight;
pub mod snooze;
pub mod snooze_api;
pub mod split;
pub mod status;
mod templating;
pub mod threading;
mod timeline;
pub mod undo;
mod validate;
pub mod views;

pub use model::{Conversation, Event, Message};
pub use status::{Priority, Status};
pub use validate::{language_of, parse_tags};
