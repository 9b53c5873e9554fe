//! The fast walk against a brute-force reference, over random calendars.
//!
//! The reference shares nothing with the crate but jiff's time zone
//! conversion: it walks real time minute by minute, turns each minute into
//! local wall-clock time with `TimeZone::to_datetime`, and asks whether that
//! time lies in an interval of its local date (holiday first, weekday from
//! jiff) or in an overnight interval of the day before. In the five zones
//! used, every UTC offset and transition is a whole minute, so openness is
//! constant within each real minute; a start inside a minute counts the
//! rest of that minute. That is the crate's definition, computed another way.
//!
//! Cases: `TEND_CALENDAR_CASES` (default 2,000). The run prints how many
//! cases it checked and how long it took:
//! `TEND_CALENDAR_CASES=1000000 cargo test -p tend-calendar --release --test brute -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a panic there is a failed assertion"
)]

use std::cell::Cell;
use std::time::Instant;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tend_calendar::{Calendar, CalendarError, Holiday, Interval, Week};

const ZONES: [&str; 5] = [
    "Europe/Riga",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Europe/Madrid",
    "America/New_York",
];
/// The local dates of the daylight-saving changes of 2026 and 2027.
const EU_CHANGES: [(i16, i8, i8); 4] =
    [(2026, 3, 29), (2026, 10, 25), (2027, 3, 28), (2027, 10, 31)];
const US_CHANGES: [(i16, i8, i8); 4] = [(2026, 3, 8), (2026, 11, 1), (2027, 3, 14), (2027, 11, 7)];

const NS: i128 = 1_000_000_000;
const MINUTE: i128 = 60 * NS;
/// How far the reference walks at most (eight days of real time).
const CAP: i128 = 8 * 24 * 60 * MINUTE;

/// One interval in minutes of the day: `to` up to 1440 (`24:00`).
type Iv = (u16, u16);

#[derive(Debug, Clone)]
struct Case {
    zone: &'static str,
    week: [Vec<Iv>; 7],
    /// Unique dates; `None` is closed all day.
    holidays: Vec<(Date, Option<Vec<Iv>>)>,
    start_ns: i128,
    minutes: i64,
    /// The end of `open_between`, after the start.
    span_ns: i128,
}

/// Interval ends near the usual transition hours, midnight and day ends
/// half the time, any minute otherwise.
fn minute_of_day(end: bool) -> impl Strategy<Value = u16> {
    let special: Vec<u16> = vec![
        0, 60, 90, 120, 150, 180, 210, 240, 270, 300, 360, 540, 1080, 1320, 1380, 1410, 1439,
    ];
    let any = if end { 0..=1440u16 } else { 0..=1439u16 };
    prop_oneof![proptest::sample::select(special), any]
}

fn interval() -> impl Strategy<Value = Iv> {
    (
        minute_of_day(false),
        prop_oneof![minute_of_day(true), Just(1440u16)],
    )
}

fn changes(zone: &str) -> Vec<(i16, i8, i8)> {
    match zone {
        "America/New_York" => US_CHANGES.to_vec(),
        "Europe/Riga" | "Europe/Madrid" => EU_CHANGES.to_vec(),
        _ => [EU_CHANGES, US_CHANGES].concat(),
    }
}

fn case() -> impl Strategy<Value = Case> {
    let day = || vec(interval(), 0..=3);
    let week = [day(), day(), day(), day(), day(), day(), day()];
    let holiday = (0..8usize, -2..=2i64, option::of(vec(interval(), 0..=2)));
    // Starts in the days around a change, half of them in the 30 hours
    // before it (so that the compared range often crosses it).
    let shift = prop_oneof![-3 * 86_400..2 * 86_400i64, -30 * 3_600..3_600i64];
    let start = (0..8usize, shift, any::<bool>(), 0..60 * NS);
    let minutes = prop_oneof![0..=90i64, 0..=600i64, 0..=5_000i64];
    let span = (0..4 * 86_400i64, 0..NS);
    (
        0..ZONES.len(),
        week,
        vec(holiday, 0..=4),
        start,
        minutes,
        span,
    )
        .prop_map(
            |(zone, week, holidays, (anchor, shift, aligned, sub), minutes, (span_s, span_ns))| {
                let zone = ZONES[zone];
                let tz = TimeZone::get(zone).unwrap();
                let dates = changes(zone);
                let date = |i: usize| {
                    let (y, m, d) = dates[i % dates.len()];
                    Date::new(y, m, d).unwrap()
                };
                let mut days: Vec<(Date, Option<Vec<Iv>>)> = Vec::new();
                for (i, delta, hours) in holidays {
                    let d = date(i)
                        .checked_add(SignedDuration::from_hours(24 * delta))
                        .unwrap();
                    if !days.iter().any(|(e, _)| *e == d) {
                        days.push((d, hours));
                    }
                }
                let anchor = tz.to_timestamp(date(anchor).at(2, 0, 0, 0)).unwrap();
                let minute =
                    (anchor.as_nanosecond() + i128::from(shift) * NS).div_euclid(MINUTE) * MINUTE;
                Case {
                    zone,
                    week,
                    holidays: days,
                    start_ns: if aligned { minute } else { minute + sub },
                    minutes,
                    span_ns: i128::from(span_s) * NS + span_ns,
                }
            },
        )
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn written(ivs: &[Iv]) -> Vec<Interval> {
    ivs.iter().map(|&(a, b)| [hhmm(a), hhmm(b)]).collect()
}

fn calendar(case: &Case) -> Calendar {
    let w = &case.week;
    let week = Week {
        mon: written(&w[0]),
        tue: written(&w[1]),
        wed: written(&w[2]),
        thu: written(&w[3]),
        fri: written(&w[4]),
        sat: written(&w[5]),
        sun: written(&w[6]),
    };
    let holidays: Vec<Holiday> = case
        .holidays
        .iter()
        .map(|(d, hours)| Holiday {
            date: d.to_string(),
            name: Some("Jāņi / 元日 / 설날 / Sant Joan".to_owned()),
            hours: hours.as_deref().map(written),
        })
        .collect();
    Calendar::new(case.zone, &week, &holidays).unwrap()
}

/// The reference: is the real minute starting at `ns` open?
struct Reference<'c> {
    case: &'c Case,
    tz: TimeZone,
}

impl Reference<'_> {
    fn intervals_on(&self, date: Date) -> &[Iv] {
        if let Some((_, hours)) = self.case.holidays.iter().find(|(d, _)| *d == date) {
            return hours.as_deref().unwrap_or(&[]);
        }
        &self.case.week[date.weekday().to_monday_zero_offset() as usize]
    }

    fn open(&self, ns: i128) -> bool {
        let local = self.tz.to_datetime(Timestamp::from_nanosecond(ns).unwrap());
        let second = i32::from(local.hour()) * 3600
            + i32::from(local.minute()) * 60
            + i32::from(local.second());
        // An interval ends `to` minutes after its own midnight, or after
        // the next midnight when it does not end after its start.
        let end = |(from, to): Iv| {
            if to > from {
                i32::from(to) * 60
            } else {
                (i32::from(to) + 1440) * 60
            }
        };
        let today = self
            .intervals_on(local.date())
            .iter()
            .any(|&iv| i32::from(iv.0) * 60 <= second && second < end(iv));
        let yesterday = local.date().yesterday().unwrap();
        let spill = self
            .intervals_on(yesterday)
            .iter()
            .any(|&iv| second + 86_400 < end(iv));
        today || spill
    }
}

/// What the cases covered (shrinking runs included).
#[derive(Default)]
struct Seen {
    add_checked: Cell<u64>,
    non_aligned: Cell<u64>,
    change_checked: Cell<u64>,
    crossed_change: Cell<u64>,
}

fn bump(c: &Cell<u64>) {
    c.set(c.get() + 1);
}

fn check(case: &Case, seen: &Seen) -> Result<(), TestCaseError> {
    let cal = calendar(case);
    let reference = Reference {
        case,
        tz: TimeZone::get(case.zone).unwrap(),
    };
    let t0 = case.start_ns;
    let start = Timestamp::from_nanosecond(t0).unwrap();
    prop_assert_eq!(reference.tz.to_offset(start).seconds() % 60, 0);
    let need = i128::from(case.minutes) * MINUTE;
    let b = t0 + case.span_ns;
    let m0 = t0.div_euclid(MINUTE) * MINUTE;
    let state0 = reference.open(m0);

    let (mut add_at, mut between, mut b_open, mut change, mut first_open) =
        (None, None, None, None, None);
    if need == 0 {
        add_at = Some(t0);
    }
    let mut acc: i128 = 0;
    let mut m = m0;
    while m < m0 + CAP {
        let (lo, hi) = (m.max(t0), m + MINUTE);
        let open = if m == m0 { state0 } else { reference.open(m) };
        if between.is_none() && b < hi {
            between = Some(acc + if open { b - lo } else { 0 });
            b_open = Some(open);
        }
        if add_at.is_none() && open && acc + (hi - lo) >= need {
            add_at = Some(lo + (need - acc));
        }
        if change.is_none() && m > m0 && open != state0 {
            change = Some(m);
        }
        if first_open.is_none() && open {
            first_open = Some(lo);
        }
        if open {
            acc += hi - lo;
        }
        if add_at.is_some() && between.is_some() && change.is_some() {
            break;
        }
        m += MINUTE;
    }
    let walked_to = m;
    let at = |ns: i128| Timestamp::from_nanosecond(ns).unwrap();

    // add
    let fast = cal.add(start, case.minutes);
    match (add_at, fast.clone()) {
        (Some(expected), fast) => {
            bump(&seen.add_checked);
            prop_assert_eq!(fast, Ok(at(expected)), "add({}, {})", start, case.minutes);
        }
        (None, Ok(t)) => prop_assert!(
            t.as_nanosecond() >= walked_to,
            "add gave {t}, reference found none before {}",
            at(walked_to)
        ),
        (None, Err(CalendarError::NoOpenTime { .. })) => {}
        (None, Err(e)) => prop_assert!(false, "add failed: {e}"),
    }
    if let Ok(t) = fast {
        prop_assert_eq!(
            cal.open_between(start, t),
            SignedDuration::from_mins(case.minutes)
        );
    }
    if t0 != m0 {
        bump(&seen.non_aligned);
    }

    // open_between and is_open at its end
    let between = between.unwrap();
    prop_assert_eq!(
        cal.open_between(start, at(b)).as_nanos(),
        between,
        "open_between({}, {})",
        start,
        at(b)
    );
    prop_assert_eq!(cal.is_open(at(b)), b_open.unwrap());
    // add_duration: the earliest instant with that much open time since
    // the start, which is `b` itself when open time runs up to it.
    let open = SignedDuration::try_from_nanos_i128(between).unwrap();
    let t = cal.add_duration(start, open).unwrap();
    prop_assert_eq!(cal.open_between(start, t), open);
    prop_assert!(t.as_nanosecond() <= b, "add_duration passed {}", at(b));
    if b_open.unwrap() && between > 0 && b.rem_euclid(MINUTE) != 0 {
        prop_assert_eq!(t, at(b), "add_duration({}, {:?})", start, open);
    }
    prop_assert_eq!(cal.is_open(start), state0);

    // next_change and next_open
    match change {
        Some(c) => {
            bump(&seen.change_checked);
            prop_assert_eq!(
                cal.next_change(start),
                Some(at(c)),
                "next_change({})",
                start
            );
        }
        None => prop_assert!(
            cal.next_change(start)
                .is_none_or(|c| c.as_nanosecond() >= walked_to)
        ),
    }
    match first_open {
        Some(o) => prop_assert_eq!(cal.next_open(start), Some(at(o))),
        None => prop_assert!(
            cal.next_open(start)
                .is_none_or(|o| o.as_nanosecond() >= walked_to)
        ),
    }
    let end = add_at.unwrap_or(walked_to).max(b);
    if reference
        .tz
        .following(start)
        .next()
        .is_some_and(|tr| tr.timestamp().as_nanosecond() < end)
    {
        bump(&seen.crossed_change);
    }
    Ok(())
}

#[test]
fn the_walk_agrees_with_minute_by_minute_brute_force() {
    let cases: u32 = std::env::var("TEND_CALENDAR_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let seen = Seen::default();
    let began = Instant::now();
    let result = runner.run(&case(), |case| check(&case, &seen));
    let elapsed = began.elapsed();
    if let Err(e) = result {
        panic!("{e}");
    }
    println!(
        "{cases} random calendars checked in {elapsed:.1?}: add compared in {} (start mid-minute in {}), \
         next_change in {}, a time zone transition inside the compared range in {}",
        seen.add_checked.get(),
        seen.non_aligned.get(),
        seen.change_checked.get(),
        seen.crossed_change.get()
    );
}
