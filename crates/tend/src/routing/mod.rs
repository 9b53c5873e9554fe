//! Routing and ownership: who gets each conversation, fast, and one owner.
//!
//! Agents have a presence (online, away, offline; auto-away after
//! inactivity), a capacity per channel, languages, skills with levels and
//! teams. An inbox's routing rule names the receiving team and the strategy
//! (round-robin or least-loaded, optionally skills-first and sticky). The
//! decision itself is the pure `tend-routing` crate; [`engine`] runs it
//! inside write transactions without races, queues what cannot be assigned
//! (longest wait first) and drains the queues when agents become available
//! or free capacity. The ownership log feeds sticky routing and the
//! transfer report; handling times feed the expected wait.

pub mod api;
pub mod engine;
pub mod model;
mod repo;
pub mod reports;
pub mod service;
pub mod task;

pub use model::{Presence, Strategy, TransferReason};
