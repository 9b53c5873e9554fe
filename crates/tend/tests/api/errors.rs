//! Bad input: each gets the CONTRACT error body and status, and nothing is
//! left half-written.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(bad_input_is_refused_cleanly, auth_and_roles_are_enforced);

fn assert_contract_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["details"].is_object(), "{body}");
}

async fn bad_input_is_refused_cleanly(app: &TestApp) {
    let before = (
        app.rows("conversations").await,
        app.rows("customers").await,
        app.rows("messages").await,
        app.rows("events").await,
    );
    let ok =
        json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "t"}});

    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"subject": "s", "customer": {}, "message": {"text": "t"}}),
            "customer.email",
        ),
        (
            json!({"subject": "s", "customer": {"email": "not-an-address"}, "message": {"text": "t"}}),
            "customer.email",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a b@example.com"}, "message": {"text": "t"}}),
            "customer.email",
        ),
        (
            json!({"subject": " ", "customer": {"email": "a@example.com"}, "message": {"text": "t"}}),
            "subject",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {}}),
            "message.text",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "t"}, "priority": "asap"}),
            "priority",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "t"}, "channel": "fax"}),
            "channel",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "t"}, "inbox_id": 424242}),
            "inbox_id",
        ),
        (
            json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "t"}, "colour": "red"}),
            "colour",
        ),
        (
            json!({"subject": 5, "customer": {"email": "a@example.com"}, "message": {"text": "t"}}),
            "subject",
        ),
    ];
    for (body, field) in cases {
        let (s, e) = app
            .post("/api/v1/conversations", &app.admin, body.clone())
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {e}");
        assert_contract_error(&e, "invalid_input");
        assert!(
            e["error"]["details"]["field"]
                .as_str()
                .is_some_and(|f| f == field || f.ends_with(field)),
            "expected field {field} in {e}"
        );
    }

    // Unparsable JSON names where it broke.
    let r = app
        .client
        .post(format!("{}/api/v1/conversations", app.base))
        .bearer_auth(&app.admin)
        .header("content-type", "application/json")
        .body("{\"subject\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_contract_error(&e, "invalid_json");
    assert_eq!(e["error"]["details"]["line"], 1);

    // Not JSON at all.
    let r = app
        .client
        .post(format!("{}/api/v1/conversations", app.base))
        .bearer_auth(&app.admin)
        .header("content-type", "text/plain")
        .body(ok.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_contract_error(&r.json().await.unwrap(), "unsupported_media_type");

    // A 10 MB body.
    let huge = json!({"subject": "s", "customer": {"email": "a@example.com"}, "message": {"text": "あ".repeat(3_500_000)}});
    let (s, e) = app.post("/api/v1/conversations", &app.admin, huge).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    assert_contract_error(&e, "payload_too_large");

    // Unknown status and illegal transitions.
    let c = app.conversation("s", "b@example.com", "t", None).await;
    let path = format!("/api/v1/conversations/{}", c["id"]);
    let events = app.rows("events").await;
    let (s, e) = app
        .patch(&path, &app.admin, json!({"status": "done"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_contract_error(&e, "invalid_input");
    assert_eq!(e["error"]["details"]["field"], "status");
    let (s, e) = app
        .patch(
            &path,
            &app.admin,
            json!({"status": "closed", "priority": "urgent"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_contract_error(&e, "illegal_status_transition");
    assert_eq!(
        e["error"]["details"],
        json!({"field": "status", "from": "new", "to": "closed"})
    );
    let (_, after) = app.get(&path, &app.admin).await;
    assert_eq!(
        after["priority"], "normal",
        "the refused patch changed nothing"
    );
    assert_eq!(app.rows("events").await, events);
    let (s, e) = app
        .patch(&path, &app.admin, json!({"assignee_id": 987654}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "assignee_id");
    let (s, e) = app
        .post(&format!("{path}/messages"), &app.admin, json!({"text": ""}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // Unknown routes and methods under /api answer in the same format.
    let (s, e) = app.get("/api/v1/no-such-thing", &app.admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_contract_error(&e, "not_found");
    let (s, e) = app
        .call(
            reqwest::Method::DELETE,
            "/api/v1/conversations",
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_contract_error(&e, "method_not_allowed");
    for missing in [
        "/api/v1/conversations/99999999",
        "/api/v1/conversations/abc",
        "/api/v1/conversations/9223372036854775808/events",
    ] {
        let (s, e) = app.get(missing, &app.admin).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{missing}");
        assert_contract_error(&e, "not_found");
    }

    // Only the one valid conversation above was written.
    let after = (
        app.rows("conversations").await,
        app.rows("customers").await,
        app.rows("messages").await,
    );
    assert_eq!(after, (before.0 + 1, before.1 + 1, before.2 + 1));
    let _ = before.3;
}

async fn auth_and_roles_are_enforced(app: &TestApp) {
    for token in ["", "tend_wrong", "garbage"] {
        let (s, e) = app.get("/api/v1/conversations", token).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "token {token:?}");
        assert_contract_error(&e, "unauthorized");
    }
    let r = app
        .client
        .get(format!("{}/api/v1/conversations", app.base))
        .header("authorization", "Basic YTpi")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");

    let (_, agent_tok) = app.user("agent@example.com", "Agent", "agent").await;
    let (_, sup_tok) = app.user("sup@example.com", "Sup", "supervisor").await;
    let admin_calls: Vec<(reqwest::Method, &str, Option<Value>)> = vec![
        (reqwest::Method::GET, "/api/v1/users", None),
        (
            reqwest::Method::POST,
            "/api/v1/users",
            Some(json!({"email": "x@example.com", "name": "X", "role": "admin"})),
        ),
        (reqwest::Method::GET, "/api/v1/users/1", None),
        (
            reqwest::Method::POST,
            "/api/v1/users/1/tokens",
            Some(json!({"name": "steal"})),
        ),
        (reqwest::Method::DELETE, "/api/v1/tokens/1", None),
        (reqwest::Method::GET, "/api/v1/teams", None),
        (
            reqwest::Method::POST,
            "/api/v1/teams",
            Some(json!({"name": "t"})),
        ),
        (reqwest::Method::GET, "/api/v1/teams/1", None),
        (
            reqwest::Method::POST,
            "/api/v1/teams/1/members",
            Some(json!({"user_id": 1})),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/teams/1/inboxes",
            Some(json!({"inbox_id": 1})),
        ),
        (reqwest::Method::GET, "/api/v1/inboxes", None),
        (
            reqwest::Method::POST,
            "/api/v1/inboxes",
            Some(json!({"kind": "api"})),
        ),
        (reqwest::Method::GET, "/api/v1/inboxes/1", None),
    ];
    let users_before = app.rows("users").await;
    for tok in [&agent_tok, &sup_tok] {
        for (m, path, body) in &admin_calls {
            let (s, e) = app.call(m.clone(), path, tok, body.clone()).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{m} {path}: {e}");
            assert_contract_error(&e, "forbidden");
        }
    }
    assert_eq!(
        app.rows("users").await,
        users_before,
        "nothing created by refused calls"
    );
    assert_eq!(
        app.rows("api_tokens").await,
        3,
        "no token minted by a non-admin"
    );
    // The directory of agents is open to every signed-in user.
    let (s, d) = app.get("/api/v1/agents", &agent_tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["items"].as_array().unwrap().len(), 3);
    let (s, me) = app.get("/api/v1/me", &agent_tok).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["email"], "agent@example.com");
}
