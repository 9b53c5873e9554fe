//! Access: an agent whose teams lack an inbox gets 404 for its conversations
//! on every endpoint, and never sees them in lists, counts or histories.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    agents_see_only_their_teams_inboxes,
    supervisors_see_everything
);

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn agents_see_only_their_teams_inboxes(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let billing = app.inbox("email", Some("billing@example.com")).await;
    let (agent, tok) = app.user("agent@example.com", "Agent", "agent").await;
    app.team("Sales", &[agent], &[sales]).await;

    let visible = app
        .conversation("Visible", "shared@example.com", "hello", Some(sales))
        .await;
    let hidden = app
        .conversation("Hidden", "shared@example.com", "secret", Some(billing))
        .await;
    let hidden_only = app
        .conversation(
            "Hidden too",
            "billing-only@example.com",
            "secret",
            Some(billing),
        )
        .await;
    let (v, h) = (
        visible["id"].as_i64().unwrap(),
        hidden["id"].as_i64().unwrap(),
    );
    let hidden_customer = hidden_only["customer"]["id"].as_i64().unwrap();
    let shared_customer = visible["customer"]["id"].as_i64().unwrap();

    // A file on the hidden conversation.
    let form = reqwest::multipart::Form::new()
        .text("text", "see attached")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"secret".to_vec()).file_name("s.txt"),
        );
    let r = app
        .client
        .post(format!("{}/api/v1/conversations/{h}/messages", app.base))
        .bearer_auth(&app.admin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let m: Value = r.json().await.unwrap();
    let hidden_file = m["attachments"][0]["id"].as_i64().unwrap();

    // Every endpoint that names the hidden conversation answers 404, like a
    // conversation that does not exist, and changes nothing.
    let events = app.rows("events").await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/conversations/{h}"), None),
        (
            Method::PATCH,
            format!("/api/v1/conversations/{h}"),
            Some(json!({"status": "solved"})),
        ),
        (
            Method::GET,
            format!("/api/v1/conversations/{h}/messages"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/conversations/{h}/messages"),
            Some(json!({"text": "x"})),
        ),
        (
            Method::GET,
            format!("/api/v1/conversations/{h}/events"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/attachments/{hidden_file}"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/customers/{hidden_customer}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/api/v1/customers/{hidden_customer}"),
            Some(json!({"name": "x"})),
        ),
    ];
    for (m, path, body) in calls {
        let (s, e) = app.call(m.clone(), &path, &tok, body.clone()).await;
        let (s_missing, _) = app
            .call(
                m.clone(),
                &path
                    .replace(&h.to_string(), "999999")
                    .replace(&hidden_customer.to_string(), "999999")
                    .replace(&hidden_file.to_string(), "999999"),
                &tok,
                body,
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{m} {path}: {e}");
        assert_eq!(s_missing, StatusCode::NOT_FOUND, "{m} {path} (missing)");
        assert_eq!(e["error"]["code"], "not_found");
    }
    assert_eq!(app.rows("events").await, events);

    // Lists and filters never show it.
    for q in [
        "",
        "?status=new",
        "?inbox_id=BILLING",
        "?customer_id=SHARED",
        "?assignee_id=none",
        "?q=hidden",
        "?limit=200",
    ] {
        let q = q
            .replace("BILLING", &billing.to_string())
            .replace("SHARED", &shared_customer.to_string());
        let (s, l) = app.get(&format!("/api/v1/conversations{q}"), &tok).await;
        assert_eq!(s, StatusCode::OK);
        let got = ids(&l);
        assert!(!got.contains(&h), "{q}: {got:?}");
        assert!(!got.contains(&hidden_only["id"].as_i64().unwrap()), "{q}");
    }
    let (_, l) = app.get("/api/v1/conversations", &tok).await;
    assert_eq!(ids(&l), vec![v]);

    // Counts agree with lists.
    let (_, counts) = app.get("/api/v1/conversations/counts", &tok).await;
    assert_eq!(counts["new"], 1, "{counts}");
    assert_eq!(counts["unassigned"], 1);
    let (_, all) = app.get("/api/v1/conversations/counts", &app.admin).await;
    assert_eq!(
        (all["new"].as_i64(), all["open"].as_i64()),
        (Some(2), Some(1)),
        "the reply with a file opened one"
    );

    // Customers: the billing-only customer is invisible; the shared one shows
    // only the visible conversation in its history and count.
    let (_, cl) = app.get("/api/v1/customers?limit=200", &tok).await;
    assert_eq!(ids(&cl), vec![shared_customer]);
    assert_eq!(cl["items"][0]["conversation_count"], 1);
    let (_, cl) = app
        .get("/api/v1/customers?email=billing-only@example.com", &tok)
        .await;
    assert!(ids(&cl).is_empty());
    let (_, cl) = app.get("/api/v1/customers?q=billing", &tok).await;
    assert!(ids(&cl).is_empty());
    let (s, profile) = app
        .get(&format!("/api/v1/customers/{shared_customer}"), &tok)
        .await;
    assert_eq!(s, StatusCode::OK);
    let history: Vec<i64> = profile["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(history, vec![v]);
    let (_, full) = app
        .get(&format!("/api/v1/customers/{shared_customer}"), &app.admin)
        .await;
    assert_eq!(full["conversations"].as_array().unwrap().len(), 2);

    // Creating into an inbox the agent cannot use is refused; moving a
    // visible conversation to a hidden customer is refused too.
    let (s, e) = app.post("/api/v1/conversations", &tok, json!({"subject": "s", "customer": {"email": "z@example.com"}, "message": {"text": "t"}, "inbox_id": billing})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = app
        .patch(
            &format!("/api/v1/conversations/{v}"),
            &tok,
            json!({"customer_id": hidden_customer}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // The agent can work what they see, and can only be assigned where they may work.
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{v}"),
            &tok,
            json!({"assignee_id": agent}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = app
        .patch(
            &format!("/api/v1/conversations/{h}"),
            &app.admin,
            json!({"assignee_id": agent}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "assignee_id");

    // Granting the inbox makes everything visible at once.
    let (_, teams) = app.get("/api/v1/teams", &app.admin).await;
    let team = teams["items"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/teams/{team}/inboxes"),
        &app.admin,
        json!({"inbox_id": billing}),
    )
    .await;
    let (s, _) = app.get(&format!("/api/v1/conversations/{h}"), &tok).await;
    assert_eq!(s, StatusCode::OK);
    let r = app
        .client
        .get(format!("{}/api/v1/attachments/{hidden_file}", app.base))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn supervisors_see_everything(app: &TestApp) {
    let other = app.inbox("chat", None).await;
    let (_, sup) = app.user("sup@example.com", "Sup", "supervisor").await;
    let c = app
        .conversation("Anywhere", "x@example.com", "t", Some(other))
        .await;
    let (s, _) = app
        .get(&format!("/api/v1/conversations/{}", c["id"]), &sup)
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, counts) = app.get("/api/v1/conversations/counts", &sup).await;
    assert_eq!(counts["new"], 1);
}
