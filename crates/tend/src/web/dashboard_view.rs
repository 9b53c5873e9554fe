//! How the reports page shows a report's lines: the summary with the
//! previous period, and the charts with the tables of their numbers (the
//! words and figures come from `dashboard_words`).
//!
//! Each table row keeps the line's numbers as the CSV writes them
//! (`data-report-count`, `data-report-value`), so a test can hold the page to its export.

use jiff::civil::{Date, Weekday};

use super::charts::{self, Point};
use super::dashboard_filters::Bucket;
use super::dashboard_words::{
    Change, bucket_keys, change, dimension_keys, metric_key, seconds, shown, value_of, weekday_key,
};
use super::i18n::Tr;
use super::labels;
use crate::reports::service::number;
use crate::reports::{Dimension, Kind, Metric, Report, ReportLine};
use crate::vocab::Channel;

/// One figure of the summary, with its numbers as the CSV writes them.
pub struct Figure {
    /// As shown.
    pub text: String,
    /// Measurements.
    pub count: i64,
    /// The line's `value` as in the CSV (empty: no line).
    pub value: String,
    /// The CSV of its report.
    pub csv: String,
}

/// A summary line: one metric now and in the previous period.
pub struct Headline {
    /// The metric's name in the URL.
    pub metric: &'static str,
    /// Its words.
    pub name: String,
    /// This period.
    pub now: Figure,
    /// The previous period.
    pub before: Figure,
    /// The change, when there is a base to compare with.
    pub change: Option<Change>,
}

/// One row of a chart's table: a report line.
pub struct Row {
    /// The line's key.
    pub key: String,
    /// Its words.
    pub name: String,
    /// Measurements.
    pub count: i64,
    /// `value` as the CSV writes it.
    pub value: String,
    /// `value` as shown.
    pub shown: String,
    /// Median and 90th percentile, shown (durations).
    pub p50: String,
    /// 90th percentile.
    pub p90: String,
}

/// A chart with the table of its numbers.
pub struct ChartTable {
    /// The element id of its heading.
    pub id: String,
    /// Its caption (the chart's label too).
    pub caption: String,
    /// The heading of the rows' names (a date, or the dimension).
    pub head: String,
    /// The SVG.
    pub svg: String,
    /// The CSV of the same lines.
    pub csv: String,
    /// Whether the rows have percentiles (durations).
    pub durations: bool,
    /// The rows.
    pub rows: Vec<Row>,
}

/// The arrivals heatmap and its table.
pub struct Heat {
    /// Its caption.
    pub caption: String,
    /// The SVG.
    pub svg: String,
    /// The CSV of the same lines.
    pub csv: String,
    /// The hours, `00` to `23`.
    pub hours: Vec<String>,
    /// One row per weekday, Monday first.
    pub days: Vec<HeatRow>,
}

/// A weekday of the heatmap's table.
pub struct HeatRow {
    /// The weekday's name.
    pub name: String,
    /// Its 24 hours.
    pub cells: Vec<HeatCell>,
}

/// An hour of the week.
pub struct HeatCell {
    /// Its key in the report (`1-09`).
    pub key: String,
    /// Arrivals.
    pub count: i64,
}

fn figure(tr: &Tr, kind: Kind, r: &Report, csv: String) -> Figure {
    let line = r.items.first();
    Figure {
        text: shown(tr, kind, value_of(kind, line)),
        count: line.map_or(0, |l| l.count),
        value: number(line.and_then(|l| l.value)),
        csv,
    }
}

/// A summary line from the period's and the previous period's totals.
pub fn headline(
    tr: &Tr,
    m: Metric,
    now: &Report,
    before: &Report,
    csv_now: String,
    csv_before: String,
) -> Headline {
    let kind = m.kind();
    Headline {
        metric: m.as_str(),
        name: tr.t(metric_key(m)),
        change: change(
            tr,
            kind,
            value_of(kind, now.items.first()),
            value_of(kind, before.items.first()),
        ),
        now: figure(tr, kind, now, csv_now),
        before: figure(tr, kind, before, csv_before),
    }
}

fn row(tr: &Tr, kind: Kind, name: String, l: &ReportLine) -> Row {
    let secs = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |s| seconds(tr, s as f64));
    Row {
        key: l.key.clone(),
        name,
        count: l.count,
        value: number(l.value),
        shown: shown(tr, kind, l.value),
        p50: secs(l.p50),
        p90: secs(l.p90),
    }
}

/// A metric per day or week: a line over every bucket of the period (a
/// count is 0 where there is no line, a duration has no point there) and
/// the table of the report's lines.
pub fn trend(
    tr: &Tr,
    m: Metric,
    b: Bucket,
    buckets: &[Date],
    r: Report,
    csv: String,
) -> ChartTable {
    let kind = m.kind();
    let caption = tr.s(bucket_keys(b).1, "metric", tr.t(metric_key(m)));
    let points: Vec<Point> = buckets
        .iter()
        .map(|d| {
            let key = d.to_string();
            let line = r.items.iter().find(|l| l.key == key);
            Point {
                value: value_of(kind, line),
                label: tr.date(*d),
            }
        })
        .collect();
    let fmt = |v: f64| shown(tr, kind, Some(v));
    ChartTable {
        id: format!("trend-{}", m.as_str()),
        head: tr.t(bucket_keys(b).0),
        svg: charts::line_chart(&caption, &points, &fmt),
        caption,
        csv,
        durations: kind == Kind::Duration,
        rows: r
            .items
            .iter()
            .map(|l| {
                let day = l
                    .key
                    .parse::<Date>()
                    .map_or_else(|_| l.key.clone(), |d| tr.date(d));
                row(tr, kind, day, l)
            })
            .collect(),
    }
}

/// A line's name in a breakdown: the channel and language in words, what
/// is not attributed as such, else the report's name.
fn group_name(tr: &Tr, d: Dimension, l: &ReportLine) -> String {
    if l.key.is_empty() {
        return dimension_keys(d)
            .2
            .map_or_else(|| "—".to_string(), |k| tr.t(k));
    }
    match d {
        Dimension::Channel => Channel::from_db(&l.key)
            .map(|c| labels::channel(tr, c))
            .unwrap_or_else(|_| l.key.clone()),
        Dimension::Language => crate::locale::supported(&l.key)
            .map(crate::locale::name)
            .map_or_else(|| l.key.clone(), str::to_string),
        Dimension::Agent | Dimension::Team | Dimension::Inbox | Dimension::Tag => l.group.clone(),
    }
}

/// A metric by a dimension: bars and the table of the lines.
pub fn breakdown(tr: &Tr, m: Metric, d: Dimension, r: Report, csv: String) -> ChartTable {
    let kind = m.kind();
    let caption = tr.args(
        "report-breakdown-caption",
        &[
            ("metric", tr.t(metric_key(m)).into()),
            ("name", tr.t(dimension_keys(d).1).into()),
        ],
    );
    let rows: Vec<Row> = r
        .items
        .iter()
        .map(|l| row(tr, kind, group_name(tr, d, l), l))
        .collect();
    let bars: Vec<(String, f64)> = r
        .items
        .iter()
        .zip(&rows)
        .map(|(l, row)| (row.name.clone(), l.value.unwrap_or(0.0)))
        .collect();
    let fmt = |v: f64| shown(tr, kind, Some(v));
    ChartTable {
        id: "breakdown".to_string(),
        head: tr.t("report-col-name"),
        svg: charts::bar_chart(&caption, &bars, &fmt),
        caption,
        csv,
        durations: kind == Kind::Duration,
        rows,
    }
}

/// Arrivals (new conversations) per hour of the week.
pub fn heat(tr: &Tr, r: &Report, csv: String) -> Heat {
    let caption = tr.t("report-heatmap");
    let week = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let days: Vec<HeatRow> = week
        .iter()
        .map(|d| HeatRow {
            name: tr.t(weekday_key(*d)),
            cells: hours
                .iter()
                .map(|h| {
                    let key = format!("{}-{h}", d.to_monday_one_offset());
                    let count = r.items.iter().find(|l| l.key == key).map_or(0, |l| l.count);
                    HeatCell { key, count }
                })
                .collect(),
        })
        .collect();
    let names: Vec<String> = days.iter().map(|d| d.name.clone()).collect();
    let cells: Vec<Vec<f64>> = days
        .iter()
        .map(|d| d.cells.iter().map(|c| c.count as f64).collect())
        .collect();
    Heat {
        svg: charts::heatmap(&caption, &names, &hours, &cells),
        caption,
        csv,
        hours,
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heatmap_has_every_hour_of_the_week() {
        let tr = Tr::new("lv");
        let line = |key: &str, count| ReportLine {
            group: key.into(),
            key: key.into(),
            count,
            p50: None,
            p90: None,
            mean: Some(1.0),
            value: Some(count as f64),
        };
        let r = Report {
            items: vec![line("1-09", 3), line("7-23", 1)],
        };
        let h = heat(&tr, &r, String::new());
        assert_eq!(h.days.len(), 7);
        assert_eq!(h.days[0].name, "Pirmdiena");
        assert!(h.days.iter().all(|d| d.cells.len() == 24));
        assert_eq!(h.days[0].cells[9].count, 3);
        assert_eq!(h.days[6].cells[23].count, 1);
        let total: i64 = h.days.iter().flat_map(|d| &d.cells).map(|c| c.count).sum();
        assert_eq!(total, 4);
        assert!(h.svg.contains("<title>Pirmdiena 09: 3</title>"));
    }
}
