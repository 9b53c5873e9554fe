//! Saved views: a view of the inbox (filters, order, columns: a
//! [`ViewSpec`](crate::conversations::views::ViewSpec)) kept under a name,
//! for its owner alone, for a team, or for everyone (admins). Who sees and
//! writes one is the rule of every shared thing (`agents::sharing`).
//!
//! - `model`: the API's types;
//! - `repo`: the `saved_views` table;
//! - `service`: the use cases;
//! - `api`: `/views`.

pub mod api;
pub mod model;
mod repo;
pub mod service;

pub use model::{SavedView, SavedViewInput};
