//! Charts drawn as SVG on the server, so the reports need no script and no
//! chart framework: a line for a trend, bars for a breakdown, a heatmap
//! for a week's hours. Pure functions from numbers to markup; the page
//! puts the table of the same numbers beside each chart, and the text in
//! them is already in the viewer's language (the caller formats it).
//!
//! Every chart is `role="img"` with an `aria-label` and a `<title>`. Colours
//! come from classes in `app.css` and presentation attributes, never from
//! `style` attributes (the pages' CSP allows no inline style).

use std::fmt::Write as _;

/// The drawing's width in SVG units; it scales to the page (`viewBox`).
const WIDTH: f64 = 640.0;

/// One point of a line chart: its label on the x axis and its value
/// (`None`: nothing was measured there, and the line breaks).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The x label (a date).
    pub label: String,
    /// The value.
    pub value: Option<f64>,
}

/// `v` of `max` as a length of `len`; 0 when there is nothing to scale by
/// (a maximum of zero, or not a number), so all-zero data draws flat.
pub fn scale(v: f64, max: f64, len: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    (v.clamp(0.0, max) / max) * len
}

/// The top of the axis: the smallest 1, 2 or 5 × 10ⁿ at or above `max`
/// (1 for nothing, so that a scale never divides by zero).
pub fn nice_ceiling(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|c| *c >= max * (1.0 - 1e-12))
        .unwrap_or(10.0 * magnitude)
}

/// Text for SVG (the same escaping as HTML text and attributes).
fn esc(s: &str) -> String {
    crate::html::escape(s)
}

/// A label cut to `max` characters, with an ellipsis when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn open(out: &mut String, class: &str, height: f64, label: &str) {
    let label = esc(label);
    let _ = write!(
        out,
        r#"<svg class="chart {class}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#
    );
}

/// A line chart of `points`, evenly spaced, on an axis from 0 to a round
/// maximum; `fmt` writes the axis' values. A single point is a dot; a
/// missing value breaks the line.
pub fn line_chart(label: &str, points: &[Point], fmt: &dyn Fn(f64) -> String) -> String {
    const HEIGHT: f64 = 220.0;
    let (left, right, top, bottom) = (72.0, 16.0, 12.0, 28.0);
    let (w, h) = (WIDTH - left - right, HEIGHT - top - bottom);
    let max = nice_ceiling(points.iter().filter_map(|p| p.value).fold(0.0, f64::max));
    let mut out = String::new();
    open(&mut out, "line-chart", HEIGHT, label);
    // A label that reads like the one below it (half of a one-second axis
    // is "1 s" again once rounded) is left out; its grid line stays.
    let mut last = String::new();
    for tick in [0.0, max / 2.0, max] {
        let y = top + h - scale(tick, max, h);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{left}" x2="{x2}" y1="{y:.1}" y2="{y:.1}"/>"#,
            x2 = left + w,
        );
        let t = fmt(tick);
        if t != last {
            let _ = write!(
                out,
                r#"<text class="tick" x="{tx}" y="{ty:.1}" text-anchor="end">{t}</text>"#,
                tx = left - 6.0,
                ty = y + 4.0,
                t = esc(&t),
            );
        }
        last = t;
    }
    let x_of = |i: usize| -> f64 {
        if points.len() <= 1 {
            left + w / 2.0
        } else {
            left + w * i as f64 / (points.len() - 1) as f64
        }
    };
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let (x, y) = (x_of(i), top + h - scale(v, max, h));
                let _ = write!(path, "{}{x:.1} {y:.1} ", if pen_down { "L" } else { "M" });
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !path.is_empty() {
        let _ = write!(out, r#"<path class="line" d="{}"/>"#, path.trim_end());
    }
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            let _ = write!(
                out,
                r#"<circle class="dot" cx="{x:.1}" cy="{y:.1}" r="3"><title>{t}</title></circle>"#,
                x = x_of(i),
                y = top + h - scale(v, max, h),
                t = esc(&format!("{}: {}", p.label, fmt(v))),
            );
        }
    }
    // The first, middle and last labels: enough to read the period without
    // crowding it.
    let mut shown: Vec<usize> = vec![0, points.len() / 2, points.len().saturating_sub(1)];
    shown.dedup();
    for i in shown.into_iter().filter(|i| *i < points.len()) {
        let anchor = match (i, points.len()) {
            (_, 1) => "middle",
            (0, _) => "start",
            (i, n) if i + 1 == n => "end",
            _ => "middle",
        };
        let _ = write!(
            out,
            r#"<text class="tick" x="{x:.1}" y="{y}" text-anchor="{anchor}">{t}</text>"#,
            x = x_of(i),
            y = HEIGHT - 8.0,
            t = esc(&points[i].label),
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars, one per `(label, value)`, longest for the largest;
/// `fmt` writes each value at the end of its bar.
pub fn bar_chart(label: &str, bars: &[(String, f64)], fmt: &dyn Fn(f64) -> String) -> String {
    const ROW: f64 = 24.0;
    let (left, right) = (180.0, 96.0);
    let w = WIDTH - left - right;
    let height = ROW * bars.len().max(1) as f64 + 8.0;
    let max = bars.iter().map(|(_, v)| *v).fold(0.0, f64::max);
    let mut out = String::new();
    open(&mut out, "bar-chart", height, label);
    for (i, (name, v)) in bars.iter().enumerate() {
        let y = 4.0 + ROW * i as f64;
        let len = scale(*v, max, w);
        let _ = write!(
            out,
            r#"<text class="tick" x="{lx}" y="{ty:.1}" text-anchor="end">{name}</text><rect class="bar" x="{left}" y="{by:.1}" width="{len:.1}" height="{bh}"><title>{title}</title></rect><text class="tick" x="{vx:.1}" y="{ty:.1}">{value}</text>"#,
            lx = left - 8.0,
            ty = y + ROW / 2.0 + 4.0,
            name = esc(&cut(name, 24)),
            by = y + 3.0,
            bh = ROW - 6.0,
            title = esc(&format!("{name}: {}", fmt(*v))),
            vx = left + len + 6.0,
            value = esc(&fmt(*v)),
        );
    }
    out.push_str("</svg>");
    out
}

/// A heatmap: `cells[row][col]`, each square as dark as its share of the
/// largest; empty squares are outlined. `rows` and `cols` label them
/// (every third column label is written).
pub fn heatmap(label: &str, rows: &[String], cols: &[String], cells: &[Vec<f64>]) -> String {
    let (left, top) = (100.0, 20.0);
    let cw = (WIDTH - left - 4.0) / cols.len().max(1) as f64;
    let ch = 20.0;
    let height = top + ch * rows.len() as f64 + 4.0;
    let max = cells.iter().flatten().copied().fold(0.0, f64::max);
    let mut out = String::new();
    open(&mut out, "heatmap", height, label);
    for (j, c) in cols.iter().enumerate().step_by(3) {
        let _ = write!(
            out,
            r#"<text class="tick" x="{x:.1}" y="14">{t}</text>"#,
            x = left + cw * j as f64,
            t = esc(c),
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + ch * i as f64;
        let _ = write!(
            out,
            r#"<text class="tick" x="{x}" y="{ty:.1}" text-anchor="end">{t}</text>"#,
            x = left - 6.0,
            ty = y + ch / 2.0 + 4.0,
            t = esc(&cut(r, 14)),
        );
        for (j, c) in cols.iter().enumerate() {
            let v = cells
                .get(i)
                .and_then(|row| row.get(j))
                .copied()
                .unwrap_or(0.0);
            let share = scale(v, max, 1.0);
            let (class, opacity) = if v > 0.0 {
                // Never so pale that a one looks like a nought.
                ("cell", 0.12 + 0.88 * share)
            } else {
                ("cell zero", 1.0)
            };
            let _ = write!(
                out,
                r#"<rect class="{class}" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h}" fill-opacity="{opacity:.2}"><title>{t}</title></rect>"#,
                x = left + cw * j as f64 + 1.0,
                y = y + 1.0,
                w = cw - 2.0,
                h = ch - 2.0,
                t = esc(&format!("{r} {c}: {v}")),
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64) -> String {
        format!("{v}")
    }

    fn points(values: &[Option<f64>]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Point {
                label: format!("d{i}"),
                value: *v,
            })
            .collect()
    }

    /// No coordinate is NaN or infinite, whatever the data.
    fn finite(svg: &str) {
        assert!(!svg.contains("NaN"), "{svg}");
        assert!(!svg.contains("inf"), "{svg}");
    }

    #[test]
    fn scaling_is_proportional_and_never_divides_by_zero() {
        assert_eq!(scale(5.0, 10.0, 200.0), 100.0);
        assert_eq!(scale(10.0, 10.0, 200.0), 200.0);
        assert_eq!(scale(0.0, 0.0, 200.0), 0.0);
        assert_eq!(scale(3.0, 0.0, 200.0), 0.0);
        assert_eq!(scale(f64::NAN, 10.0, 200.0), 0.0);
        assert_eq!(scale(20.0, 10.0, 200.0), 200.0, "clamped to the axis");
    }

    #[test]
    fn the_axis_ends_at_a_round_number() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(-3.0), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(420.0), 500.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
        assert_eq!(nice_ceiling(5000.0), 5000.0);
    }

    #[test]
    fn a_line_breaks_where_nothing_was_measured() {
        let svg = line_chart(
            "Volume",
            &points(&[Some(1.0), Some(2.0), None, Some(4.0)]),
            &fmt,
        );
        finite(&svg);
        assert!(svg.starts_with("<svg class=\"chart line-chart\""));
        assert!(svg.contains(r#"role="img" aria-label="Volume""#));
        assert!(svg.contains("<title>Volume</title>"));
        // Two strokes: the first two points, then the last alone.
        let path = svg.split("d=\"").nth(1).and_then(|s| s.split('"').next());
        assert_eq!(path.map(|p| p.matches('M').count()), Some(2), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3);
        // The axis: 0, half and the top (5, the round number above 4).
        for tick in [">0</text>", ">2.5</text>", ">5</text>"] {
            assert!(svg.contains(tick), "{tick}: {svg}");
        }
    }

    #[test]
    fn empty_single_and_all_zero_lines_draw() {
        let empty = line_chart("x", &[], &fmt);
        finite(&empty);
        assert!(!empty.contains("<path"));
        assert!(empty.ends_with("</svg>"));
        let one = line_chart("x", &points(&[Some(3.0)]), &fmt);
        finite(&one);
        assert_eq!(one.matches("<circle").count(), 1);
        assert!(
            one.contains(r#"cx="348.0""#),
            "a single point in the middle: {one}"
        );
        let zeros = line_chart("x", &points(&[Some(0.0), Some(0.0)]), &fmt);
        finite(&zeros);
        // Ticks that read alike once rounded are written once.
        let whole = |v: f64| format!("{v:.0}");
        let rounded = line_chart("x", &points(&[Some(0.0), Some(1.0)]), &whole);
        assert_eq!(rounded.matches("<line class=\"grid\"").count(), 3);
        assert_eq!(rounded.matches(">1</text>").count(), 1, "{rounded}");
        // Flat on the bottom line (top 12 + height 180).
        assert!(zeros.contains("M72.0 192.0 L624.0 192.0"), "{zeros}");
    }

    #[test]
    fn bars_are_as_long_as_their_share_of_the_largest() {
        let svg = bar_chart(
            "By agent",
            &[
                ("Ann".into(), 4.0),
                ("<Bob>".into(), 2.0),
                ("Cy".into(), 0.0),
            ],
            &fmt,
        );
        finite(&svg);
        assert!(
            svg.contains(r#"width="364.0""#),
            "the largest fills the width"
        );
        assert!(svg.contains(r#"width="182.0""#), "half of it");
        assert!(svg.contains(r#"width="0.0""#));
        assert!(svg.contains("&lt;Bob&gt;"), "names are escaped");
        assert!(!svg.contains("<Bob>"));
        let zeros = bar_chart("x", &[("a".into(), 0.0)], &fmt);
        finite(&zeros);
        finite(&bar_chart("x", &[], &fmt));
    }

    #[test]
    fn heatmap_squares_darken_with_their_value() {
        let rows = vec!["Mon".to_string(), "Tue".to_string()];
        let cols: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
        let mut cells = vec![vec![0.0; 24], vec![0.0; 24]];
        cells[0][9] = 10.0;
        cells[1][10] = 5.0;
        let svg = heatmap("Arrivals", &rows, &cols, &cells);
        finite(&svg);
        assert_eq!(svg.matches("<rect").count(), 48);
        assert_eq!(svg.matches(r#"class="cell zero""#).count(), 46);
        assert!(
            svg.contains(r#"fill-opacity="1.00"><title>Mon 09: 10</title>"#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"fill-opacity="0.56"><title>Tue 10: 5</title>"#),
            "{svg}"
        );
        let none = heatmap("Arrivals", &rows, &cols, &[vec![0.0; 24], vec![0.0; 24]]);
        finite(&none);
        assert_eq!(none.matches(r#"class="cell zero""#).count(), 48);
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
        assert_eq!(cut("日本語のチーム名", 4), "日本語…");
    }
}
