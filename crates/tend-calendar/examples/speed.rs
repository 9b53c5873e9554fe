//! How long the calendar's questions take:
//! `cargo run -p tend-calendar --release --example speed`.

use std::hint::black_box;
use std::time::Instant;

use jiff::{SignedDuration, Timestamp};
use tend_calendar::{Calendar, Holiday, Week};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = || {
        vec![
            ["09:00".to_owned(), "13:00".to_owned()],
            ["14:00".to_owned(), "18:00".to_owned()],
        ]
    };
    let week = Week {
        mon: day(),
        tue: day(),
        wed: day(),
        thu: day(),
        fri: day(),
        ..Week::default()
    };
    let holidays: Vec<Holiday> = [
        "2026-06-23",
        "2026-06-24",
        "2026-11-18",
        "2026-12-24",
        "2026-12-25",
        "2026-12-26",
    ]
    .iter()
    .map(|d| Holiday {
        date: (*d).to_owned(),
        name: None,
        hours: None,
    })
    .collect();
    let cal = Calendar::new("Europe/Riga", &week, &holidays)?;
    let start: Timestamp = "2026-03-20T16:30:00+02:00".parse()?;
    for minutes in [60, 480, 10_000] {
        let rounds = 200_000;
        let began = Instant::now();
        for i in 0..rounds {
            let t = start + SignedDuration::from_secs(i64::from(i % 1000) * 613);
            black_box(cal.add(black_box(t), minutes)?);
        }
        let each = began.elapsed() / rounds;
        println!("add(t, {minutes:>6}): {each:?} per call");
    }
    let year_end: Timestamp = "2027-03-20T16:30:00+02:00".parse()?;
    let began = Instant::now();
    for _ in 0..10_000 {
        black_box(cal.open_between(black_box(start), year_end));
    }
    println!(
        "open_between over a year: {:?} per call",
        began.elapsed() / 10_000
    );
    let began = Instant::now();
    for i in 0..200_000 {
        let t = start + SignedDuration::from_secs(i64::from(i % 1000) * 613);
        black_box(cal.next_change(black_box(t)));
    }
    println!("next_change: {:?} per call", began.elapsed() / 200_000);
    Ok(())
}
