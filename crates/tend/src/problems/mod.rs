//! Problems: the one cause behind many conversations. Agents link
//! conversations to a problem (Tend proposes likely problems and similar
//! conversations by the search index's likeness, in every language),
//! watch trends of new conversations that belong to none, suggest a known
//! problem's workaround as the answer, and when it is fixed tell every
//! linked customer once, in their language on their channel, and solve
//! their conversations. The report credits who fixed the causes.
//!
//! - `model`: the API's types and checks; `repo`: `problems`,
//!   `problem_links`;
//! - `service`: opening, editing, linking, and who may do what; `fix`:
//!   the fix message; `similar`: proposals, suggestions and trends;
//! - `api`: `/problems…`, `/conversations/{id}/problem-proposals`.

pub mod api;
mod fix;
pub mod model;
mod repo;
pub mod service;
pub mod similar;

pub use model::{Problem, ProblemStatus};
