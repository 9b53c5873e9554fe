//! Macros: a reply template (a text per language) and the actions that go
//! with it, applied by an agent from the composer. A macro is personal
//! (its owner's), a team's (its members', and admins' and supervisors') or
//! global (everyone's; admins write them).
//!
//! Applying one renders its text in the conversation's language (with a
//! fallback) for the agent to edit and send, and applies its actions
//! through `conversations::service::update`, as the agent, so every
//! permission and status rule holds. A preview changes nothing.
//!
//! - `model`: the API's types and the checks of a macro;
//! - `repo`: the `macros` table;
//! - `service`: the use cases (write, list, apply);
//! - `api`: `/macros` and `/conversations/{id}/macros/{macro_id}`.

pub mod api;
pub mod model;
mod repo;
pub mod service;

pub use model::{Applied, Macro, MacroInput, Scope};
