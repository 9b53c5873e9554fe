//! Business calendars: a time zone, opening intervals per weekday (several
//! a day, and ones that run past midnight) and dated exceptions
//! (holidays, whole or partial days). The arithmetic is the pure
//! `tend-calendar` crate; this domain stores calendars, checks them when
//! they are written, imports holidays from iCalendar files (with a preview
//! before anything is saved) and answers `GET /calendars/{id}/add` with the
//! exact arithmetic that service-level deadlines use.
//!
//! Admins write calendars; supervisors (and admins) read them.

pub mod api;
pub mod model;
mod repo;
pub mod service;

pub use model::{BusinessCalendar, CalendarInput};
