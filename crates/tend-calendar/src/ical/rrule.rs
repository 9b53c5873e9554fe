//! Yearly recurrence rules (`RRULE:FREQ=YEARLY…`) and `DURATION` values,
//! the two iCalendar value types holiday feeds need besides dates.

use jiff::SignedDuration;
use jiff::civil::{Date, Weekday};

use crate::ical::IcalError;

/// A yearly rule: the date of each year is DTSTART's month and day, or the
/// rule's `BYMONTH` with `BYMONTHDAY` or an ordinal `BYDAY` (`4TH`, `-1MO`).
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    interval: i16,
    count: Option<u32>,
    until: Option<Date>,
    month: Option<i8>,
    day: Option<Day>,
}

#[derive(Debug, Clone, Copy)]
enum Day {
    /// `BYMONTHDAY`: 1..=31 from the start of the month, -1..=-31 from its end.
    OfMonth(i8),
    /// `BYDAY` with an ordinal: the nth (or nth-last) weekday of the month.
    Nth(i8, Weekday),
}

/// A rule that could not be read; [`RuleError::at`] gives it a line.
pub(crate) enum RuleError {
    Malformed(String),
    Unsupported(String),
}

impl RuleError {
    pub(crate) fn at(self, line: usize) -> IcalError {
        match self {
            RuleError::Malformed(message) => IcalError::Malformed { line, message },
            RuleError::Unsupported(message) => IcalError::Unsupported { line, message },
        }
    }
}

impl Rule {
    /// Reads `FREQ=YEARLY;BYMONTH=11;BYDAY=4TH` and the like.
    pub(crate) fn parse(value: &str, start: Date) -> Result<Rule, RuleError> {
        let malformed = |what: &str| RuleError::Malformed(format!("RRULE {value:?}: {what}"));
        let mut rule = Rule {
            interval: 1,
            count: None,
            until: None,
            month: None,
            day: None,
        };
        let mut yearly = false;
        for part in value.split(';').filter(|p| !p.is_empty()) {
            let (key, val) = part
                .split_once('=')
                .ok_or_else(|| malformed("a part without '='"))?;
            let number = |what: &str| val.trim().parse::<i64>().map_err(|_| malformed(what));
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" if val.trim().eq_ignore_ascii_case("YEARLY") => yearly = true,
                "FREQ" => {
                    return Err(RuleError::Unsupported(format!(
                        "RRULE FREQ={val} (only FREQ=YEARLY)"
                    )));
                }
                "INTERVAL" => {
                    rule.interval = i16::try_from(number("INTERVAL is not a number")?)
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| malformed("INTERVAL must be 1 or more"))?;
                }
                "COUNT" => {
                    rule.count = Some(
                        u32::try_from(number("COUNT is not a number")?)
                            .map_err(|_| malformed("COUNT must not be negative"))?,
                    );
                }
                "UNTIL" => {
                    rule.until = Some(
                        until_date(val.trim()).ok_or_else(|| malformed("UNTIL is not a date"))?,
                    )
                }
                "BYMONTH" => {
                    let month = number("BYMONTH must be one month (1 to 12)")?;
                    rule.month = Some(
                        i8::try_from(month)
                            .ok()
                            .filter(|m| (1..=12).contains(m))
                            .ok_or_else(|| malformed("BYMONTH must be one month (1 to 12)"))?,
                    );
                }
                "BYMONTHDAY" => {
                    let day = number("BYMONTHDAY must be one day (1 to 31 or -1 to -31)")?;
                    let day = i8::try_from(day)
                        .ok()
                        .filter(|d| *d != 0 && (-31..=31).contains(d));
                    rule.day = Some(Day::OfMonth(day.ok_or_else(|| {
                        malformed("BYMONTHDAY must be one day (1 to 31 or -1 to -31)")
                    })?));
                }
                "BYDAY" => rule.day = Some(nth_weekday(val.trim())?),
                "WKST" => {}
                other => return Err(RuleError::Unsupported(format!("RRULE {other}"))),
            }
        }
        if !yearly {
            return Err(malformed("FREQ is missing"));
        }
        if rule.month.is_none() && rule.day.is_some() {
            rule.month = Some(start.month());
        }
        Ok(rule)
    }

    /// The dates the rule gives from `start` (always the first) through the
    /// end of `last_year`.
    pub(crate) fn occurrences(&self, start: Date, last_year: i16) -> Vec<Date> {
        let mut dates = vec![start];
        let mut year = start.year();
        loop {
            if self.count.is_some_and(|c| dates.len() >= c as usize) {
                break;
            }
            year = match year.checked_add(self.interval) {
                Some(y) if y <= last_year && y <= 9999 => y,
                _ => break,
            };
            let Some(date) = self.date_in(year, start) else {
                continue;
            };
            if self.until.is_some_and(|u| date > u) {
                break;
            }
            if date > start {
                dates.push(date);
            }
        }
        if self.until.is_some_and(|u| start > u) || self.count == Some(0) {
            dates.clear();
        }
        dates
    }

    /// This year's date, if the year has one (no 29 February, no fifth
    /// Monday).
    fn date_in(&self, year: i16, start: Date) -> Option<Date> {
        let month = self.month.unwrap_or(start.month());
        let first = Date::new(year, month, 1).ok()?;
        match self.day {
            None => Date::new(year, month, start.day()).ok(),
            Some(Day::OfMonth(d)) if d > 0 => Date::new(year, month, d).ok(),
            Some(Day::OfMonth(d)) => {
                let day = first.days_in_month() + d + 1;
                if day >= 1 {
                    Date::new(year, month, day).ok()
                } else {
                    None
                }
            }
            Some(Day::Nth(n, weekday)) => first.nth_weekday_of_month(n, weekday).ok(),
        }
    }
}

/// `4TH`, `-1MO`, `+2WE`; a bare weekday (every Monday) is not a holiday.
fn nth_weekday(value: &str) -> Result<Day, RuleError> {
    let unsupported = || {
        RuleError::Unsupported(format!(
            "RRULE BYDAY={value} (one weekday with an ordinal, such as 4TH)"
        ))
    };
    if value.contains(',') || value.len() < 3 {
        return Err(unsupported());
    }
    let (ordinal, weekday) = value.split_at(value.len() - 2);
    let weekday = match weekday.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return Err(unsupported()),
    };
    let n = ordinal
        .trim_start_matches('+')
        .parse::<i8>()
        .map_err(|_| unsupported())?;
    if n == 0 || !(-5..=5).contains(&n) {
        return Err(unsupported());
    }
    Ok(Day::Nth(n, weekday))
}

/// The date part of `UNTIL=20301231` or `UNTIL=20301231T235959Z`.
fn until_date(value: &str) -> Option<Date> {
    let digits = value.get(0..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = digits.get(0..4)?.parse().ok()?;
    let month = digits.get(4..6)?.parse().ok()?;
    let day = digits.get(6..8)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// An RFC 5545 duration: `P1D`, `P2W`, `PT4H30M`, `P1DT12H` (no sign: a
/// holiday does not run backwards).
pub(crate) fn parse_duration(value: &str) -> Option<SignedDuration> {
    let rest = value
        .strip_prefix('+')
        .unwrap_or(value)
        .strip_prefix(['P', 'p'])?;
    let mut seconds: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' if !in_time && number.is_empty() => in_time = true,
            d if d.is_ascii_digit() => number.push(d),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                let scale = match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                seconds = seconds.checked_add(n.checked_mul(scale)?)?;
                any = true;
            }
        }
    }
    (any && number.is_empty()).then(|| SignedDuration::from_secs(seconds))
}
