//! Service levels: promises per channel, kept on business time, visible
//! before they break.
//!
//! - `model`: policies (the first by position whose match fits applies),
//!   the metrics, the conversation's summary;
//! - `clock`: the pure rules of a clock (start, pause, resume, re-target,
//!   stop, fire), with no IO;
//! - `service`: the policies' use cases, and [`service::track_in`], which
//!   every conversation write calls inside its transaction so the clocks
//!   move with the events that move them;
//! - `explain`: why a conversation has its service levels;
//! - `timer`: the one durable timer that fires warnings and breaches
//!   exactly once, on any number of nodes;
//! - `monitor`: every channel answered (customers waiting past a
//!   threshold, and whether anyone who may answer is online);
//! - `api`: `/sla-policies`, `/conversations/{id}/sla` and
//!   `/monitor/unanswered`.
//!
//! Admins write policies; supervisors (and admins) read them.

pub mod api;
pub mod clock;
pub mod explain;
pub mod model;
pub mod monitor;
pub mod repo;
pub mod service;
pub mod timer;

pub use model::{Metric, Policy, PolicyInput, SlaSummary};
