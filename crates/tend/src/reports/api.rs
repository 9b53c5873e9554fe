//! `/api/v1/reports/metrics`: one metric, grouped, over a range, as JSON
//! or CSV with the same numbers.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::model::{GroupBy, Metric, Report};
use super::service::{self, Query};
use crate::http::{ApiQuery, Auth};
use crate::state::AppState;
use crate::{Error, Result};

/// The reports' routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(report_metrics))
}

/// `GET /reports/metrics` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// `first_response_time`, `next_response_time`, `resolution_time`,
    /// `confirmation_time`, `sla_attainment`, `csat`, `response_rate`,
    /// `volume`, `reopens` or `transfers`.
    metric: String,
    /// `agent`, `team`, `inbox`, `channel`, `language`, `tag`, `day`, `week`,
    /// `weekday_hour` (hours of the week, `1-00` to `7-23`) or `total` (one
    /// line).
    group_by: String,
    /// From this date (`YYYY-MM-DD` in the caller's time zone, included)
    /// or RFC 3339 time.
    from: String,
    /// To this date (included) or RFC 3339 time (excluded).
    to: String,
    /// `true`: durations in business hours (the inbox's calendar).
    business_hours: Option<String>,
    /// For `sla_attainment`: `first_response`, `next_response` or `resolution` only.
    target: Option<String>,
    /// `csv` for CSV; JSON otherwise.
    format: Option<String>,
    /// The time zone of dates, days and weeks (an IANA name); by default the
    /// caller's own (their account's), else UTC.
    tz: Option<String>,
}

/// One metric per group over a range, from the report buckets. Durations
/// are in seconds. Admins and supervisors only.
#[utoipa::path(get, path = "/reports/metrics", tag = "reports", params(MetricsQuery),
    responses((status = 200, description = "The report; with `format=csv`, `text/csv` with the same lines", body = Report),
              (status = 401, description = "No or bad token"),
              (status = 403, description = "Not an admin or supervisor"),
              (status = 422, description = "Invalid parameter")))]
async fn report_metrics(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MetricsQuery>,
) -> Result<Response> {
    let viewer = &auth.0;
    viewer.require_supervisor("only admins and supervisors may see reports")?;
    let tz = service::time_zone(&st, viewer, q.tz.as_deref()).await?;
    let business_hours = match q.business_hours.as_deref() {
        None | Some("" | "false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(Error::invalid(
                "business_hours",
                format!("business_hours must be true or false, not {other:?}"),
            ));
        }
    };
    let csv = crate::http::extract::wants_csv(q.format.as_deref())?;
    let query = Query {
        metric: Metric::parse("metric", &q.metric)?,
        target: q
            .target
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| crate::sla::Metric::parse("target", t))
            .transpose()?,
        group_by: GroupBy::parse("group_by", &q.group_by)?,
        from: service::instant("from", &q.from, &tz, false)?,
        to: service::instant("to", &q.to, &tz, true)?,
        business_hours,
        tz,
    };
    if query.to <= query.from {
        return Err(Error::invalid("to", "to must come after from"));
    }
    let report = service::report(&st, viewer, &query).await?;
    Ok(crate::http::extract::csv_or_json(csv, report, |r| {
        service::csv(r)
    }))
}
