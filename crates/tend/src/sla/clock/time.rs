//! The time a service-level clock counts: the open time of a business
//! calendar, or every minute (a policy without business hours).

use jiff::{SignedDuration, Timestamp};
use tend_calendar::Calendar;

/// The time a clock counts: open time of a calendar, or every minute.
#[derive(Debug, Clone, Copy)]
pub enum Time<'a> {
    /// Every minute, day and night.
    Wall,
    /// The open time of a business calendar.
    Business(&'a Calendar),
}

impl Time<'_> {
    /// The time counted in `[from, to)`, in milliseconds.
    pub fn between(self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        match self {
            Time::Wall => to - from,
            Time::Business(cal) => match (ts(from), ts(to)) {
                (Some(a), Some(b)) => {
                    i64::try_from(cal.open_between(a, b).as_millis()).unwrap_or(i64::MAX)
                }
                _ => 0,
            },
        }
    }

    /// The instant at which `ms` of counted time have passed since
    /// `start`; `None` when the calendar never opens again (no deadline).
    pub fn add(self, start: i64, ms: i64) -> Option<i64> {
        let ms = ms.max(0);
        match self {
            Time::Wall => start.checked_add(ms),
            Time::Business(cal) => {
                let t = cal
                    .add_duration(ts(start)?, SignedDuration::from_millis(ms))
                    .ok()?;
                // Deadlines are whole milliseconds, rounded up: never early.
                let ns = t.as_nanosecond();
                i64::try_from(ns.div_euclid(1_000_000) + i128::from(ns.rem_euclid(1_000_000) != 0))
                    .ok()
            }
        }
    }
}

fn ts(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}
