//! Calendar use cases: write (admins), read (admins and supervisors), the
//! business-time arithmetic on a stored calendar, and the iCalendar import.

use jiff::Timestamp;
use serde::Serialize;
use tend_calendar::{Calendar, Holiday};
use utoipa::ToSchema;

use sqlx::AnyConnection;

use crate::agents::Viewer;
use crate::agents::model::parse_name;
use crate::sla::repo::Using;
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{BusinessCalendar, CalendarInput, invalid};
use super::repo::{self, Written};

/// The most business minutes `add` takes: about 19 years of round-the-clock
/// time, far past any service level, and a bounded walk.
pub const MAX_MINUTES: i64 = 10_000_000;

/// The input checked: the name, and the calendar built once (which checks
/// the time zone, every time and every date). Returns what to store.
fn checked(input: &CalendarInput) -> Result<(String, Calendar)> {
    let name = parse_name("name", &input.name, 200)?;
    let calendar =
        Calendar::new(input.timezone.trim(), &input.hours, &input.holidays).map_err(invalid)?;
    Ok((name, calendar))
}

fn written<'a>(name: &'a str, input: &'a CalendarInput) -> Result<Written<'a>> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.into()));
    Ok(Written {
        name,
        timezone: input.timezone.trim(),
        hours: json(serde_json::to_string(&input.hours))?,
        holidays: json(serde_json::to_string(&sorted(input.holidays.clone())))?,
    })
}

/// Holidays by date (dates are `YYYY-MM-DD`, so text order is date order).
fn sorted(mut holidays: Vec<Holiday>) -> Vec<Holiday> {
    holidays.sort_by(|a, b| a.date.cmp(&b.date));
    holidays
}

/// Creates a calendar. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id))]
pub async fn create(
    st: &AppState,
    viewer: &Viewer,
    input: CalendarInput,
) -> Result<BusinessCalendar> {
    viewer.require_admin()?;
    let (name, _) = checked(&input)?;
    let now = st.clock.now_ms();
    let id = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let w = written(&name, &input)?;
                repo::insert(c, &w, now).await
            })
        })
        .await?;
    get(st, viewer, id).await
}

/// Replaces a calendar. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, calendar_id = id))]
pub async fn update(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    input: CalendarInput,
) -> Result<BusinessCalendar> {
    viewer.require_admin()?;
    let (name, _) = checked(&input)?;
    let now = st.clock.now_ms();
    let found = st
        .db
        .write(move |c| {
            Box::pin(async move {
                let w = written(&name, &input)?;
                let old = crate::sla::service::setup_in(c).await?;
                if !repo::update(c, id, &w, now).await? {
                    return Err(Error::NotFound("calendar"));
                }
                // Open deadlines on this calendar move; time used stays.
                crate::sla::service::recount_in(c, &old, Using::Calendar, id, now).await
            })
        })
        .await?;
    st.publish(found);
    get(st, viewer, id).await
}

/// Removes a calendar. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, calendar_id = id))]
pub async fn delete(st: &AppState, viewer: &Viewer, id: i64) -> Result<()> {
    viewer.require_admin()?;
    let found = st
        .db
        .write(move |c| {
            Box::pin(async move {
                if let Some(user) = repo::user_of(c, id).await? {
                    return Err(Error::conflict(
                        "calendar_in_use",
                        format!("{user} uses this calendar; give it another calendar first"),
                        serde_json::json!({"calendar_id": id}),
                    ));
                }
                repo::delete(c, id).await
            })
        })
        .await?;
    if found {
        Ok(())
    } else {
        Err(Error::NotFound("calendar"))
    }
}

/// Every calendar, ready for arithmetic (inside a write: what service
/// levels count on). A stored calendar that no longer builds (a time zone
/// gone from the database) is left out and logged: its clocks count every
/// minute rather than stop.
pub async fn all_in(c: &mut AnyConnection) -> Result<Vec<(i64, Calendar)>> {
    let mut out = Vec::new();
    for stored in repo::list(c).await? {
        match Calendar::new(&stored.timezone, &stored.hours, &stored.holidays) {
            Ok(cal) => out.push((stored.id, cal)),
            Err(e) => {
                tracing::error!(calendar_id = stored.id, error = %e, "calendar does not build")
            }
        }
    }
    Ok(out)
}

/// A calendar's opening intervals as office hours, with the calendar
/// itself (holidays included), if it exists and builds.
pub async fn hours_in(
    c: &mut AnyConnection,
    id: i64,
) -> Result<Option<(crate::inboxes::public::OfficeHours, Calendar)>> {
    let Some(k) = repo::get(c, id).await? else {
        return Ok(None);
    };
    let Ok(cal) = Calendar::new(&k.timezone, &k.hours, &k.holidays) else {
        return Ok(None);
    };
    Ok(Some((
        crate::inboxes::public::OfficeHours::of_calendar(&k.timezone, &k.hours),
        cal,
    )))
}

/// Office hours set on an inbox's public settings: written to the inbox's
/// own calendar (one no other inbox, team or policy uses), keeping its
/// holidays (its open deadlines recounted), or to a new calendar named
/// after the inbox. Answers the calendar's id and the events.
pub async fn office_hours_in(
    c: &mut AnyConnection,
    inbox_id: i64,
    hours: &crate::inboxes::public::OfficeHours,
    now: i64,
) -> Result<(i64, Vec<crate::state::BusEvent>)> {
    let week = hours.week()?;
    let inbox = crate::inboxes::service::inbox_in(c, inbox_id).await?;
    let own = match inbox.calendar_id {
        Some(id) if repo::users(c, id).await? == 1 => repo::get(c, id).await?,
        _ => None,
    };
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.into()));
    match own {
        Some(k) => {
            let w = Written {
                name: &k.name,
                timezone: hours.timezone.trim(),
                hours: json(serde_json::to_string(&week))?,
                holidays: json(serde_json::to_string(&k.holidays))?,
            };
            let old = crate::sla::service::setup_in(c).await?;
            repo::update(c, k.id, &w, now).await?;
            let events =
                crate::sla::service::recount_in(c, &old, Using::Calendar, k.id, now).await?;
            Ok((k.id, events))
        }
        None => {
            let name = format!("Office hours: {} (inbox {inbox_id})", inbox.name);
            let w = Written {
                name: &name,
                timezone: hours.timezone.trim(),
                hours: json(serde_json::to_string(&week))?,
                holidays: "[]".into(),
            };
            Ok((repo::insert(c, &w, now).await?, Vec::new()))
        }
    }
}

/// A calendar's name and time zone, if it exists.
pub async fn name_in(c: &mut AnyConnection, id: i64) -> Result<Option<(String, String)>> {
    Ok(repo::get(c, id).await?.map(|k| (k.name, k.timezone)))
}

/// One calendar. Admins and supervisors.
pub async fn get(st: &AppState, viewer: &Viewer, id: i64) -> Result<BusinessCalendar> {
    viewer.require_supervisor("only admins and supervisors may see calendars")?;
    let mut c = st.db.pool().acquire().await?;
    repo::get(&mut c, id)
        .await?
        .ok_or(Error::NotFound("calendar"))
}

/// Every calendar, by name. Admins and supervisors.
pub async fn list(st: &AppState, viewer: &Viewer) -> Result<Vec<BusinessCalendar>> {
    viewer.require_supervisor("only admins and supervisors may see calendars")?;
    let mut c = st.db.pool().acquire().await?;
    repo::list(&mut c).await
}

/// A stored calendar, ready for arithmetic.
pub async fn calendar(st: &AppState, viewer: &Viewer, id: i64) -> Result<Calendar> {
    let stored = get(st, viewer, id).await?;
    Calendar::new(&stored.timezone, &stored.hours, &stored.holidays).map_err(invalid)
}

/// `start` (RFC 3339) plus `minutes` business minutes on calendar `id`: the
/// end of the `minutes`-th open minute at or after `start`, exactly as
/// service-level deadlines are computed.
pub async fn add(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    start: &str,
    minutes: i64,
) -> Result<Timestamp> {
    let start: Timestamp = start.trim().parse().map_err(|_| {
        Error::invalid(
            "start",
            format!("{start:?} is not an RFC 3339 time such as 2026-12-07T09:30:00+02:00"),
        )
    })?;
    if !(0..=MAX_MINUTES).contains(&minutes) {
        return Err(Error::invalid(
            "minutes",
            format!("minutes must be between 0 and {MAX_MINUTES}"),
        ));
    }
    calendar(st, viewer, id)
        .await?
        .add(start, minutes)
        .map_err(invalid)
}

/// What an iCalendar import finds, and what it did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolidayImport {
    /// Holidays of the file on dates the calendar had none for.
    #[schema(value_type = Vec<Object>)]
    pub added: Vec<Holiday>,
    /// Holidays of the file that replace the calendar's own on their date.
    #[schema(value_type = Vec<Object>)]
    pub replaced: Vec<Holiday>,
    /// The calendar's holidays with the import applied.
    #[schema(value_type = Vec<Object>)]
    pub holidays: Vec<Holiday>,
    /// Whether they were saved (`save=true`); otherwise this is a preview.
    pub saved: bool,
}

/// Reads the holidays of an iCalendar file (`text/calendar`, e.g. a
/// country's public holidays) for the years `from..=to`, in the calendar's
/// time zone, and shows what importing them would change; with `save` it
/// also saves them. A date the file names replaces the calendar's own
/// holiday on that date. Admins only.
#[tracing::instrument(skip_all, fields(user_id = ?viewer.user_id, calendar_id = id))]
pub async fn import_ical(
    st: &AppState,
    viewer: &Viewer,
    id: i64,
    text: &str,
    years: (i16, i16),
    save: bool,
) -> Result<HolidayImport> {
    viewer.require_admin()?;
    let (from, to) = years;
    if from > to || to - from > 20 {
        return Err(Error::invalid(
            "years",
            "give at most 21 years, the first not after the last (e.g. 2026-2027)",
        ));
    }
    let stored = get(st, viewer, id).await?;
    let zone = jiff::tz::TimeZone::get(&stored.timezone).map_err(|_| {
        Error::invalid(
            "timezone",
            format!("unknown time zone {:?}", stored.timezone),
        )
    })?;
    let found = tend_calendar::parse_ical(text, &zone, from..=to)
        .map_err(|e| Error::invalid("file", e.to_string()))?;
    let (mut added, mut replaced) = (Vec::new(), Vec::new());
    let mut holidays = stored.holidays.clone();
    for h in found {
        match holidays.iter_mut().find(|o| o.date == h.date) {
            Some(own) => {
                *own = h.clone();
                replaced.push(h);
            }
            None => {
                holidays.push(h.clone());
                added.push(h);
            }
        }
    }
    let holidays = sorted(holidays);
    // The result must still be a calendar (it always is: the file's dates
    // are real dates and its hours real times; checked all the same).
    Calendar::new(&stored.timezone, &stored.hours, &holidays).map_err(invalid)?;
    if save {
        let input = CalendarInput {
            name: stored.name,
            timezone: stored.timezone,
            hours: stored.hours,
            holidays: holidays.clone(),
        };
        update(st, viewer, id, input).await?;
    }
    Ok(HolidayImport {
        added,
        replaced,
        holidays,
        saved: save,
    })
}
