//! A business calendar as the API shows and takes it.

use serde::{Deserialize, Serialize};
use tend_calendar::{CalendarError, Holiday, Week};
use utoipa::ToSchema;

use crate::Error;

/// A business calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BusinessCalendar {
    /// Id.
    pub id: i64,
    /// Name, e.g. "Riga office".
    pub name: String,
    /// IANA time zone, e.g. `Europe/Riga`.
    pub timezone: String,
    /// Opening intervals per weekday: `{"mon": [["09:00", "13:00"],
    /// ["14:00", "18:00"]], …, "sun": []}`; a missing day is closed, and an
    /// interval whose end is not after its start runs past midnight.
    #[schema(value_type = Object)]
    pub hours: Week,
    /// Dated exceptions: `{"date": "2026-12-24", "name"?, "hours"?}`; a
    /// holiday without `hours` is closed all day.
    #[schema(value_type = Vec<Object>)]
    pub holidays: Vec<Holiday>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// `POST /calendars` and `PUT /calendars/{id}`: the whole calendar.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    /// Name (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// IANA time zone, e.g. `Europe/Riga`.
    pub timezone: String,
    /// Opening intervals per weekday, `HH:MM` from (inclusive) to
    /// (exclusive); a missing day is closed.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub hours: Week,
    /// Holidays, one per date.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub holidays: Vec<Holiday>,
}

/// The calendar's own words for what is wrong, as a 422 on the field it
/// names (`hours.mon[1]`, `holidays[2].date`, `timezone`).
pub fn invalid(e: CalendarError) -> Error {
    let field = match &e {
        CalendarError::UnknownTimeZone { .. } => "timezone".to_string(),
        CalendarError::BadTime { field, .. }
        | CalendarError::EndOfDayAsStart { field }
        | CalendarError::BadDate { field, .. } => field.clone(),
        CalendarError::DuplicateHoliday { second, .. } => format!("holidays[{second}].date"),
        CalendarError::NegativeMinutes(_)
        | CalendarError::NoOpenTime { .. }
        | CalendarError::OutOfRange => "minutes".to_string(),
    };
    Error::invalid(&field, e.to_string())
}
