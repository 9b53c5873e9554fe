//! The reports overview's filters: a period (a preset of the last 7, 30
//! or 90 days, or two dates, both included) in the viewer's time zone and
//! the previous period of the same length; day or week lines; the
//! breakdown's dimension and metric; business hours. Read from the query
//! and checked here, and written back as the API's CSV links.

use jiff::ToSpan as _;
use jiff::civil::Date;
use serde::Deserialize;

use super::i18n::Tr;
use crate::reports::{Dimension, GroupBy, Metric};
use crate::{Error, Result};

/// `GET /reports` parameters; every one may be left out.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// `7`, `30` or `90`: the last days, today included; empty: the two
    /// dates; neither: the last 30 days.
    days: Option<String>,
    /// With `to` and no `days`: the first date, included.
    pub from: Option<String>,
    /// The last date, included.
    pub to: Option<String>,
    /// `day` or `week`.
    bucket: Option<String>,
    /// The breakdown's dimension (default `agent`).
    by: Option<String>,
    /// The breakdown's metric (default `volume`).
    metric: Option<String>,
    /// `true`: durations in business hours.
    business_hours: Option<String>,
}

/// The preset periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The last 7 days.
    Days7,
    /// The last 30 days.
    Days30,
    /// The last 90 days.
    Days90,
}

impl Preset {
    /// Every preset, in the order the form offers them.
    pub const ALL: [Preset; 3] = [Preset::Days7, Preset::Days30, Preset::Days90];

    /// Its number of days.
    pub fn days(self) -> i64 {
        match self {
            Preset::Days7 => 7,
            Preset::Days30 => 30,
            Preset::Days90 => 90,
        }
    }

    fn parse(s: &str) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|p| p.days().to_string() == s.trim())
    }
}

/// Day or week lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Days.
    Day,
    /// Weeks, from Monday.
    Week,
}

impl Bucket {
    /// Both, in the order the form offers them.
    pub const ALL: [Bucket; 2] = [Bucket::Day, Bucket::Week];

    /// The report's grouping.
    pub fn group_by(self) -> GroupBy {
        match self {
            Bucket::Day => GroupBy::Day,
            Bucket::Week => GroupBy::Week,
        }
    }

    /// Its name in the URL.
    pub fn as_str(self) -> &'static str {
        self.group_by().as_str()
    }
}

/// The report grouping of a breakdown's dimension.
pub fn breakdown(d: Dimension) -> GroupBy {
    match d {
        Dimension::Agent => GroupBy::Agent,
        Dimension::Team => GroupBy::Team,
        Dimension::Inbox => GroupBy::Inbox,
        Dimension::Channel => GroupBy::Channel,
        Dimension::Language => GroupBy::Language,
        Dimension::Tag => GroupBy::Tag,
    }
}

/// A period of whole days in the viewer's time zone, both dates included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

impl Period {
    /// Its number of days.
    pub fn days(&self) -> i64 {
        self.from
            .until(self.to)
            .map(|s| i64::from(s.get_days()))
            .unwrap_or(0)
            + 1
    }

    /// The same number of days directly before.
    pub fn previous(&self) -> Period {
        let to = self.from.yesterday().unwrap_or(self.from);
        let from = to.checked_sub((self.days() - 1).days()).unwrap_or(to);
        Period { from, to }
    }

    /// The first day of each bucket that meets the period: every day, or
    /// every week's Monday (the first may be before `from`), as the
    /// report's day and week lines are keyed.
    pub fn buckets(&self, b: Bucket) -> Vec<Date> {
        let (start, step) = match b {
            Bucket::Day => (self.from, 1.day()),
            Bucket::Week => {
                let back = i64::from(self.from.weekday().to_monday_zero_offset());
                (
                    self.from.checked_sub(back.days()).unwrap_or(self.from),
                    1.week(),
                )
            }
        };
        start.series(step).take_while(|d| *d <= self.to).collect()
    }
}

/// The filters, read and checked.
#[derive(Debug, Clone)]
pub struct Filters {
    /// The period shown.
    pub period: Period,
    /// Its preset, when it is one.
    pub preset: Option<Preset>,
    /// Day or week lines.
    pub bucket: Bucket,
    /// The breakdown's dimension.
    pub by: Dimension,
    /// The breakdown's metric.
    pub metric: Metric,
    /// Durations in business hours.
    pub business_hours: bool,
    /// The viewer's time zone (an IANA name).
    pub tz: String,
}

/// The filters from the query; `today` is the viewer's date. Unknown
/// values of the closed sets fall back to the default (the form offers
/// only known ones); dates that are not dates are the viewer's error.
pub fn filters(tr: &Tr, q: &DashboardQuery, today: Date, tz: &str) -> Result<Filters> {
    let date = |field: &str, v: &str| -> Result<Date> {
        v.trim()
            .parse::<Date>()
            .map_err(|_| Error::invalid(field, tr.s("report-bad-date", "q", v)))
    };
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let preset_of = |p: Preset| Period {
        from: today.checked_sub((p.days() - 1).days()).unwrap_or(today),
        to: today,
    };
    // The select's last choice (no preset) is the two dates.
    let (period, preset) = match (
        q.days.as_deref().and_then(Preset::parse),
        given(&q.from),
        given(&q.to),
    ) {
        (Some(p), _, _) => (preset_of(p), Some(p)),
        (None, Some(from), Some(to)) => {
            let period = Period {
                from: date("from", &from)?,
                to: date("to", &to)?,
            };
            if period.from > period.to {
                return Err(Error::invalid("from", tr.t("report-from-after-to")));
            }
            (period, None)
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(Error::invalid("from", tr.t("report-both-dates")));
        }
        (None, None, None) => (preset_of(Preset::Days30), Some(Preset::Days30)),
    };
    let bucket = match q.bucket.as_deref() {
        Some("week") => Bucket::Week,
        _ => Bucket::Day,
    };
    Ok(Filters {
        period,
        preset,
        bucket,
        by: q
            .by
            .as_deref()
            .and_then(|s| Dimension::from_db(s).ok())
            .unwrap_or(Dimension::Agent),
        metric: q
            .metric
            .as_deref()
            .and_then(|s| Metric::from_db(s).ok())
            .unwrap_or(Metric::Volume),
        business_hours: matches!(q.business_hours.as_deref(), Some("true" | "1" | "on")),
        tz: tz.to_string(),
    })
}

/// The API's CSV of one report with these filters: the same numbers as
/// the table it sits beside.
pub fn csv_href(f: &Filters, period: &Period, metric: Metric, group_by: GroupBy) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("metric", metric.as_str())
        .append_pair("group_by", group_by.as_str())
        .append_pair("from", &period.from.to_string())
        .append_pair("to", &period.to.to_string())
        .append_pair("tz", &f.tz);
    if f.business_hours {
        q.append_pair("business_hours", "true");
    }
    q.append_pair("format", "csv");
    format!("/api/v1/reports/metrics?{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap_or_default()
    }

    fn q(days: Option<&str>, from: Option<&str>, to: Option<&str>) -> DashboardQuery {
        DashboardQuery {
            days: days.map(Into::into),
            from: from.map(Into::into),
            to: to.map(Into::into),
            ..DashboardQuery::default()
        }
    }

    #[test]
    fn presets_end_today_and_the_previous_period_comes_right_before() {
        let tr = Tr::new("en");
        let today = d("2026-03-10");
        let f = filters(&tr, &q(Some("7"), None, None), today, "UTC").ok();
        let p = f.as_ref().map(|f| f.period);
        assert_eq!(
            p,
            Some(Period {
                from: d("2026-03-04"),
                to: today
            })
        );
        assert_eq!(f.and_then(|f| f.preset), Some(Preset::Days7));
        let prev = p.map(|p| p.previous());
        assert_eq!(
            prev,
            Some(Period {
                from: d("2026-02-25"),
                to: d("2026-03-03")
            })
        );
        assert_eq!(prev.map(|p| p.days()), Some(7));
        // The default is 30 days.
        let f = filters(&tr, &q(None, None, None), today, "UTC").ok();
        assert_eq!(f.map(|f| f.period.days()), Some(30));
    }

    #[test]
    fn dates_are_checked() {
        let tr = Tr::new("en");
        let today = d("2026-03-10");
        let f = filters(
            &tr,
            &q(Some(""), Some("2026-01-01"), Some("2026-01-31")),
            today,
            "UTC",
        );
        let f = f.ok();
        assert_eq!(f.as_ref().map(|f| f.period.days()), Some(31));
        assert_eq!(f.and_then(|f| f.preset), None);
        // A preset chosen in the select wins over dates left in the form.
        let f = filters(
            &tr,
            &q(Some("7"), Some("2026-01-01"), Some("2026-01-31")),
            today,
            "UTC",
        );
        assert_eq!(f.ok().map(|f| f.period.days()), Some(7));
        assert!(
            filters(
                &tr,
                &q(None, Some("2026-02-01"), Some("2026-01-01")),
                today,
                "UTC"
            )
            .is_err()
        );
        assert!(
            filters(
                &tr,
                &q(None, Some("tomorrow"), Some("2026-01-01")),
                today,
                "UTC"
            )
            .is_err()
        );
        assert!(filters(&tr, &q(None, Some("2026-01-01"), None), today, "UTC").is_err());
    }

    #[test]
    fn week_buckets_start_on_the_monday_before() {
        // Wednesday 2026-03-04 to Tuesday 2026-03-17.
        let p = Period {
            from: d("2026-03-04"),
            to: d("2026-03-17"),
        };
        assert_eq!(p.buckets(Bucket::Day).len(), 14);
        assert_eq!(
            p.buckets(Bucket::Week),
            vec![d("2026-03-02"), d("2026-03-09"), d("2026-03-16")]
        );
    }

    #[test]
    fn the_csv_link_carries_the_filters() {
        let tr = Tr::new("en");
        let q = DashboardQuery {
            business_hours: Some("true".into()),
            ..q(Some("7"), None, None)
        };
        let f = filters(&tr, &q, d("2026-03-10"), "Etc/GMT+3");
        let href = f
            .map(|f| csv_href(&f, &f.period, Metric::Csat, GroupBy::Team))
            .unwrap_or_default();
        assert_eq!(
            href,
            "/api/v1/reports/metrics?metric=csat&group_by=team&from=2026-03-04&to=2026-03-10\
             &tz=Etc%2FGMT%2B3&business_hours=true&format=csv"
        );
    }
}
