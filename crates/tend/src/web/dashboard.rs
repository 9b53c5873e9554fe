//! `/reports`: the reports overview for supervisors and admins (agents get
//! the 403 page). Every number on it is a line of
//! `reports::service::report`, the query behind `GET /api/v1/reports/metrics`,
//! and each table links to that API's CSV for the same filters, so the
//! export is exactly what the page shows.
//!
//! The filters are `dashboard_filters`; how the lines read is
//! `dashboard_view` (charts and tables) and `dashboard_words` (names,
//! figures, changes); the charts are `charts`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::dashboard_filters::{
    Bucket, DashboardQuery, Filters, Period, Preset, breakdown, csv_href, filters,
};
use super::dashboard_view::{self as view, ChartTable, Headline, Heat};
use super::dashboard_words::{self as words, Choice};
use super::pages::{Chrome, error_page, render_status};
use super::session::Agent;
use crate::agents::Viewer;
use crate::reports::service::{self, Query as ReportQuery};
use crate::reports::{Dimension, GroupBy, Metric, Report};
use crate::state::AppState;
use crate::{Error, Result};

/// The metrics whose trend is drawn as a line.
const TRENDS: [Metric; 3] = [
    Metric::Volume,
    Metric::FirstResponseTime,
    Metric::ResolutionTime,
];

/// One report with these filters, through the API's own query.
async fn load(
    st: &AppState,
    viewer: &Viewer,
    f: &Filters,
    period: &Period,
    metric: Metric,
    group_by: GroupBy,
) -> Result<Report> {
    let tz = service::time_zone(st, viewer, Some(f.tz.as_str())).await?;
    let query = ReportQuery {
        metric,
        target: None,
        group_by,
        from: service::instant("from", &period.from.to_string(), &tz, false)?,
        to: service::instant("to", &period.to.to_string(), &tz, true)?,
        business_hours: f.business_hours,
        tz,
    };
    service::report(st, viewer, &query).await
}

#[derive(Template)]
#[template(path = "web/reports_dashboard.html")]
struct DashboardPage {
    c: Chrome,
    /// Whether figures are shown (not when the filters were wrong).
    shown: bool,
    /// The date inputs (empty when a preset is chosen).
    from: String,
    to: String,
    presets: Vec<Choice>,
    buckets: Vec<Choice>,
    dimensions: Vec<Choice>,
    metrics: Vec<Choice>,
    business_hours: bool,
    tz: String,
    this_period: String,
    previous: String,
    headlines: Vec<Headline>,
    trends: Vec<ChartTable>,
    breakdown: Option<ChartTable>,
    heat: Option<Heat>,
    error: Option<String>,
}

/// Everything the page shows, read with the filters.
async fn build(st: &AppState, a: &Agent, f: &Filters) -> Result<DashboardPage> {
    let tr = &a.tr;
    let previous = f.period.previous();
    let mut headlines = Vec::with_capacity(Metric::ALL.len());
    for &m in Metric::ALL {
        let now = load(st, &a.viewer, f, &f.period, m, GroupBy::Total).await?;
        let before = load(st, &a.viewer, f, &previous, m, GroupBy::Total).await?;
        headlines.push(view::headline(
            tr,
            m,
            &now,
            &before,
            csv_href(f, &f.period, m, GroupBy::Total),
            csv_href(f, &previous, m, GroupBy::Total),
        ));
    }
    let mut trends = Vec::with_capacity(TRENDS.len());
    for m in TRENDS {
        let g = f.bucket.group_by();
        let r = load(st, &a.viewer, f, &f.period, m, g).await?;
        let buckets = f.period.buckets(f.bucket);
        trends.push(view::trend(
            tr,
            m,
            f.bucket,
            &buckets,
            r,
            csv_href(f, &f.period, m, g),
        ));
    }
    let g = breakdown(f.by);
    let r = load(st, &a.viewer, f, &f.period, f.metric, g).await?;
    let breakdown = view::breakdown(tr, f.metric, f.by, r, csv_href(f, &f.period, f.metric, g));
    let g = GroupBy::WeekdayHour;
    let r = load(st, &a.viewer, f, &f.period, Metric::Volume, g).await?;
    let heat = view::heat(tr, &r, csv_href(f, &f.period, Metric::Volume, g));
    let period = |key: &str, p: &Period| {
        tr.args(
            key,
            &[
                ("from", tr.date(p.from).into()),
                ("to", tr.date(p.to).into()),
            ],
        )
    };
    Ok(DashboardPage {
        shown: true,
        this_period: period("report-this-period", &f.period),
        previous: period("report-previous-period", &previous),
        headlines,
        trends,
        breakdown: Some(breakdown),
        heat: Some(heat),
        ..empty(a, Some(f), None)
    })
}

/// The page without figures: the form, and an error when there is one.
fn empty(a: &Agent, f: Option<&Filters>, error: Option<String>) -> DashboardPage {
    let tr = &a.tr;
    // A preset leaves the dates empty, so that choosing another works.
    let (from, to) = f
        .filter(|f| f.preset.is_none())
        .map(|f| (f.period.from.to_string(), f.period.to.to_string()))
        .unwrap_or_default();
    DashboardPage {
        c: Chrome::agent(a, tr.t("report-dashboard-title"), "reports"),
        shown: false,
        presets: words::preset_options(tr, f.map_or(Some(Preset::Days30), |f| f.preset)),
        buckets: words::bucket_options(tr, f.map_or(Bucket::Day, |f| f.bucket)),
        dimensions: words::dimension_options(tr, f.map_or(Dimension::Agent, |f| f.by)),
        metrics: words::metric_options(tr, f.map_or(Metric::Volume, |f| f.metric)),
        from,
        to,
        business_hours: f.is_some_and(|f| f.business_hours),
        tz: a.tz.clone(),
        this_period: String::new(),
        previous: String::new(),
        headlines: Vec::new(),
        trends: Vec::new(),
        breakdown: None,
        heat: None,
        error,
    }
}

/// `GET /reports`
pub async fn page(
    State(st): State<AppState>,
    a: Agent,
    Query(q): Query<DashboardQuery>,
) -> Response {
    if let Err(e) = a
        .viewer
        .require_supervisor("only admins and supervisors may see reports")
    {
        return error_page(&a.tr, e);
    }
    let zone = match service::time_zone(&st, &a.viewer, Some(a.tz.as_str())).await {
        Ok(z) => z,
        Err(e) => return error_page(&a.tr, e),
    };
    let today = jiff::Timestamp::from_millisecond(st.clock.now_ms())
        .map(|t| t.to_zoned_datetime(zone).date())
        .unwrap_or_default();
    let result = match filters(&a.tr, &q, today, &a.tz) {
        Ok(f) => build(&st, &a, &f).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => render_status(axum::http::StatusCode::OK, &p),
        Err(Error::Invalid { message, .. }) => {
            let mut p = empty(&a, None, Some(message));
            // The dates as given, chosen, so that they can be put right.
            p.presets = words::preset_options(&a.tr, None);
            p.from = q.from.unwrap_or_default();
            p.to = q.to.unwrap_or_default();
            render_status(super::admin::status_for(&p.error), &p)
        }
        Err(e) => error_page(&a.tr, e),
    }
}
