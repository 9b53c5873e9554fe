//! Hand-computed examples across daylight-saving changes (Riga, Madrid,
//! New York, 2026) and in zones without them (Tokyo, Seoul).

mod common;

use common::{always, cal, hours, ts};

#[test]
fn spring_forward_in_riga() {
    // Sunday 29 March 2026: 03:00 EET becomes 04:00 EEST (01:00 UTC).
    let c = always("Europe/Riga");
    assert_eq!(
        c.open_between(ts("2026-03-29T00:00+02:00"), ts("2026-03-30T00:00+03:00")),
        hours(23)
    );
    assert_eq!(
        c.add(ts("2026-03-29T02:30+02:00"), 60),
        Ok(ts("2026-03-29T04:30+03:00"))
    );
    // An interval inside the gap never happens.
    let c = cal("Europe/Riga", r#"{"sun": [["03:00","04:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-03-28T00:00+02:00"), ts("2026-03-30T00:00+03:00")),
        hours(0)
    );
    assert_eq!(
        c.next_open(ts("2026-03-28T00:00+02:00")),
        Some(ts("2026-04-05T03:00+03:00"))
    );
    // One reaching across it is an hour shorter.
    let c = cal("Europe/Riga", r#"{"sun": [["02:00","05:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-03-29T00:00+02:00"), ts("2026-03-30T00:00+03:00")),
        hours(2)
    );
    assert_eq!(
        c.add(ts("2026-03-29T02:00+02:00"), 90),
        Ok(ts("2026-03-29T04:30+03:00"))
    );
    assert_eq!(
        c.next_change(ts("2026-03-29T02:10+02:00")),
        Some(ts("2026-03-29T05:00+03:00"))
    );
}

#[test]
fn fall_back_in_riga() {
    // Sunday 25 October 2026: 04:00 EEST becomes 03:00 EET (01:00 UTC);
    // 03:00-04:00 happens twice.
    let c = cal("Europe/Riga", r#"{"sun": [["03:00","04:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-10-25T00:00+03:00"), ts("2026-10-26T00:00+02:00")),
        hours(2)
    );
    assert_eq!(
        c.add(ts("2026-10-25T03:30+03:00"), 60),
        Ok(ts("2026-10-25T03:30+02:00"))
    );
    // The two passes join into one stretch.
    assert_eq!(
        c.next_change(ts("2026-10-25T03:10+03:00")),
        Some(ts("2026-10-25T04:00+02:00"))
    );
    let c = cal("Europe/Riga", r#"{"sun": [["00:00","06:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-10-25T00:00+03:00"), ts("2026-10-26T00:00+02:00")),
        hours(7)
    );
    assert_eq!(
        always("Europe/Riga")
            .open_between(ts("2026-10-25T00:00+03:00"), ts("2026-10-26T00:00+02:00")),
        hours(25)
    );
}

#[test]
fn daylight_saving_in_new_york() {
    let weekdays = r#"{"mon": [["09:00","17:00"]], "tue": [["09:00","17:00"]], "wed": [["09:00","17:00"]],
        "thu": [["09:00","17:00"]], "fri": [["09:00","17:00"]]}"#;
    let c = cal("America/New_York", weekdays, "[]");
    // Friday 6 March EST to Monday 9 March EDT (clocks went forward Sunday).
    assert_eq!(
        c.add(ts("2026-03-06T16:00-05:00"), 120),
        Ok(ts("2026-03-09T10:00-04:00"))
    );
    // Friday 30 October EDT to Monday 2 November EST.
    assert_eq!(
        c.add(ts("2026-10-30T16:00-04:00"), 120),
        Ok(ts("2026-11-02T10:00-05:00"))
    );
    // Sunday 8 March: 02:00 EST becomes 03:00 EDT.
    let c = cal("America/New_York", r#"{"sun": [["01:00","04:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-03-08T00:00-05:00"), ts("2026-03-09T00:00-04:00")),
        hours(2)
    );
    assert_eq!(
        c.add(ts("2026-03-08T01:30-05:00"), 60),
        Ok(ts("2026-03-08T03:30-04:00"))
    );
    // Sunday 1 November: 02:00 EDT becomes 01:00 EST; 01:00-02:00 twice.
    let c = cal("America/New_York", r#"{"sun": [["01:00","02:00"]]}"#, "[]");
    assert_eq!(
        c.open_between(ts("2026-11-01T00:00-04:00"), ts("2026-11-02T00:00-05:00")),
        hours(2)
    );
    assert_eq!(
        c.add(ts("2026-11-01T01:45-04:00"), 30),
        Ok(ts("2026-11-01T01:15-05:00"))
    );
}

#[test]
fn tokyo_and_seoul_have_no_daylight_saving() {
    let weekdays = r#"{"mon": [["09:00","18:00"]], "tue": [["09:00","18:00"]], "wed": [["09:00","18:00"]],
        "thu": [["09:00","18:00"]], "fri": [["09:00","18:00"]]}"#;
    let c = cal(
        "Asia/Tokyo",
        weekdays,
        r#"[{"date": "2027-01-01", "name": "元日"}]"#,
    );
    assert_eq!(
        c.add(ts("2026-03-27T17:00+09:00"), 120),
        Ok(ts("2026-03-30T10:00+09:00"))
    );
    assert_eq!(
        c.add(ts("2026-12-31T17:00+09:00"), 120),
        Ok(ts("2027-01-04T10:00+09:00"))
    );
    assert_eq!(
        always("Asia/Tokyo")
            .open_between(ts("2026-03-01T00:00+09:00"), ts("2026-04-01T00:00+09:00")),
        hours(31 * 24)
    );
    // Seollal 2026: Monday 16 to Wednesday 18 February.
    let c = cal(
        "Asia/Seoul",
        weekdays,
        r#"[{"date": "2026-02-16", "name": "설날"}, {"date": "2026-02-17", "name": "설날"}, {"date": "2026-02-18", "name": "설날"}]"#,
    );
    assert_eq!(
        c.add(ts("2026-02-13T17:00+09:00"), 120),
        Ok(ts("2026-02-19T10:00+09:00"))
    );
}

#[test]
fn madrid_split_day_and_daylight_saving() {
    let split = r#"{"mon": [["09:00","14:00"],["16:00","19:00"]], "tue": [["09:00","14:00"],["16:00","19:00"]]}"#;
    let c = cal(
        "Europe/Madrid",
        split,
        r#"[{"date": "2026-06-24", "name": "Sant Joan"}]"#,
    );
    // Monday 23 March 2026 (CET).
    assert_eq!(
        c.add(ts("2026-03-23T13:00+01:00"), 120),
        Ok(ts("2026-03-23T17:00+01:00"))
    );
    // 60 on Monday, 480 on Tuesday, then Monday 30 March (after Sunday's
    // change to CEST) 300 in the morning and 120 after lunch.
    assert_eq!(
        c.add(ts("2026-03-23T18:00+01:00"), 960),
        Ok(ts("2026-03-30T18:00+02:00"))
    );
    // Wednesday 24 June is Sant Joan, but Wednesdays are closed anyway.
    assert_eq!(
        always("Europe/Madrid")
            .open_between(ts("2026-03-29T00:00+01:00"), ts("2026-03-30T00:00+02:00")),
        hours(23)
    );
    assert_eq!(
        always("Europe/Madrid")
            .open_between(ts("2026-10-25T00:00+02:00"), ts("2026-10-26T00:00+01:00")),
        hours(25)
    );
}
