//! Reports, continued: the CSAT report's groupings each add up to the same
//! totals (or say what is not attributed), and the survey metrics agree.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::reports::{lines, message, patch, report};
use crate::support::TestApp;

on_both_with_clock!(survey_totals_add_up_in_every_grouping);

async fn survey_totals_add_up_in_every_grouping(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    use crate::surveys::{
        confirm, conversation_from, deliver, desk, links, mail, pass, reply_and_solve, survey_mails,
    };
    let (inbox, aiko, aiko_tok) = desk(app).await;
    let support = app.get("/api/v1/teams", &app.admin).await.1["items"][0]["id"]
        .as_i64()
        .expect("the desk's team");
    // Bo is in two teams, and credited together with Aiko: before, the
    // survey counted twice by agent and by team.
    let (bo, bo_tok) = app.user("bo@example.com", "Bo Boss", "agent").await;
    let (s, b) = app
        .post(
            &format!("/api/v1/teams/{support}/members"),
            &app.admin,
            json!({"user_id": bo}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    app.team("VIP", &[bo], &[inbox]).await;

    let one = conversation_from(app, inbox, "one@example.com", "one", aiko).await;
    patch(app, &app.admin, one, json!({"team_id": support})).await;
    reply_and_solve(app, &aiko_tok, one, "Sent again.").await;
    let two = conversation_from(app, inbox, "two@example.com", "two", bo).await;
    message(app, &aiko_tok, two, json!({"text": "Looking"})).await;
    reply_and_solve(app, &bo_tok, two, "Refunded.").await;
    // Nobody owns the third, and nobody answered it.
    let o = deliver(
        app,
        inbox,
        mail(
            "three@example.com",
            "Three",
            "three@customer.example",
            "",
            "Hello?",
        ),
    )
    .await;
    let three = o["conversation_id"].as_i64().unwrap();
    patch(
        app,
        &app.admin,
        three,
        json!({"assignee_id": null, "status": "solved"}),
    )
    .await;
    pass(app).await;
    let l = links(app, &survey_mails(app, one).await[0]);
    let (s, page) = confirm(app, &l["5"]).await;
    assert_eq!(s, StatusCode::OK, "{page}");

    for group_by in ["agent", "team", "inbox", "channel"] {
        let (s, r) = app
            .get(
                &format!("/api/v1/reports/csat?group_by={group_by}"),
                &app.admin,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let items = r["items"].as_array().unwrap();
        let sent: i64 = items.iter().map(|i| i["sent"].as_i64().unwrap()).sum();
        let rated: i64 = items.iter().map(|i| i["rated"].as_i64().unwrap()).sum();
        assert_eq!((sent, rated), (3, 1), "{group_by}: {r}");
    }
    let sent_by = |r: &Value| -> Vec<(String, i64)> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["key"].as_str().unwrap().to_string(),
                    i["sent"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let (_, r) = app
        .get("/api/v1/reports/csat?group_by=agent", &app.admin)
        .await;
    assert_eq!(
        sent_by(&r),
        [
            (aiko.to_string(), 1),
            (bo.to_string(), 1),
            (String::new(), 1)
        ]
    );
    assert_eq!(r["items"][2]["name"], "none");
    let (_, r) = app
        .get("/api/v1/reports/csat?group_by=team", &app.admin)
        .await;
    assert_eq!(sent_by(&r), [(support.to_string(), 1), (String::new(), 2)]);

    // The metrics agree: three surveys sent, one answered, satisfied.
    let range = "from=2026-11-01&to=2026-12-31";
    for group_by in ["agent", "team", "inbox", "channel", "language", "tag"] {
        let rate = report(
            app,
            &format!("metric=response_rate&group_by={group_by}&{range}"),
        )
        .await;
        let count: i64 = lines(&rate).iter().map(|(_, n, _)| n).sum();
        assert_eq!(count, 3, "{group_by}: {rate:?}");
    }
    let rate = report(app, &format!("metric=response_rate&group_by=agent&{range}")).await;
    assert_eq!(
        lines(&rate),
        [
            (aiko.to_string(), 1, 1.0),
            (bo.to_string(), 1, 0.0),
            (String::new(), 1, 0.0)
        ]
    );
    let csat = report(app, &format!("metric=csat&group_by=inbox&{range}")).await;
    assert_eq!(lines(&csat), [(inbox.to_string(), 1, 1.0)]);
}
