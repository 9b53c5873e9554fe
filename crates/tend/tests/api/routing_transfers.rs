//! Routing, continued: transfers with reasons and their report, expected
//! waits and follow-up offers, and the checks on routing settings.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::routing::*;
use crate::support::{Backend, TestApp};

on_both_backends!(
    transfers_need_a_reason_and_are_counted,
    queues_estimate_the_wait_and_offer_a_follow_up,
    routing_settings_are_checked,
);

async fn transfers_need_a_reason_and_are_counted(app: &TestApp) {
    let d = desk(
        app,
        "tr",
        2,
        json!({"strategy": "round_robin"}),
        json!({}),
        true,
    )
    .await;
    let ((a, a_tok), (b, _)) = (d.agents[0].clone(), d.agents[1].clone());
    let c = arrive(app, d.inbox, "email", "t@example.com", json!({})).await;
    assert_eq!(c["assignee_id"], a);
    let path = format!("/api/v1/conversations/{}", c["id"]);
    for (body, field) in [
        (json!({"assignee_id": b}), "reason"),
        (
            json!({"assignee_id": b, "reason": {"category": "lunch", "text": "x"}}),
            "reason.category",
        ),
        (
            json!({"assignee_id": b, "reason": {"category": "skill", "text": "  "}}),
            "reason.text",
        ),
    ] {
        let (s, e) = app.patch(&path, &a_tok, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    }
    assert_eq!(
        conversation(app, c["id"].as_i64().unwrap()).await["assignee_id"],
        a,
        "nothing moved"
    );
    let (s, t) = app
        .patch(
            &path,
            &a_tok,
            json!({"assignee_id": b, "reason": {"category": "skill", "text": "Refund specialist"}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["transfer_count"], 1);
    let data = last_event(app, c["id"].as_i64().unwrap(), "transferred").await;
    assert_eq!(
        data,
        json!({"from": a, "to": b, "by": "agent", "reason": {"category": "skill", "text": "Refund specialist"}})
    );
    // A second conversation of the team that nobody passes on.
    arrive(app, d.inbox, "email", "u@example.com", json!({})).await;

    let (s, r) = app.get("/api/v1/reports/transfers", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let row = |id: i64| {
        r["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["user_id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(a)["transferred"], 1);
    assert_eq!(row(a)["received"], 1);
    assert_eq!(row(a)["transfer_rate"], 1.0);
    assert_eq!(row(b)["received"], 2, "the transfer and its own assignment");
    assert_eq!(row(b)["transfer_rate"], 0.0);
    let team = r["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team_id"] == d.team)
        .cloned()
        .unwrap();
    assert_eq!(team["conversations"], 2);
    assert_eq!(team["transferred_conversations"], 1);
    assert_eq!(team["transfer_rate"], 0.5);
    assert_eq!(r["categories"]["skill"], 1);
    let (s, _) = app.get("/api/v1/reports/transfers", &a_tok).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not see the report");
    let (s, e) = app
        .get("/api/v1/reports/transfers?from=yesterday", &app.admin)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "from");
}

async fn queues_estimate_the_wait_and_offer_a_follow_up(app: &TestApp) {
    let d = desk(
        app,
        "ew",
        1,
        json!({}),
        json!({"capacity": {"chat": 1}}),
        false,
    )
    .await;
    let chat_of = |q: &Value| {
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["team_id"] == d.team)
            .cloned()
            .unwrap()["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel"] == "chat")
            .cloned()
            .unwrap()
    };
    let (_, q) = app.get("/api/v1/queues", &app.admin).await;
    let chat = chat_of(&q);
    assert!(
        chat["expected_wait_seconds"].is_null(),
        "nobody online: {chat}"
    );
    assert_eq!(chat["offer_follow_up"], true);

    presence(app, &d.agents[0].1, "online").await;
    let (_, q) = app.get("/api/v1/queues", &app.admin).await;
    assert_eq!(chat_of(&q)["expected_wait_seconds"], 0, "a free place");
    assert_eq!(chat_of(&q)["offer_follow_up"], false);

    for i in 0..2 {
        arrive(
            app,
            d.inbox,
            "chat",
            &format!("w{i}@example.com"),
            json!({}),
        )
        .await;
    }
    let (_, q) = app.get("/api/v1/queues", &app.admin).await;
    let chat = chat_of(&q);
    assert_eq!(chat["waiting"], 1);
    assert_eq!(chat["free_slots"], 0);
    // One place, a default 300 s per chat, one ahead: 2 × 300 s.
    assert_eq!(chat["expected_wait_seconds"], 600, "{chat}");
    assert_eq!(chat["offer_follow_up"], true, "over the 5-minute limit");
    // The agents' own view shows their team's queue.
    let (s, q) = app.get("/api/v1/queues", &d.agents[0].1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(q["items"].as_array().unwrap().len(), 1);
    // The widget's service call answers the same for the inbox.
    let est = tend::routing::service::queue_estimate(&app.st, d.inbox, "chat")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(est.channels[0].expected_wait_seconds, Some(600));
    assert!(est.channels[0].offer_follow_up);
}

async fn routing_settings_are_checked(app: &TestApp) {
    let inbox = app.inbox("api", None).await;
    let (agent, tok) = app.user("set@example.com", "Set", "agent").await;
    let (other, _) = app.user("other@example.com", "Other", "agent").await;
    let team = app.team("settings", &[agent], &[]).await;
    let path = format!("/api/v1/inboxes/{inbox}/routing");
    let (s, _) = put(app, &path, &tok, json!({"team_id": team})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "agents do not set rules");
    let (s, e) = put(app, &path, &app.admin, json!({"team_id": team})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        e["error"]["details"]["field"], "team_id",
        "the team lacks the inbox"
    );
    let (s, e) = put(
        app,
        &path,
        &app.admin,
        json!({"team_id": team, "strategy": "random"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "strategy");
    let (s, _) = app.get(&path, &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "not routed yet");
    let (s, _) = put(
        app,
        "/api/v1/inboxes/999999/routing",
        &app.admin,
        json!({"team_id": team}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, _) = app
        .get(&format!("/api/v1/users/{agent}/routing"), &tok)
        .await;
    assert_eq!(s, StatusCode::OK, "one's own profile");
    let (s, _) = app
        .get(&format!("/api/v1/users/{other}/routing"), &tok)
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = put(
        app,
        &format!("/api/v1/users/{agent}/routing"),
        &tok,
        json!({"capacity": {"chat": 9}}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "agents do not set their own capacity"
    );
    let (s, e) = put(
        app,
        &format!("/api/v1/users/{agent}/routing"),
        &app.admin,
        json!({"capacity": {"fax": 1}}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "capacity.fax");
    let (s, e) = put(
        app,
        "/api/v1/me/presence",
        &tok,
        json!({"presence": "busy"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "presence");
    let (s, me) = app.get("/api/v1/me/routing", &tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        me["presence"], "offline",
        "offline until they say otherwise"
    );
    assert_eq!(me["capacity"]["chat"], 3, "default capacity");
    assert_eq!(me["capacity"]["email"], 20);
}

/// Auto-away runs on the injected clock: no sleeping.
async fn auto_away_by_the_clock(backend: Backend) {
    let clock = tend::time::ManualClock::new(1_800_000_000_000);
    let Some(app) = TestApp::start_with_clock(backend, &[], clock.clone()).await else {
        return;
    };
    let d = desk(&app, "aa", 1, json!({}), json!({}), true).await;
    let (agent, tok) = d.agents[0].clone();
    // (The server's own sweep runs on the same clock every few seconds; the
    // test sweeps itself and checks the state, whoever swept first.)
    clock.advance_ms(599_000);
    tend::routing::service::sweep(&app.st).await.unwrap();
    let (_, me) = app.get("/api/v1/me/routing", &tok).await;
    assert_eq!(me["presence"], "online", "not idle long enough");
    clock.advance_ms(2_000);
    tend::routing::service::sweep(&app.st).await.unwrap();
    let (_, me) = app.get("/api/v1/me/routing", &tok).await;
    assert_eq!(
        (me["presence"].clone(), me["auto_away"].clone()),
        (json!("away"), json!(true))
    );
    let c = arrive(&app, d.inbox, "chat", "idle@example.com", json!({})).await;
    assert!(
        c["assignee_id"].is_null(),
        "an away agent takes nothing new"
    );
    let (s, me) = app
        .call(Method::POST, "/api/v1/me/heartbeat", &tok, None)
        .await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["presence"], "online", "activity brings them back");
    assert_eq!(
        conversation(&app, c["id"].as_i64().unwrap()).await["assignee_id"],
        agent,
        "and the queue moves"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_away_by_the_clock_sqlite() {
    auto_away_by_the_clock(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_away_by_the_clock_postgres() {
    auto_away_by_the_clock(Backend::Postgres).await;
}
