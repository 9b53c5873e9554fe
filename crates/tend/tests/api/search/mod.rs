//! Search through the API: recall in the five languages, live indexing of
//! new messages and changes, access (an agent never gets a hit from an
//! inbox they cannot see) and malformed queries. `recovery` covers crashes
//! and events committed out of order.
//!
//! Indexing is asynchronous: tests wait for the indexer's explicit signal
//! (`Search::wait_indexed`) that every event so far is searchable.

mod recovery;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tend::state::AppState;

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    finds_words_in_five_languages,
    new_messages_and_changes_are_searchable,
    agents_never_get_hits_from_inboxes_they_cannot_see,
    malformed_queries_are_searched_literally,
);

/// Waits until every event written so far is searchable.
pub(super) async fn indexed(st: &AppState) {
    let last = tend::conversations::export::last_event_id(st)
        .await
        .unwrap();
    assert!(
        st.search()
            .wait_indexed(last, Duration::from_secs(30))
            .await,
        "events up to {last} were not indexed within 30 s (indexed up to {})",
        st.search().indexed_up_to()
    );
}

/// The conversation ids a search returns, in rank order.
pub(super) async fn search(app: &TestApp, token: &str, q: &str) -> Vec<i64> {
    hits(app, token, q)
        .await
        .iter()
        .map(|h| h["conversation_id"].as_i64().unwrap())
        .collect()
}

async fn hits(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let r = app
        .client
        .get(format!("{}/api/v1/search", app.base))
        .bearer_auth(token)
        .query(&[("q", q)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{q:?}");
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["next_cursor"], Value::Null);
    b["items"].as_array().unwrap().clone()
}

pub(super) fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

async fn finds_words_in_five_languages(app: &TestApp) {
    let ko = id(&app
        .conversation(
            "결제 오류",
            "minsu@example.kr",
            "서비스를 이용할 수 없습니다. 환불을 요청합니다.",
            None,
        )
        .await);
    let ja = id(&app
        .conversation(
            "請求書の件",
            "kenji@example.jp",
            "サービスをご利用いただきありがとうございます。ログインできません。",
            None,
        )
        .await);
    let lv = id(&app
        .conversation(
            "Kvalitāte",
            "janis@example.lv",
            "Pakalpojuma kvalitāte ir slikta, lūdzu atmaksājiet naudu.",
            None,
        )
        .await);
    let ca = id(&app
        .conversation(
            "Servei d’atenció al client",
            "marta@example.cat",
            "L'empresa no respon. Vull parlar amb l'equip d'atenció.",
            None,
        )
        .await);
    let en = id(&app
        .conversation(
            "Printer jam",
            "ann@example.com",
            "The printer shows a paper jam error since Monday.",
            None,
        )
        .await);
    let mixed = id(&app
        .conversation(
            "iPhone 15 画面が割れた",
            "yuna@example.kr",
            "iPhone15の画面が割れました。Wi-Fi도 안 돼요.",
            None,
        )
        .await);
    indexed(&app.st).await;

    let admin = app.admin.as_str();
    for (q, expected) in [
        ("서비스", vec![ko]),
        ("환불", vec![ko]),
        ("サービス", vec![ja]),
        ("ログイン", vec![ja]),
        ("請求", vec![ja]),
        ("kvalitate", vec![lv]),
        ("KVALITĀTE naudu", vec![lv]),
        ("atencio", vec![ca]),
        ("d'atenció", vec![ca]),
        ("empresa", vec![ca]),
        ("\"paper jam\"", vec![en]),
        ("\"jam paper\"", vec![]),
        ("printer -monday", vec![]),
        ("iphone 画面", vec![mixed]),
        ("wi-fi", vec![mixed]),
        ("from:example.lv", vec![lv]),
        ("from:janis@example.lv kvalitāte", vec![lv]),
    ] {
        assert_eq!(search(app, admin, q).await, expected, "query {q:?}");
    }

    let h = hits(app, admin, "サービス").await;
    assert_eq!(h.len(), 1);
    assert!(h[0]["message_id"].as_i64().is_some());
    assert!(h[0]["score"].as_f64().unwrap() > 0.0);
    assert!(
        h[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>サービス</mark>"),
        "{}",
        h[0]
    );

    // `limit` bounds the answer; results are one per conversation.
    let r: Value = app
        .client
        .get(format!("{}/api/v1/search?q=status:new&limit=2", app.base))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["items"].as_array().unwrap().len(), 2);
}

async fn new_messages_and_changes_are_searchable(app: &TestApp) {
    let c = id(&app
        .conversation("Lieferung", "max@example.de", "Wo ist mein Paket?", None)
        .await);
    indexed(&app.st).await;
    assert_eq!(search(app, &app.admin, "paket").await, vec![c]);
    assert!(search(app, &app.admin, "tracking").await.is_empty());

    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{c}/messages"),
            &app.admin,
            json!({"text": "Here is your tracking number: ZX-778."}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, note) = app
        .post(
            &format!("/api/v1/conversations/{c}/messages"),
            &app.admin,
            json!({"text": "Courier confirmed the détour.", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{note}");
    let (s, b) = app
        .patch(
            &format!("/api/v1/conversations/{c}"),
            &app.admin,
            json!({"status": "pending", "tags": ["Shipping"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    indexed(&app.st).await;

    let h = hits(app, &app.admin, "tracking").await;
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["message_id"], m["id"]);
    // Internal notes are searchable by agents.
    let h = hits(app, &app.admin, "detour").await;
    assert_eq!(h[0]["message_id"], note["id"]);
    // Filters see the new state of every message of the conversation.
    assert_eq!(
        search(app, &app.admin, "paket status:pending").await,
        vec![c]
    );
    assert!(search(app, &app.admin, "paket status:new").await.is_empty());
    assert_eq!(search(app, &app.admin, "tag:shipping").await, vec![c]);
    assert_eq!(
        search(app, &app.admin, "assignee:none paket").await,
        vec![c]
    );
    assert!(
        search(app, &app.admin, "assignee:me paket")
            .await
            .is_empty()
    );
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    let admin_id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "admin@example.com")
        .map(|u| u["id"].clone())
        .unwrap();
    let (s, _) = app
        .patch(
            &format!("/api/v1/conversations/{c}"),
            &app.admin,
            json!({"assignee_id": admin_id}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    indexed(&app.st).await;
    assert_eq!(search(app, &app.admin, "assignee:me paket").await, vec![c]);
    assert_eq!(
        search(app, &app.admin, "assignee:admin@example.com paket").await,
        vec![c]
    );
    assert!(
        search(app, &app.admin, "assignee:nobody@example.com")
            .await
            .is_empty()
    );
}

async fn agents_never_get_hits_from_inboxes_they_cannot_see(app: &TestApp) {
    let sales = app.inbox("email", Some("sales@example.com")).await;
    let billing = app.inbox("email", Some("billing@example.com")).await;
    let (agent, agent_tok) = app.user("agent@example.com", "Agent", "agent").await;
    let (_, lonely_tok) = app.user("lonely@example.com", "Lonely", "agent").await;
    let (_, sup_tok) = app.user("sup@example.com", "Sup", "supervisor").await;
    app.team("Sales", &[agent], &[sales]).await;

    let visible = id(&app
        .conversation(
            "Angebot",
            "kunde@example.com",
            "Bitte senden Sie ein Angebot für Kvalitāte.",
            Some(sales),
        )
        .await);
    let hidden = id(&app
        .conversation(
            "Rechnung",
            "kunde@example.com",
            "Die Rechnung für Kvalitāte ist falsch. 請求書",
            Some(billing),
        )
        .await);
    indexed(&app.st).await;

    let mut both = vec![visible, hidden];
    both.sort_unstable();
    let sorted = |mut v: Vec<i64>| {
        v.sort_unstable();
        v
    };
    assert_eq!(sorted(search(app, &app.admin, "kvalitate").await), both);
    assert_eq!(sorted(search(app, &sup_tok, "kvalitate").await), both);
    assert_eq!(search(app, &agent_tok, "kvalitate").await, vec![visible]);
    for q in [
        "rechnung",
        "請求書",
        &format!("inbox:{billing}"),
        "from:kunde@example.com rechnung",
        "-angebot",
        "status:new -angebot",
    ] {
        assert!(
            search(app, &agent_tok, q).await.is_empty(),
            "{q:?} leaked a hidden inbox"
        );
    }
    assert!(search(app, &lonely_tok, "kvalitate").await.is_empty());

    // Access follows grants at query time, without reindexing.
    app.team("Billing", &[agent], &[billing]).await;
    assert_eq!(sorted(search(app, &agent_tok, "kvalitate").await), both);
}

async fn malformed_queries_are_searched_literally(app: &TestApp) {
    let c = id(&app
        .conversation(
            "Status: broken",
            "q@example.com",
            "The status: bogus page shows ((((",
            None,
        )
        .await);
    indexed(&app.st).await;
    for q in [
        "status:bogus",
        "\"unclosed",
        "((((",
        "-",
        "before:2024-13-45",
        "assignee:",
        "inbox:abc",
        "\"\"",
        "tag:",
        "from:@",
        "%00%ff",
        "\\",
        "a\"b\"c\"",
    ] {
        let r = app
            .client
            .get(format!("{}/api/v1/search", app.base))
            .bearer_auth(&app.admin)
            .query(&[("q", q)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{q:?}");
    }
    assert_eq!(search(app, &app.admin, "status:bogus").await, vec![c]);
    assert_eq!(search(app, &app.admin, "\"bogus page").await, vec![c]);
    assert!(search(app, &app.admin, "").await.is_empty());

    let (s, _) = app.get("/api/v1/search", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "no q is an empty search");
    let (s, b) = app.get("/api/v1/search?q=x&limit=0", &app.admin).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["details"]["field"], "limit");
    let (s, _) = app.get("/api/v1/search?q=x", "").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
