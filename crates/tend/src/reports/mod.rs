//! Reports: metrics defined once over the event log, kept as hourly sums
//! by a projection that follows the log, read without touching events.
//!
//! - `model`: the metrics, dimensions and groupings (closed sets), a
//!   report's lines;
//! - `metrics`: each metric as a pure function of one conversation's
//!   history (no IO), with the rules they share;
//! - `histogram`: the fixed log-spaced bins that give percentiles from sums;
//! - `projection`: the task that follows the log (its own cursor, the
//!   stored measurements and the buckets move in one transaction),
//!   `catch_up` and `rebuild` (`tend reports rebuild`);
//! - `repo`: the SQL of `report_cursor`, `report_facts`, `report_buckets`;
//! - `service`: reading a report (access, time zones, lines, CSV);
//! - `people`: a person's or a team's figures for their own pages, and
//!   who may see them;
//! - `api`: `GET /reports/metrics`.
//!
//! Admins and supervisors read reports.

pub mod api;
pub mod histogram;
pub mod metrics;
pub mod model;
pub mod people;
pub mod projection;
mod repo;
pub mod service;

pub use model::{Dimension, GroupBy, Kind, Metric, Report, ReportLine};
