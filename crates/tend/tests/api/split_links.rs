//! Splitting and linking conversations (issue 25): a split opens a new
//! conversation of the same customer with the message (and its file),
//! events on both; links are symmetric, listed on both, removable, each an
//! event on both. SQLite and PostgreSQL.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::email::mail;
use crate::merge_split::{arrive, events, get, ids, mail_with_file, messages, of_kind};
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    a_split_opens_a_new_conversation_with_the_message,
    links_are_symmetric_listed_on_both_and_removable,
);

async fn a_split_opens_a_new_conversation_with_the_message(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let laura = "Laura <laura@example.cat>";
    let (a, _) = arrive(
        app,
        inbox,
        mail(
            laura,
            "Factura",
            "l1@example.cat",
            "",
            "On és la meva factura?",
        ),
    )
    .await;
    let (to, appended) = arrive(
        app,
        inbox,
        mail_with_file(
            laura,
            "Re: Factura",
            "l2@example.cat",
            "In-Reply-To: <l1@example.cat>\r\n",
            "foto.txt",
            "I a més, el paquet ha arribat trencat.",
        ),
    )
    .await;
    assert_eq!((to, appended), (a, true));
    let (s, note) = app
        .post(
            &format!("/api/v1/conversations/{a}/messages"),
            &app.admin,
            json!({"text": "Two issues in one thread.", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{note}");
    let msgs = messages(app, a).await;
    let second = msgs[1]["id"].as_i64().unwrap();

    // A note does not start a conversation.
    let split = |mid: i64, conv: i64| {
        let path = format!("/api/v1/conversations/{conv}/messages/{mid}/split");
        async move { app.post(&path, &app.admin, json!({})).await }
    };
    let (s, body) = split(note["id"].as_i64().unwrap(), a).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["details"]["field"], "message_id");
    // A message of another conversation is not found here.
    let other = app
        .conversation("Other", "x@example.com", "Hi", Some(inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    let (s, _) = split(second, other).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, new) = split(second, a).await;
    assert_eq!(s, StatusCode::CREATED, "{new}");
    let n = new["id"].as_i64().unwrap();
    assert_ne!(n, a);
    let source = get(app, &format!("/api/v1/conversations/{a}")).await;
    assert_eq!(new["customer"]["id"], source["customer"]["id"]);
    assert_eq!(new["inbox_id"], inbox);
    assert_eq!(new["subject"], "Factura");
    assert_eq!(new["status"], "new");
    assert_eq!(new["message_count"], 1);
    assert_eq!(source["message_count"], 2);
    let held = messages(app, n).await;
    assert_eq!(ids(&held), vec![second]);
    assert_eq!(held[0]["attachments"][0]["filename"], "foto.txt");
    assert!(!ids(&messages(app, a).await).contains(&second));
    // Events on both sides; the message's own event went with it.
    let en = events(app, n).await;
    assert_eq!(of_kind(&en, "created")[0]["data"]["linked_to"], a);
    assert_eq!(
        of_kind(&en, "split_from")[0]["data"],
        json!({"from": a, "message_id": second})
    );
    assert_eq!(
        of_kind(&en, "message_added")[0]["data"]["message_id"],
        second
    );
    let ea = events(app, a).await;
    assert_eq!(
        of_kind(&ea, "split_to")[0]["data"],
        json!({"to": n, "message_id": second})
    );
    // The only message of a conversation is not split off.
    let (s, body) = split(second, n).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn links(app: &TestApp, token: &str, id: i64) -> Vec<i64> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{id}/links"), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    ids(b["items"].as_array().unwrap())
}

async fn links_are_symmetric_listed_on_both_and_removable(app: &TestApp) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let hidden_inbox = app.inbox("email", Some("vip@example.com")).await;
    let a = app
        .conversation(
            "Login fails",
            "minji@example.kr",
            "로그인이 안 됩니다",
            Some(inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    // Another customer's conversation may be linked.
    let b = app
        .conversation(
            "Login fails too",
            "dace@example.lv",
            "Nevaru pieslēgties",
            Some(inbox),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let hidden = app
        .conversation("VIP", "vip@example.com", "Hello", Some(hidden_inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    let (agent, token) = app.user("agent@example.com", "Agent", "agent").await;
    app.team("Support", &[agent], &[inbox]).await;
    let link = |id: i64, other: Value| {
        let path = format!("/api/v1/conversations/{id}/links");
        let token = token.clone();
        async move {
            app.post(&path, &token, json!({ "conversation_id": other }))
                .await
        }
    };

    let (s, body) = link(a, json!(b)).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert_eq!(ids(body["items"].as_array().unwrap()), vec![b]);
    assert_eq!(body["items"][0]["subject"], "Login fails too");
    assert_eq!(links(app, &token, b).await, vec![a]);
    // Again: nothing new.
    let (s, _) = link(b, json!(a)).await;
    assert_eq!(s, StatusCode::OK);
    for other in [json!(a), json!(hidden), json!(424_242)] {
        let (s, body) = link(a, other.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{other}: {body}");
        assert_eq!(body["error"]["details"]["field"], "conversation_id");
    }
    for id in [a, b] {
        let linked = of_kind(&events(app, id).await, "linked")
            .iter()
            .map(|e| e["data"]["with"].as_i64().unwrap())
            .collect::<Vec<_>>();
        assert_eq!(linked, vec![if id == a { b } else { a }]);
    }

    let (s, body) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/conversations/{b}/links/{a}"),
            &token,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body["items"].as_array().unwrap().is_empty());
    assert!(links(app, &token, a).await.is_empty());
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/conversations/{b}/links/{a}"),
            &token,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for id in [a, b] {
        assert_eq!(of_kind(&events(app, id).await, "unlinked").len(), 1);
    }
    let (s, _) = app
        .get(&format!("/api/v1/conversations/{hidden}/links"), &token)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
