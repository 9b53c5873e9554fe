//! Moving a conversation to another team hands it to that team's routing,
//! whoever moves it: a rule's `assign_team` action (issue 20: "assign a
//! team … through routing") or an agent. In a routed inbox the owner keeps
//! it when they are a member of the new team; otherwise it is released and
//! assigned or queued within the new team. Without a routing rule the team
//! is only a label.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::routing::{arrive, conversation, desk, events, last_event, presence, put};
use crate::support::TestApp;

on_both_backends!(
    a_team_change_routes_within_the_new_team,
    an_owner_in_the_new_team_keeps_the_conversation,
);

async fn refund_rule(app: &TestApp, team: i64) {
    let (s, b) = app
        .post(
            "/api/v1/automations",
            &app.admin,
            json!({"name": "Refunds to Billing", "active": true, "position": 1,
                   "when": {"event": "conversation_created"},
                   "conditions": {"all": [{"field": "text", "op": "contains", "value": "refund"}]},
                   "actions": [{"type": "assign_team", "value": team}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

/// A second team working `inbox`: its agents `(id, token)`, with routing
/// profiles, offline.
async fn billing(app: &TestApp, inbox: i64, n: usize, also: &[i64]) -> (i64, Vec<(i64, String)>) {
    let mut agents = Vec::new();
    for i in 0..n {
        let (id, tok) = app
            .user(
                &format!("billing{i}@example.com"),
                &format!("Billing {i}"),
                "agent",
            )
            .await;
        let (s, b) = put(
            app,
            &format!("/api/v1/users/{id}/routing"),
            &app.admin,
            json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        agents.push((id, tok));
    }
    let mut ids: Vec<i64> = agents.iter().map(|(id, _)| *id).collect();
    ids.extend_from_slice(also);
    (app.team("Billing", &ids, &[inbox]).await, agents)
}

fn refund(text: &str) -> Value {
    json!({"message": {"text": text}})
}

async fn a_team_change_routes_within_the_new_team(app: &TestApp) {
    let front = desk(app, "front", 1, json!({}), json!({}), true).await;
    let front_agent = front.agents[0].0;
    let (team, agents) = billing(app, front.inbox, 2, &[]).await;
    refund_rule(app, team).await;

    // Routing gave it to Front's agent on arrival; the rule moved it to
    // Billing, whose agents are all offline: it waits in Billing's queue.
    let c = arrive(
        app,
        front.inbox,
        "email",
        "ana@example.com",
        refund("I would like a refund for order 42."),
    )
    .await;
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["team_id"], team, "{c}");
    assert!(c["assignee_id"].is_null(), "released by the move: {c}");
    let queued = last_event(app, id, "queued").await;
    assert_eq!(queued["team_id"], team);
    assert_eq!(queued["trigger"], "unassigned");
    let evs = events(app, id).await;
    let released: Vec<&Value> = evs
        .iter()
        .filter(|e| e["kind"] == "assigned" && e["data"]["trigger"] == "team_changed")
        .collect();
    assert_eq!(released.len(), 1, "{evs:?}");
    assert_eq!(released[0]["data"]["from"], front_agent);
    assert!(released[0]["data"]["to"].is_null());
    assert_eq!(released[0]["actor"]["kind"], "automation");
    let (_, q) = app.get("/api/v1/queues", &app.admin).await;
    let waiting = |team: i64| {
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["team_id"] == team)
            .map(|t| t["waiting"].clone())
            .unwrap_or(json!(0))
    };
    assert_eq!(waiting(team), 1, "{q}");
    assert_eq!(waiting(front.team), 0, "{q}");

    // A Billing agent comes online: Billing's queue gives it to them.
    presence(app, &agents[0].1, "online").await;
    assert_eq!(conversation(app, id).await["assignee_id"], agents[0].0);

    // With a Billing agent online, the next refund is theirs at once.
    let c = arrive(
        app,
        front.inbox,
        "email",
        "ben@example.com",
        refund("Refund please"),
    )
    .await;
    assert_eq!(c["team_id"], team);
    assert_eq!(c["assignee_id"], agents[0].0, "{c}");
    assert_eq!(
        last_event(app, c["id"].as_i64().unwrap(), "assigned").await["trigger"],
        "unassigned"
    );

    // Other conversations stay with Front.
    let other = arrive(
        app,
        front.inbox,
        "email",
        "cai@example.com",
        refund("Where is my parcel?"),
    )
    .await;
    assert_eq!(other["team_id"], front.team);
    assert_eq!(other["assignee_id"], front_agent);

    // An agent moving it to Billing does the same as the rule.
    let oid = other["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{oid}"),
            &front.agents[0].1,
            json!({"team_id": team}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["team_id"], team);
    assert_eq!(b["assignee_id"], agents[0].0, "routed within Billing: {b}");
    let released = last_event(app, oid, "assigned").await;
    assert_eq!(
        released["trigger"], "unassigned",
        "then assigned by routing"
    );
}

async fn an_owner_in_the_new_team_keeps_the_conversation(app: &TestApp) {
    let front = desk(app, "front", 1, json!({}), json!({}), true).await;
    let front_agent = front.agents[0].0;
    // Front's agent is in Billing too.
    let (team, _) = billing(app, front.inbox, 1, &[front_agent]).await;
    refund_rule(app, team).await;
    let c = arrive(
        app,
        front.inbox,
        "email",
        "ana@example.com",
        refund("A refund, please."),
    )
    .await;
    assert_eq!(c["team_id"], team);
    assert_eq!(c["assignee_id"], front_agent, "{c}");
    let evs = events(app, c["id"].as_i64().unwrap()).await;
    assert_eq!(
        evs.iter().filter(|e| e["kind"] == "assigned").count(),
        1,
        "assigned once, on arrival: {evs:?}"
    );

    // In an inbox without a routing rule the team is a label: nothing is
    // routed or queued.
    let plain = app.inbox("api", None).await;
    let c = arrive(app, plain, "api", "dan@example.com", refund("refund")).await;
    assert_eq!(c["team_id"], team);
    assert!(c["assignee_id"].is_null());
    let evs = events(app, c["id"].as_i64().unwrap()).await;
    assert!(
        !evs.iter()
            .any(|e| e["kind"] == "queued" || e["kind"] == "assigned"),
        "{evs:?}"
    );
}
