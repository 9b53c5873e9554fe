//! Tend: a self-hosted customer-service desk.
//!
//! The crate is organised by domain (conversations, customers, agents,
//! inboxes, attachments). Each domain folder owns its types (`model.rs`), its
//! SQL (`repo.rs`), its use cases (`service.rs`) and its HTTP handlers
//! (`api.rs`). Cross-domain calls go through `service.rs`. See
//! `docs/ARCHITECTURE.md` for the picture.

pub mod agents;
pub mod app;
pub mod attachments;
pub mod automation;
pub mod bus;
pub mod calendars;
pub mod channels;
pub mod cli;
pub mod config;
pub mod connlimit;
pub mod conversations;
pub mod crypto;
pub mod customers;
pub mod db;
pub mod demo;
pub mod error;
pub mod formatting;
pub mod health;
pub mod html;
pub mod http;
pub mod inboxes;
pub mod jobs;
pub mod kb;
pub mod locale;
pub mod macros;
pub mod notifications;
pub mod portal;
pub mod problems;
pub mod ratelimit;
pub mod remedies;
pub mod reports;
pub mod routing;
pub mod saved_views;
pub mod search;
pub mod secrets;
pub mod signatures;
pub mod sla;
pub mod state;
pub mod surveys;
pub mod tasks;
pub mod telemetry;
pub mod templates;
pub mod time;
pub mod vocab;
pub mod web;
pub mod webhooks;

pub use error::{Error, Result};
