//! Automation: rules that act on conversation events and on time, inside
//! the transaction of the change that fired them.
//!
//! - `model`: rules as the API takes them (triggers, conditions, actions);
//!   macros apply the same actions.

pub mod model;

pub use model::{Action, Condition, Conditions, Field, LocalizedText, Op, Since, Trigger};
