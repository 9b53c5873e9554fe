//! The calendar as written: the contract's JSON shape, with times and dates
//! as text. [`Calendar::new`](crate::Calendar::new) validates it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::CalendarError;

/// One opening interval as written: `["09:00", "13:00"]`, from (inclusive)
/// to (exclusive), local wall-clock `HH:MM`. An end not after the start runs
/// past midnight (`["22:00", "06:00"]`); `"24:00"` may end an interval.
pub type Interval = [String; 2];

/// Opening hours per weekday, as in the contract: `{"mon": [["09:00",
/// "13:00"], ["14:00", "18:00"]], ..., "sun": []}`. A missing day is closed;
/// an unknown key is refused, so a typo (`"monday"`) does not silently close
/// a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Week {
    /// Monday's intervals.
    pub mon: Vec<Interval>,
    /// Tuesday's intervals.
    pub tue: Vec<Interval>,
    /// Wednesday's intervals.
    pub wed: Vec<Interval>,
    /// Thursday's intervals.
    pub thu: Vec<Interval>,
    /// Friday's intervals.
    pub fri: Vec<Interval>,
    /// Saturday's intervals.
    pub sat: Vec<Interval>,
    /// Sunday's intervals.
    pub sun: Vec<Interval>,
}

impl Week {
    /// The same hours every day of the week (handy in tests and defaults).
    pub fn every_day(hours: &[Interval]) -> Week {
        Week {
            mon: hours.to_vec(),
            tue: hours.to_vec(),
            wed: hours.to_vec(),
            thu: hours.to_vec(),
            fri: hours.to_vec(),
            sat: hours.to_vec(),
            sun: hours.to_vec(),
        }
    }

    /// The days Monday first, with their JSON keys.
    pub(crate) fn days(&self) -> [(&'static str, &[Interval]); 7] {
        [
            ("mon", &self.mon),
            ("tue", &self.tue),
            ("wed", &self.wed),
            ("thu", &self.thu),
            ("fri", &self.fri),
            ("sat", &self.sat),
            ("sun", &self.sun),
        ]
    }
}

/// A dated exception: `{"date": "2026-12-24", "name": "Christmas Eve",
/// "hours": [["09:00", "12:00"]]}`. Its `hours` replace the intervals that
/// start on that date; without `hours` (or with an empty list) the date is
/// closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// What the day is called ("Jāņi", "元日"); shown, never interpreted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The day's opening intervals; `None` means closed all day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Vec<Interval>>,
}

/// One validated interval in seconds from the local midnight of the day it
/// belongs to: `0 <= start < 86_400` and `start < end <= start + 86_400`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Span {
    pub(crate) start: i64,
    pub(crate) end: i64,
}

/// Validates a day's intervals (`field` is its JSON path, e.g. `hours.mon`)
/// into spans sorted by start.
pub(crate) fn parse_intervals(
    field: &str,
    intervals: &[Interval],
) -> Result<Vec<Span>, CalendarError> {
    let mut spans = Vec::with_capacity(intervals.len());
    for (i, [from, to]) in intervals.iter().enumerate() {
        let field = format!("{field}[{i}]");
        let start = parse_time(&field, from)?;
        if start == MINUTES_PER_DAY {
            return Err(CalendarError::EndOfDayAsStart { field });
        }
        let to = parse_time(&field, to)?;
        // An end not after the start runs past midnight, into the next day.
        let end = if to > start { to } else { to + MINUTES_PER_DAY };
        spans.push(Span {
            start: i64::from(start) * 60,
            end: i64::from(end) * 60,
        });
    }
    spans.sort_unstable();
    Ok(spans)
}

const MINUTES_PER_DAY: u16 = 24 * 60;

/// `HH:MM` as minutes after midnight, 0..=1440 (`24:00` is 1440).
fn parse_time(field: &str, text: &str) -> Result<u16, CalendarError> {
    let bad = || CalendarError::BadTime {
        field: field.to_owned(),
        value: text.to_owned(),
    };
    let &[h1, h2, b':', m1, m2] = text.as_bytes() else {
        return Err(bad());
    };
    let digit = |b: u8| {
        if b.is_ascii_digit() {
            Ok(u16::from(b - b'0'))
        } else {
            Err(bad())
        }
    };
    let (hours, minutes) = (digit(h1)? * 10 + digit(h2)?, digit(m1)? * 10 + digit(m2)?);
    if minutes >= 60 || hours > 24 || (hours == 24 && minutes != 0) {
        return Err(bad());
    }
    Ok(hours * 60 + minutes)
}

/// `YYYY-MM-DD` as a date (exactly that form: no times, no week dates).
pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date, CalendarError> {
    let bad = || CalendarError::BadDate {
        field: field.to_owned(),
        value: text.to_owned(),
    };
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let number = |range: std::ops::Range<usize>| -> Result<i16, CalendarError> {
        let part = text.get(range).ok_or_else(bad)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<i16>().map_err(|_| bad())
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let month = i8::try_from(month).map_err(|_| bad())?;
    let day = i8::try_from(day).map_err(|_| bad())?;
    Date::new(year, month, day).map_err(|_| bad())
}

/// Days since 1970-01-01 (negative before), the walk's day number.
pub(crate) fn day_number(date: Date) -> i64 {
    const EPOCH: Date = Date::constant(1970, 1, 1);
    date.duration_since(EPOCH).as_secs().div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("f", "00:00"), Ok(0));
        assert_eq!(parse_time("f", "09:30"), Ok(570));
        assert_eq!(parse_time("f", "23:59"), Ok(1439));
        assert_eq!(parse_time("f", "24:00"), Ok(1440));
        for bad in [
            "24:01", "25:00", "9:00", "09:60", "0900", "09:00:00", "", "０9:00", "+9:00",
        ] {
            assert!(parse_time("f", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("f", "2026-12-24"),
            Ok(Date::constant(2026, 12, 24))
        );
        assert_eq!(
            parse_date("f", "2028-02-29"),
            Ok(Date::constant(2028, 2, 29))
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "2026-01-01T00",
        ] {
            assert!(parse_date("f", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number(Date::constant(1970, 1, 1)), 0);
        assert_eq!(day_number(Date::constant(1969, 12, 31)), -1);
        assert_eq!(day_number(Date::constant(2026, 3, 29)), 20_541);
    }

    #[test]
    fn overnight_and_whole_day_spans() {
        let iv = |a: &str, b: &str| [a.to_owned(), b.to_owned()];
        let spans = parse_intervals(
            "hours.mon",
            &[
                iv("22:00", "06:00"),
                iv("00:00", "00:00"),
                iv("09:00", "24:00"),
            ],
        );
        assert_eq!(
            spans,
            Ok(vec![
                Span {
                    start: 0,
                    end: 86_400
                },
                Span {
                    start: 9 * 3600,
                    end: 86_400
                },
                Span {
                    start: 22 * 3600,
                    end: 30 * 3600
                },
            ])
        );
    }
}
