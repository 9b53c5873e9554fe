//! Holidays from an iCalendar (RFC 5545) feed: a small reader of what
//! holiday feeds use, nothing more.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::RangeInclusive;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

mod lines;
mod rrule;

use crate::model::Holiday;
use lines::{Line, When, parse_when, parse_when_value, split_line, unescape, unfold};
use rrule::{Rule, parse_duration};

/// Why an iCalendar feed could not be read. Messages give the line (of the
/// file as written, before unfolding) and what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcalError {
    /// The text does not start with `BEGIN:VCALENDAR`.
    #[error(
        "this is not an iCalendar file: it must start with BEGIN:VCALENDAR (export the holidays as .ics)"
    )]
    NotCalendar,
    /// A line is not iCalendar, or a value is not what its property needs.
    #[error("line {line}: {message}")]
    Malformed {
        /// 1-based line of the file.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Valid iCalendar this reader does not handle (a monthly rule, say).
    #[error("line {line}: {message} is not supported; list the holidays as separate events")]
    Unsupported {
        /// 1-based line of the file.
        line: usize,
        /// What was found.
        message: String,
    },
    /// The file ends inside a component.
    #[error("the file ends inside {0} (no END:{0}); it may have been cut short")]
    Truncated(String),
}

/// Reads the holidays of an iCalendar feed, one [`Holiday`] per local date
/// of `time_zone` (the calendar's), sorted by date, for the dates in
/// `years`.
///
/// - **All-day events** (`DTSTART;VALUE=DATE`) close every date from
///   `DTSTART` up to, not including, `DTEND` (or for `DURATION`; one day
///   when neither is given).
/// - **Timed events** (`DTSTART` a date-time) are short days: the event's
///   time becomes that date's opening hours (a holiday with `hours`), cut
///   at local midnight when it runs over several dates, to the minute
///   (seconds dropped). Times with `Z` are UTC, times with a `TZID` known
///   to the IANA database are in that zone, and floating times (neither) or
///   an unknown `TZID` (a Windows zone name, say) are read as wall-clock
///   times of `time_zone`. A timed event needs `DTEND` or `DURATION`.
/// - **Yearly rules** (`RRULE:FREQ=YEARLY`, with `INTERVAL`, `COUNT`,
///   `UNTIL`, and one `BYMONTH`, `BYMONTHDAY` or `BYDAY` such as `4TH` or
///   `-1MO`) are expanded through the end of `years`; `EXDATE`s and
///   occurrences moved by a `RECURRENCE-ID` event are left out. Other rules
///   are [`IcalError::Unsupported`]. Events with `STATUS:CANCELLED` close
///   nothing.
/// - **Several events on one date** make one holiday: closed all day if any
///   of them is all-day, else the hours of all of them; their distinct names
///   joined with " / ".
/// - `SUMMARY` is the name (escapes `\,` `\;` `\n` `\\` undone); unknown
///   properties and components (`VTIMEZONE`, `VALARM`, `VTODO`) are
///   skipped; lines are unfolded (CRLF or LF followed by a space or tab).
pub fn parse_ical(
    text: &str,
    time_zone: &TimeZone,
    years: RangeInclusive<i16>,
) -> Result<Vec<Holiday>, IcalError> {
    let events = read_events(text, time_zone)?;
    let years = (*years.start()).max(0)..=(*years.end()).min(9999);
    // Occurrences moved or cancelled by a RECURRENCE-ID event leave the
    // series they belong to.
    let mut moved: HashMap<&str, HashSet<Date>> = HashMap::new();
    for event in &events {
        if let (Some(uid), Some(id)) = (&event.uid, &event.recurrence_id) {
            moved.entry(uid).or_default().insert(id.date);
        }
    }
    let mut days: BTreeMap<Date, Day> = BTreeMap::new();
    for event in events.iter().filter(|e| !e.cancelled) {
        let mut skip = event.exdates.clone();
        if let (Some(uid), None) = (&event.uid, &event.recurrence_id)
            && let Some(dates) = moved.get(uid.as_str())
        {
            skip.extend(dates);
        }
        let starts = match &event.rule {
            Some(rule) => rule.occurrences(event.start.date, years.end().saturating_add(1)),
            None => vec![event.start.date],
        };
        for date in starts.into_iter().filter(|d| !skip.contains(d)) {
            event.add_to(&mut days, date, time_zone, &years)?;
        }
    }
    Ok(days
        .into_iter()
        .map(|(date, day)| day.into_holiday(date))
        .collect())
}

/// What one date collects from the events on it.
#[derive(Default)]
struct Day {
    names: Vec<String>,
    closed: bool,
    hours: Vec<(i64, i64)>,
}

impl Day {
    fn into_holiday(self, date: Date) -> Holiday {
        let hhmm = |m: i64| format!("{:02}:{:02}", m / 60, m % 60);
        Holiday {
            date: date.to_string(),
            name: (!self.names.is_empty()).then(|| self.names.join(" / ")),
            hours: (!self.closed).then(|| {
                self.hours
                    .iter()
                    .map(|&(a, b)| [hhmm(a), hhmm(b)])
                    .collect()
            }),
        }
    }
}

/// How long each occurrence lasts.
#[derive(Debug, Clone, Copy)]
enum Length {
    Days(i64),
    Exact(SignedDuration),
}

/// One VEVENT, as far as holidays need it.
struct Event {
    line: usize,
    uid: Option<String>,
    name: Option<String>,
    start: When,
    length: Length,
    rule: Option<Rule>,
    exdates: HashSet<Date>,
    recurrence_id: Option<When>,
    cancelled: bool,
}

/// Events longer than this are a mistake (or not holidays).
const MAX_DAYS: i64 = 366;

impl Event {
    fn add_to(
        &self,
        days: &mut BTreeMap<Date, Day>,
        date: Date,
        zone: &TimeZone,
        years: &RangeInclusive<i16>,
    ) -> Result<(), IcalError> {
        let too_long = || IcalError::Unsupported {
            line: self.line,
            message: format!("an event longer than {MAX_DAYS} days"),
        };
        let mut entry = |day: Date, hours: Option<(i64, i64)>| {
            if !years.contains(&day.year()) {
                return;
            }
            let slot = days.entry(day).or_default();
            if let Some(name) = &self.name
                && !slot.names.contains(name)
            {
                slot.names.push(name.clone());
            }
            match hours {
                None => slot.closed = true,
                Some(span) => slot.hours.push(span),
            }
        };
        match (self.length, self.start.instant(date, zone)) {
            (Length::Days(n), _) => {
                if n > MAX_DAYS {
                    return Err(too_long());
                }
                let mut day = date;
                for _ in 0..n.max(1) {
                    entry(day, None);
                    match day.tomorrow() {
                        Ok(next) => day = next,
                        Err(_) => break,
                    }
                }
            }
            (Length::Exact(length), Some(start)) => {
                if length.as_secs() > MAX_DAYS * 86_400 {
                    return Err(too_long());
                }
                let Ok(end) = start.checked_add(length) else {
                    return Ok(());
                };
                let (from, to) = (zone.to_datetime(start), zone.to_datetime(end));
                let mut day = from.date();
                while day <= to.date() {
                    let begin = if day == from.date() { minutes(from) } else { 0 };
                    let finish = if day == to.date() {
                        minutes(to)
                    } else {
                        24 * 60
                    };
                    if finish > begin {
                        entry(day, Some((begin, finish)));
                    }
                    match day.tomorrow() {
                        Ok(next) => day = next,
                        Err(_) => break,
                    }
                }
            }
            (Length::Exact(_), None) => {}
        }
        Ok(())
    }
}

fn minutes(dt: DateTime) -> i64 {
    i64::from(dt.hour()) * 60 + i64::from(dt.minute())
}

/// The VEVENTs of the text (skipping everything else), checked for shape.
fn read_events(text: &str, zone: &TimeZone) -> Result<Vec<Event>, IcalError> {
    let lines = unfold(text);
    let is_begin_calendar = |t: &str| {
        split_line(0, t)
            .is_ok_and(|l| l.name == "BEGIN" && l.value.trim().eq_ignore_ascii_case("VCALENDAR"))
    };
    if !lines.first().is_some_and(|(_, t)| is_begin_calendar(t)) {
        return Err(IcalError::NotCalendar);
    }
    let mut stack: Vec<String> = Vec::new();
    let mut events = Vec::new();
    let mut current: Vec<Line<'_>> = Vec::new();
    let mut event_line = 0;
    for (number, text) in &lines {
        let line = split_line(*number, text)?;
        match line.name.as_str() {
            "BEGIN" => {
                let component = line.value.trim().to_ascii_uppercase();
                if stack.is_empty() && component != "VCALENDAR" {
                    return Err(
                        line.malformed(format!("BEGIN:{component} outside BEGIN:VCALENDAR"))
                    );
                }
                if component == "VEVENT" && stack.last().is_some_and(|c| c == "VCALENDAR") {
                    current.clear();
                    event_line = line.number;
                }
                stack.push(component);
            }
            "END" => {
                let component = line.value.trim().to_ascii_uppercase();
                match stack.pop() {
                    Some(open) if open == component => {}
                    Some(open) => {
                        return Err(line.malformed(format!("END:{component} inside {open}")));
                    }
                    None => return Err(line.malformed(format!("END:{component} without BEGIN"))),
                }
                if component == "VEVENT" && stack.last().is_some_and(|c| c == "VCALENDAR") {
                    events.push(build_event(event_line, &current, zone)?);
                    current.clear();
                }
            }
            _ if stack.len() == 2 && stack[1] == "VEVENT" => current.push(line),
            _ if stack.is_empty() => {
                return Err(line.malformed(format!("{} outside BEGIN:VCALENDAR", line.name)));
            }
            _ => {}
        }
    }
    match stack.last() {
        Some(open) => Err(IcalError::Truncated(open.clone())),
        None => Ok(events),
    }
}

fn build_event(line: usize, props: &[Line<'_>], zone: &TimeZone) -> Result<Event, IcalError> {
    let find = |name: &str| props.iter().find(|p| p.name == name);
    let start_line = find("DTSTART").ok_or_else(|| IcalError::Malformed {
        line,
        message: "VEVENT without DTSTART".to_owned(),
    })?;
    let start = parse_when(start_line)?;
    let length = match (find("DTEND"), find("DURATION")) {
        (Some(end), _) => {
            let end_when = parse_when(end)?;
            match (&start.time, &end_when.time) {
                (None, None) => {
                    Length::Days(start.date.duration_until(end_when.date).as_hours() / 24)
                }
                (Some(_), Some(_)) => {
                    let a = start.instant(start.date, zone);
                    let b = end_when.instant(end_when.date, zone);
                    match (a, b) {
                        (Some(a), Some(b)) => Length::Exact(a.duration_until(b)),
                        _ => return Err(end.malformed("DTEND cannot be placed in time")),
                    }
                }
                _ => {
                    return Err(
                        end.malformed("DTSTART and DTEND must both be dates or both date-times")
                    );
                }
            }
        }
        (None, Some(duration)) => {
            let length = parse_duration(duration.value.trim()).ok_or_else(|| {
                duration.malformed(format!("DURATION {:?} is not a duration", duration.value))
            })?;
            match start.time {
                None => Length::Days((length.as_secs() + 86_399).div_euclid(86_400)),
                Some(_) => Length::Exact(length),
            }
        }
        (None, None) if start.time.is_none() => Length::Days(1),
        (None, None) => return Err(start_line.malformed("a timed VEVENT needs DTEND or DURATION")),
    };
    let rule = match find("RRULE") {
        Some(rule) => {
            Some(Rule::parse(rule.value.trim(), start.date).map_err(|e| e.at(rule.number))?)
        }
        None => None,
    };
    if let Some(rdate) = find("RDATE") {
        return Err(IcalError::Unsupported {
            line: rdate.number,
            message: "RDATE".to_owned(),
        });
    }
    let mut exdates = HashSet::new();
    for ex in props.iter().filter(|p| p.name == "EXDATE") {
        for value in ex.value.split(',') {
            let when = parse_when_value(ex, value.trim())?;
            exdates.insert(when.date);
        }
    }
    let recurrence_id = find("RECURRENCE-ID").map(parse_when).transpose()?;
    Ok(Event {
        line,
        uid: find("UID").map(|p| p.value.trim().to_owned()),
        name: find("SUMMARY")
            .map(|p| unescape(p.value))
            .filter(|s| !s.is_empty()),
        start,
        length,
        rule,
        exdates,
        recurrence_id,
        cancelled: find("STATUS").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED")),
    })
}
