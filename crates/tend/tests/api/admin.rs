//! Users, tokens, teams and inboxes through the API (admins only).

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(admins_manage_users_tokens_teams_and_inboxes);

async fn admins_manage_users_tokens_teams_and_inboxes(app: &TestApp) {
    let (s, u) = app.post("/api/v1/users", &app.admin, json!({"email": "Sven@Example.com", "name": "Svens Bērziņš", "role": "agent", "password": "correct horse"})).await;
    assert_eq!(s, StatusCode::CREATED, "{u}");
    assert_eq!(u["email"], "sven@example.com");
    assert_eq!(u["role"], "agent");
    assert!(
        u.get("password_hash").is_none(),
        "hashes never leave the server"
    );
    let (s, e) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"email": "sven@example.com", "name": "Again", "role": "agent"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["details"]["field"], "email");
    let (s, e) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"email": "x@example.com", "name": "X", "role": "root"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "role");
    let (s, e) = app
        .post(
            "/api/v1/users",
            &app.admin,
            json!({"email": "y@example.com", "name": "Y", "role": "agent", "password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "password");

    let uid = u["id"].as_i64().unwrap();
    let r = app
        .client
        .post(format!("{}/api/v1/users/{uid}/tokens", app.base))
        .bearer_auth(&app.admin)
        .json(&json!({"name": "zapier"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let t: serde_json::Value = r.json().await.unwrap();
    let token = t["token"].as_str().unwrap().to_string();
    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["id"], uid);
    // Only the hash is stored.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(t["id"].as_i64().unwrap())
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert!(!stored.contains(&token[5..]));
    let (s, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/tokens/{}", t["id"]),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get("/api/v1/me", &token).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "revoked tokens stop working at once"
    );

    let (s, e) = app
        .post("/api/v1/inboxes", &app.admin, json!({"kind": "email"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "address");
    let (s, e) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            json!({"kind": "email", "address": "help@example.com", "imap_url": "http://x"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["details"]["field"], "imap_url");
    let (s, i) = app.post("/api/v1/inboxes", &app.admin, json!({"kind": "email", "address": "help@example.com", "imap_url": "imap://help:s3cret@127.0.0.1:1143/INBOX"})).await;
    assert_eq!(s, StatusCode::CREATED, "{i}");
    assert_eq!(
        i["imap_url"], "imap://help:***@127.0.0.1:1143/INBOX",
        "secrets are not echoed"
    );
    let (s, _) = app
        .post(
            "/api/v1/inboxes",
            &app.admin,
            json!({"kind": "email", "address": "HELP@example.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "one inbox per address");
    let (_, inboxes) = app.get("/api/v1/inboxes", &app.admin).await;
    assert_eq!(
        inboxes["items"].as_array().unwrap().len(),
        2,
        "the default inbox and the new one"
    );
    assert_eq!(inboxes["items"][0]["is_default"], true);

    let team = app
        .team("Atbalsts", &[uid], &[i["id"].as_i64().unwrap()])
        .await;
    let (_, t) = app.get(&format!("/api/v1/teams/{team}"), &app.admin).await;
    assert_eq!(t["member_ids"], json!([uid]));
    assert_eq!(t["inbox_ids"], json!([i["id"]]));
    let (s, e) = app
        .post("/api/v1/teams", &app.admin, json!({"name": "Atbalsts"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = app
        .post(
            &format!("/api/v1/teams/{team}/members"),
            &app.admin,
            json!({"email": "sven@example.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "adding twice is harmless");
    let (s, e) = app
        .post(
            &format!("/api/v1/teams/{team}/inboxes"),
            &app.admin,
            json!({"inbox_id": 9999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, _) = app
        .post(
            "/api/v1/teams/9999/members",
            &app.admin,
            json!({"user_id": uid}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
