//! How long one `add` takes on a working-week calendar (a service-level
//! deadline): `cargo run --release -p tend-calendar --example add_cost`.
use jiff::{SignedDuration, Timestamp};
use tend_calendar::{Calendar, Holiday, Week};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let day = vec![
        ["09:00".to_string(), "13:00".to_string()],
        ["14:00".to_string(), "18:00".to_string()],
    ];
    let week = Week {
        mon: day.clone(),
        tue: day.clone(),
        wed: day.clone(),
        thu: day.clone(),
        fri: day,
        ..Week::default()
    };
    let holidays = vec![Holiday {
        date: "2026-12-24".into(),
        name: None,
        hours: None,
    }];
    let cal = Calendar::new("Europe/Riga", &week, &holidays)?;
    let start: Timestamp = "2026-12-07T10:00:00Z".parse()?;
    const N: i32 = 20_000;
    for minutes in [180i64, 240, 2160, 2880] {
        let t = std::time::Instant::now();
        let mut x = 0;
        for i in 0..N {
            let s = start + SignedDuration::from_secs(i64::from(i) * 7);
            x += cal
                .add_duration(s, SignedDuration::from_mins(minutes))?
                .as_second();
        }
        println!(
            "add {minutes} min: {:?} per call ({x})",
            t.elapsed() / N as u32
        );
    }
    let t = std::time::Instant::now();
    let mut x = 0i128;
    for i in 0..N {
        let s = start + SignedDuration::from_secs(i64::from(i) * 7);
        x += cal
            .open_between(s, s + SignedDuration::from_hours(3))
            .as_nanos();
    }
    println!(
        "open_between 3 h: {:?} per call ({x})",
        t.elapsed() / N as u32
    );
    Ok(())
}
