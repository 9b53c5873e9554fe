//! Surveys, continued: whom they go to (never robots, at most one per
//! customer per period) and what an unhappy answer starts.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use tend::time::ManualClock;

use crate::support::TestApp;
use crate::surveys::*;

on_both_with_clock!(
    no_survey_goes_to_auto_generated_addresses,
    at_most_one_survey_per_customer_per_period,
    unhappy_ratings_can_go_to_the_supervisor_queue_and_follow_ups_repeat,
);

async fn no_survey_goes_to_auto_generated_addresses(app: &TestApp, _clock: &Arc<ManualClock>) {
    let (inbox, agent, token) = desk(app).await;
    // An address no person reads.
    let robot = conversation_from(app, inbox, "noreply@shop.example", "d1", agent).await;
    // A customer known only from auto-generated mail: entered by an agent,
    // and all that ever came from the address was an autoresponder.
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": "Invoice", "customer": {"email": "orders@vendor.example"}, "channel": "email",
                   "inbox_id": inbox, "message": {"text": "Forwarded by phone"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let known_from_robots = c["id"].as_i64().unwrap();
    let o = deliver(
        app,
        inbox,
        mail(
            "orders@vendor.example",
            "Automatic reply",
            "d2@vendor.example",
            "Auto-Submitted: auto-replied\r\n",
            "I am away.",
        ),
    )
    .await;
    assert_eq!(o["outcome"], "ignored", "{o}");
    // And a person, for contrast.
    let person = conversation_from(app, inbox, "pau@customer.example", "d3", agent).await;
    for id in [robot, known_from_robots, person] {
        reply_and_solve(app, &token, id, "Done.").await;
    }
    pass(app).await;
    for id in [robot, known_from_robots] {
        assert!(
            survey_mails(app, id).await.is_empty(),
            "no survey mail for {id}"
        );
        let s = &surveys_of(app, id).await[0];
        assert_eq!(
            (s["status"].as_str(), s["skip_reason"].as_str()),
            (Some("skipped"), Some("auto_address")),
            "{s}"
        );
        assert!(
            event_kinds(app, id)
                .await
                .contains(&"survey_skipped".to_string())
        );
    }
    assert_eq!(survey_mails(app, person).await.len(), 1);
}

async fn at_most_one_survey_per_customer_per_period(app: &TestApp, clock: &Arc<ManualClock>) {
    let (inbox, agent, token) = desk(app).await;
    let first = conversation_from(app, inbox, "minji@customer.example", "e1", agent).await;
    let second = conversation_from(app, inbox, "minji@customer.example", "e2", agent).await;
    reply_and_solve(app, &token, first, "완료했습니다.").await;
    pass(app).await;
    clock.advance_ms(6 * DAY);
    reply_and_solve(app, &token, second, "완료했습니다.").await;
    pass(app).await;
    assert_eq!(survey_mails(app, first).await.len(), 1);
    assert!(
        survey_mails(app, second).await.is_empty(),
        "asked six days ago"
    );
    assert_eq!(
        surveys_of(app, second).await[0]["skip_reason"],
        "period_limit"
    );

    clock.advance_ms(2 * DAY);
    let third = conversation_from(app, inbox, "minji@customer.example", "e3", agent).await;
    reply_and_solve(app, &token, third, "완료했습니다.").await;
    pass(app).await;
    assert_eq!(
        survey_mails(app, third).await.len(),
        1,
        "the period has passed"
    );
}

async fn unhappy_ratings_can_go_to_the_supervisor_queue_and_follow_ups_repeat(
    app: &TestApp,
    _clock: &Arc<ManualClock>,
) {
    let (inbox, agent, token) = desk(app).await;
    let (_, boss) = app
        .user("sven@example.com", "Sven Super", "supervisor")
        .await;
    let id = conversation_from(app, inbox, "kim@customer.example", "f1", agent).await;
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"priority": "urgent"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    reply_and_solve(app, &token, id, "Done.").await;
    pass(app).await;
    let l = links(app, &survey_mails(app, id).await[0]);
    // A low rating alone is unhappy.
    let (s, page) = confirm(app, &l["2"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let c = conv(app, id).await;
    assert_eq!(c["status"], "open");
    assert!(c["assignee_id"].is_null(), "the supervisor queue: {c}");
    assert_eq!(c["priority"], "urgent", "urgent stays urgent");
    let (_, q) = app.get("/api/v1/tasks?assignee_id=none", &boss).await;
    let q = q["items"].as_array().unwrap().clone();
    assert_eq!(q.len(), 1, "{q:?}");
    let task = q[0]["id"].as_i64().unwrap();

    // The agent may not complete someone else's task; a supervisor may.
    let (s, _) = app
        .patch(
            &format!("/api/v1/tasks/{task}"),
            &token,
            json!({"done": true}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .patch(
            &format!("/api/v1/tasks/{task}"),
            &boss,
            json!({"done": false}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["details"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("done"))
    );
    let (s, t) = app
        .patch(
            &format!("/api/v1/tasks/{task}"),
            &boss,
            json!({"assignee_id": agent}),
        )
        .await;
    assert_eq!(
        (s, t["assignee_id"].as_i64()),
        (StatusCode::OK, Some(agent)),
        "{t}"
    );
    let (s, t) = app
        .patch(
            &format!("/api/v1/tasks/{task}"),
            &token,
            json!({"done": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert!(t["done_at"].is_string());
    // Not confirmed yet: the follow-up repeats.
    let (_, open_tasks) = app.get("/api/v1/tasks?assignee_id=me", &token).await;
    let open_tasks = open_tasks["items"].as_array().unwrap().clone();
    assert_eq!(open_tasks.len(), 1, "{open_tasks:?}");
    assert_ne!(open_tasks[0]["id"], task);
    let (_, done) = app.get("/api/v1/tasks?status=done", &boss).await;
    assert_eq!(done["items"][0]["id"], task);
    let (s, _) = app.get("/api/v1/tasks?status=late", &boss).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
