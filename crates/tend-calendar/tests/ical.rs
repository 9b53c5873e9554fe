//! Holiday feeds in iCalendar form, written by hand the way calendar
//! programs and public holiday feeds write them.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic there is a failed assertion"
)]

use jiff::tz::TimeZone;
use tend_calendar::{Calendar, Holiday, IcalError, Week, parse_ical};

fn riga() -> TimeZone {
    TimeZone::get("Europe/Riga").unwrap()
}

fn day(date: &str, name: &str) -> Holiday {
    Holiday {
        date: date.to_owned(),
        name: Some(name.to_owned()),
        hours: None,
    }
}

fn short(date: &str, name: &str, hours: &[(&str, &str)]) -> Holiday {
    Holiday {
        hours: Some(
            hours
                .iter()
                .map(|(a, b)| [(*a).to_owned(), (*b).to_owned()])
                .collect(),
        ),
        ..day(date, name)
    }
}

/// CRLF line ends, as RFC 5545 wants them.
fn crlf(text: &str) -> String {
    text.lines().map(|l| format!("{l}\r\n")).collect()
}

const FEED: &str = "BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Tend//Holidays 2026//LV
X-WR-CALNAME:Svētku dienas
BEGIN:VTIMEZONE
TZID:Europe/Riga
BEGIN:STANDARD
DTSTART:19701025T040000
TZOFFSETFROM:+0300
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:jani-2026@example.lv
DTSTAMP:20251201T120000Z
DTSTART;VALUE=DATE:20260623
DTEND;VALUE=DATE:20260625
SUMMARY;LANGUAGE=lv:Līgo un Jāņi
DESCRIPTION:Vasaras saulgrieži\\, divas brīvdienas
END:VEVENT
BEGIN:VEVENT
UID:ganjitsu@example.jp
DTSTART;VALUE=DATE:20260101
RRULE:FREQ=YEARLY
SUMMARY:元日
END:VEVENT
BEGIN:VEVENT
UID:eve@example.lv
DTSTART;TZID=Europe/Riga:20261224T090000
DTEND;TZID=Europe/Riga:20261224T120000
SUMMARY:Christmas Eve\\, a short day \\; 
 we close at noon
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
DESCRIPTION:not a holiday
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:seollal-2026@example.kr
DTSTART;VALUE=DATE:20260216
DTEND;VALUE=DATE:20260219
SUMMARY:설날
END:VEVENT
BEGIN:VEVENT
UID:sant-joan@example.cat
DTSTART;VALUE=DATE:20260624
SUMMARY:Sant Joan
END:VEVENT
BEGIN:VEVENT
UID:year-end@example.lv
DTSTART:20261231T100000Z
DURATION:PT3H
SUMMARY:Gada nogale
END:VEVENT
BEGIN:VEVENT
UID:thanksgiving@example.us
DTSTART;VALUE=DATE:20261126
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH
SUMMARY:Thanksgiving
END:VEVENT
BEGIN:VTODO
UID:not-an-event
DTSTART;VALUE=DATE:20260301
SUMMARY:ignored
END:VTODO
END:VCALENDAR
";

#[test]
fn reads_a_holiday_feed() {
    let holidays = parse_ical(&crlf(FEED), &riga(), 2026..=2027).unwrap();
    assert_eq!(
        holidays,
        vec![
            day("2026-01-01", "元日"),
            day("2026-02-16", "설날"),
            day("2026-02-17", "설날"),
            day("2026-02-18", "설날"),
            day("2026-06-23", "Līgo un Jāņi"),
            day("2026-06-24", "Līgo un Jāņi / Sant Joan"),
            day("2026-11-26", "Thanksgiving"),
            short(
                "2026-12-24",
                "Christmas Eve, a short day ; we close at noon",
                &[("09:00", "12:00")]
            ),
            // 10:00-13:00 UTC is 12:00-15:00 in Riga (EET).
            short("2026-12-31", "Gada nogale", &[("12:00", "15:00")]),
            day("2027-01-01", "元日"),
            day("2027-11-25", "Thanksgiving"),
        ]
    );
    // What it reads is a valid calendar.
    assert!(Calendar::new("Europe/Riga", &Week::default(), &holidays).is_ok());
}

#[test]
fn lf_line_ends_and_tab_folds_read_the_same() {
    let tabs = FEED.replace("\n we close", "\n\twe close");
    assert_eq!(
        parse_ical(&tabs, &riga(), 2026..=2027),
        parse_ical(&crlf(FEED), &riga(), 2026..=2027)
    );
    let bom = format!("\u{feff}{FEED}");
    assert_eq!(parse_ical(&bom, &riga(), 2026..=2026).unwrap().len(), 9);
}

#[test]
fn years_bound_the_expansion_of_yearly_rules() {
    let holidays = parse_ical(FEED, &riga(), 2030..=2031).unwrap();
    let dates: Vec<&str> = holidays.iter().map(|h| h.date.as_str()).collect();
    assert_eq!(
        dates,
        ["2030-01-01", "2030-11-28", "2031-01-01", "2031-11-27"]
    );
}

#[test]
fn yearly_rule_details() {
    let feed = "BEGIN:VCALENDAR
BEGIN:VEVENT
UID:a
DTSTART;VALUE=DATE:20240229
RRULE:FREQ=YEARLY
SUMMARY:Leap day
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTART;VALUE=DATE:20260525
RRULE:FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO;COUNT=2
SUMMARY:Memorial Day
END:VEVENT
BEGIN:VEVENT
UID:c
DTSTART;VALUE=DATE:20261231
RRULE:FREQ=YEARLY;INTERVAL=2;UNTIL=20310101
EXDATE;VALUE=DATE:20281231
SUMMARY:Every other New Year's Eve
END:VEVENT
BEGIN:VEVENT
UID:d
DTSTART;VALUE=DATE:20260101
RRULE:FREQ=YEARLY
SUMMARY:Moved
END:VEVENT
BEGIN:VEVENT
UID:d
RECURRENCE-ID;VALUE=DATE:20270101
DTSTART;VALUE=DATE:20270102
SUMMARY:Moved
END:VEVENT
BEGIN:VEVENT
UID:e
DTSTART;VALUE=DATE:20260301
STATUS:CANCELLED
SUMMARY:Cancelled
END:VEVENT
END:VCALENDAR";
    let holidays = parse_ical(feed, &riga(), 2026..=2032).unwrap();
    let found: Vec<(&str, &str)> = holidays
        .iter()
        .map(|h| (h.date.as_str(), h.name.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            ("2026-01-01", "Moved"),
            ("2026-05-25", "Memorial Day"),
            ("2026-12-31", "Every other New Year's Eve"),
            ("2027-01-02", "Moved"),
            ("2027-05-31", "Memorial Day"),
            ("2028-01-01", "Moved"),
            ("2028-02-29", "Leap day"),
            ("2029-01-01", "Moved"),
            ("2030-01-01", "Moved"),
            ("2030-12-31", "Every other New Year's Eve"),
            ("2031-01-01", "Moved"),
            ("2032-01-01", "Moved"),
            ("2032-02-29", "Leap day"),
        ]
    );
}

#[test]
fn time_zones_of_timed_events() {
    let feed = "BEGIN:VCALENDAR
BEGIN:VEVENT
DTSTART;TZID=Asia/Tokyo:20261224T170000
DTEND;TZID=Asia/Tokyo:20261224T200000
SUMMARY:Tokyo time
END:VEVENT
BEGIN:VEVENT
DTSTART:20261228T090000
DTEND:20261228T130000
SUMMARY:Floating
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=\"W. Europe Standard Time\":20261229T090000
DTEND;TZID=\"W. Europe Standard Time\":20261229T130000
SUMMARY:Unknown zone
END:VEVENT
BEGIN:VEVENT
DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20261230T200000
DTEND;TZID=/mozilla.org/20050126_1/America/New_York:20261231T020000
SUMMARY:Over midnight
END:VEVENT
END:VCALENDAR";
    let holidays = parse_ical(feed, &riga(), 2026..=2026).unwrap();
    assert_eq!(
        holidays,
        vec![
            // 17:00-20:00 in Tokyo (+09) is 10:00-13:00 in Riga (+02).
            short("2026-12-24", "Tokyo time", &[("10:00", "13:00")]),
            short("2026-12-28", "Floating", &[("09:00", "13:00")]),
            short("2026-12-29", "Unknown zone", &[("09:00", "13:00")]),
            // 20:00-02:00 in New York (-05) is 03:00-09:00 the next day in Riga.
            short("2026-12-31", "Over midnight", &[("03:00", "09:00")]),
        ]
    );
    // Cut at midnight when it spans two local dates.
    let feed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261230T220000Z\nDTEND:20261231T230000Z\nEND:VEVENT\nEND:VCALENDAR";
    let holidays = parse_ical(feed, &riga(), 2026..=2027).unwrap();
    let hours: Vec<_> = holidays
        .iter()
        .map(|h| (h.date.as_str(), h.hours.clone().unwrap()))
        .collect();
    assert_eq!(
        hours,
        [
            ("2026-12-31", vec![["00:00".to_owned(), "24:00".to_owned()]]),
            ("2027-01-01", vec![["00:00".to_owned(), "01:00".to_owned()]]),
        ]
    );
}

#[test]
fn an_all_day_event_wins_over_a_short_day_on_the_same_date() {
    let feed = "BEGIN:VCALENDAR
BEGIN:VEVENT
DTSTART:20261224T090000
DTEND:20261224T120000
SUMMARY:Short
END:VEVENT
BEGIN:VEVENT
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261225
SUMMARY:Closed
END:VEVENT
END:VCALENDAR";
    assert_eq!(
        parse_ical(feed, &riga(), 2026..=2026).unwrap(),
        vec![day("2026-12-24", "Short / Closed")]
    );
}

#[test]
fn malformed_feeds_say_what_and_where() {
    let err = |text: &str| {
        parse_ical(text, &riga(), 2026..=2026)
            .unwrap_err()
            .to_string()
    };
    let not = "this is not an iCalendar file: it must start with BEGIN:VCALENDAR (export the holidays as .ics)";
    assert_eq!(
        parse_ical("Hello", &riga(), 2026..=2026),
        Err(IcalError::NotCalendar)
    );
    assert_eq!(err(""), not);
    assert_eq!(
        err("<!DOCTYPE html>\n<html><body>Holidays</body></html>"),
        not
    );
    assert_eq!(err("date,name\n2026-12-24,Christmas Eve\n"), not);
    assert_eq!(err("BEGIN:VEVENT\nEND:VEVENT"), not);
    assert_eq!(
        err("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\n"),
        "the file ends inside VEVENT (no END:VEVENT); it may have been cut short"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026-12-24\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 3: DTSTART \"2026-12-24\" is not an iCalendar date or date-time"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261324\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 3: DTSTART \"20261324\" is not an iCalendar date or date-time"
    );
    assert_eq!(
        err("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:No date\nEND:VEVENT\nEND:VCALENDAR"),
        "line 2: VEVENT without DTSTART"
    );
    assert_eq!(
        err("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nEND:VCALENDAR"),
        "line 4: END:VCALENDAR inside VEVENT"
    );
    assert_eq!(
        err("BEGIN:VCALENDAR\nBEGIN:VEVENT\nthis line has no colon\nEND:VEVENT\nEND:VCALENDAR"),
        "line 3: expected NAME:value (no colon)"
    );
    assert_eq!(
        err("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261224T090000\nEND:VEVENT\nEND:VCALENDAR"),
        "line 3: a timed VEVENT needs DTEND or DURATION"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nRRULE:FREQ=MONTHLY\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 4: RRULE FREQ=MONTHLY (only FREQ=YEARLY) is not supported; list the holidays as separate events"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nRRULE:FREQ=YEARLY;BYDAY=MO\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 4: RRULE BYDAY=MO (one weekday with an ordinal, such as 4TH) is not supported; list the holidays as separate events"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nDTEND:20261225T000000\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 4: DTSTART and DTEND must both be dates or both date-times"
    );
    assert_eq!(
        err(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20280101\nEND:VEVENT\nEND:VCALENDAR"
        ),
        "line 2: an event longer than 366 days is not supported; list the holidays as separate events"
    );
}

#[test]
fn a_folded_line_continues_the_line_before() {
    // A fold may split a multi-byte character's neighbours and an escape.
    let feed = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260623\r\nSUMMARY:Jā\r\n ņi\\\r\n , Līgo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        parse_ical(feed, &riga(), 2026..=2026).unwrap(),
        vec![day("2026-06-23", "Jāņi, Līgo")]
    );
}
