//! Agents: user accounts (admin, supervisor, agent), API tokens, teams and
//! the one access rule that decides which inboxes a user may see.

pub mod access;
pub mod api;
pub mod model;
pub mod password;
mod repo;
pub mod service;

pub use access::Viewer;
pub use model::{Role, Team, User};
