//! The `calendars` table. Hours and holidays are stored as the JSON the API
//! takes, checked before every write.

use sqlx::{AnyConnection, FromRow};

use crate::Result;
use crate::db::changes::SERVICE_LEVELS;
use crate::time::rfc3339;

use super::model::BusinessCalendar;

/// A stored calendar.
#[derive(Debug, FromRow)]
struct CalendarRow {
    id: i64,
    name: String,
    timezone: String,
    hours: String,
    holidays: String,
    created_at: i64,
    updated_at: i64,
}

impl CalendarRow {
    fn into_calendar(self) -> Result<BusinessCalendar> {
        let broken = |what: &str, e: serde_json::Error| {
            crate::Error::Internal(anyhow::anyhow!(
                "calendar {}: its stored {what} do not read ({e})",
                self.id
            ))
        };
        Ok(BusinessCalendar {
            id: self.id,
            hours: serde_json::from_str(&self.hours).map_err(|e| broken("hours", e))?,
            holidays: serde_json::from_str(&self.holidays).map_err(|e| broken("holidays", e))?,
            name: self.name,
            timezone: self.timezone,
            created_at: rfc3339(self.created_at),
            updated_at: rfc3339(self.updated_at),
        })
    }
}

const COLUMNS: &str =
    "SELECT id, name, timezone, hours, holidays, created_at, updated_at FROM calendars";

/// The columns a write sets: name, time zone, hours and holidays as JSON.
pub(super) struct Written<'a> {
    pub name: &'a str,
    pub timezone: &'a str,
    pub hours: String,
    pub holidays: String,
}

pub(super) async fn insert(c: &mut AnyConnection, w: &Written<'_>, now: i64) -> Result<i64> {
    SERVICE_LEVELS.mark();
    Ok(sqlx::query_scalar(
        "INSERT INTO calendars (name, timezone, hours, holidays, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(w.name)
    .bind(w.timezone)
    .bind(&w.hours)
    .bind(&w.holidays)
    .bind(now)
    .fetch_one(c)
    .await?)
}

/// Replaces a calendar; false when there is no such calendar.
pub(super) async fn update(
    c: &mut AnyConnection,
    id: i64,
    w: &Written<'_>,
    now: i64,
) -> Result<bool> {
    SERVICE_LEVELS.mark();
    let n = sqlx::query(
        "UPDATE calendars SET name = $1, timezone = $2, hours = $3, holidays = $4, updated_at = $5 \
         WHERE id = $6",
    )
    .bind(w.name)
    .bind(w.timezone)
    .bind(&w.hours)
    .bind(&w.holidays)
    .bind(now)
    .bind(id)
    .execute(c)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Removes a calendar; false when there is no such calendar.
pub(super) async fn delete(c: &mut AnyConnection, id: i64) -> Result<bool> {
    SERVICE_LEVELS.mark();
    let n = sqlx::query("DELETE FROM calendars WHERE id = $1")
        .bind(id)
        .execute(c)
        .await?
        .rows_affected();
    Ok(n == 1)
}

pub(super) async fn get(c: &mut AnyConnection, id: i64) -> Result<Option<BusinessCalendar>> {
    let row: Option<CalendarRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(c)
            .await?;
    row.map(CalendarRow::into_calendar).transpose()
}

pub(super) async fn list(c: &mut AnyConnection) -> Result<Vec<BusinessCalendar>> {
    let rows: Vec<CalendarRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY name, id")))
            .fetch_all(c)
            .await?;
    rows.into_iter().map(CalendarRow::into_calendar).collect()
}

/// Who uses a calendar, in words ("inbox 3", "team 2", "service-level
/// policy 5"), if anything does.
pub(super) async fn user_of(c: &mut AnyConnection, id: i64) -> Result<Option<String>> {
    for (table, what) in [
        ("inboxes", "inbox"),
        ("teams", "team"),
        ("sla_policies", "service-level policy"),
    ] {
        let user: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT MIN(id) FROM {table} WHERE calendar_id = $1"
        )))
        .bind(id)
        .fetch_one(&mut *c)
        .await?;
        if let Some(u) = user {
            return Ok(Some(format!("{what} {u}")));
        }
    }
    Ok(None)
}

/// How many inboxes, teams and policies use a calendar.
pub(super) async fn users(c: &mut AnyConnection, id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM inboxes WHERE calendar_id = $1) \
         + (SELECT COUNT(*) FROM teams WHERE calendar_id = $1) \
         + (SELECT COUNT(*) FROM sla_policies WHERE calendar_id = $1)",
    )
    .bind(id)
    .fetch_one(c)
    .await?)
}
