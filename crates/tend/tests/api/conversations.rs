//! Conversations: create, read, list, change, messages, and the timeline.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    japanese_conversation_round_trips,
    timeline_records_every_change_in_order,
    lists_filter_and_paginate,
    customer_message_reopens_a_solved_conversation,
    closed_conversation_takes_notes_but_no_replies,
    concurrent_creates_are_all_kept_once,
    failing_writes_do_not_undo_their_neighbours,
    concurrent_changes_to_one_conversation_are_not_lost,
);

async fn japanese_conversation_round_trips(app: &TestApp) {
    let subject = "請求書が届きません【至急】";
    let text =
        "お世話になっております。\n先月分の請求書がまだ届いていません。ご確認をお願いします。";
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": subject, "customer": {"email": "Yuki.Yamada@Example.JP", "name": "山田 由紀"},
                   "message": {"text": text}, "priority": "high", "tags": ["請求", "Billing"], "language": "ja"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["subject"], subject);
    assert_eq!(c["status"], "new");
    assert_eq!(c["priority"], "high");
    assert_eq!(c["channel"], "api");
    assert_eq!(c["language"], "ja");
    assert_eq!(c["tags"], json!(["請求", "billing"]));
    assert_eq!(c["customer"]["email"], "yuki.yamada@example.jp");
    assert_eq!(c["customer"]["name"], "山田 由紀");
    assert!(c["inbox_id"].as_i64().is_some(), "default inbox used");
    let id = c["id"].as_i64().unwrap();

    let (s, got) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(got, c, "GET returns what POST returned");

    let (_, msgs) = app
        .get(&format!("/api/v1/conversations/{id}/messages"), &app.admin)
        .await;
    assert_eq!(msgs["items"][0]["text"], text, "body stored byte for byte");
    assert_eq!(msgs["items"][0]["direction"], "in");
    assert_eq!(msgs["items"][0]["author"]["kind"], "customer");

    let (_, list) = app
        .get("/api/v1/conversations?status=new", &app.admin)
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
    );

    let (s, solved) = app
        .patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"status": "solved"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{solved}");
    assert_eq!(solved["status"], "solved");
    assert!(solved["solved_at"].is_string());
    assert!(solved["waiting_since"].is_null());
}

async fn timeline_records_every_change_in_order(app: &TestApp) {
    let (alice, alice_tok) = app
        .user("alice@example.com", "Alice Agent", "supervisor")
        .await;
    let (bob, _) = app.user("bob@example.com", "Bob Agent", "supervisor").await;
    let c = app
        .conversation(
            "Quota exceeded",
            "jordi@example.cat",
            "No puc accedir al compte d'usuari.",
            None,
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let path = format!("/api/v1/conversations/{id}");

    let (s, b) = app
        .patch(&path, &alice_tok, json!({"assignee_id": alice}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, m) = app
        .post(
            &format!("{path}/messages"),
            &alice_tok,
            json!({"text": "Hola Jordi, ho mirem ara."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["direction"], "out");
    assert_eq!(m["author"]["id"], alice);
    let (_, after_reply) = app.get(&path, &app.admin).await;
    assert_eq!(
        after_reply["status"], "open",
        "first public reply opens a new conversation"
    );
    assert!(after_reply["first_response_at"].is_string());
    let first_response = after_reply["first_response_at"].clone();

    let (s, n) = app
        .post(
            &format!("{path}/messages"),
            &alice_tok,
            json!({"text": "Sembla un problema de quota.", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["internal"], true);
    let (s, _) = app
        .post(
            &format!("{path}/messages"),
            &alice_tok,
            json!({"text": "Segona resposta."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, later) = app.get(&path, &app.admin).await;
    assert_eq!(
        later["first_response_at"], first_response,
        "only the first reply sets first_response_at"
    );

    let (s, _) = app
        .patch(
            &path,
            &alice_tok,
            json!({"priority": "urgent", "tags": ["quota", "compte"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // Moving an owned conversation to someone else needs a reason, and a
    // refused transfer changes nothing.
    let (s, e) = app
        .patch(
            &path,
            &alice_tok,
            json!({"assignee_id": bob, "status": "pending"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "reason");
    let (_, unchanged) = app.get(&path, &app.admin).await;
    assert_eq!(
        unchanged["status"], "open",
        "the refused patch left no half-change"
    );
    assert_eq!(unchanged["assignee_id"], alice);

    let (s, t) = app
        .patch(
            &path,
            &alice_tok,
            json!({"assignee_id": bob, "reason": "Bob owns billing quotas"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["assignee_id"], bob);
    assert_eq!(t["transfer_count"], 1);
    let (s, _) = app
        .patch(&path, &app.admin, json!({"status": "solved"}))
        .await;
    assert_eq!(s, StatusCode::OK);

    let (s, ev) = app.get(&format!("{path}/events"), &app.admin).await;
    assert_eq!(s, StatusCode::OK);
    let items = ev["items"].as_array().unwrap();
    let kinds: Vec<&str> = items.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "message_added",
            "assigned",
            "message_added",
            "status_changed",
            "note_added",
            "message_added",
            "priority_changed",
            "tags_changed",
            "transferred",
            "status_changed"
        ]
    );
    let ids: Vec<i64> = items.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert_eq!(items[0]["actor"]["name"], "Ada Admin");
    assert_eq!(items[1]["actor"]["kind"], "customer");
    // The opening message's event names that message (SQLite writes the
    // first message and both events in one statement batch).
    let (_, msgs) = app.get(&format!("{path}/messages"), &app.admin).await;
    assert_eq!(
        items[1]["data"],
        json!({"message_id": msgs["items"][0]["id"], "direction": "in", "attachments": 0})
    );
    assert_eq!(
        items[0]["data"]["subject"], "Quota exceeded",
        "the created event keeps its data"
    );
    assert_eq!(items[2]["actor"]["name"], "Alice Agent");
    assert_eq!(
        items[2]["data"],
        json!({"from": null, "to": alice, "by": "agent", "reason": null})
    );
    assert_eq!(items[4]["data"], json!({"from": "new", "to": "open"}));
    assert_eq!(items[7]["data"], json!({"from": "normal", "to": "urgent"}));
    assert_eq!(
        items[9]["data"],
        json!({"from": alice, "to": bob, "by": "agent",
               "reason": {"category": "other", "text": "Bob owns billing quotas"}}),
        "a plain-text reason is kept as category `other`"
    );
    assert_eq!(items[10]["actor"]["name"], "Ada Admin");
    assert_eq!(items[10]["data"], json!({"from": "open", "to": "solved"}));
}

async fn lists_filter_and_paginate(app: &TestApp) {
    let (agent, _) = app.user("carla@example.com", "Carla", "supervisor").await;
    let mut ids = vec![];
    for i in 0..7 {
        let c = app
            .conversation(
                &format!("Pregunta {i}"),
                &format!("c{i}@example.lv"),
                "Labdien!",
                None,
            )
            .await;
        ids.push(c["id"].as_i64().unwrap());
    }
    app.patch(
        &format!("/api/v1/conversations/{}", ids[0]),
        &app.admin,
        json!({"assignee_id": agent, "tags": ["vip"], "priority": "low"}),
    )
    .await;
    app.patch(
        &format!("/api/v1/conversations/{}", ids[1]),
        &app.admin,
        json!({"status": "pending"}),
    )
    .await;

    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations?limit=3&cursor={c}"),
            None => "/api/v1/conversations?limit=3".into(),
        };
        let (s, page) = app.get(&path, &app.admin).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        pages += 1;
        for i in page["items"].as_array().unwrap() {
            seen.push(i["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(
        seen, expected,
        "newest first, every conversation exactly once"
    );

    let only = |v: Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    let (_, b) = app
        .get(
            &format!("/api/v1/conversations?assignee_id={agent}"),
            &app.admin,
        )
        .await;
    assert_eq!(only(b), vec![ids[0]]);
    let (_, b) = app.get("/api/v1/conversations?tag=VIP", &app.admin).await;
    assert_eq!(only(b), vec![ids[0]]);
    let (_, b) = app
        .get("/api/v1/conversations?priority=low", &app.admin)
        .await;
    assert_eq!(only(b), vec![ids[0]]);
    let (_, b) = app
        .get("/api/v1/conversations?status=pending", &app.admin)
        .await;
    assert_eq!(only(b), vec![ids[1]]);
    let (_, b) = app
        .get(
            "/api/v1/conversations?status=new,pending&assignee_id=none&limit=200",
            &app.admin,
        )
        .await;
    assert_eq!(only(b).len(), 6);
    let (_, b) = app
        .get("/api/v1/conversations?q=pregunta%203", &app.admin)
        .await;
    assert_eq!(only(b), vec![ids[3]]);
    let (_, b) = app.get("/api/v1/conversations?q=100%25", &app.admin).await;
    assert!(only(b).is_empty(), "a % in q is literal");
    let (_, counts) = app.get("/api/v1/conversations/counts", &app.admin).await;
    assert_eq!(counts["new"], 6);
    assert_eq!(counts["pending"], 1);
    assert_eq!(counts["unassigned"], 6);

    for bad in [
        "limit=0",
        "limit=201",
        "limit=x",
        "cursor=abc",
        "status=done",
        "assignee_id=x",
        "priority=meh",
    ] {
        let (s, e) = app
            .get(&format!("/api/v1/conversations?{bad}"), &app.admin)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
        assert_eq!(e["error"]["code"], "invalid_input");
    }
}

async fn customer_message_reopens_a_solved_conversation(app: &TestApp) {
    let c = app
        .conversation(
            "Paroles maiņa",
            "janis@example.lv",
            "Nevaru nomainīt paroli.",
            None,
        )
        .await;
    let path = format!("/api/v1/conversations/{}", c["id"]);
    app.post(
        &format!("{path}/messages"),
        &app.admin,
        json!({"text": "Lūdzu, mēģiniet vēlreiz."}),
    )
    .await;
    let (s, _) = app
        .patch(&path, &app.admin, json!({"status": "solved"}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, m) = app
        .post(
            &format!("{path}/messages"),
            &app.admin,
            json!({"text": "Joprojām nestrādā.", "direction": "in"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    assert_eq!(m["author"]["kind"], "customer");
    assert_eq!(m["author"]["email"], "janis@example.lv");
    let (_, after) = app.get(&path, &app.admin).await;
    assert_eq!(after["status"], "open");
    assert_eq!(after["reopen_count"], 1);
    assert!(
        after["waiting_since"].is_string(),
        "the customer waits again"
    );
    let (s, e) = app
        .post(
            &format!("{path}/messages"),
            &app.admin,
            json!({"text": "x", "direction": "in", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}

async fn closed_conversation_takes_notes_but_no_replies(app: &TestApp) {
    let c = app
        .conversation("Done", "closed@example.com", "Thanks!", None)
        .await;
    let path = format!("/api/v1/conversations/{}", c["id"]);
    app.patch(&path, &app.admin, json!({"status": "solved"}))
        .await;
    let (s, b) = app
        .patch(&path, &app.admin, json!({"status": "closed"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b["closed_at"].is_string());
    let (s, e) = app
        .patch(&path, &app.admin, json!({"status": "open"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "illegal_status_transition");
    let (s, e) = app
        .post(
            &format!("{path}/messages"),
            &app.admin,
            json!({"text": "Reply"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "conversation_closed");
    let (s, _) = app
        .post(
            &format!("{path}/messages"),
            &app.admin,
            json!({"text": "Note", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

async fn concurrent_creates_are_all_kept_once(app: &TestApp) {
    let before = app.rows("conversations").await;
    let mut tasks = vec![];
    for i in 0..200 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/conversations", app.base);
        let tok = app.admin.clone();
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(tok)
                .json(&json!({"subject": format!("동시 {i}"), "customer": {"email": format!("u{}@example.kr", i % 17)},
                              "message": {"text": "서비스를 이용할 수 없습니다"}}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            let v: Value = r.json().await.unwrap();
            (v["id"].as_i64().unwrap(), v["subject"].as_str().unwrap().to_string())
        }));
    }
    let mut ids = vec![];
    for t in tasks {
        let (id, subject) = t.await.unwrap();
        let (_, got) = app
            .get(&format!("/api/v1/conversations/{id}"), &app.admin)
            .await;
        assert_eq!(got["subject"], subject);
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 200, "every answer names a distinct conversation");
    assert_eq!(app.rows("conversations").await - before, 200);
    assert_eq!(
        app.rows("customer_emails").await,
        17,
        "customers found by address, never duplicated"
    );
}

async fn failing_writes_do_not_undo_their_neighbours(app: &TestApp) {
    let (a, _) = app
        .user("owner-a@example.com", "Owner A", "supervisor")
        .await;
    let (b, _) = app
        .user("owner-b@example.com", "Owner B", "supervisor")
        .await;
    let mut ids = vec![];
    for i in 0..40 {
        let c = app
            .conversation(&format!("c{i}"), &format!("n{i}@example.com"), "t", None)
            .await;
        let id = c["id"].as_i64().unwrap();
        app.patch(
            &format!("/api/v1/conversations/{id}"),
            &app.admin,
            json!({"assignee_id": a}),
        )
        .await;
        ids.push(id);
    }
    let events_before = app.rows("events").await;
    // Odd requests change the status (an event is written) and then fail on
    // the transfer without a reason, inside the same write; they run
    // concurrently with even requests that succeed, so they share batches.
    let mut tasks = vec![];
    for (i, id) in ids.iter().copied().enumerate() {
        let client = app.client.clone();
        let url = format!("{}/api/v1/conversations/{id}", app.base);
        let tok = app.admin.clone();
        let body = if i % 2 == 1 {
            json!({"status": "pending", "assignee_id": b})
        } else {
            json!({"status": "pending", "assignee_id": b, "reason": "handover"})
        };
        tasks.push(tokio::spawn(async move {
            let r = client
                .patch(url)
                .bearer_auth(tok)
                .json(&body)
                .send()
                .await
                .unwrap();
            (i, id, r.status())
        }));
    }
    for t in tasks {
        let (i, id, s) = t.await.unwrap();
        let (_, c) = app
            .get(&format!("/api/v1/conversations/{id}"), &app.admin)
            .await;
        if i % 2 == 1 {
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "request {i}");
            assert_eq!(c["status"], "new", "refused change left nothing behind");
            assert_eq!(c["assignee_id"], a);
        } else {
            assert_eq!(s, StatusCode::OK, "request {i}");
            assert_eq!(c["status"], "pending");
            assert_eq!(c["assignee_id"], b);
            assert_eq!(c["transfer_count"], 1);
        }
    }
    assert_eq!(
        app.rows("events").await - events_before,
        40,
        "two events for each of the 20 accepted changes, none for refused ones"
    );
}

async fn concurrent_changes_to_one_conversation_are_not_lost(app: &TestApp) {
    let c = app
        .conversation("Busy", "busy@example.com", "t", None)
        .await;
    let id = c["id"].as_i64().unwrap();
    let mut tasks = vec![];
    for i in 0..30 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/conversations/{id}", app.base);
        let tok = app.admin.clone();
        tasks.push(tokio::spawn(async move {
            let r = if i % 3 == 0 {
                client
                    .patch(url)
                    .bearer_auth(tok)
                    .json(&json!({"tags": [format!("t{i}")]}))
                    .send()
                    .await
                    .unwrap()
            } else {
                client
                    .post(format!("{url}/messages"))
                    .bearer_auth(tok)
                    .json(&json!({"text": format!("note {i}"), "internal": true}))
                    .send()
                    .await
                    .unwrap()
            };
            assert!(r.status().is_success(), "{}", r.status());
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (_, after) = app
        .get(&format!("/api/v1/conversations/{id}"), &app.admin)
        .await;
    assert_eq!(
        after["message_count"], 21,
        "every concurrent note counted: {after}"
    );
    let (_, msgs) = app
        .get(
            &format!("/api/v1/conversations/{id}/messages?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(msgs["items"].as_array().unwrap().len(), 21);
}
