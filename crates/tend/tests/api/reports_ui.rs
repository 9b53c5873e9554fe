//! The reports overview (`/reports`): every table on the page holds the
//! numbers of the API's CSV (and JSON) that it links to, for the same
//! filters; the previous period, the buckets and the heatmap follow the
//! viewer's time zone; agents get neither the page nor the link.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::reports::{Kind, Metric};
use tend::time::{Clock as _, ManualClock};
use tend::web::dashboard_words::shown;
use tend::web::i18n::Tr;

use crate::on_both_with_clock;
use crate::reports::{message, patch, report};
use crate::support::TestApp;
use crate::surveys::START;
use crate::web::signed_in;

on_both_with_clock!(the_page_shows_exactly_what_the_export_says);

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

fn to(clock: &ManualClock, at: i64) {
    let now = clock.now_ms();
    assert!(at >= now, "the clock only moves forward");
    clock.advance_ms(at - now);
}

/// `&amp;` and friends back to text, as a browser reads an attribute.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
}

/// The value of `name="…"` inside `tag` (one element's opening tag).
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(unescape(&tag[start..start + len]))
}

/// Every opening tag in `html` that has the attribute `name`, with the
/// text right after it (up to the next tag).
fn tags_with<'a>(html: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = html[from..].find(&needle) {
        let at = from + i;
        let open = html[..at].rfind('<').unwrap();
        let close = at + html[at..].find('>').unwrap();
        let text_end = close + 1 + html[close + 1..].find('<').unwrap_or(0);
        out.push((&html[open..=close], &html[close + 1..text_end]));
        from = close;
    }
    out
}

/// The query of a CSV link without `format=csv`, for `reports::report`
/// (which reads it as JSON and as CSV and checks that they agree).
fn query_of(href: &str) -> String {
    let q = href
        .strip_prefix("/api/v1/reports/metrics?")
        .unwrap_or_else(|| panic!("a CSV link of the reports API: {href}"));
    q.split('&')
        .filter(|p| *p != "format=csv")
        .collect::<Vec<_>>()
        .join("&")
}

/// `(key, count, value)` of the API's lines, `value` written as the CSV
/// writes it.
fn api_lines(items: &[Value]) -> Vec<(String, i64, String)> {
    items
        .iter()
        .map(|i| {
            let value = match &i["value"] {
                Value::Null => String::new(),
                v => v.to_string(),
            };
            (
                i["key"].as_str().unwrap().to_string(),
                i["count"].as_i64().unwrap(),
                value,
            )
        })
        .collect()
}

async fn conversation(app: &TestApp, body: Value) -> i64 {
    let (s, c) = app.post("/api/v1/conversations", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().unwrap()
}

async fn the_page_shows_exactly_what_the_export_says(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let (ann, ann_tok) = app.user("ann@example.com", "Ann", "agent").await;
    let inbox = app.inbox("api", None).await;
    app.team("Atbalsts", &[ann], &[inbox]).await;
    let ask = |subject: &str, email: &str, language: &str, channel: &str, tags: Value| {
        json!({"subject": subject, "customer": {"email": email}, "message": {"text": "?"},
               "inbox_id": inbox, "language": language, "channel": channel, "tags": tags})
    };

    // The previous period: one conversation on Wednesday 2026-11-25 (START,
    // 18:00 in Tokyo), answered in 10 minutes and solved an hour later.
    let a = conversation(
        app,
        ask("Rēķins", "a@example.lv", "lv", "email", json!(["billing"])),
    )
    .await;
    patch(app, &app.admin, a, json!({"assignee_id": ann})).await;
    to(clock, START + 10 * MIN);
    message(app, &ann_tok, a, json!({"text": "Labdien"})).await;
    to(clock, START + HOUR);
    patch(app, &ann_tok, a, json!({"status": "solved"})).await;

    // This period: two on Thursday 2026-12-03 at 18:00 in Tokyo, and one at
    // 00:00 on Friday there (still Thursday in UTC).
    let thu = START + 8 * DAY;
    to(clock, thu);
    let b = conversation(
        app,
        ask("注文", "b@example.jp", "ja", "email", json!(["billing"])),
    )
    .await;
    let c = conversation(app, ask("Help", "c@example.com", "en", "chat", json!([]))).await;
    patch(app, &app.admin, b, json!({"assignee_id": ann})).await;
    to(clock, thu + 30 * MIN);
    message(app, &ann_tok, b, json!({"text": "はい"})).await;
    message(app, &app.admin, c, json!({"text": "Hi"})).await;
    to(clock, thu + 6 * HOUR);
    let d = conversation(
        app,
        ask("Sveiki", "d@example.lv", "lv", "email", json!(["vip"])),
    )
    .await;
    to(clock, thu + 6 * HOUR + 2 * MIN);
    message(app, &ann_tok, d, json!({"text": "Sveiki"})).await;
    patch(app, &ann_tok, d, json!({"status": "solved"})).await;
    // Today: Friday 2026-12-04 in Tokyo.
    to(clock, START + 9 * DAY);
    tend::reports::projection::catch_up(&app.st).await.unwrap();

    // Agents: no page, no link.
    let (_, mut agent) = signed_in(app, "aiko@example.com", "Aiko", "agent").await;
    let (_, inbox_page) = agent.get("/").await;
    assert!(!inbox_page.contains("href=\"/reports\""));
    assert_eq!(agent.get("/reports").await.0, StatusCode::FORBIDDEN);

    let (_, mut boss) = signed_in(app, "boss@example.com", "Bo Boss", "supervisor").await;
    let (s, _) = boss
        .post(
            "/account/preferences",
            &[("language", "en"), ("timezone", "Asia/Tokyo")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, home) = boss.get("/").await;
    assert!(
        home.contains("href=\"/reports\""),
        "the navigation links it"
    );
    let (s, page) = boss
        .get("/reports?days=7&bucket=day&by=channel&metric=volume")
        .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(
        page.contains("This period: 28 Nov 2026 to 4 Dec 2026."),
        "{page}"
    );
    assert!(
        page.contains("21 Nov 2026 to 27 Nov 2026"),
        "the 7 days before"
    );
    // Three trend lines, the breakdown's bars and the heatmap, each an
    // image with a name, each beside a table.
    assert_eq!(page.matches("<svg class=\"chart ").count(), 5);
    assert_eq!(page.matches("role=\"img\" aria-label=\"").count(), 5);
    assert!(page.matches("<table").count() >= 6);

    // Every table is its export, line for line.
    let mut compared = 0;
    for (table, _) in tags_with(&page, "data-csv") {
        let href = attr(table, "data-csv").unwrap();
        let items = report(app, &query_of(&href)).await;
        // The CSV link itself works with the supervisor's session.
        let csv = boss.get_raw(&format!("{}{href}", boss.base)).await;
        assert_eq!(csv.status(), StatusCode::OK, "{href}");
        let expected = api_lines(&items);
        if table.starts_with("<td") {
            // A summary figure: one line (the total) or none.
            let count: i64 = attr(table, "data-report-count").unwrap().parse().unwrap();
            let value = attr(table, "data-report-value").unwrap();
            match expected.as_slice() {
                [] => assert_eq!((count, value.as_str()), (0, ""), "{href}"),
                [(key, n, v)] => {
                    assert_eq!(key, "total");
                    assert_eq!((count, &value), (*n, v), "{href}");
                }
                more => panic!("{href}: a total has one line, not {more:?}"),
            }
        } else {
            let start = page.find(table).unwrap();
            let end = start + page[start..].find("</table>").unwrap();
            let rows: Vec<(String, i64, String)> = tags_with(&page[start..end], "data-key")
                .into_iter()
                .map(|(tag, _)| {
                    (
                        attr(tag, "data-key").unwrap(),
                        attr(tag, "data-report-count").unwrap().parse().unwrap(),
                        attr(tag, "data-report-value").unwrap_or_default(),
                    )
                })
                // The heatmap's table shows every hour, the API only those
                // with arrivals.
                .filter(|(_, n, _)| *n > 0)
                .collect();
            let expected: Vec<(String, i64, String)> = if table.contains("heat") {
                expected
                    .into_iter()
                    .map(|(k, n, _)| (k, n, String::new()))
                    .collect()
            } else {
                expected
            };
            assert_eq!(rows, expected, "{href}");
        }
        compared += 1;
    }
    assert_eq!(
        compared,
        2 * Metric::ALL.len() + 5,
        "every table and figure"
    );

    // And the numbers are the right ones, in the viewer's time zone.
    let figure = |metric: &str, which: &str| -> (String, String) {
        let row_at = page.find(&format!("data-metric=\"{metric}\"")).unwrap();
        let (tag, text) = tags_with(&page[row_at..], "data-csv")
            .into_iter()
            .find(|(tag, _)| tag.contains(&format!("class=\"n {which}\"")))
            .unwrap();
        (attr(tag, "data-report-value").unwrap(), text.to_string())
    };
    let en = Tr::new("en");
    assert_eq!(figure("volume", "now"), ("3.0".into(), "3".into()));
    assert_eq!(figure("volume", "before"), ("1.0".into(), "1".into()));
    let volume_row = &page[page.find("data-metric=\"volume\"").unwrap()..];
    assert!(volume_row[..volume_row.find("</tr>").unwrap()].contains("+200%"));
    // First responses: 30 min (b), 30 min (c), 2 min (d); before: 10 min.
    let mean = (30.0 * 60.0 * 2.0 + 120.0) / 3.0;
    let (value, text) = figure("first_response_time", "now");
    assert_eq!(value.parse::<f64>().unwrap(), mean);
    assert_eq!(text, shown(&en, Kind::Duration, Some(mean)));
    assert_eq!(text, "20 min");
    let (value, text) = figure("first_response_time", "before");
    assert_eq!((value.as_str(), text.as_str()), ("600.0", "10 min"));
    // Days in Tokyo: d arrived on Friday there.
    let trend = |metric: &str| -> Vec<(String, i64, String)> {
        let at = page.find(&format!("id=\"trend-{metric}\"")).unwrap();
        let end = at + page[at..].find("</table>").unwrap();
        tags_with(&page[at..end], "data-key")
            .into_iter()
            .map(|(tag, _)| {
                (
                    attr(tag, "data-key").unwrap(),
                    attr(tag, "data-report-count").unwrap().parse().unwrap(),
                    attr(tag, "data-report-value").unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        trend("volume"),
        [
            ("2026-12-03".to_string(), 2, "2.0".to_string()),
            ("2026-12-04".to_string(), 1, "1.0".to_string())
        ]
    );
    // The breakdown by channel: chat and email, in words.
    let at = page.find("id=\"breakdown\"").unwrap();
    let breakdown = &page[at..at + page[at..].find("</table>").unwrap()];
    assert!(
        breakdown.contains(">Chat</th>") && breakdown.contains(">Email</th>"),
        "{breakdown}"
    );
    // The heatmap: Thursday 18:00 twice, Friday 00:00 once.
    let heat = |key: &str| -> i64 {
        let (tag, _) = tags_with(&page, "data-key")
            .into_iter()
            .find(|(tag, _)| tag.contains(&format!("data-key=\"{key}\"")) && tag.starts_with("<td"))
            .unwrap();
        attr(tag, "data-report-count").unwrap().parse().unwrap()
    };
    assert_eq!((heat("4-18"), heat("5-00"), heat("4-09")), (2, 1, 0));

    // Weeks: the lines are Mondays, as the API keys them.
    let (s, weeks) = boss.get("/reports?days=7&bucket=week").await;
    assert_eq!(s, StatusCode::OK);
    assert!(weeks.contains("data-key=\"2026-11-30\""), "{weeks}");
    // Dates given by hand; a wrong one is the viewer's error, in words.
    let (s, own) = boss
        .get("/reports?days=&from=2026-11-25&to=2026-11-25")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(own.contains("24 Nov 2026 to 24 Nov 2026"), "the day before");
    let (s, bad) = boss
        .get("/reports?days=&from=2026-12-05&to=2026-12-01")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("The start date is after the end date."),
        "{bad}"
    );
    // In another language, the same numbers in other words.
    let (s, _) = boss
        .post(
            "/account/preferences",
            &[("language", "ja"), ("timezone", "Asia/Tokyo")],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, ja) = boss.get("/reports?days=7").await;
    assert!(ja.contains("<html lang=\"ja\""));
    assert!(ja.contains("会話数") && ja.contains("+200%"), "{ja}");
}
