//! The reports page's words: names of metrics, dimensions, buckets and
//! weekdays (exhaustive `match`es over the closed sets), figures in the
//! viewer's language (durations, shares, counts), the change from the
//! previous period, and the filters' options.

use jiff::civil::Weekday;

use super::dashboard_filters::{Bucket, Preset};
use super::i18n::Tr;
use super::reports::percent;
use crate::reports::{Dimension, Kind, Metric, ReportLine};

/// An option of a select.
pub struct Choice {
    /// Its value in the URL.
    pub value: String,
    /// Its words.
    pub label: String,
    /// Whether it is the one chosen.
    pub selected: bool,
}

/// Which way a figure moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Higher than before.
    Up,
    /// Lower.
    Down,
    /// The same (to the shown precision).
    Flat,
}

impl Direction {
    /// Its CSS class.
    pub fn class(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Flat => "flat",
        }
    }

    /// Its arrow (beside the signed number, for the eye only).
    pub fn arrow(self) -> &'static str {
        match self {
            Direction::Up => "▲",
            Direction::Down => "▼",
            Direction::Flat => "＝",
        }
    }
}

/// The change of a figure from the previous period.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Signed, in the viewer's language: `+12%` or, for shares,
    /// percentage points.
    pub text: String,
    /// Which way.
    pub direction: Direction,
}

/// The catalogue key of a metric's name.
pub fn metric_key(m: Metric) -> &'static str {
    match m {
        Metric::FirstResponseTime => "report-metric-first-response-time",
        Metric::NextResponseTime => "report-metric-next-response-time",
        Metric::ResolutionTime => "report-metric-resolution-time",
        Metric::ConfirmationTime => "report-metric-confirmation-time",
        Metric::SlaAttainment => "report-metric-sla-attainment",
        Metric::Csat => "report-metric-csat",
        Metric::ResponseRate => "report-metric-response-rate",
        Metric::Volume => "report-metric-volume",
        Metric::Reopens => "report-metric-reopens",
        Metric::Transfers => "report-metric-transfers",
    }
}

/// The keys of a dimension: the select's words ("By agent"), the word in
/// a caption, and the line of what is not attributed (agent, team,
/// language and tag may have none; inbox and channel always have one).
pub fn dimension_keys(d: Dimension) -> (&'static str, &'static str, Option<&'static str>) {
    match d {
        Dimension::Agent => (
            "report-by-agent",
            "report-dimension-agent",
            Some("report-no-agent"),
        ),
        Dimension::Team => (
            "report-by-team",
            "report-dimension-team",
            Some("report-no-team"),
        ),
        Dimension::Inbox => ("report-by-inbox", "report-dimension-inbox", None),
        Dimension::Channel => ("report-by-channel", "report-dimension-channel", None),
        Dimension::Language => (
            "report-by-language",
            "report-dimension-language",
            Some("report-no-language"),
        ),
        Dimension::Tag => (
            "report-by-tag",
            "report-dimension-tag",
            Some("report-no-tag"),
        ),
    }
}

/// The keys of a bucket: its option, and a trend's caption.
pub fn bucket_keys(b: Bucket) -> (&'static str, &'static str) {
    match b {
        Bucket::Day => ("report-bucket-day", "report-per-day"),
        Bucket::Week => ("report-bucket-week", "report-per-week"),
    }
}

/// The catalogue key of a weekday's name (the chat widget's words).
pub fn weekday_key(d: Weekday) -> &'static str {
    match d {
        Weekday::Monday => "widget-day-mon",
        Weekday::Tuesday => "widget-day-tue",
        Weekday::Wednesday => "widget-day-wed",
        Weekday::Thursday => "widget-day-thu",
        Weekday::Friday => "widget-day-fri",
        Weekday::Saturday => "widget-day-sat",
        Weekday::Sunday => "widget-day-sun",
    }
}

/// Seconds as words: under a minute in seconds, else as waiting times are.
pub fn seconds(tr: &Tr, s: f64) -> String {
    let s = s.round() as i64;
    if s < 60 {
        tr.n("report-seconds", s)
    } else {
        tr.duration(s * 1000)
    }
}

/// A figure of a metric as shown: a duration, a percentage or a number.
pub fn shown(tr: &Tr, kind: Kind, v: Option<f64>) -> String {
    match (kind, v) {
        (_, None) => "—".to_string(),
        (Kind::Duration, Some(s)) => seconds(tr, s),
        (Kind::Share, v) => percent(tr, v),
        (Kind::Count, Some(n)) => format!("{}", n.round() as i64),
    }
}

/// A report's figure: its line's value; a count without a line is 0.
pub fn value_of(kind: Kind, line: Option<&ReportLine>) -> Option<f64> {
    match (kind, line.and_then(|l| l.value)) {
        (_, Some(v)) => Some(v),
        (Kind::Count, None) => Some(0.0),
        (Kind::Duration | Kind::Share, None) => None,
    }
}

/// A signed number with `digits` decimals and a true minus sign; zero at
/// the shown precision has no sign.
fn signed(x: f64, digits: usize) -> (String, Direction) {
    let text = format!("{:.*}", digits, x.abs());
    let zero = text.chars().all(|c| c == '0' || c == '.');
    match (zero, x > 0.0) {
        (true, _) => (text, Direction::Flat),
        (false, true) => (format!("+{text}"), Direction::Up),
        (false, false) => (format!("\u{2212}{text}"), Direction::Down),
    }
}

/// The change from `before` to `now`: relative for durations and counts
/// (none without a base above zero), in percentage points for shares.
pub fn change(tr: &Tr, kind: Kind, now: Option<f64>, before: Option<f64>) -> Option<Change> {
    let (now, before) = (now?, before?);
    let (key, (text, direction)) = match kind {
        Kind::Share => ("report-change-points", signed((now - before) * 100.0, 1)),
        Kind::Duration | Kind::Count => {
            if before <= 0.0 {
                return None;
            }
            (
                "report-change-percent",
                signed((now - before) / before * 100.0, 0),
            )
        }
    };
    Some(Change {
        text: tr.s(key, "value", text),
        direction,
    })
}

/// The period presets, the chosen one selected; the last choice is the
/// dates of the form (chosen when they were given).
pub fn preset_options(tr: &Tr, chosen: Option<Preset>) -> Vec<Choice> {
    let mut out: Vec<Choice> = Preset::ALL
        .iter()
        .map(|p| Choice {
            value: p.days().to_string(),
            label: tr.n("report-last-days", p.days()),
            selected: chosen == Some(*p),
        })
        .collect();
    out.push(Choice {
        value: String::new(),
        label: tr.t("report-custom-period"),
        selected: chosen.is_none(),
    });
    out
}

/// Day or week.
pub fn bucket_options(tr: &Tr, chosen: Bucket) -> Vec<Choice> {
    Bucket::ALL
        .iter()
        .map(|b| Choice {
            value: b.as_str().to_string(),
            label: tr.t(bucket_keys(*b).0),
            selected: chosen == *b,
        })
        .collect()
}

/// The breakdown's dimensions.
pub fn dimension_options(tr: &Tr, chosen: Dimension) -> Vec<Choice> {
    Dimension::ALL
        .iter()
        .map(|d| Choice {
            value: d.as_str().to_string(),
            label: tr.t(dimension_keys(*d).0),
            selected: chosen == *d,
        })
        .collect()
}

/// The breakdown's metrics.
pub fn metric_options(tr: &Tr, chosen: Metric) -> Vec<Choice> {
    Metric::ALL
        .iter()
        .map(|m| Choice {
            value: m.as_str().to_string(),
            label: tr.t(metric_key(*m)),
            selected: chosen == *m,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::{LOCALES_SUPPORTED, has_key};

    #[test]
    fn changes_are_relative_or_in_points() {
        let tr = Tr::new("en");
        let c = |k, n, b| change(&tr, k, n, b).map(|c| (c.text, c.direction));
        assert_eq!(
            c(Kind::Count, Some(12.0), Some(10.0)),
            Some(("+20%".into(), Direction::Up))
        );
        assert_eq!(
            c(Kind::Duration, Some(90.0), Some(120.0)),
            Some(("\u{2212}25%".into(), Direction::Down))
        );
        assert_eq!(
            c(Kind::Count, Some(5.0), Some(5.0)),
            Some(("0%".into(), Direction::Flat))
        );
        assert_eq!(c(Kind::Count, Some(5.0), Some(0.0)), None, "no base");
        assert_eq!(c(Kind::Duration, Some(5.0), None), None);
        assert_eq!(
            c(Kind::Share, Some(0.8), Some(0.75)),
            Some(("+5.0 pp".into(), Direction::Up))
        );
        assert_eq!(
            c(Kind::Share, Some(0.5), Some(0.0)),
            Some(("+50.0 pp".into(), Direction::Up))
        );
    }

    #[test]
    fn figures_read_as_their_kind() {
        let tr = Tr::new("en");
        assert_eq!(shown(&tr, Kind::Duration, Some(42.4)), "42 s");
        assert_eq!(shown(&tr, Kind::Duration, Some(3900.0)), "1 h 5 min");
        assert_eq!(shown(&tr, Kind::Share, Some(0.5)), "50%");
        assert_eq!(shown(&tr, Kind::Count, Some(7.0)), "7");
        assert_eq!(shown(&tr, Kind::Duration, None), "—");
        // A count without a line is none counted; a duration is unknown.
        assert_eq!(value_of(Kind::Count, None), Some(0.0));
        assert_eq!(value_of(Kind::Duration, None), None);
    }

    #[test]
    fn every_metric_dimension_and_bucket_has_words_in_every_locale() {
        let mut keys: Vec<&str> = Metric::ALL.iter().map(|m| metric_key(*m)).collect();
        for d in Dimension::ALL {
            let (option, word, none) = dimension_keys(*d);
            keys.extend([option, word]);
            keys.extend(none);
        }
        for b in Bucket::ALL {
            let (option, caption) = bucket_keys(b);
            keys.extend([option, caption]);
        }
        for code in LOCALES_SUPPORTED {
            for k in &keys {
                assert!(has_key(code, k), "{code} has no {k}");
            }
        }
    }
}
