//! Hand-computed examples: each answer below was worked out on paper from
//! the contract's rules, not taken from the code.

mod common;

use common::{OFFICE, always, cal, holidays, hours, ts, week};
use jiff::SignedDuration;
use tend_calendar::{Calendar, CalendarError, Week};

#[test]
fn lunch_break_is_skipped() {
    let c = cal("Europe/Riga", OFFICE, "[]");
    // Monday 2 March 2026, EET (+02:00).
    assert_eq!(
        c.add(ts("2026-03-02T12:30+02:00"), 60),
        Ok(ts("2026-03-02T14:30+02:00"))
    );
    assert_eq!(
        c.add(ts("2026-03-02T13:20+02:00"), 10),
        Ok(ts("2026-03-02T14:10+02:00"))
    );
    assert_eq!(
        c.add(ts("2026-03-02T09:00+02:00"), 480),
        Ok(ts("2026-03-02T18:00+02:00"))
    );
    assert_eq!(
        c.open_between(ts("2026-03-02T08:00+02:00"), ts("2026-03-02T20:00+02:00")),
        hours(8)
    );
    assert_eq!(
        c.open_between(ts("2026-03-02T00:00+02:00"), ts("2026-03-09T00:00+02:00")),
        hours(40)
    );
}

#[test]
fn starts_at_the_edges_of_open_time() {
    let c = cal("Europe/Riga", OFFICE, "[]");
    // Exactly at an interval's end: the next open minute is after lunch.
    assert_eq!(
        c.add(ts("2026-03-02T13:00+02:00"), 1),
        Ok(ts("2026-03-02T14:01+02:00"))
    );
    // The deadline is the end of open time, not the next morning.
    assert_eq!(
        c.add(ts("2026-03-02T17:00+02:00"), 60),
        Ok(ts("2026-03-02T18:00+02:00"))
    );
    // Friday evening to Monday morning.
    assert_eq!(
        c.add(ts("2026-03-06T18:00+02:00"), 1),
        Ok(ts("2026-03-09T09:01+02:00"))
    );
    // Saturday, closed.
    assert_eq!(
        c.add(ts("2026-03-07T10:00+02:00"), 30),
        Ok(ts("2026-03-09T09:30+02:00"))
    );
    // Zero minutes is the start itself, open or not.
    assert_eq!(
        c.add(ts("2026-03-07T10:00+02:00"), 0),
        Ok(ts("2026-03-07T10:00+02:00"))
    );
    assert_eq!(
        c.add(ts("2026-03-02T10:00+02:00"), 0),
        Ok(ts("2026-03-02T10:00+02:00"))
    );
}

#[test]
fn a_start_in_the_middle_of_a_minute_counts_the_rest_of_it() {
    let c = always("Europe/Riga");
    let start = ts("2026-03-02T09:00:30.5+02:00");
    assert_eq!(c.add(start, 1), Ok(ts("2026-03-02T09:01:30.5+02:00")));
    let office = cal("Europe/Riga", OFFICE, "[]");
    assert_eq!(
        office.add(ts("2026-03-02T08:59:30+02:00"), 1),
        Ok(ts("2026-03-02T09:01+02:00"))
    );
    assert_eq!(
        office.open_between(
            ts("2026-03-02T12:59:59.25+02:00"),
            ts("2026-03-02T14:00:00.5+02:00")
        ),
        SignedDuration::from_millis(1250)
    );
}

#[test]
fn overnight_interval_belongs_to_the_day_it_starts() {
    let c = cal("Europe/Riga", r#"{"mon": [["22:00","06:00"]]}"#, "[]");
    assert_eq!(
        c.add(ts("2026-03-02T23:00+02:00"), 120),
        Ok(ts("2026-03-03T01:00+02:00"))
    );
    assert_eq!(
        c.add(ts("2026-03-02T12:00+02:00"), 480),
        Ok(ts("2026-03-03T06:00+02:00"))
    );
    assert_eq!(
        c.add(ts("2026-03-02T12:00+02:00"), 481),
        Ok(ts("2026-03-09T22:01+02:00"))
    );
    assert_eq!(
        c.open_between(ts("2026-03-01T00:00+02:00"), ts("2026-03-08T00:00+02:00")),
        hours(8)
    );
    assert!(c.is_open(ts("2026-03-03T05:59:59+02:00")));
    assert!(!c.is_open(ts("2026-03-03T06:00+02:00")));
    assert!(!c.is_open(ts("2026-03-02T21:59+02:00")));
    assert_eq!(
        c.next_change(ts("2026-03-02T12:00+02:00")),
        Some(ts("2026-03-02T22:00+02:00"))
    );
    assert_eq!(
        c.next_change(ts("2026-03-02T23:00+02:00")),
        Some(ts("2026-03-03T06:00+02:00"))
    );
    assert_eq!(
        c.next_open(ts("2026-03-03T07:00+02:00")),
        Some(ts("2026-03-09T22:00+02:00"))
    );
    assert_eq!(
        c.next_open(ts("2026-03-03T01:00+02:00")),
        Some(ts("2026-03-03T01:00+02:00"))
    );
}

#[test]
fn whole_days_and_midnight_ends() {
    let c = cal(
        "Asia/Tokyo",
        r#"{"mon": [["00:00","00:00"]], "tue": [["09:00","24:00"]]}"#,
        "[]",
    );
    // Mon 2 March 2026 00:00 to Wed 00:00: 24 h, then Tuesday 09:00-24:00.
    assert_eq!(
        c.open_between(ts("2026-03-02T00:00+09:00"), ts("2026-03-04T00:00+09:00")),
        hours(39)
    );
    assert_eq!(
        c.next_change(ts("2026-03-02T10:00+09:00")),
        Some(ts("2026-03-03T00:00+09:00"))
    );
    let c = cal(
        "Asia/Tokyo",
        r#"{"mon": [["09:00","09:00"]], "tue": [["12:00","24:00"]]}"#,
        "[]",
    );
    // Monday 09:00 for 24 hours, then Tuesday 12:00-24:00.
    assert_eq!(
        c.open_between(ts("2026-03-02T00:00+09:00"), ts("2026-03-04T00:00+09:00")),
        hours(36)
    );
    assert_eq!(
        c.next_change(ts("2026-03-02T10:00+09:00")),
        Some(ts("2026-03-03T09:00+09:00"))
    );
}

#[test]
fn overlapping_intervals_count_once() {
    let c = cal(
        "Europe/Madrid",
        r#"{"mon": [["09:00","12:00"],["11:00","13:00"],["09:30","10:00"]]}"#,
        "[]",
    );
    assert_eq!(
        c.open_between(ts("2026-03-02T00:00+01:00"), ts("2026-03-03T00:00+01:00")),
        hours(4)
    );
    assert_eq!(
        c.add(ts("2026-03-02T09:00+01:00"), 240),
        Ok(ts("2026-03-02T13:00+01:00"))
    );
    // Sunday's overnight interval runs into Monday's morning hours.
    let c = cal(
        "Europe/Madrid",
        r#"{"sun": [["20:00","10:00"]], "mon": [["09:00","11:00"]]}"#,
        "[]",
    );
    assert_eq!(
        c.open_between(ts("2026-03-01T00:00+01:00"), ts("2026-03-03T00:00+01:00")),
        hours(15)
    );
    assert_eq!(
        c.add(ts("2026-03-01T20:00+01:00"), 15 * 60),
        Ok(ts("2026-03-02T11:00+01:00"))
    );
    assert_eq!(
        c.next_change(ts("2026-03-01T21:00+01:00")),
        Some(ts("2026-03-02T11:00+01:00"))
    );
}

#[test]
fn holidays_close_or_shorten_a_day() {
    let weekdays = r#"{"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]], "wed": [["09:00","18:00"]],
        "thu": [["09:00","18:00"]], "fri": [["09:00","18:00"]]}"#;
    // Thursday 24 December 2026 closed.
    let c = cal(
        "Europe/Riga",
        weekdays,
        r#"[{"date": "2026-12-24", "name": "Ziemassvētku vakars"}]"#,
    );
    assert_eq!(
        c.add(ts("2026-12-23T17:00+02:00"), 120),
        Ok(ts("2026-12-25T10:00+02:00"))
    );
    assert!(!c.is_open(ts("2026-12-24T12:00+02:00")));
    // The same day as a short day.
    let c = cal(
        "Europe/Riga",
        weekdays,
        r#"[{"date": "2026-12-24", "hours": [["09:00","12:00"]]}]"#,
    );
    assert_eq!(
        c.open_between(ts("2026-12-24T00:00+02:00"), ts("2026-12-25T00:00+02:00")),
        hours(3)
    );
    assert_eq!(
        c.add(ts("2026-12-24T11:00+02:00"), 120),
        Ok(ts("2026-12-25T10:00+02:00"))
    );
    assert_eq!(
        c.next_change(ts("2026-12-24T10:00+02:00")),
        Some(ts("2026-12-24T12:00+02:00"))
    );
}

#[test]
fn a_holiday_replaces_the_intervals_that_start_on_it() {
    let night = r#"{"mon": [["22:00","06:00"]], "tue": [["22:00","06:00"]]}"#;
    // Tuesday 3 March closed: Monday night still runs to Tuesday 06:00.
    let c = cal("Europe/Riga", night, r#"[{"date": "2026-03-03"}]"#);
    assert!(c.is_open(ts("2026-03-03T05:00+02:00")));
    assert!(!c.is_open(ts("2026-03-03T23:00+02:00")));
    // Monday closed: its night is gone, Tuesday's stays.
    let c = cal("Europe/Riga", night, r#"[{"date": "2026-03-02"}]"#);
    assert!(!c.is_open(ts("2026-03-03T05:00+02:00")));
    assert!(c.is_open(ts("2026-03-03T23:00+02:00")));
    // An empty list of hours closes the day too.
    let c = cal(
        "Europe/Riga",
        night,
        r#"[{"date": "2026-03-02", "hours": []}]"#,
    );
    assert!(!c.is_open(ts("2026-03-03T05:00+02:00")));
}

#[test]
fn a_calendar_with_no_open_time_errs_instead_of_hanging() {
    let start = ts("2026-03-02T09:00+02:00");
    let closed = cal("Europe/Riga", "{}", "[]");
    assert_eq!(
        closed.add(start, 1),
        Err(CalendarError::NoOpenTime { after: start })
    );
    assert_eq!(closed.add(start, 0), Ok(start));
    assert_eq!(closed.next_open(start), None);
    assert_eq!(closed.next_change(start), None);
    assert_eq!(
        closed.open_between(start, ts("2036-03-02T09:00+02:00")),
        hours(0)
    );
    // Open only on one date 500 days away: past the horizon.
    let far = cal(
        "Europe/Riga",
        "{}",
        r#"[{"date": "2027-07-15", "hours": [["09:00","10:00"]]}]"#,
    );
    assert!(matches!(
        far.add(start, 1),
        Err(CalendarError::NoOpenTime { .. })
    ));
    assert_eq!(far.next_open(start), None);
    // But found when it is within 400 days of the last open time.
    let near = cal(
        "Europe/Riga",
        "{}",
        r#"[{"date": "2026-12-01", "hours": [["09:00","10:00"]]}, {"date": "2027-07-15", "hours": [["09:00","10:00"]]}]"#,
    );
    assert_eq!(near.add(start, 61), Ok(ts("2027-07-15T09:01+03:00")));
}

#[test]
fn always_open_never_changes_within_the_horizon() {
    let c = always("America/New_York");
    assert_eq!(c.next_change(ts("2026-03-07T12:00-05:00")), None);
    assert_eq!(
        c.next_open(ts("2026-03-07T12:00:00.25-05:00")),
        Some(ts("2026-03-07T12:00:00.25-05:00"))
    );
    // Open time across midnight is one stretch.
    let c = cal(
        "Europe/Riga",
        r#"{"mon": [["18:00","24:00"]], "tue": [["00:00","02:00"]]}"#,
        "[]",
    );
    assert_eq!(
        c.next_change(ts("2026-03-02T19:00+02:00")),
        Some(ts("2026-03-03T02:00+02:00"))
    );
}

#[test]
fn out_of_range_and_negative_minutes() {
    let c = always("Europe/Riga");
    assert_eq!(
        c.add(ts("2026-03-02T09:00+02:00"), -1),
        Err(CalendarError::NegativeMinutes(-1))
    );
    assert_eq!(
        c.add(ts("9999-12-01T00:00Z"), 60 * 24 * 60),
        Err(CalendarError::OutOfRange)
    );
    assert_eq!(
        c.add(ts("2026-03-02T09:00+02:00"), i64::MAX),
        Err(CalendarError::OutOfRange)
    );
}

#[test]
fn invalid_calendars_say_what_is_wrong_and_where() {
    let err = |tz: &str, hours: &str, days_off: &str| {
        Calendar::new(tz, &week(hours), &holidays(days_off))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err("Mars/Olympus", "{}", "[]"),
        r#"timezone: "Mars/Olympus" is not a known time zone (use an IANA name such as "Europe/Riga")"#
    );
    assert_eq!(
        err(
            "Europe/Riga",
            r#"{"mon": [["09:00","13:00"],["14:00","25:00"]]}"#,
            "[]"
        ),
        r#"hours.mon[1]: "25:00" is not a time of day (HH:MM)"#
    );
    assert_eq!(
        err("Europe/Riga", r#"{"sun": [["9:00","13:00"]]}"#, "[]"),
        r#"hours.sun[0]: "9:00" is not a time of day (HH:MM)"#
    );
    assert_eq!(
        err("Europe/Riga", r#"{"tue": [["24:00","06:00"]]}"#, "[]"),
        r#"hours.tue[0]: "24:00" can only end an interval; start it at "00:00" instead"#
    );
    assert_eq!(
        err("Europe/Riga", "{}", r#"[{"date": "2026-02-30"}]"#),
        r#"holidays[0].date: "2026-02-30" is not a date (YYYY-MM-DD)"#
    );
    assert_eq!(
        err(
            "Europe/Riga",
            "{}",
            r#"[{"date": "2026-06-23"}, {"date": "2026-06-24", "hours": [["10:00","12:60"]]}]"#
        ),
        r#"holidays[1].hours[0]: "12:60" is not a time of day (HH:MM)"#
    );
    assert_eq!(
        err(
            "Europe/Riga",
            "{}",
            r#"[{"date": "2026-06-24"}, {"date": "2026-06-23"}, {"date": "2026-06-24"}]"#
        ),
        "holidays[2].date: 2026-06-24 is already holidays[0]; give each date one entry"
    );
    let closed = cal("Europe/Riga", "{}", "[]");
    let start = ts("2026-03-02T07:00Z");
    assert_eq!(
        closed.add(start, -5).unwrap_err().to_string(),
        "minutes must not be negative (got -5); business time only runs forward"
    );
    assert_eq!(
        closed.add(start, 5).unwrap_err().to_string(),
        "the calendar has no open time in the 400 days after 2026-03-02T07:00:00Z; add opening hours or remove holidays"
    );
}

#[test]
fn the_json_shape_of_the_contract() {
    let w = week(r#"{"mon": [["09:00","13:00"],["14:00","18:00"]], "sat": []}"#);
    assert_eq!(w.mon.len(), 2);
    assert!(w.tue.is_empty() && w.sun.is_empty());
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(
        json["mon"],
        serde_json::json!([["09:00", "13:00"], ["14:00", "18:00"]])
    );
    assert_eq!(json["sun"], serde_json::json!([]));
    assert!(serde_json::from_str::<Week>(r#"{"monday": [["09:00","13:00"]]}"#).is_err());
    assert!(serde_json::from_str::<Week>(r#"{"mon": [["09:00"]]}"#).is_err());
    let h = holidays(
        r#"[{"date": "2026-06-23", "name": "Līgo"}, {"date": "2026-06-24", "name": "Jāņi", "hours": [["10:00","14:00"]]}]"#,
    );
    assert_eq!(
        serde_json::to_value(&h).unwrap(),
        serde_json::json!([{"date": "2026-06-23", "name": "Līgo"}, {"date": "2026-06-24", "name": "Jāņi", "hours": [["10:00", "14:00"]]}])
    );
}
