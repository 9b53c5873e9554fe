//! The customer pages of the agent workspace: listing, editing and
//! merging customers, within what the agent may see.

use reqwest::StatusCode;
use serde_json::json;
use tend::agents::Role;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin::*;

on_both_backends!(
    customers_are_listed_edited_and_merged,
    agents_merge_only_what_they_fully_see_and_never_reach_admin,
    opposite_merges_at_once_leave_one_record,
);

async fn customers_are_listed_edited_and_merged(app: &TestApp) {
    let c1 = app
        .conversation(
            "Invoice missing",
            "yuki@example.jp",
            "先月の請求書が届いていません。",
            None,
        )
        .await;
    let c2 = app
        .conversation(
            "Second address",
            "Yuki.Yamada@work.example",
            "Same person, work address.",
            None,
        )
        .await;
    let c3 = app
        .conversation("Unrelated", "marta@example.cat", "Bon dia.", None)
        .await;
    let (cu1, cu2, cu3) = (
        c1["customer"]["id"].as_i64().unwrap(),
        c2["customer"]["id"].as_i64().unwrap(),
        c3["customer"]["id"].as_i64().unwrap(),
    );
    let mut b = admin_browser(app, "en").await;

    // The list searches names and addresses.
    let p = b.get("/customers?q=yuki").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("yuki@example.jp") && p.body.contains("yuki.yamada@work.example"));
    assert!(
        !p.body.contains("marta@example.cat"),
        "search narrows the list"
    );
    assert!(b.get("/customers").await.body.contains("marta@example.cat"));

    // The profile shows the history, linking to each conversation.
    let p = b.get(&format!("/customers/{cu1}")).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains(&format!("href=\"/c/{}\"", id_of(&c1))));
    assert!(p.body.contains("Invoice missing"));

    // Editing.
    let p = b
        .post(
            &format!("/customers/{cu1}"),
            &[
                ("name", "山田 由紀"),
                ("phone", "+81 3 0000 0000"),
                ("language", "ja"),
                ("timezone", "Asia/Tokyo"),
                ("organization", "Yamada Shoten"),
                ("notes", "Prefers email.\r\nVIP since 2024."),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, format!("/customers/{cu1}?saved=1"));
    let (_, prof) = app
        .get(&format!("/api/v1/customers/{cu1}"), &app.admin)
        .await;
    assert_eq!(prof["name"], "山田 由紀");
    assert_eq!(prof["timezone"], "Asia/Tokyo");
    assert_eq!(prof["organization"]["name"], "Yamada Shoten");
    assert_eq!(prof["notes"], "Prefers email.\nVIP since 2024.");
    let p = b.get(&format!("/customers/{cu1}?saved=1")).await;
    assert!(
        p.body.contains("山田 由紀") && p.body.contains("(UTC+09:00)"),
        "local time in the customer's zone"
    );
    assert!(p.body.contains("class=\"notice\""));
    let bad = b
        .post(
            &format!("/customers/{cu1}"),
            &[("timezone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Mars/Olympus") && bad.body.contains("role=\"alert\""));

    // Merging the work address's record into the first one, by address.
    let p = b
        .post(
            &format!("/customers/{cu1}/merge"),
            &[("other", "yuki.yamada@work.example")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, prof) = app
        .get(&format!("/api/v1/customers/{cu1}"), &app.admin)
        .await;
    assert_eq!(
        prof["emails"],
        json!(["yuki@example.jp", "yuki.yamada@work.example"])
    );
    assert_eq!(prof["conversation_count"], 2);
    let (_, conv2) = app
        .get(&format!("/api/v1/conversations/{}", id_of(&c2)), &app.admin)
        .await;
    assert_eq!(conv2["customer"]["id"], cu1, "the conversation moved");
    let last = events_of(app, id_of(&c2)).await.pop().unwrap();
    assert_eq!(last["kind"], "customer_changed");
    assert_eq!(last["data"]["from"], cu2);
    assert_eq!(last["data"]["to"], cu1);
    assert!(
        events_of(app, id_of(&c1))
            .await
            .iter()
            .all(|e| e["kind"] != "customer_changed"),
        "conversations that stay record nothing"
    );
    // The merged record is hidden from lists and leads to the survivor.
    let (_, list) = app.get("/api/v1/customers?q=yuki", &app.admin).await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(ids, vec![cu1]);
    let (_, merged) = app
        .get(&format!("/api/v1/customers/{cu2}"), &app.admin)
        .await;
    assert_eq!(merged["merged_into"], cu1);
    let p = b.get(&format!("/customers/{cu2}")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location, format!("/customers/{cu1}"));
    // New mail from the moved address lands on the survivor.
    let c4 = app
        .conversation("Again", "yuki.yamada@work.example", "One more.", None)
        .await;
    assert_eq!(c4["customer"]["id"], cu1);

    // The REST API: by id; twice is a conflict; itself is invalid.
    let (s, body) = app
        .post(
            &format!("/api/v1/customers/{cu1}/merge"),
            &app.admin,
            json!({"customer_id": cu2}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "customer_merged");
    let (s, _) = app
        .post(
            &format!("/api/v1/customers/{cu1}/merge"),
            &app.admin,
            json!({"customer_id": cu1}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, body) = app
        .post(
            &format!("/api/v1/customers/{cu1}/merge"),
            &app.admin,
            json!({"email": "nobody@example.org"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["field"], "email");
    let (s, body) = app
        .post(
            &format!("/api/v1/customers/{cu1}/merge"),
            &app.admin,
            json!({"customer_id": cu3}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["conversation_count"], 4);
    // A page merge with nonsense names the problem.
    let p = b
        .post(
            &format!("/customers/{cu1}/merge"),
            &[("other", "not a customer")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token nothing happens.
    let p = b
        .post_raw(&format!("/customers/{cu1}"), &[("name", "Forged")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let (_, prof) = app
        .get(&format!("/api/v1/customers/{cu1}"), &app.admin)
        .await;
    assert_eq!(prof["name"], "山田 由紀");
}

async fn agents_merge_only_what_they_fully_see_and_never_reach_admin(app: &TestApp) {
    let seen = app.inbox("email", Some("seen@desk.example")).await;
    let hidden = app.inbox("email", Some("hidden@desk.example")).await;
    let agent_id = user_with_password(app, "agent@example.com", "Aiko Agent", Role::Agent).await;
    app.team("Japan", &[agent_id], &[seen]).await;
    let (_, agent_token) = {
        let (s, t) = app
            .post(
                &format!("/api/v1/users/{agent_id}/tokens"),
                &app.admin,
                json!({"name": "t"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED);
        (s, t["token"].as_str().unwrap().to_string())
    };
    // X has a conversation the agent cannot see; Y and Z only visible ones.
    let x = app
        .conversation("X seen", "x@example.org", "a", Some(seen))
        .await;
    app.conversation("X hidden", "x@example.org", "b", Some(hidden))
        .await;
    let y = app
        .conversation("Y", "y@example.org", "c", Some(seen))
        .await;
    let z = app
        .conversation("Z", "z@example.org", "d", Some(seen))
        .await;
    let (cx, cy, cz) = (
        x["customer"]["id"].as_i64().unwrap(),
        y["customer"]["id"].as_i64().unwrap(),
        z["customer"]["id"].as_i64().unwrap(),
    );
    let (s, body) = app
        .post(
            &format!("/api/v1/customers/{cy}/merge"),
            &agent_token,
            json!({"customer_id": cx}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (_, xs) = app
        .get(&format!("/api/v1/customers/{cx}"), &app.admin)
        .await;
    assert_eq!(xs["conversation_count"], 2, "nothing moved");
    assert!(xs.get("merged_into").is_none());

    let mut b = Browser::new(app, "en");
    assert!(b.login("agent@example.com", PASSWORD).await);
    let p = b
        .post(
            &format!("/customers/{cy}/merge"),
            &[("other", &cz.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, ys) = app
        .get(&format!("/api/v1/customers/{cy}"), &app.admin)
        .await;
    assert_eq!(ys["conversation_count"], 2);

    // Admin pages answer 403 to agents, and their forms change nothing.
    for path in [
        "/admin",
        "/admin/users",
        "/admin/teams",
        "/admin/inboxes",
        "/admin/tokens",
    ] {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
    }
    let before = app.rows("users").await;
    let p = b
        .post(
            "/admin/users",
            &[
                ("name", "Mallory"),
                ("email", "m@example.com"),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(app.rows("users").await, before);
    let p = b
        .post(
            "/admin/tokens",
            &[("user_id", &agent_id.to_string()), ("name", "x")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(!p.body.contains("tend_"));
    // The navigation offers no admin link to agents.
    assert!(!b.get("/customers").await.body.contains("href=\"/admin\""));
}

async fn opposite_merges_at_once_leave_one_record(app: &TestApp) {
    for round in 0..5 {
        let a = app
            .conversation("A", &format!("a{round}@example.org"), "a", None)
            .await;
        let b = app
            .conversation("B", &format!("b{round}@example.org"), "b", None)
            .await;
        let (ca, cb) = (
            a["customer"]["id"].as_i64().unwrap(),
            b["customer"]["id"].as_i64().unwrap(),
        );
        let (pa, pb) = (
            format!("/api/v1/customers/{ca}/merge"),
            format!("/api/v1/customers/{cb}/merge"),
        );
        let (r1, r2) = tokio::join!(
            app.post(&pa, &app.admin, json!({"customer_id": cb})),
            app.post(&pb, &app.admin, json!({"customer_id": ca})),
        );
        let mut statuses = [r1.0, r2.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{} / {}",
            r1.1,
            r2.1
        );
        let (survivor, merged) = if r1.0 == StatusCode::OK {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let (_, s) = app
            .get(&format!("/api/v1/customers/{survivor}"), &app.admin)
            .await;
        assert!(s.get("merged_into").is_none());
        assert_eq!(s["conversation_count"], 2);
        assert_eq!(s["emails"].as_array().unwrap().len(), 2);
        let (_, m) = app
            .get(&format!("/api/v1/customers/{merged}"), &app.admin)
            .await;
        assert_eq!(m["merged_into"], survivor);
        assert_eq!(m["conversation_count"], 0);
    }
}
