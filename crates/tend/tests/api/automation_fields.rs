//! Rules that change priority and tags (issue 20). Their changes are made
//! to the row the rules of one change hold, and written once per level of
//! the cascade (`conversations/plain.rs`, `Sight::flush_in`). What users
//! rely on, on SQLite and PostgreSQL: the conversation, the tag filter and
//! the service-level clocks all see every rule's change; a rule sees the
//! changes of the rules before it; a note between them is kept and
//! counted; each firing is recorded once, after what it changed, naming
//! the event that caused it.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::{ManualClock, rfc3339};

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::surveys::START;

const MIN: i64 = 60_000;

on_both_with_clock!(
    tags_and_priority_set_by_rules_are_seen_everywhere,
    a_rule_that_cannot_tag_is_skipped_alone,
);

async fn post(app: &TestApp, path: &str, body: Value) -> i64 {
    let (s, b) = app.post(path, &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().expect("id")
}

async fn get(app: &TestApp, path: &str) -> Value {
    let (s, b) = app.get(path, &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// The ids of the conversations the tag filter finds.
async fn tagged(app: &TestApp, tag: &str) -> Vec<i64> {
    let b = get(app, &format!("/api/v1/conversations?tag={tag}&limit=100")).await;
    b["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_i64().expect("id"))
        .collect()
}

fn rule(name: &str, position: i64, event: &str, cond: Value, actions: Value) -> Value {
    json!({"name": name, "active": true, "position": position, "when": {"event": event},
           "conditions": {"all": [cond]}, "actions": actions})
}

fn sorted(v: &Value) -> Vec<String> {
    let mut t: Vec<String> = v
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t.as_str().expect("tag").to_string())
        .collect();
    t.sort();
    t
}

async fn tags_and_priority_set_by_rules_are_seen_everywhere(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let urgent = post(
        app,
        "/api/v1/sla-policies",
        json!({"name": "Urgent", "position": 1, "business_hours": false,
               "match": {"priorities": ["urgent"]}, "targets": {"first_response": 60}}),
    )
    .await;
    post(
        app,
        "/api/v1/sla-policies",
        json!({"name": "Everything", "position": 2, "business_hours": false,
               "targets": {"first_response": 240}}),
    )
    .await;
    let refunds = post(
        app,
        "/api/v1/automations",
        rule(
            "Refunds",
            1,
            "conversation_created",
            json!({"field": "text", "op": "contains", "value": "返金"}),
            json!([{"type": "add_tags", "value": ["refund", "billing"]},
                   {"type": "set_priority", "value": "urgent"}]),
        ),
    )
    .await;
    // Fired by the first rule's change of tags (the next level).
    let escalate = post(
        app,
        "/api/v1/automations",
        rule(
            "Escalate refunds",
            2,
            "tags_changed",
            json!({"field": "tags", "op": "is", "value": "refund"}),
            json!([{"type": "remove_tags", "value": ["billing"]},
                   {"type": "add_tags", "value": ["escalated"]}]),
        ),
    )
    .await;
    // Sees the first rule's priority, not yet written.
    post(
        app,
        "/api/v1/automations",
        rule(
            "Urgent seen",
            3,
            "conversation_created",
            json!({"field": "priority", "op": "is", "value": "urgent"}),
            json!([{"type": "add_tags", "value": ["seen-urgent"]}]),
        ),
    )
    .await;
    // A note between the rules' changes, then one more tag.
    post(
        app,
        "/api/v1/automations",
        rule(
            "Note refunds",
            4,
            "conversation_created",
            json!({"field": "tags", "op": "is", "value": "refund"}),
            json!([{"type": "note", "text": "Refund request"},
                   {"type": "add_tags", "value": ["noted"]}]),
        ),
    )
    .await;

    let b = app
        .conversation(
            "注文について",
            "aiko@example.jp",
            "返金してください。",
            None,
        )
        .await;
    let id = b["id"].as_i64().expect("id");
    let c = get(app, &format!("/api/v1/conversations/{id}")).await;
    assert_eq!(c["priority"], "urgent", "{c}");
    assert_eq!(
        sorted(&c["tags"]),
        ["escalated", "noted", "refund", "seen-urgent"],
        "{c}"
    );
    // The creation's answer says the same as reading it.
    assert_eq!(sorted(&b["tags"]), sorted(&c["tags"]), "{b}");
    assert_eq!(b["priority"], "urgent");
    // The clocks follow the priority the rules set.
    assert_eq!(c["sla"]["policy_id"], urgent, "{c}");
    assert_eq!(c["sla"]["first_response_due"], rfc3339(START + 60 * MIN));
    // The tag filter finds exactly what the conversation says.
    for tag in ["escalated", "noted", "refund", "seen-urgent"] {
        assert_eq!(tagged(app, tag).await, vec![id], "{tag}");
    }
    assert!(tagged(app, "billing").await.is_empty());
    // The note is kept and counted.
    let notes: Vec<Value> =
        get(app, &format!("/api/v1/conversations/{id}/messages")).await["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|m| m["internal"] == true)
            .cloned()
            .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["text"], "Refund request");
    assert_eq!(c["message_count"], 2, "{c}");

    // Each rule fired once, after what it changed; the escalation names
    // the first rule's change of tags as its cause.
    let events = get(app, &format!("/api/v1/conversations/{id}/events?limit=200")).await;
    let events = events["items"].as_array().expect("items");
    let fired: Vec<&Value> = events
        .iter()
        .filter(|e| e["kind"] == "automation_fired")
        .collect();
    let names: Vec<&str> = fired
        .iter()
        .map(|e| e["data"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        ["Refunds", "Urgent seen", "Note refunds", "Escalate refunds"],
        "{events:?}"
    );
    let pos = |pred: &dyn Fn(&Value) -> bool| events.iter().position(pred).expect("event present");
    let first_tags = pos(&|e| e["kind"] == "tags_changed" && e["data"]["automation_id"] == refunds);
    let first_fired =
        pos(&|e| e["kind"] == "automation_fired" && e["data"]["automation_id"] == refunds);
    assert!(first_tags < first_fired, "{events:?}");
    let escalation = fired
        .iter()
        .find(|e| e["data"]["automation_id"] == escalate)
        .expect("escalation fired");
    assert_eq!(
        escalation["data"]["cause"]["event_id"], events[first_tags]["id"],
        "{escalation}"
    );
    assert_eq!(
        escalation["data"]["actions"],
        json!(["remove_tags", "add_tags"])
    );
    let escalated = events
        .iter()
        .find(|e| e["kind"] == "tags_changed" && e["data"]["automation_id"] == escalate)
        .expect("escalation's change");
    assert_eq!(
        escalated["data"]["removed"],
        json!(["billing"]),
        "{escalated}"
    );
    assert_eq!(escalated["data"]["added"], json!(["escalated"]));

    // An agent's change afterwards finds the tag rows as the rules left
    // them.
    let (s, p) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"remove_tags": ["refund"], "priority": "low"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(sorted(&p["tags"]), ["escalated", "noted", "seen-urgent"]);
    assert!(tagged(app, "refund").await.is_empty());
    assert_eq!(tagged(app, "noted").await, vec![id]);
}

async fn a_rule_that_cannot_tag_is_skipped_alone(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    // Fifty tags at most: the second rule's change cannot apply.
    let many: Vec<String> = (0..45).map(|i| format!("t{i}")).collect();
    post(
        app,
        "/api/v1/automations",
        rule(
            "Many",
            1,
            "conversation_created",
            json!({"field": "subject", "op": "contains", "value": "tags"}),
            json!([{"type": "add_tags", "value": many}]),
        ),
    )
    .await;
    let more: Vec<String> = (0..10).map(|i| format!("u{i}")).collect();
    post(
        app,
        "/api/v1/automations",
        rule(
            "Too many",
            2,
            "conversation_created",
            json!({"field": "subject", "op": "contains", "value": "tags"}),
            json!([{"type": "add_tags", "value": more},
                   {"type": "set_priority", "value": "high"}]),
        ),
    )
    .await;
    post(
        app,
        "/api/v1/automations",
        rule(
            "After",
            3,
            "conversation_created",
            json!({"field": "subject", "op": "contains", "value": "tags"}),
            json!([{"type": "set_priority", "value": "low"}]),
        ),
    )
    .await;
    let b = app
        .conversation("Lots of tags", "pau@example.cat", "Bon dia", None)
        .await;
    let id = b["id"].as_i64().expect("id");
    let c = get(app, &format!("/api/v1/conversations/{id}")).await;
    // The first and the last rule acted; the second's priority was tried
    // alone after its run could not apply, so it is set, then the third's.
    assert_eq!(c["tags"].as_array().expect("tags").len(), 45, "{c}");
    assert_eq!(c["priority"], "low");
    assert_eq!(tagged(app, "t44").await, vec![id]);
    assert!(tagged(app, "u0").await.is_empty());
    let events = get(app, &format!("/api/v1/conversations/{id}/events?limit=200")).await;
    let too_many = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["kind"] == "automation_fired" && e["data"]["name"] == "Too many")
        .cloned()
        .expect("fired");
    assert_eq!(
        too_many["data"]["actions"],
        json!(["set_priority"]),
        "{too_many}"
    );
    assert_eq!(too_many["data"]["skipped"][0]["action"], "add_tags");
    assert!(
        too_many["data"]["skipped"][0]["reason"]
            .as_str()
            .expect("reason")
            .contains("tags"),
        "{too_many}"
    );
}
