//! Background jobs that one bad item cannot stop.
//!
//! Every job that works through items (surveys, quiet-period closing, the
//! service-level timer, the outbox) runs each item through
//! [`service::Pass::run`]: an item that fails is retried with backoff
//! (30 s, 1 min, 2 min, 4 min), and after [`service::MAX_ATTEMPTS`]
//! failures it is parked with its error until an admin retries it
//! (`/admin/jobs`, `POST /api/v1/jobs/failures/{job}/{item}/retry`). A job
//! never picks an item that waits or is parked ([`service::ready_sql`]),
//! so the others go on; each failure is logged once, when it happens, not
//! on every pass.
//!
//! - `model`: the jobs (a closed set) and a failure as admins see it;
//! - `repo`: the `job_failures` table;
//! - `service`: the pass, the rule for backoff and parking, the admin's
//!   list and retry, the metrics (`tend_job_failures_total{job}`,
//!   `tend_job_parked_items{job}`);
//! - `api`: `/api/v1/jobs/failures`.

pub mod api;
pub mod model;
mod repo;
pub mod service;

pub use model::{Failure, Job};
