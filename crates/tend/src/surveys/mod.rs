//! Closing the loop: every solve asks the customer "was your problem fully
//! solved?" (signed one-click links in mail, or inline in chat); "yes"
//! closes the conversation, silence closes it after the quiet period, and
//! an unhappy answer reopens it, returns it to its owner (or the supervisor
//! queue), raises its priority and creates follow-up tasks until the
//! customer confirms. Kind words become success stories credited to the
//! agents who replied; managers get CSAT and response rates.
//!
//! - `model.rs`: types and validation; `rules.rs`: the pure rules (who may be asked, business days)
//! - `repo.rs`, `task_repo.rs`: the only SQL
//! - `service.rs`: sending, answering, closing; `tasks.rs`: follow-ups;
//!   `feedback.rs`: stories and reports; `templates.rs`: editable templates
//! - `sign.rs`: HMAC-signed links
//! - `api.rs`: `/api/v1` routes; `pages.rs`: the customer's pages under `/help/survey/`;
//!   `portal.rs`: the same answers from the customer portal
//! - `jobs.rs`: the job driven by the bus and `st.clock`

pub mod api;
pub mod feedback;
pub mod jobs;
pub mod model;
pub mod pages;
pub mod portal;
mod repo;
pub mod rules;
pub mod service;
pub mod sign;
mod task_repo;
pub mod tasks;
pub mod templates;
