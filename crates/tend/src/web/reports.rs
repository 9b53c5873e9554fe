//! `/reports/csat`: CSAT (share of ratings of 4 or 5) and response rate
//! (answered / sent) per agent, team, inbox and channel over a period, for
//! supervisors and admins. The numbers are `surveys::feedback::csat`, the
//! service behind `GET /api/v1/reports/csat`; agents get the 403 page.
//!
//! The period is two dates, both included, in UTC like the API's dates:
//! the page asks the service for `[from, to + 1 day)`.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::i18n::Tr;
use super::pages::{Chrome, error_page, render_status};
use super::session::Agent;
use crate::state::AppState;
use crate::surveys::feedback;
use crate::surveys::model::CsatLine;
use crate::{Error, Result};

pub(super) const DAY_MS: i64 = 86_400_000;
/// The default period: the last 30 days, today included.
const DEFAULT_DAYS: i64 = 30;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD`
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
}

/// One line of a table, ready to show.
pub struct LineView {
    pub key: String,
    pub name: String,
    /// The agent's profile, for agent lines.
    pub href: Option<String>,
    pub sent: i64,
    pub answered: i64,
    pub rated: i64,
    pub satisfied: i64,
    pub csat: String,
    pub response_rate: String,
}

/// One grouping of the report.
pub struct Table {
    pub group: &'static str,
    pub caption: String,
    pub lines: Vec<LineView>,
}

#[derive(Template)]
#[template(path = "web/reports_csat.html")]
struct CsatPage {
    c: Chrome,
    from: String,
    to: String,
    tables: Vec<Table>,
    error: Option<String>,
}

/// A share as a whole percentage (one decimal under 10 %), or a dash.
pub(crate) fn percent(tr: &Tr, share: Option<f64>) -> String {
    match share {
        None => "—".into(),
        Some(s) => {
            let p = s * 100.0;
            let v = if p > 0.0 && p < 10.0 {
                format!("{p:.1}")
            } else {
                format!("{p:.0}")
            };
            tr.s("report-percent", "value", v)
        }
    }
}

pub(super) fn date_of(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The period's bounds in ms, `[from, to_excluded)`, from the two dates.
pub(super) fn period(tr: &Tr, q: &PeriodQuery, now: i64) -> Result<(i64, i64)> {
    let day = |field: &str, v: &Option<String>| -> Result<Option<i64>> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s
                .parse::<jiff::civil::Date>()
                .ok()
                .and_then(|_| crate::time::parse_ms(s))
                .map(Some)
                .ok_or_else(|| {
                    crate::web::form_errors::said(field, tr.s("report-bad-date", "q", s))
                }),
        }
    };
    let today = now - now.rem_euclid(DAY_MS);
    let to = day("to", &q.to)?.unwrap_or(today);
    let from = day("from", &q.from)?.unwrap_or(to - (DEFAULT_DAYS - 1) * DAY_MS);
    if from > to {
        return Err(crate::web::form_errors::said(
            "from",
            tr.t("report-from-after-to"),
        ));
    }
    Ok((from, to + DAY_MS))
}

fn line(tr: &Tr, group: &str, l: CsatLine) -> LineView {
    let unattributed = l.key.is_empty();
    LineView {
        href: (group == "agent" && !unattributed).then(|| format!("/agents/{}", l.key)),
        name: if group == "channel" {
            tr.t(&format!("channel-{}", l.key))
        } else if unattributed {
            tr.t(&format!("report-no-{group}"))
        } else {
            l.name
        },
        key: l.key,
        sent: l.sent,
        answered: l.answered,
        rated: l.rated,
        satisfied: l.satisfied,
        csat: percent(tr, l.csat),
        response_rate: percent(tr, l.response_rate),
    }
}

/// `GET /reports/csat`
pub async fn csat(State(st): State<AppState>, a: Agent, Query(q): Query<PeriodQuery>) -> Response {
    if let Err(e) = a
        .viewer
        .require_supervisor("only admins and supervisors may see reports")
    {
        return error_page(&a.tr, e);
    }
    let page = |from: String, to: String, tables: Vec<Table>, error: Option<String>| {
        render_status(
            super::admin::status_for(&error),
            &CsatPage {
                c: Chrome::agent(&a, a.tr.t("report-csat-title"), "reports"),
                from,
                to,
                tables,
                error,
            },
        )
    };
    let (from, to) = match period(&a.tr, &q, st.clock.now_ms()) {
        Ok(p) => p,
        Err(Error::Invalid { field, message }) => {
            let message = crate::web::form_errors::words(&a.tr, &field, &message);
            return page(
                q.from.clone().unwrap_or_default(),
                q.to.clone().unwrap_or_default(),
                vec![],
                Some(message),
            );
        }
        Err(e) => return error_page(&a.tr, e),
    };
    let mut tables = Vec::with_capacity(4);
    for group in ["agent", "team", "inbox", "channel"] {
        match feedback::csat(&st, &a.viewer, group, Some(from), Some(to)).await {
            Ok(r) => tables.push(Table {
                group,
                caption: a.tr.t(&format!("report-by-{group}")),
                lines: r.items.into_iter().map(|l| line(&a.tr, group, l)).collect(),
            }),
            Err(e) => return error_page(&a.tr, e),
        }
    }
    page(date_of(from), date_of(to - DAY_MS), tables, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_includes_both_dates() {
        let tr = Tr::new("en");
        // 2026-01-02T15:00:00Z
        let now = 1_767_312_000_000 + 15 * 3_600_000;
        let q = PeriodQuery {
            from: Some("2026-01-01".into()),
            to: Some("2026-01-02".into()),
        };
        assert_eq!(
            period(&tr, &q, now).ok(),
            Some((1_767_225_600_000, 1_767_398_400_000))
        );
        let (from, to) = period(&tr, &PeriodQuery::default(), now).unwrap_or_default();
        assert_eq!(to - from, 30 * DAY_MS, "30 days, today included");
        assert_eq!(date_of(to - DAY_MS), "2026-01-02");
        let bad = |from: &str, to: &str| {
            period(
                &tr,
                &PeriodQuery {
                    from: Some(from.into()),
                    to: Some(to.into()),
                },
                now,
            )
            .is_err()
        };
        assert!(bad("2026-02-01", "2026-01-01"), "from after to");
        assert!(bad("yesterday", ""));
        assert!(bad("2026-01-01T10:00:00Z", ""), "dates only");
    }

    #[test]
    fn shares_are_percentages() {
        let tr = Tr::new("en");
        assert_eq!(percent(&tr, None), "—");
        assert_eq!(percent(&tr, Some(1.0)), "100%");
        assert_eq!(percent(&tr, Some(2.0 / 3.0)), "67%");
        assert_eq!(percent(&tr, Some(0.05)), "5.0%");
        assert_eq!(percent(&tr, Some(0.0)), "0%");
    }
}
