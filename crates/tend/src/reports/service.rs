//! Reading reports: who may, which hours a range covers in the caller's
//! time zone, and the lines from the bucket sums (never from the events).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan as _};

use super::histogram::quantile;
use super::model::{GroupBy, Kind, Metric, Report, ReportLine};
use super::projection::HOUR_MS;
use super::repo::{self, Read};
use crate::agents::Viewer;
use crate::sla::Metric as Target;
use crate::state::AppState;
use crate::{Error, Result};

/// What a report asks for, validated.
#[derive(Debug, Clone)]
pub struct Query {
    /// The metric.
    pub metric: Metric,
    /// For `sla_attainment`: one target only.
    pub target: Option<Target>,
    /// The grouping.
    pub group_by: GroupBy,
    /// From this instant (ms), included.
    pub from: i64,
    /// To this instant (ms), excluded.
    pub to: i64,
    /// Business-hours durations.
    pub business_hours: bool,
    /// The time zone of days and weeks.
    pub tz: TimeZone,
}

/// The caller's time zone: `tz` when given, else the one saved in their
/// account, else UTC.
pub async fn time_zone(st: &AppState, viewer: &Viewer, tz: Option<&str>) -> Result<TimeZone> {
    let name = match (tz.filter(|s| !s.is_empty()), viewer.user_id) {
        (Some(t), _) => Some(t.to_string()),
        (None, Some(id)) => crate::agents::service::time_zone(st, id).await?,
        (None, None) => None,
    };
    match name {
        None => Ok(TimeZone::UTC),
        Some(n) => TimeZone::get(&n).map_err(|_| {
            Error::invalid(
                "tz",
                format!("unknown time zone {n:?}; use an IANA name such as Europe/Riga"),
            )
        }),
    }
}

/// An instant from a date (`YYYY-MM-DD`, its start in `tz`; `end`: the
/// start of the next day, since both dates are included) or an RFC 3339
/// time.
pub fn instant(field: &str, s: &str, tz: &TimeZone, end: bool) -> Result<i64> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t.as_millisecond());
    }
    let bad = || {
        Error::invalid(
            field,
            format!("{field} must be a date like 2026-01-31 or an RFC 3339 time"),
        )
    };
    let d: Date = s.parse().map_err(|_| bad())?;
    let d = if end {
        d.checked_add(1.day()).map_err(|_| bad())?
    } else {
        d
    };
    let z = d.to_zoned_datetime(tz.clone()).map_err(|_| bad())?;
    Ok(z.timestamp().as_millisecond())
}

/// Sums of one group: `(bin, n)` pairs, and the totals.
#[derive(Default)]
struct Sums {
    bins: Vec<(i64, i64)>,
    n: i64,
    total: i64,
}

/// The report. Admins and supervisors only. The range covers whole hours
/// (the buckets' size): `from` is taken back and `to` forward to the hour.
pub async fn report(st: &AppState, viewer: &Viewer, q: &Query) -> Result<Report> {
    viewer.require_supervisor("only admins and supervisors may see reports")?;
    let metric = match q.target {
        Some(t) if q.metric == Metric::SlaAttainment => format!("{}:{}", q.metric, t),
        Some(_) => {
            return Err(Error::invalid(
                "target",
                "target applies to sla_attainment only",
            ));
        }
        None => q.metric.as_str().to_string(),
    };
    let by_hour = matches!(
        q.group_by,
        GroupBy::Day | GroupBy::Week | GroupBy::WeekdayHour
    );
    let read = Read {
        metric: &metric,
        dimension: q.group_by.dimension().as_str(),
        business: q.business_hours && q.metric.kind() == Kind::Duration,
        from_hour: q.from.div_euclid(HOUR_MS),
        to_hour: (q.to + HOUR_MS - 1).div_euclid(HOUR_MS),
        by_hour,
    };
    let rows = {
        let mut c = st.db.pool().acquire().await?;
        repo::read(&mut c, &read).await?
    };
    let mut groups: BTreeMap<String, Sums> = BTreeMap::new();
    for (key, bin, n, total) in rows {
        let key = match q.group_by {
            GroupBy::Day => local_day(&key, &q.tz, false),
            GroupBy::Week => local_day(&key, &q.tz, true),
            GroupBy::WeekdayHour => weekday_hour(&key, &q.tz),
            GroupBy::Total => TOTAL.to_string(),
            GroupBy::Agent
            | GroupBy::Team
            | GroupBy::Inbox
            | GroupBy::Channel
            | GroupBy::Language
            | GroupBy::Tag => key,
        };
        let g = groups.entry(key).or_default();
        g.bins.push((bin, n));
        g.n += n;
        g.total += total;
    }
    let names = names(st, viewer, q.group_by).await?;
    let mut items: Vec<ReportLine> = groups
        .into_iter()
        .filter(|(_, s)| s.n > 0)
        .map(|(key, s)| line(q.metric, &names, key, &s))
        .collect();
    if !by_hour {
        // By name, what is not attributed last.
        items.sort_by(|a, b| {
            (a.key.is_empty(), &a.group, &a.key).cmp(&(b.key.is_empty(), &b.group, &b.key))
        });
    }
    Ok(Report { items })
}

fn line(metric: Metric, names: &BTreeMap<String, String>, key: String, s: &Sums) -> ReportLine {
    let mean = s.total as f64 / s.n as f64;
    let (p50, p90, value) = match metric.kind() {
        Kind::Duration => (quantile(&s.bins, 0.5), quantile(&s.bins, 0.9), mean),
        Kind::Share => (None, None, mean),
        Kind::Count => (None, None, s.total as f64),
    };
    ReportLine {
        group: if key.is_empty() {
            "none".to_string()
        } else {
            names.get(&key).cloned().unwrap_or_else(|| key.clone())
        },
        key,
        count: s.n,
        p50,
        p90,
        mean: Some(mean),
        value: Some(value),
    }
}

/// The key of the one line of [`GroupBy::Total`].
pub const TOTAL: &str = "total";

/// An hour bucket's start in `tz`.
fn local(hour: &str, tz: &TimeZone) -> Option<jiff::ZonedDateTime> {
    let ms = hour.parse::<i64>().ok()? * HOUR_MS;
    Some(
        Timestamp::from_millisecond(ms)
            .ok()?
            .to_zoned_datetime(tz.clone()),
    )
}

/// The hour of the week of an hour bucket in `tz`: `1-00` (Monday, from
/// midnight) to `7-23`, so that the keys sort in the week's order.
fn weekday_hour(hour: &str, tz: &TimeZone) -> String {
    local(hour, tz)
        .map(|z| format!("{}-{:02}", z.weekday().to_monday_one_offset(), z.hour()))
        .unwrap_or_default()
}

/// The local date (or its week's Monday) of an hour bucket.
fn local_day(hour: &str, tz: &TimeZone, week: bool) -> String {
    let Some(z) = local(hour, tz) else {
        return String::new();
    };
    let d = z.date();
    let d = if week {
        let back = i64::from(d.weekday().to_monday_zero_offset());
        d.checked_sub(back.days()).unwrap_or(d)
    } else {
        d
    };
    d.to_string()
}

/// Display names of the groups' keys (agents, teams, inboxes); other
/// groupings are named by their keys.
async fn names(st: &AppState, viewer: &Viewer, g: GroupBy) -> Result<BTreeMap<String, String>> {
    Ok(match g {
        GroupBy::Agent => crate::agents::service::list_users(st, viewer)
            .await?
            .into_iter()
            .map(|u| (u.id.to_string(), u.name))
            .collect(),
        GroupBy::Team => crate::agents::service::list_teams(st, viewer)
            .await?
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect(),
        GroupBy::Inbox => {
            let mut c = st.db.pool().acquire().await?;
            crate::inboxes::service::names_in(&mut c)
                .await?
                .into_iter()
                .map(|(id, name)| (id.to_string(), name))
                .collect()
        }
        GroupBy::Channel
        | GroupBy::Language
        | GroupBy::Tag
        | GroupBy::Day
        | GroupBy::Week
        | GroupBy::WeekdayHour
        | GroupBy::Total => BTreeMap::new(),
    })
}

/// The report as CSV: a header, then one row per line, with exactly the
/// numbers of the JSON (formatted alike).
pub fn csv(r: &Report) -> String {
    let mut out = String::from("group,key,count,p50,p90,mean,value\n");
    let int = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for l in &r.items {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            field(&l.group),
            field(&l.key),
            l.count,
            int(l.p50),
            int(l.p90),
            number(l.mean),
            number(l.value)
        ));
    }
    out
}

/// A figure as the CSV (and JSON) write it, empty for none; the reports
/// page writes its numbers with it too, so they compare as text.
pub fn number(v: Option<f64>) -> String {
    v.map(|v| serde_json::Value::from(v).to_string())
        .unwrap_or_default()
}

/// A CSV field, quoted when it holds a comma, a quote or a line break, and
/// with a leading `'` when a spreadsheet would read it as a formula (every
/// CSV Tend writes: the reports, the remedies' ledger and report).
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_whole_days_in_the_time_zone() {
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        let from = instant("from", "2026-12-01", &tokyo, false).unwrap();
        let to = instant("to", "2026-12-01", &tokyo, true).unwrap();
        assert_eq!(crate::time::rfc3339(from), "2026-11-30T15:00:00Z");
        assert_eq!(to - from, 24 * HOUR_MS);
        assert!(instant("from", "Tuesday", &tokyo, false).is_err());
        let hour = (from / HOUR_MS).to_string();
        assert_eq!(local_day(&hour, &tokyo, false), "2026-12-01");
        assert_eq!(local_day(&hour, &tokyo, true), "2026-11-30");
        // Tuesday 00:00 in Tokyo is Monday 15:00 UTC.
        assert_eq!(weekday_hour(&hour, &tokyo), "2-00");
        assert_eq!(weekday_hour(&hour, &TimeZone::UTC), "1-15");
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(field("Ada"), "Ada");
    }
}
