//! Notifications: `@name` in a note, assignment and a customer's reply
//! notify the agents they concern (never the one who acted, never one who
//! may not see the conversation), once each; the list, read state and
//! preferences (web, mail). Instead of waiting for the background task, a
//! test runs the follower to the log's end
//! (`notifications::follower::catch_up`).

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;

on_both_with_clock!(
    mentions_assignments_and_replies_notify_who_they_concern,
    read_state_and_paging,
    preferences_choose_web_and_mail,
    a_chat_waiting_in_the_queue_notifies_its_team,
);

/// Ana, Bob and 田中 work the default inbox; Cleo works another one.
struct Desk {
    ana: (i64, String),
    bob: (i64, String),
    tanaka: (i64, String),
    cleo: (i64, String),
}

async fn desk(app: &TestApp) -> Desk {
    let ana = app
        .user("ana.silva@desk.example", "Ana Silva", "agent")
        .await;
    let bob = app.user("bob@desk.example", "Bob Stone", "agent").await;
    let tanaka = app.user("hanako@desk.example", "田中 花子", "agent").await;
    let cleo = app.user("cleo@desk.example", "Cleo Park", "agent").await;
    app.team("Front", &[ana.0, bob.0, tanaka.0], &[app.st.default_inbox])
        .await;
    let other = app.inbox("email", Some("other@desk.example")).await;
    app.team("Back", &[cleo.0], &[other]).await;
    Desk {
        ana,
        bob,
        tanaka,
        cleo,
    }
}

async fn mine(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    tend::notifications::follower::catch_up(&app.st)
        .await
        .unwrap();
    let (s, b) = app
        .get(&format!("/api/v1/notifications{query}"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

async fn note(app: &TestApp, token: &str, id: i64, text: &str) {
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            token,
            json!({"text": text, "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

async fn mentions_assignments_and_replies_notify_who_they_concern(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let d = desk(app).await;
    let c = app
        .conversation("Broken kettle", "mara@customer.example", "It leaks.", None)
        .await;
    let id = c["id"].as_i64().unwrap();

    note(
        app,
        &d.bob.1,
        id,
        "@Ana can you look? @Cleo too, and @bob myself",
    )
    .await;
    let ana = mine(app, &d.ana.1, "").await;
    assert_eq!(kinds(&ana), ["mention"]);
    assert_eq!(ana[0]["conversation_id"], id);
    assert_eq!(ana[0]["actor_id"], d.bob.0);
    assert_eq!(ana[0]["actor_name"], "Bob Stone");
    assert!(
        ana[0]["excerpt"]
            .as_str()
            .unwrap()
            .starts_with("@Ana can you look?")
    );
    // Cleo may not see the conversation; Bob wrote it.
    assert!(mine(app, &d.cleo.1, "").await.is_empty());
    assert!(mine(app, &d.bob.1, "").await.is_empty());

    // A Japanese name, written without a space before the honorific.
    note(app, &app.admin, id, "@田中さん 確認お願いします").await;
    assert_eq!(kinds(&mine(app, &d.tanaka.1, "").await), ["mention"]);

    // Assigned by someone else: told. Taken oneself: not.
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": d.ana.0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let other = app
        .conversation("Lid stuck", "ivo@customer.example", "Cannot open it.", None)
        .await;
    let other = other["id"].as_i64().unwrap();
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{other}"),
            &d.bob.1,
            json!({"assignee_id": d.bob.0}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(
        kinds(&mine(app, &d.ana.1, "").await),
        ["assigned", "mention"]
    );
    assert!(mine(app, &d.bob.1, "").await.is_empty());

    // The customer writes again: the owner is told.
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "Still leaking.", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let ana = mine(app, &d.ana.1, "").await;
    assert_eq!(kinds(&ana), ["customer_replied", "assigned", "mention"]);

    // Following the log again makes nothing twice.
    assert_eq!(mine(app, &d.ana.1, "").await.len(), 3);
    assert_eq!(app.rows("notifications").await, 4);
}

async fn read_state_and_paging(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let d = desk(app).await;
    let c = app
        .conversation("Refund", "lina@customer.example", "Please refund.", None)
        .await;
    let id = c["id"].as_i64().unwrap();
    for i in 0..3 {
        note(app, &d.bob.1, id, &format!("@Ana Silva number {i}")).await;
    }
    let all = mine(app, &d.ana.1, "").await;
    assert_eq!(all.len(), 3);
    let (s, p) = app.get("/api/v1/notifications?limit=2", &d.ana.1).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["items"].as_array().unwrap().len(), 2);
    let cursor = p["next_cursor"].as_str().expect("a next page").to_string();
    let (_, p2) = app
        .get(
            &format!("/api/v1/notifications?limit=2&cursor={cursor}"),
            &d.ana.1,
        )
        .await;
    assert_eq!(p2["items"][0]["id"], all[2]["id"]);
    assert_eq!(p2["next_cursor"], Value::Null);

    let first = all[0]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/notifications/{first}/read"),
            &d.ana.1,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["unread"], 2);
    assert_eq!(mine(app, &d.ana.1, "?unread=true").await.len(), 2);
    let read = mine(app, &d.ana.1, "").await;
    assert!(read[0]["read_at"].is_string());

    // Someone else's notification is not there for them.
    let (s, _) = app
        .post(
            &format!("/api/v1/notifications/{first}/read"),
            &d.bob.1,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = app
        .get("/api/v1/notifications?unread=maybe", &d.ana.1)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "unread");

    let (s, b) = app
        .post("/api/v1/notifications/read-all", &d.ana.1, json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["unread"], 0);
    assert!(mine(app, &d.ana.1, "?unread=true").await.is_empty());
}

async fn preferences_choose_web_and_mail(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let d = desk(app).await;
    // Mail needs a sender address.
    app.inbox("email", Some("desk@desk.example")).await;
    let (s, p) = app.get("/api/v1/notifications/preferences", &d.ana.1).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    for k in [
        "mention",
        "assigned",
        "customer_replied",
        "chat_waiting",
        "snooze_ended",
    ] {
        assert_eq!(p["kinds"][k], json!({"web": true, "mail": false}), "{k}");
    }
    assert_eq!(p["sound"], false);

    let (s, p) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/notifications/preferences",
            &d.ana.1,
            Some(json!({"kinds": {"mention": {"web": false, "mail": true}}, "sound": true})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["kinds"]["mention"], json!({"web": false, "mail": true}));
    assert_eq!(p["kinds"]["assigned"], json!({"web": true, "mail": false}));
    assert_eq!(p["sound"], true);
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/notifications/preferences",
            &d.ana.1,
            Some(json!({"kinds": {"gossip": {"web": true, "mail": true}}})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "kinds.gossip");

    let c = app
        .conversation("Invoice", "oto@customer.example", "Wrong total.", None)
        .await;
    let id = c["id"].as_i64().unwrap();
    note(app, &d.bob.1, id, "@Ana please check the total").await;
    // By mail only: not in the workspace's list, one mail in the outbox.
    assert!(mine(app, &d.ana.1, "").await.is_empty());
    let mails: Vec<(String,)> =
        sqlx::query_as("SELECT rcpt FROM outbox WHERE kind = 'notification'")
            .fetch_all(app.st.db.pool())
            .await
            .unwrap();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].0.contains("ana.silva@desk.example"), "{mails:?}");
    // Following the log again sends nothing twice.
    tend::notifications::follower::catch_up(&app.st)
        .await
        .unwrap();
    assert_eq!(app.rows("outbox WHERE kind = 'notification'").await, 1);
}

async fn a_chat_waiting_in_the_queue_notifies_its_team(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    use crate::routing::{arrive, desk, last_event};
    // A routed inbox whose two agents are offline: arrivals wait in the
    // team's queue.
    let front = desk(app, "front", 2, json!({}), json!({}), false).await;
    let chat = arrive(app, front.inbox, "chat", "eva@customer.example", json!({})).await;
    let chat = chat["id"].as_i64().unwrap();
    assert_eq!(last_event(app, chat, "queued").await["team_id"], front.team);
    let mail = arrive(app, front.inbox, "email", "ola@customer.example", json!({})).await;
    let mail = mail["id"].as_i64().unwrap();
    assert_eq!(last_event(app, mail, "queued").await["team_id"], front.team);
    // Only the chat is worth a notification, to each of the team.
    for (_, token) in &front.agents {
        let items = mine(app, token, "").await;
        assert_eq!(kinds(&items), ["chat_waiting"], "{items:?}");
        assert_eq!(items[0]["conversation_id"], chat);
    }
}
