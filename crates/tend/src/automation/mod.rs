//! Automation: rules that act on conversation events and on time, inside
//! the transaction of the change that fired them.
//!
//! - `model`: rules as the API takes them (triggers, conditions, actions);
//!   macros apply the same actions;
//! - `engine`: the pure rules: conditions checked and compiled, evaluated
//!   with a trace, and the loop guard;
//! - `service`: the rules' use cases, the active set every write reads
//!   (`rules_in`, cached on the SQLite writer), time rules' timers, the
//!   automatic replies' queue and the traces;
//! - `timer`: the durable timer of time rules (exactly once per moment);
//! - `replies`: sends the automatic replies rules queued;
//! - `api`: `/automations`, the dry run, `/conversations/{id}/automations`.
//!
//! Running the rules on a conversation's write is the conversations
//! domain's (`conversations/automate.rs`): it owns the rows they change.

pub mod api;
pub mod engine;
pub mod model;
pub mod replies;
mod repo;
pub mod service;
pub mod timer;

pub use model::{
    Action, After, Automation, AutomationInput, Condition, Conditions, Field, LocalizedText, Op,
    Since, Trigger, When,
};
