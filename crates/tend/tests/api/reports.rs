//! Reports: metrics measured from conversations built event by event with
//! a test clock, read through the API as JSON and as CSV (the same
//! numbers), and the same again after `tend reports rebuild`.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::{Clock as _, ManualClock};

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;

on_both_with_clock!(
    response_and_resolution_times_follow_the_rules,
    service_levels_surveys_and_access,
);

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
/// Friday 2026-11-27 16:00 UTC (START is Wednesday 09:00).
const FRI_16: i64 = START + 2 * 24 * HOUR + 7 * HOUR;
/// Monday 2026-11-30 00:00 UTC.
const MON: i64 = START + 5 * 24 * HOUR - 9 * HOUR;

fn to(clock: &ManualClock, at: i64) {
    let now = clock.now_ms();
    assert!(at >= now, "the clock only moves forward");
    clock.advance_ms(at - now);
}

fn ok(s: StatusCode, b: &Value) {
    assert!(s.is_success(), "{s}: {b}");
}

pub(crate) async fn message(app: &TestApp, token: &str, id: i64, body: Value) {
    let (s, b) = app
        .post(&format!("/api/v1/conversations/{id}/messages"), token, body)
        .await;
    ok(s, &b);
}

pub(crate) async fn patch(app: &TestApp, token: &str, id: i64, body: Value) {
    let (s, b) = app
        .patch(&format!("/api/v1/conversations/{id}"), token, body)
        .await;
    ok(s, &b);
}

/// The report's lines as JSON, checked against the CSV of the same query
/// (line for line, the numbers written alike).
pub(crate) async fn report(app: &TestApp, query: &str) -> Vec<Value> {
    tend::reports::projection::catch_up(&app.st).await.unwrap();
    let path = format!("/api/v1/reports/metrics?{query}");
    let (s, b) = app.get(&path, &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{query}: {b}");
    let items = b["items"].as_array().expect("items").clone();
    let resp = app
        .client
        .get(format!("{}{path}&format=csv", app.base))
        .bearer_auth(&app.admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut expected = String::from("group,key,count,p50,p90,mean,value\n");
    for i in &items {
        let cells: Vec<String> = ["group", "key", "count", "p50", "p90", "mean", "value"]
            .iter()
            .map(|k| cell(&i[*k]))
            .collect();
        expected.push_str(&cells.join(","));
        expected.push('\n');
    }
    assert_eq!(csv, expected, "{query}");
    items
}

/// `(key, count, mean)` of each line.
pub(crate) fn lines(items: &[Value]) -> Vec<(String, i64, f64)> {
    items
        .iter()
        .map(|i| {
            (
                i["key"].as_str().unwrap().to_string(),
                i["count"].as_i64().unwrap(),
                i["mean"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn p(seconds: i64) -> i64 {
    tend::reports::histogram::bin_value(tend::reports::histogram::bin_of(seconds))
}

async fn response_and_resolution_times_follow_the_rules(
    app: &mut TestApp,
    clock: &Arc<ManualClock>,
) {
    let (ann, ann_tok) = app.user("ann@example.com", "Ann", "agent").await;
    let (bob, bob_tok) = app.user("bob@example.com", "Bob", "agent").await;
    let admin = app.get("/api/v1/me", &app.admin).await.1["id"]
        .as_i64()
        .expect("the admin's id");
    let inbox = app.inbox("api", None).await;
    let team = app.team("Rēķini", &[ann, bob], &[inbox]).await;
    // Open 09:00–17:00 UTC on weekdays.
    let day = json!([["09:00", "17:00"]]);
    let (s, cal) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "Birojs", "timezone": "UTC",
                   "hours": {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cal}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"calendar_id": cal["id"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // A: Friday 16:00, an hour before the weekend.
    to(clock, FRI_16);
    let (s, a) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Rēķins", "customer": {"email": "anna@example.lv"},
                   "message": {"text": "Labdien"}, "inbox_id": inbox,
                   "language": "lv", "tags": ["billing"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let a = a["id"].as_i64().unwrap();
    // The acknowledgement and a note answer nobody.
    to(clock, FRI_16 + MIN);
    tend::channels::email::ack::acknowledge(&app.st, a)
        .await
        .unwrap();
    to(clock, FRI_16 + 2 * MIN);
    patch(
        app,
        &app.admin,
        a,
        json!({"assignee_id": ann, "team_id": team}),
    )
    .await;
    message(
        app,
        &ann_tok,
        a,
        json!({"text": "Jāpārbauda", "internal": true}),
    )
    .await;
    // Monday 10:00: Ann answers (66 hours; 2 in business hours).
    to(clock, MON + 10 * HOUR);
    message(app, &ann_tok, a, json!({"text": "Sveiki"})).await;
    // 10:30 the customer writes; Ann sets it pending without answering and
    // passes it to Bob, who answers at 11:30 (an hour: pending goes on
    // counting, the customer has no answer).
    to(clock, MON + 10 * HOUR + 30 * MIN);
    message(
        app,
        &app.admin,
        a,
        json!({"text": "Vēl kas", "direction": "in"}),
    )
    .await;
    to(clock, MON + 10 * HOUR + 40 * MIN);
    patch(app, &ann_tok, a, json!({"status": "pending"})).await;
    to(clock, MON + 11 * HOUR);
    patch(
        app,
        &ann_tok,
        a,
        json!({"assignee_id": bob, "reason": {"category": "skill", "text": "Rēķini"}}),
    )
    .await;
    to(clock, MON + 11 * HOUR + 30 * MIN);
    message(app, &bob_tok, a, json!({"text": "Atrisināts"})).await;
    to(clock, MON + 12 * HOUR);
    patch(app, &bob_tok, a, json!({"status": "solved"})).await;
    // 13:00 the customer writes again: a reopen, a new round.
    to(clock, MON + 13 * HOUR);
    message(
        app,
        &app.admin,
        a,
        json!({"text": "Tomēr nē", "direction": "in"}),
    )
    .await;
    to(clock, MON + 13 * HOUR + 20 * MIN);
    message(app, &bob_tok, a, json!({"text": "Tagad jā"})).await;
    to(clock, MON + 14 * HOUR);
    patch(app, &bob_tok, a, json!({"status": "solved"})).await;

    // B: Monday 14:10, answered by the admin five minutes later; no team,
    // no tags.
    to(clock, MON + 14 * HOUR + 10 * MIN);
    let (s, b) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "注文", "customer": {"email": "k@example.jp"},
                   "message": {"text": "こんにちは"}, "inbox_id": inbox, "language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let b = b["id"].as_i64().unwrap();
    to(clock, MON + 14 * HOUR + 15 * MIN);
    message(app, &app.admin, b, json!({"text": "はい"})).await;

    let range = "from=2026-11-27&to=2026-11-30";
    let first = report(
        app,
        &format!("metric=first_response_time&group_by=agent&{range}"),
    )
    .await;
    let (fa, fb, fc) = (66 * 3600, 20 * 60, 5 * 60);
    assert_eq!(
        lines(&first),
        [
            (admin.to_string(), 1, fc as f64),
            (ann.to_string(), 1, fa as f64),
            (bob.to_string(), 1, fb as f64),
        ],
        "{first:?}"
    );
    assert_eq!(first[1]["group"], "Ann");
    assert_eq!(first[1]["p50"], p(fa));
    let business = report(
        app,
        &format!("metric=first_response_time&group_by=agent&business_hours=true&{range}"),
    )
    .await;
    assert_eq!(lines(&business)[1], (ann.to_string(), 1, 7200.0));
    let by_inbox = report(
        app,
        &format!("metric=first_response_time&group_by=inbox&{range}"),
    )
    .await;
    assert_eq!(
        lines(&by_inbox),
        [(inbox.to_string(), 3, (fa + fb + fc) as f64 / 3.0)]
    );
    assert_eq!(by_inbox[0]["p50"], p(fb));
    assert_eq!(by_inbox[0]["p90"], p(fa));

    let next = report(
        app,
        &format!("metric=next_response_time&group_by=agent&{range}"),
    )
    .await;
    assert_eq!(lines(&next), [(bob.to_string(), 1, 3600.0)]);

    let resolution = report(
        app,
        &format!("metric=resolution_time&group_by=team&{range}"),
    )
    .await;
    // Round 0: Friday 16:00 to Monday 12:00 (68 hours; 4 in business
    // hours); round 1: 13:00 to 14:00.
    assert_eq!(
        lines(&resolution),
        [(team.to_string(), 2, (68.0 * 3600.0 + 3600.0) / 2.0)]
    );
    let resolution = report(
        app,
        &format!("metric=resolution_time&group_by=agent&business_hours=true&{range}"),
    )
    .await;
    assert_eq!(
        lines(&resolution),
        [(bob.to_string(), 2, (4.0 * 3600.0 + 3600.0) / 2.0)]
    );

    let reopens = report(app, &format!("metric=reopens&group_by=channel&{range}")).await;
    assert_eq!(lines(&reopens), [("api".to_string(), 1, 1.0)]);
    assert_eq!(reopens[0]["value"], 1.0);
    let transfers = report(app, &format!("metric=transfers&group_by=agent&{range}")).await;
    assert_eq!(lines(&transfers), [(ann.to_string(), 1, 1.0)]);

    // Volume: every grouping adds up to the same total, or says what is
    // not attributed.
    for (group_by, expected) in [
        ("team", vec![(team.to_string(), 1), (String::new(), 1)]),
        (
            "language",
            vec![("ja".to_string(), 1), ("lv".to_string(), 1)],
        ),
        ("tag", vec![("billing".to_string(), 1), (String::new(), 1)]),
        ("agent", vec![(bob.to_string(), 1), (String::new(), 1)]),
    ] {
        let v = report(app, &format!("metric=volume&group_by={group_by}&{range}")).await;
        let got: Vec<(String, i64)> = lines(&v).into_iter().map(|(k, n, _)| (k, n)).collect();
        assert_eq!(got, expected, "{group_by}");
        assert_eq!(
            v.last().unwrap()["group"],
            if expected[1].0.is_empty() {
                "none"
            } else {
                "lv"
            }
        );
    }

    // Days in the caller's time zone: at UTC+14 Monday 10:00 UTC is
    // already Tuesday.
    let days = report(
        app,
        "metric=first_response_time&group_by=day&from=2026-11-30&to=2026-12-01&tz=Pacific/Kiritimati",
    )
    .await;
    let got: Vec<(String, i64)> = lines(&days).into_iter().map(|(k, n, _)| (k, n)).collect();
    assert_eq!(got, [("2026-12-01".to_string(), 3)]);
    let weeks = report(
        app,
        &format!("metric=first_response_time&group_by=week&{range}"),
    )
    .await;
    let got: Vec<(String, i64)> = lines(&weeks).into_iter().map(|(k, n, _)| (k, n)).collect();
    assert_eq!(got, [("2026-11-30".to_string(), 3)]);

    // A rebuild from scratch gives the same numbers.
    let before = report(
        app,
        &format!("metric=resolution_time&group_by=agent&{range}"),
    )
    .await;
    tend::reports::projection::rebuild(&app.st, |_| {})
        .await
        .unwrap();
    let after = report(
        app,
        &format!("metric=resolution_time&group_by=agent&{range}"),
    )
    .await;
    assert_eq!(before, after);
    let again = report(
        app,
        &format!("metric=first_response_time&group_by=agent&{range}"),
    )
    .await;
    assert_eq!(again, first);
}

async fn service_levels_surveys_and_access(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let inbox = app.inbox("api", None).await;
    let (s, b) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "Ātri", "position": 1, "business_hours": false,
                   "match": {"inbox_ids": [inbox]}, "targets": {"first_response": 10}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // One answered in 5 minutes, one after 15 (its target breached first).
    let met = app
        .conversation("Met", "c@example.com", "Hello", Some(inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    clock.advance_ms(5 * MIN);
    message(app, &app.admin, met, json!({"text": "Hi"})).await;
    let missed = app
        .conversation("Missed", "d@example.com", "Hello", Some(inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    clock.advance_ms(15 * MIN);
    tend::sla::timer::run_once(&app.st).await.unwrap();
    message(app, &app.admin, missed, json!({"text": "Sorry"})).await;
    let day = tend::time::rfc3339(START);
    let range = format!("from={}&to=2026-12-31", &day[..10]);
    for q in ["", "&target=first_response"] {
        let sla = report(
            app,
            &format!("metric=sla_attainment&group_by=inbox&{range}{q}"),
        )
        .await;
        assert_eq!(lines(&sla), [(inbox.to_string(), 2, 0.5)]);
        assert_eq!(sla[0]["value"], 0.5);
        assert_eq!(sla[0]["p50"], Value::Null);
    }
    let none = report(
        app,
        &format!("metric=sla_attainment&group_by=inbox&{range}&target=resolution"),
    )
    .await;
    assert!(none.is_empty());

    // Agents may not read reports; bad parameters name themselves.
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let path = format!("/api/v1/reports/metrics?metric=volume&group_by=agent&{range}");
    let (s, _) = app.get(&path, &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, supervisor) = app.user("sup@example.com", "Sup", "supervisor").await;
    let (s, _) = app.get(&path, &supervisor).await;
    assert_eq!(s, StatusCode::OK);
    for (q, field) in [
        (
            "metric=speed&group_by=agent&from=2026-01-01&to=2026-01-02",
            "metric",
        ),
        (
            "metric=volume&group_by=moon&from=2026-01-01&to=2026-01-02",
            "group_by",
        ),
        (
            "metric=volume&group_by=agent&from=yesterday&to=2026-01-02",
            "from",
        ),
        (
            "metric=volume&group_by=agent&from=2026-01-02&to=2026-01-01",
            "to",
        ),
        (
            "metric=volume&group_by=agent&from=2026-01-01&to=2026-01-02&tz=Mars/Olympus",
            "tz",
        ),
        (
            "metric=volume&group_by=agent&from=2026-01-01&to=2026-01-02&target=resolution",
            "target",
        ),
    ] {
        let (s, e) = app
            .get(&format!("/api/v1/reports/metrics?{q}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {e}");
        assert_eq!(e["error"]["details"]["field"], field, "{q}: {e}");
    }
}
