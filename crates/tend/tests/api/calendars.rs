//! Business calendars through the API (issue 19): written by admins, read
//! by supervisors; checked with messages that name the field; the
//! arithmetic of `GET /calendars/{id}/add` across lunch breaks, overnight
//! shifts, holidays and a daylight-saving change; and holidays imported
//! from an iCalendar file, previewed before anything is saved.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    calendars_are_written_by_admins_and_read_by_supervisors,
    calendar_mistakes_are_named_by_field,
    add_counts_business_minutes_exactly,
    holidays_import_from_ical_with_a_preview,
);

/// Riga: weekdays with a lunch break, Christmas Eve closed, New Year's Eve
/// a short day.
fn riga() -> Value {
    json!({
        "name": "Rīgas birojs",
        "timezone": "Europe/Riga",
        "hours": {
            "mon": [["09:00", "13:00"], ["14:00", "18:00"]],
            "tue": [["09:00", "13:00"], ["14:00", "18:00"]],
            "wed": [["09:00", "13:00"], ["14:00", "18:00"]],
            "thu": [["09:00", "13:00"], ["14:00", "18:00"]],
            "fri": [["09:00", "13:00"], ["14:00", "18:00"]]
        },
        "holidays": [
            {"date": "2026-12-31", "name": "Vecgada vakars", "hours": [["09:00", "12:00"]]},
            {"date": "2026-12-24", "name": "Ziemassvētku vakars"}
        ]
    })
}

async fn create(app: &TestApp, body: Value) -> i64 {
    let (s, c) = app.post("/api/v1/calendars", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().expect("id")
}

async fn add(app: &TestApp, id: i64, start: &str, minutes: i64) -> (StatusCode, Value) {
    let start = start.replace('+', "%2B");
    app.get(
        &format!("/api/v1/calendars/{id}/add?start={start}&minutes={minutes}"),
        &app.admin,
    )
    .await
}

async fn due(app: &TestApp, id: i64, start: &str, minutes: i64) -> String {
    let (s, b) = add(app, id, start, minutes).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["due"].as_str().expect("due").to_string()
}

async fn calendars_are_written_by_admins_and_read_by_supervisors(app: &TestApp) {
    let id = create(app, riga()).await;
    let (s, c) = app
        .get(&format!("/api/v1/calendars/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["name"], "Rīgas birojs");
    assert_eq!(
        c["hours"]["mon"],
        json!([["09:00", "13:00"], ["14:00", "18:00"]])
    );
    assert_eq!(c["hours"]["sat"], json!([]));
    // Holidays are kept by date, with their names.
    assert_eq!(c["holidays"][0]["date"], "2026-12-24");
    assert_eq!(c["holidays"][1]["name"], "Vecgada vakars");
    assert!(c["holidays"][0].get("hours").is_none(), "{c}");

    let (_, supervisor) = app.user("sup@example.com", "Sup", "supervisor").await;
    let (_, agent) = app.user("agent@example.com", "Agent", "agent").await;
    let (s, list) = app.get("/api/v1/calendars", &supervisor).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get(&format!("/api/v1/calendars/{id}"), &agent).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, _) = app.post("/api/v1/calendars", &supervisor, riga()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "supervisors only read");

    // A PUT replaces the whole calendar.
    let mut tokyo = riga();
    tokyo["name"] = json!("東京");
    tokyo["timezone"] = json!("Asia/Tokyo");
    tokyo["holidays"] = json!([{"date": "2027-01-01", "name": "元日"}]);
    let (s, c) = app
        .call(
            Method::PUT,
            &format!("/api/v1/calendars/{id}"),
            &app.admin,
            Some(tokyo),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(
        (c["name"].as_str(), c["timezone"].as_str()),
        (Some("東京"), Some("Asia/Tokyo"))
    );
    assert_eq!(
        c["holidays"],
        json!([{"date": "2027-01-01", "name": "元日"}])
    );

    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/calendars/{id}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/calendars/{id}"), &app.admin)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

async fn calendar_mistakes_are_named_by_field(app: &TestApp) {
    let cases = [
        (
            json!({"mon": [["09:00", "25:00"]]}),
            json!([]),
            "hours.mon[0]",
            "\"25:00\" is not a time of day",
        ),
        (
            json!({"tue": [["24:00", "08:00"]]}),
            json!([]),
            "hours.tue[0]",
            "can only end an interval",
        ),
        (
            json!({}),
            json!([{"date": "2026-02-30"}]),
            "holidays[0].date",
            "is not a date",
        ),
        (
            json!({}),
            json!([{"date": "2026-06-23", "name": "Līgo"}, {"date": "2026-06-23", "name": "Jāņi"}]),
            "holidays[1].date",
            "is already holidays[0]",
        ),
    ];
    for (hours, holidays, field, words) in cases {
        let body =
            json!({"name": "x", "timezone": "Europe/Riga", "hours": hours, "holidays": holidays});
        let (s, e) = app.post("/api/v1/calendars", &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(words),
            "{e}"
        );
    }
    let (s, e) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "x", "timezone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "timezone");
    let (s, e) = app
        .post(
            "/api/v1/calendars",
            &app.admin,
            json!({"name": "x", "timezone": "UTC", "hours": {"monday": []}}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a misspelt day is not a closed day: {e}"
    );
    assert_eq!(app.rows("calendars").await, 0, "nothing was stored");
}

async fn add_counts_business_minutes_exactly(app: &TestApp) {
    let id = create(app, riga()).await;
    // Wednesday 23 December, 17:30 in Riga (UTC+2): half an hour left that
    // day; Thursday is Christmas Eve (closed); Friday opens at 09:00.
    assert_eq!(
        due(app, id, "2026-12-23T17:30:00+02:00", 60).await,
        "2026-12-25T07:30:00Z"
    );
    // The lunch break is not business time: Monday 12:30 + 60 min = 14:30.
    assert_eq!(
        due(app, id, "2026-12-28T12:30:00+02:00", 60).await,
        "2026-12-28T12:30:00Z"
    );
    // New Year's Eve closes at 12:00; then the weekend is closed... and
    // 2027-01-01 is a Friday with its usual hours.
    assert_eq!(
        due(app, id, "2026-12-31T11:00:00+02:00", 120).await,
        "2027-01-01T08:00:00Z"
    );
    // Zero minutes: the start itself, in UTC.
    assert_eq!(
        due(app, id, "2026-12-28T10:00:00+02:00", 0).await,
        "2026-12-28T08:00:00Z"
    );

    // An overnight shift belongs to the day it starts on; Riga's clocks go
    // forward at 03:00 on Sunday 29 March 2026, so that night is an hour
    // shorter in real time.
    let night = create(
        app,
        json!({"name": "Naktī", "timezone": "Europe/Riga",
               "hours": {"sat": [["22:00", "06:00"]]}}),
    )
    .await;
    // Saturday 28 March 22:00 (UTC+2) + 420 open minutes = Sunday 06:00 (UTC+3).
    assert_eq!(
        due(app, night, "2026-03-28T22:00:00+02:00", 420).await,
        "2026-03-29T03:00:00Z"
    );
    // One minute more is the next Saturday night.
    assert_eq!(
        due(app, night, "2026-03-28T22:00:00+02:00", 421).await,
        "2026-04-04T19:01:00Z"
    );

    // Mistakes and impossible answers are 422s that say why.
    let (s, e) = add(app, id, "2026-12-28T10:00:00+02:00", -5).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "minutes");
    let (s, e) = add(app, id, "next monday", 5).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "start");
    let never = create(app, json!({"name": "Never", "timezone": "Asia/Seoul"})).await;
    let (s, e) = add(app, never, "2026-12-28T10:00:00+09:00", 1).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no open time"),
        "{e}"
    );
    assert_eq!(
        add(app, 999_999, "2026-12-28T10:00:00Z", 1).await.0,
        StatusCode::NOT_FOUND
    );
}

const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//Holidays//LV\r\n\
BEGIN:VEVENT\r\nUID:jani@example\r\nDTSTART;VALUE=DATE:20260623\r\nDTEND;VALUE=DATE:20260625\r\n\
SUMMARY:Līgo un Jāņi\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:eve@example\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261225\r\n\
SUMMARY:Ziemassvētki\\, vakars\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn import(app: &TestApp, id: i64, query: &str, body: &str, ct: &str) -> (StatusCode, Value) {
    let r = app
        .client
        .post(format!(
            "{}/api/v1/calendars/{id}/holidays/import?{query}",
            app.base
        ))
        .bearer_auth(&app.admin)
        .header("content-type", ct)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn holidays_import_from_ical_with_a_preview(app: &TestApp) {
    let id = create(app, riga()).await;
    // The preview shows what would change, and changes nothing.
    let (s, p) = import(app, id, "years=2026-2027", FEED, "text/calendar").await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["saved"], false);
    let added: Vec<&str> = p["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(
        added,
        ["2026-06-23", "2026-06-24", "2027-06-23", "2027-06-24"]
    );
    assert_eq!(p["added"][0]["name"], "Līgo un Jāņi");
    // The file's Christmas Eve replaces the calendar's own, name unescaped.
    assert_eq!(
        p["replaced"],
        json!([{"date": "2026-12-24", "name": "Ziemassvētki, vakars"}])
    );
    assert_eq!(p["holidays"].as_array().unwrap().len(), 6);
    let (_, c) = app
        .get(&format!("/api/v1/calendars/{id}"), &app.admin)
        .await;
    assert_eq!(
        c["holidays"].as_array().unwrap().len(),
        2,
        "a preview saves nothing"
    );

    // Saved, the holidays count: Tuesday 23 June 2026 is closed.
    let (s, p) = import(app, id, "years=2026-2027&save=true", FEED, "text/calendar").await;
    assert_eq!(
        (s, p["saved"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{p}"
    );
    let (_, c) = app
        .get(&format!("/api/v1/calendars/{id}"), &app.admin)
        .await;
    assert_eq!(c["holidays"].as_array().unwrap().len(), 6);
    assert_eq!(
        due(app, id, "2026-06-22T17:00:00+03:00", 120).await,
        "2026-06-25T07:00:00Z"
    );

    // What is not an iCalendar file is refused with the reason.
    let (s, e) = import(
        app,
        id,
        "",
        "Subject: hello\r\n\r\nnot a calendar",
        "text/calendar",
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("BEGIN:VCALENDAR"),
        "{e}"
    );
    let (s, _) = import(app, id, "", FEED, "application/json").await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (s, e) = import(app, id, "years=soon", FEED, "text/calendar").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "years");
}
