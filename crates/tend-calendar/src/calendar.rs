//! The validated calendar and its questions: how much open time lies
//! between two instants, when n business minutes end, whether it is open.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::model::{Holiday, Span, Week, day_number, parse_date, parse_intervals};
use crate::walk::{DAY, OpenStretches};
use crate::{CalendarError, HORIZON_DAYS};

const NANOS: i128 = 1_000_000_000;
const HORIZON: i64 = HORIZON_DAYS * DAY;

/// A validated business calendar: a time zone, opening hours per weekday
/// and holidays. Built once by [`Calendar::new`]; every question is then a
/// pure function of the calendar and its arguments. See the crate
/// documentation for exactly what counts as open.
#[derive(Debug, Clone)]
pub struct Calendar {
    time_zone: TimeZone,
    /// Monday first; each day's spans sorted by start.
    week: [Vec<Span>; 7],
    /// By day number (days since 1970-01-01), sorted, unique.
    holidays: Vec<(i64, Vec<Span>)>,
}

impl Calendar {
    /// Validates a calendar: `time_zone` must be an IANA name jiff knows,
    /// every time `HH:MM` (`24:00` only as an end), every holiday date a
    /// real `YYYY-MM-DD` and no date listed twice. Errors name the field as
    /// a path into the calendar's JSON (`hours.mon[1]`, `holidays[2].date`).
    pub fn new(
        time_zone: &str,
        week: &Week,
        holidays: &[Holiday],
    ) -> Result<Calendar, CalendarError> {
        let zone = TimeZone::get(time_zone).map_err(|_| CalendarError::UnknownTimeZone {
            name: time_zone.to_owned(),
        })?;
        let mut days: [Vec<Span>; 7] = Default::default();
        for (spans, (key, intervals)) in days.iter_mut().zip(week.days()) {
            *spans = parse_intervals(&format!("hours.{key}"), intervals)?;
        }
        let mut dated = Vec::with_capacity(holidays.len());
        for (i, holiday) in holidays.iter().enumerate() {
            let date = parse_date(&format!("holidays[{i}].date"), &holiday.date)?;
            let spans = match &holiday.hours {
                Some(hours) => parse_intervals(&format!("holidays[{i}].hours"), hours)?,
                None => Vec::new(),
            };
            dated.push((day_number(date), i, spans));
        }
        dated.sort_by_key(|&(day, i, _)| (day, i));
        for pair in dated.windows(2) {
            if let [(day, first, _), (next, second, _)] = pair
                && day == next
            {
                return Err(CalendarError::DuplicateHoliday {
                    date: holidays[*second].date.clone(),
                    first: *first,
                    second: *second,
                });
            }
        }
        Ok(Calendar {
            time_zone: zone,
            week: days,
            holidays: dated
                .into_iter()
                .map(|(day, _, spans)| (day, spans))
                .collect(),
        })
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// The earliest instant by which `minutes` business minutes have passed
    /// since `start`: the open time in `[start, result)` is exactly
    /// `minutes × 60` seconds. `add(start, 0)` is `start`. The result is
    /// the end of open time (17:00, not the next morning's 09:00).
    ///
    /// Fails on negative minutes, when [`HORIZON_DAYS`] days pass without
    /// open time ([`CalendarError::NoOpenTime`]), and past the year 9999.
    pub fn add(&self, start: Timestamp, minutes: i64) -> Result<Timestamp, CalendarError> {
        if minutes < 0 {
            return Err(CalendarError::NegativeMinutes(minutes));
        }
        self.add_open_time(start, i128::from(minutes) * 60 * NANOS)
    }

    /// [`Calendar::add`] to the nanosecond: the earliest instant by which
    /// `open` open time has passed since `start` (service levels resume a
    /// paused clock with what is left of its target, which need not be
    /// whole minutes). A negative duration counts as zero.
    pub fn add_duration(
        &self,
        start: Timestamp,
        open: SignedDuration,
    ) -> Result<Timestamp, CalendarError> {
        self.add_open_time(start, open.as_nanos().max(0))
    }

    fn add_open_time(&self, start: Timestamp, need: i128) -> Result<Timestamp, CalendarError> {
        let start_ns = start.as_nanosecond();
        let mut need = need;
        if need == 0 {
            return Ok(start);
        }
        let last = Timestamp::MAX.as_second();
        if need > (Timestamp::MAX.as_nanosecond() - start_ns) {
            return Err(CalendarError::OutOfRange);
        }
        let from = floor_second(start_ns);
        let mut walk = OpenStretches::new(self, from, from.saturating_add(HORIZON).min(last));
        while let Some((begin, end)) = walk.next() {
            let begin_ns = (i128::from(begin) * NANOS).max(start_ns);
            let end_ns = i128::from(end) * NANOS;
            let open = end_ns - begin_ns;
            if open >= need {
                return Timestamp::from_nanosecond(begin_ns + need)
                    .map_err(|_| CalendarError::OutOfRange);
            }
            need -= open.max(0);
            // The horizon counts from the end of the last open time found.
            walk.until = walk.until.max(end.saturating_add(HORIZON).min(last));
        }
        if walk.until >= last {
            Err(CalendarError::OutOfRange)
        } else {
            Err(CalendarError::NoOpenTime { after: start })
        }
    }

    /// The open time in `[from, to)`, to the nanosecond; zero when `to` is
    /// not after `from`. It costs one step per local day in between.
    pub fn open_between(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        let (from_ns, to_ns) = (from.as_nanosecond(), to.as_nanosecond());
        if to_ns <= from_ns {
            return SignedDuration::ZERO;
        }
        // The walk is in whole seconds; `to` is rounded up and cut below.
        let until = floor_second(to_ns) + i64::from(to_ns.rem_euclid(NANOS) != 0);
        let total: i128 = OpenStretches::new(self, floor_second(from_ns), until)
            .map(|(begin, end)| {
                let begin = (i128::from(begin) * NANOS).max(from_ns);
                let end = (i128::from(end) * NANOS).min(to_ns);
                (end - begin).max(0)
            })
            .sum();
        SignedDuration::try_from_nanos_i128(total).unwrap_or(SignedDuration::MAX)
    }

    /// Whether `at` is open.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let second = floor_second(at.as_nanosecond());
        OpenStretches::new(self, second, second.saturating_add(1))
            .next()
            .is_some()
    }

    /// `at` itself when it is open, else the instant the calendar next
    /// opens; `None` when it stays closed for [`HORIZON_DAYS`] days.
    pub fn next_open(&self, at: Timestamp) -> Option<Timestamp> {
        let second = floor_second(at.as_nanosecond());
        let (begin, _) = self.stretches_from(second).next()?;
        if begin <= second {
            Some(at)
        } else {
            Timestamp::from_second(begin).ok()
        }
    }

    /// The next instant after `at` at which the calendar opens (when `at`
    /// is closed) or closes (when `at` is open): the "back at 09:00" and
    /// "open until 18:00" of office hours. Open time that runs on across
    /// midnight or a time zone transition is one stretch. `None` when
    /// nothing changes within [`HORIZON_DAYS`] days.
    pub fn next_change(&self, at: Timestamp) -> Option<Timestamp> {
        let second = floor_second(at.as_nanosecond());
        let mut walk = self.stretches_from(second);
        let (begin, mut end) = walk.next()?;
        if begin > second {
            return Timestamp::from_second(begin).ok();
        }
        for (next_begin, next_end) in walk.by_ref() {
            if next_begin != end {
                break;
            }
            end = next_end;
        }
        if end >= walk.until {
            return None;
        }
        Timestamp::from_second(end).ok()
    }

    fn stretches_from(&self, second: i64) -> OpenStretches<'_> {
        let until = second
            .saturating_add(HORIZON)
            .min(Timestamp::MAX.as_second());
        OpenStretches::new(self, second, until)
    }

    /// The spans that start on the local day `day` (days since 1970-01-01):
    /// the holiday's if it is one, else the weekday's.
    pub(crate) fn spans_on(&self, day: i64) -> &[Span] {
        if let Ok(i) = self.holidays.binary_search_by_key(&day, |(d, _)| *d)
            && let Some((_, spans)) = self.holidays.get(i)
        {
            return spans;
        }
        // 1970-01-01 was a Thursday; Monday is 0.
        let weekday = (day + 3).rem_euclid(7) as usize;
        self.week.get(weekday).map_or(&[], Vec::as_slice)
    }

    /// The UTC offset (seconds) in force at the real second `at`, and the
    /// real second of the next transition, if any.
    pub(crate) fn offset_at(&self, at: i64) -> (i64, Option<i64>) {
        let Ok(t) = Timestamp::from_second(at) else {
            return (
                self.time_zone.to_offset(Timestamp::MAX).seconds().into(),
                None,
            );
        };
        let offset = self.time_zone.to_offset(t).seconds();
        let next = self
            .time_zone
            .following(t)
            .next()
            .map(|tr| tr.timestamp().as_second());
        (offset.into(), next)
    }
}

/// The whole second at or before an instant given in nanoseconds.
fn floor_second(nanos: i128) -> i64 {
    // Timestamps span ±10,000 years, so their seconds always fit.
    i64::try_from(nanos.div_euclid(NANOS)).unwrap_or(i64::MAX)
}
