//! `/api/v1/calendars`: business calendars (admins write, supervisors read),
//! their arithmetic, and holiday import from iCalendar files.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::extract::{media_type, read_body};
use crate::http::{ApiJson, ApiPath, ApiQuery, Auth, Page, created};
use crate::state::AppState;
use crate::{Error, Result};

use super::model::{BusinessCalendar, CalendarInput};
use super::service::{self, HolidayImport};

/// The calendar routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calendars, create_calendar))
        .routes(routes!(get_calendar, put_calendar, delete_calendar))
        .routes(routes!(add_minutes))
        .routes(routes!(import_holidays))
}

/// Every calendar, by name. Admins and supervisors.
#[utoipa::path(get, path = "/calendars", tag = "calendars",
    responses((status = 200, description = "Calendars", body = Page<BusinessCalendar>),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor")))]
async fn list_calendars(
    State(st): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<Page<BusinessCalendar>>> {
    Ok(axum::Json(Page {
        items: service::list(&st, &auth.0).await?,
        next_cursor: None,
    }))
}

/// Create a calendar: a time zone, opening intervals per weekday (several
/// a day; an interval whose end is not after its start runs past midnight)
/// and holidays (a holiday without `hours` is closed all day). Admins only.
#[utoipa::path(post, path = "/calendars", tag = "calendars", request_body = CalendarInput,
    responses((status = 201, description = "Created", body = BusinessCalendar),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 422, description = "Invalid input; the message names the field, e.g. hours.mon[1]")))]
async fn create_calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CalendarInput>,
) -> Result<Response> {
    Ok(created(service::create(&st, &auth.0, b).await?))
}

/// One calendar. Admins and supervisors.
#[utoipa::path(get, path = "/calendars/{id}", tag = "calendars",
    params(("id" = i64, Path, description = "Calendar id")),
    responses((status = 200, description = "The calendar", body = BusinessCalendar),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such calendar")))]
async fn get_calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<BusinessCalendar>> {
    Ok(axum::Json(service::get(&st, &auth.0, id).await?))
}

/// Replace a calendar (the whole of it). Admins only.
#[utoipa::path(put, path = "/calendars/{id}", tag = "calendars",
    params(("id" = i64, Path, description = "Calendar id")),
    request_body = CalendarInput,
    responses((status = 200, description = "The calendar", body = BusinessCalendar),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such calendar"),
              (status = 422, description = "Invalid input")))]
async fn put_calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CalendarInput>,
) -> Result<axum::Json<BusinessCalendar>> {
    Ok(axum::Json(service::update(&st, &auth.0, id, b).await?))
}

/// Remove a calendar (409 `calendar_in_use` while an inbox, a team or a
/// service-level policy uses it). Admins only.
#[utoipa::path(delete, path = "/calendars/{id}", tag = "calendars",
    params(("id" = i64, Path, description = "Calendar id")),
    responses((status = 204, description = "Removed"),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such calendar"),
              (status = 409, description = "An inbox, a team or a policy uses it (`calendar_in_use`)")))]
async fn delete_calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response> {
    service::delete(&st, &auth.0, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Query of `GET /calendars/{id}/add`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AddQuery {
    /// The start, RFC 3339 (e.g. `2026-12-07T16:30:00+02:00`).
    start: String,
    /// Business minutes to add, 0–10,000,000.
    #[param(value_type = i64, minimum = 0, maximum = 10000000)]
    minutes: String,
}

/// The answer of `GET /calendars/{id}/add`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Due {
    /// The end of the `minutes`-th open minute at or after `start`, RFC
    /// 3339 in UTC.
    pub due: String,
}

/// Business-time arithmetic on a calendar: `start` plus `minutes` open
/// minutes, exactly as service-level deadlines are computed. Admins and
/// supervisors.
#[utoipa::path(get, path = "/calendars/{id}/add", tag = "calendars",
    params(("id" = i64, Path, description = "Calendar id"), AddQuery),
    responses((status = 200, description = "The due time", body = Due),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 404, description = "No such calendar"),
              (status = 422, description = "Invalid start or minutes, or no open time within 400 days")))]
async fn add_minutes(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<AddQuery>,
) -> Result<axum::Json<Due>> {
    let minutes: i64 = q.minutes.trim().parse().map_err(|_| {
        Error::invalid(
            "minutes",
            format!("{:?} is not a whole number of minutes", q.minutes),
        )
    })?;
    let due = service::add(&st, &auth.0, id, &q.start, minutes).await?;
    Ok(axum::Json(Due {
        due: due.to_string(),
    }))
}

/// Query of `POST /calendars/{id}/holidays/import`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The years to take, `2026` or `2026-2027` (at most 21); default this
    /// year and the next.
    years: Option<String>,
    /// `true` saves the holidays; otherwise the answer is a preview and
    /// nothing changes.
    #[param(value_type = Option<bool>)]
    save: Option<String>,
}

/// `2026` or `2026-2027`.
fn parse_years(s: &str) -> Result<(i16, i16)> {
    let bad = || {
        Error::invalid(
            "years",
            format!("{s:?} is not a year or a range of years such as 2026-2027"),
        )
    };
    let year = |y: &str| y.trim().parse::<i16>().map_err(|_| bad());
    match s.split_once('-') {
        Some((a, b)) => Ok((year(a)?, year(b)?)),
        None => year(s).map(|y| (y, y)),
    }
}

/// Import holidays from an iCalendar file (`Content-Type: text/calendar`,
/// e.g. a country's public holidays): all-day events close their dates,
/// timed ones become short days, yearly rules repeat. Without `save=true`
/// the answer is a preview and nothing changes. A date in the file
/// replaces the calendar's own holiday on that date. Admins only.
#[utoipa::path(post, path = "/calendars/{id}/holidays/import", tag = "calendars",
    params(("id" = i64, Path, description = "Calendar id"), ImportQuery),
    request_body(content = String, content_type = "text/calendar", description = "The iCalendar file"),
    responses((status = 200, description = "What the import adds and replaces", body = HolidayImport),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin"),
              (status = 404, description = "No such calendar"),
              (status = 415, description = "Not text/calendar"),
              (status = 422, description = "Not an iCalendar file, or a line it cannot read")))]
async fn import_holidays(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    req: Request,
) -> Result<axum::Json<HolidayImport>> {
    if !matches!(media_type(&req).as_str(), "text/calendar" | "text/plain") {
        return Err(Error::UnsupportedMediaType("text/calendar"));
    }
    let years = match q.years.as_deref().filter(|y| !y.trim().is_empty()) {
        Some(y) => parse_years(y)?,
        None => {
            let now = jiff::Timestamp::from_millisecond(st.clock.now_ms())
                .map_err(|e| Error::Internal(e.into()))?;
            let this = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
            (this, this.saturating_add(1))
        }
    };
    let save = match q.save.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(v) => {
            return Err(Error::invalid(
                "save",
                format!("{v:?} is not true or false"),
            ));
        }
    };
    let body = read_body(req, st.config.max_json_body_bytes).await?;
    let text = String::from_utf8_lossy(&body);
    Ok(axum::Json(
        service::import_ical(&st, &auth.0, id, &text, years, save).await?,
    ))
}
