//! Helpers of the hand-computed examples.

#![allow(
    clippy::unwrap_used,
    dead_code,
    reason = "helpers of tests: a panic there is a failed assertion; not every file uses each"
)]

use jiff::{SignedDuration, Timestamp};
use tend_calendar::{Calendar, Holiday, Week};

/// An instant written with its UTC offset, so fold hours are unambiguous.
pub fn ts(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn week(json: &str) -> Week {
    serde_json::from_str(json).unwrap()
}

pub fn holidays(json: &str) -> Vec<Holiday> {
    serde_json::from_str(json).unwrap()
}

pub fn cal(tz: &str, hours: &str, days_off: &str) -> Calendar {
    Calendar::new(tz, &week(hours), &holidays(days_off)).unwrap()
}

pub fn always(tz: &str) -> Calendar {
    Calendar::new(
        tz,
        &Week::every_day(&[["00:00".into(), "00:00".into()]]),
        &[],
    )
    .unwrap()
}

pub const OFFICE: &str = r#"{"mon": [["09:00","13:00"],["14:00","18:00"]],
    "tue": [["09:00","13:00"],["14:00","18:00"]], "wed": [["09:00","13:00"],["14:00","18:00"]],
    "thu": [["09:00","13:00"],["14:00","18:00"]], "fri": [["09:00","13:00"],["14:00","18:00"]]}"#;

pub fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}
