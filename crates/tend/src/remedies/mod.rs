//! Remedies within limits: an agent gives a customer a refund, a credit, a
//! discount, a replacement or a goodwill gesture (or a kind of the desk's
//! own) on the spot when it is within the authority their admins gave
//! them, and asks a supervisor when it is not. Every grant, request and
//! decision is a line of an append-only ledger and an event on the
//! conversation's timeline.
//!
//! - `model`: the API's types and checks; `money`: amounts in minor units;
//! - `authority_repo`: `remedy_kinds`, `authority_limits`; `repo`:
//!   `remedies`, `remedy_ledger`;
//! - `authority`: kinds and limits; `service`: recording and deciding, and
//!   the authority rule (`decide_state`); `ledger`: the ledger and report;
//! - `api`: `/remedy-kinds`, `/authority`, `/conversations/{id}/remedies`,
//!   `/remedies`, `/remedies/{id}/approve|decline`, `/remedies/ledger`,
//!   `/remedies/report`.

pub mod api;
pub mod authority;
mod authority_repo;
pub mod ledger;
pub mod model;
pub mod money;
mod repo;
pub mod service;

pub use model::{Remedy, RemedyState};
