//! Tend's business calendars: opening hours, holidays, and the
//! business-time arithmetic that service levels (SLA deadlines), automation
//! time rules and reports share. Pure functions, no IO: the `tend` crate
//! stores calendars and calls these.
//!
//! # The calendar
//!
//! A calendar is a time zone (an IANA name such as `Europe/Riga`), opening
//! hours per weekday and dated holidays. In JSON (the contract's shape,
//! which [`Week`] and [`Holiday`] (de)serialise):
//!
//! ```json
//! { "timezone": "Europe/Riga",
//!   "hours": { "mon": [["09:00", "13:00"], ["14:00", "18:00"]], "sun": [] },
//!   "holidays": [{ "date": "2026-12-24", "name": "Christmas Eve",
//!                  "hours": [["09:00", "12:00"]] },
//!                { "date": "2026-12-25" }] }
//! ```
//!
//! [`Calendar::new`] validates it once; after that nothing re-checks.
//!
//! ```
//! use jiff::{SignedDuration, Timestamp};
//! use tend_calendar::{Calendar, Holiday, Week};
//!
//! let week: Week = serde_json::from_str(
//!     r#"{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}"#,
//! )?;
//! let holidays: Vec<Holiday> = serde_json::from_str(r#"[{"date": "2026-03-09"}]"#)?;
//! let cal = Calendar::new("Europe/Riga", &week, &holidays)?;
//!
//! // Friday 16:00 plus two business hours: Friday's last hour, Monday is a
//! // holiday, Tuesday 09:00-10:00.
//! let friday: Timestamp = "2026-03-06T16:00+02:00".parse()?;
//! assert_eq!(cal.add(friday, 120)?, "2026-03-10T10:00+02:00".parse::<Timestamp>()?);
//! let tuesday_noon: Timestamp = "2026-03-10T12:00+02:00".parse()?;
//! assert_eq!(cal.open_between(friday, tuesday_noon), SignedDuration::from_hours(4));
//! assert_eq!(cal.next_change(tuesday_noon), Some("2026-03-10T17:00+02:00".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is open (the contract)
//!
//! > A minute is open when its local wall-clock time (in the calendar's time
//! > zone, DST included) lies in an open interval `[from, to)`; an interval
//! > whose end is not after its start runs past midnight and belongs to the
//! > day it starts on (e.g. `["22:00","06:00"]` on Monday covers Mon 22:00 →
//! > Tue 06:00; `["00:00","00:00"]` = the whole 24h day); a holiday's `hours`
//! > replace that date's intervals (the intervals that START on that date),
//! > and no `hours` means closed. `add(start, minutes)` returns the end of
//! > the n-th open minute at or after `start`.
//!
//! `"24:00"` is accepted as the end of an interval (`["09:00","24:00"]` runs
//! to midnight), never as its start. Overlapping intervals, on one day or an
//! overnight interval reaching into the next day's, count once: open time
//! is the union of the intervals.
//!
//! # Precisely, in real time
//!
//! The arithmetic works on real (UTC) time with nanosecond precision:
//!
//! - An instant `t` is **open** when its local wall-clock time
//!   (`TimeZone::to_datetime(t)`) lies in one of the intervals above.
//!   Interval bounds are whole local minutes and offsets and transitions
//!   whole seconds, so openness changes only at whole seconds (at whole
//!   minutes in every zone in use today, whose offsets are whole minutes).
//! - **Open time** between `a` and `b` ([`Calendar::open_between`]) is the
//!   length of real time in `[a, b)` that is open.
//! - [`Calendar::add`]`(start, n)` is the earliest instant `t` such that the
//!   open time in `[start, t)` is exactly `n × 60` seconds; `add(start, 0)`
//!   is `start` itself. For a `start` on a whole minute this is the contract's
//!   "end of the n-th open minute at or after start". A `start` in the middle
//!   of a minute counts only the rest of that minute: an open calendar gives
//!   `add(09:00:30, 1) = 09:01:30`. The result is always the end of open
//!   time, never the start of the next stretch: with hours 09:00–17:00,
//!   `add(Mon 16:00, 60)` is Mon 17:00, not Tue 09:00.
//! - **Daylight saving time** falls out of the definition. In a
//!   spring-forward gap the skipped wall-clock times never happen, so they
//!   are never open (an interval `02:00–03:00` inside the gap has zero
//!   length, and `08:00–18:00` on that day is 10 real hours only if the gap
//!   lies outside it). In a fall-back fold the repeated wall-clock hour
//!   happens twice and is open both times if it lies in an interval (an
//!   interval `00:00–06:00` on a fold night is 7 real hours long).
//!
//! # Horizon
//!
//! A calendar may be closed for a long time (every day empty, or a long run
//! of holidays). Rather than search for ever, [`Calendar::add`] fails with
//! [`CalendarError::NoOpenTime`] once it has walked [`HORIZON_DAYS`] days
//! (of real time, counted from `start` or from the end of the last open
//! stretch it used) without any open time, and [`Calendar::next_open`] and
//! [`Calendar::next_change`] answer `None` when nothing happens within
//! [`HORIZON_DAYS`] days. Results past the last date jiff supports (the end
//! of year 9999) are [`CalendarError::OutOfRange`].
//!
//! # Speed
//!
//! Nothing walks minute by minute: the walk goes day by day over the day's
//! intervals (sorted once, in [`Calendar::new`]), and meets the time zone
//! only at its transitions. Nothing allocates per call. On one core of the
//! build machine (`cargo run -p tend-calendar --release --example speed`):
//! `add(t, 60)` about 0.1 µs, `add(t, 10_000)` over 8-hour weekdays (a
//! month of calendar days) under 1 µs, [`Calendar::next_change`] under
//! 0.1 µs, and [`Calendar::open_between`], one step per local day between
//! its ends, about 7 µs across a year.
//!
//! # Holidays from iCalendar
//!
//! [`parse_ical`] reads the holiday feeds public services and calendar
//! programs publish (RFC 5545) into [`Holiday`] values; its documentation
//! says how timed events, time zones and yearly rules are read.

mod calendar;
mod ical;
mod model;
mod walk;

pub use calendar::Calendar;
pub use ical::{IcalError, parse_ical};
pub use model::{Holiday, Interval, Week};

use jiff::Timestamp;

/// How many days of real time the calendar searches for open time before
/// it gives up (see the crate documentation, "Horizon").
pub const HORIZON_DAYS: i64 = 400;

/// Why a calendar could not be built or an answer computed. Messages name
/// the offending field as a path into the calendar's JSON (`hours.mon[1]`,
/// `holidays[2].date`) so a form can show them next to the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The time zone is not an IANA name jiff knows.
    #[error(
        "timezone: {name:?} is not a known time zone (use an IANA name such as \"Europe/Riga\")"
    )]
    UnknownTimeZone {
        /// The name as given.
        name: String,
    },
    /// A time is not `HH:MM` between 00:00 and 23:59 (or 24:00 as an end).
    #[error("{field}: {value:?} is not a time of day (HH:MM)")]
    BadTime {
        /// Where: `hours.mon[1]` or `holidays[0].hours[1]`.
        field: String,
        /// The text as given.
        value: String,
    },
    /// `24:00` was given as the start of an interval.
    #[error("{field}: \"24:00\" can only end an interval; start it at \"00:00\" instead")]
    EndOfDayAsStart {
        /// Where: `hours.mon[1]` or `holidays[0].hours[1]`.
        field: String,
    },
    /// A holiday's date is not a real `YYYY-MM-DD` date.
    #[error("{field}: {value:?} is not a date (YYYY-MM-DD)")]
    BadDate {
        /// Where: `holidays[2].date`.
        field: String,
        /// The text as given.
        value: String,
    },
    /// Two holidays have the same date.
    #[error(
        "holidays[{second}].date: {date} is already holidays[{first}]; give each date one entry"
    )]
    DuplicateHoliday {
        /// The date, `YYYY-MM-DD`.
        date: String,
        /// Index of the first holiday with that date.
        first: usize,
        /// Index of the repeated one.
        second: usize,
    },
    /// [`Calendar::add`] was asked for a negative number of minutes.
    #[error("minutes must not be negative (got {0}); business time only runs forward")]
    NegativeMinutes(i64),
    /// The calendar has no open time within [`HORIZON_DAYS`] days.
    #[error(
        "the calendar has no open time in the 400 days after {after}; add opening hours or remove holidays"
    )]
    NoOpenTime {
        /// Where the fruitless search started.
        after: Timestamp,
    },
    /// The answer lies past the last instant jiff supports (end of 9999).
    #[error("the result lies past the year 9999; use a smaller number of minutes")]
    OutOfRange,
}
