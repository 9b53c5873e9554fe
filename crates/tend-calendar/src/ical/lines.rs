//! Content lines and values of iCalendar text: unfolding, `NAME;PARAM=
//! VALUE:value` splitting, dates and date-times with their zones, TEXT
//! escapes.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

use super::IcalError;

/// When an event starts: a date (all-day) or a date-time in a zone.
#[derive(Debug, Clone)]
pub(super) struct When {
    pub(super) date: Date,
    /// `None` for all-day events.
    pub(super) time: Option<(Time, Zone)>,
}

#[derive(Debug, Clone)]
pub(super) enum Zone {
    Utc,
    Named(TimeZone),
    /// The calendar's own wall clock.
    Floating,
}

impl When {
    pub(super) fn instant(&self, date: Date, calendar: &TimeZone) -> Option<Timestamp> {
        let (time, zone) = self.time.as_ref()?;
        let dt = date.to_datetime(*time);
        match zone {
            Zone::Utc => TimeZone::UTC.to_timestamp(dt).ok(),
            Zone::Named(tz) => tz.to_timestamp(dt).ok(),
            Zone::Floating => calendar.to_timestamp(dt).ok(),
        }
    }
}

/// One unfolded content line: `NAME;PARAM=VALUE:value`.
pub(super) struct Line<'t> {
    pub(super) number: usize,
    pub(super) name: String,
    params: Vec<(String, String)>,
    pub(super) value: &'t str,
}

impl Line<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn malformed(&self, message: impl Into<String>) -> IcalError {
        IcalError::Malformed {
            line: self.number,
            message: message.into(),
        }
    }
}

/// Unfolds the text into logical lines, each with the number of its first
/// physical line.
pub(super) fn unfold(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some((_, last)) = lines.last_mut()
        {
            last.push_str(rest);
        } else if !raw.trim().is_empty() {
            lines.push((i + 1, raw.to_owned()));
        }
    }
    lines
}

pub(super) fn split_line(number: usize, text: &str) -> Result<Line<'_>, IcalError> {
    let malformed = |message: &str| IcalError::Malformed {
        line: number,
        message: message.to_owned(),
    };
    let name_end = text
        .find([';', ':'])
        .ok_or_else(|| malformed("expected NAME:value (no colon)"))?;
    let name = text[..name_end].trim().to_ascii_uppercase();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(malformed(
            "expected NAME:value (the name is not a property name)",
        ));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after
            .find('=')
            .ok_or_else(|| malformed("a parameter without '='"))?;
        let key = after[..eq].trim().to_ascii_uppercase();
        let mut value = String::new();
        let mut chars = after[eq + 1..].char_indices();
        let mut quoted = false;
        let mut end = None;
        for (i, c) in chars.by_ref() {
            match c {
                '"' => quoted = !quoted,
                ';' | ':' if !quoted => {
                    end = Some(eq + 1 + i);
                    break;
                }
                c => value.push(c),
            }
        }
        let end = end.ok_or_else(|| malformed("expected ':' before the value"))?;
        params.push((key, value));
        rest = &after[end..];
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| malformed("expected ':' before the value"))?;
    Ok(Line {
        number,
        name,
        params,
        value,
    })
}

pub(super) fn parse_when(line: &Line<'_>) -> Result<When, IcalError> {
    parse_when_value(line, line.value.trim())
}

/// `20261224` (a date) or `20261224T090000` with an optional `Z`.
pub(super) fn parse_when_value(line: &Line<'_>, value: &str) -> Result<When, IcalError> {
    let bad = || {
        line.malformed(format!(
            "{} {value:?} is not an iCalendar date or date-time",
            line.name
        ))
    };
    let number = |range: std::ops::Range<usize>| -> Result<i16, IcalError> {
        let part = value.get(range).ok_or_else(bad)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let small = |n: i16| i8::try_from(n).map_err(|_| bad());
    let date = Date::new(number(0..4)?, small(number(4..6)?)?, small(number(6..8)?)?)
        .map_err(|_| bad())?;
    if value.len() == 8 {
        return Ok(When { date, time: None });
    }
    if line
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
        || value.as_bytes().get(8) != Some(&b'T')
    {
        return Err(bad());
    }
    let (digits, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, true),
        None => (value, false),
    };
    if digits.len() != 15 {
        return Err(bad());
    }
    let second = small(number(13..15)?)?.min(59); // a leap second, 60, is read as 59
    let time =
        Time::new(small(number(9..11)?)?, small(number(11..13)?)?, second, 0).map_err(|_| bad())?;
    let zone = if utc {
        Zone::Utc
    } else {
        line.param("TZID")
            .and_then(known_zone)
            .map_or(Zone::Floating, Zone::Named)
    };
    Ok(When {
        date,
        time: Some((time, zone)),
    })
}

/// Undoes TEXT escaping: `\\`, `\;`, `\,`, `\n` and `\N`.
pub(super) fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out.trim().to_owned()
}

/// The IANA zone a `TZID` names, also when a program prefixed it with a
/// path of its own (`/mozilla.org/20050126_1/Europe/Riga`).
fn known_zone(id: &str) -> Option<TimeZone> {
    let id = id.trim().trim_start_matches('/');
    std::iter::once(id)
        .chain(id.match_indices('/').map(|(i, _)| &id[i + 1..]))
        .find_map(|suffix| TimeZone::get(suffix).ok())
}
