//! The inbox's views (issue 25, item 1): any filter and order, the
//! columns, previews with channel and language, live chats above the
//! list, and saved views per agent, per team and for everyone.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::on_both_with_clock;
use crate::support::TestApp;
use crate::web::{Browser, signed_in};

on_both_with_clock!(
    filters_and_orders_list_what_they_say,
    rows_preview_the_last_message_with_channel_and_language,
    live_chats_wait_above_the_list,
    saved_views_are_shared_by_scope,
    a_saved_view_is_made_opened_updated_and_deleted_from_the_inbox,
);

const MIN: i64 = 60_000;

async fn create(app: &TestApp, body: Value) -> i64 {
    let (s, b) = app.post("/api/v1/conversations", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().expect("id")
}

async fn patch(app: &TestApp, id: i64, body: Value) {
    let (s, b) = app
        .patch(&format!("/api/v1/conversations/{id}"), &app.admin, body)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// The ids of the rows a page lists, in order.
fn row_ids(page: &str) -> Vec<i64> {
    page.split("<tr data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

async fn admin_browser(app: &TestApp) -> Browser {
    signed_in(app, "lead@example.com", "Līga", "admin").await.1
}

async fn filters_and_orders_list_what_they_say(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let mut ids = Vec::new();
    for (i, prio) in ["low", "urgent", "normal", "high"].iter().enumerate() {
        ids.push(
            create(
                app,
                json!({"subject": format!("s{i}"), "priority": prio,
                       "customer": {"email": format!("c{i}@example.com")},
                       "message": {"text": "hello"}}),
            )
            .await,
        );
        clock.advance_ms(MIN);
    }
    let mut b = admin_browser(app).await;

    // Longest waiting first (the default), newest waiting first, and
    // the most urgent first.
    let (_, page) = b.get("/?view=open").await;
    assert_eq!(row_ids(&page), ids);
    let (_, page) = b.get("/?view=open&sort=newest_waiting").await;
    let mut newest = ids.clone();
    newest.reverse();
    assert_eq!(row_ids(&page), newest);
    let (_, page) = b.get("/?view=open&sort=priority").await;
    assert_eq!(row_ids(&page), [ids[1], ids[3], ids[2], ids[0]]);

    // A status replaces the view's statuses: All open filtered to Pending
    // or Closed lists them (it used to say "Nothing here").
    patch(app, ids[0], json!({"status": "pending"})).await;
    patch(app, ids[2], json!({"status": "solved"})).await;
    patch(app, ids[2], json!({"status": "closed"})).await;
    let (_, page) = b.get("/?view=open&status=pending").await;
    assert_eq!(row_ids(&page), [ids[0]]);
    let (_, page) = b.get("/?view=open&status=closed").await;
    assert_eq!(row_ids(&page), [ids[2]]);
    // And the Closed view of its own, with its count.
    let (_, page) = b.get("/?view=closed").await;
    assert_eq!(row_ids(&page), [ids[2]]);
    let (_, counts) = b.get("/ui/counts").await;
    let counts: Value = serde_json::from_str(&counts).unwrap();
    assert_eq!(counts["closed"], 1, "{counts}");

    // The last updated first: the one just closed.
    clock.advance_ms(MIN);
    patch(app, ids[3], json!({"tags": ["vip"]})).await;
    let (_, page) = b.get("/?view=open&sort=updated").await;
    assert_eq!(row_ids(&page), [ids[3], ids[1]]);

    // Owner: me, nobody, or an agent.
    let (ana, _) = app.user("ana@example.com", "Ana", "agent").await;
    let (_, conv) = app
        .get(&format!("/api/v1/conversations/{}", ids[1]), &app.admin)
        .await;
    app.team("Atbalsts", &[ana], &[conv["inbox_id"].as_i64().unwrap()])
        .await;
    patch(app, ids[1], json!({"assignee_id": ana})).await;
    let (_, page) = b.get(&format!("/?view=open&owner={ana}")).await;
    assert_eq!(row_ids(&page), [ids[1]]);
    let (_, page) = b.get("/?view=open&owner=nobody").await;
    assert_eq!(row_ids(&page), [ids[3]]);
    let (s, page) = b.get("/?view=open&owner=someone").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("owner"), "the error names its field");

    // Service-level state: only conversations with a deadline.
    let (s, p) = app
        .post(
            "/api/v1/sla-policies",
            &app.admin,
            json!({"name": "Steidzami", "position": 1, "business_hours": false,
                   "match": {"priorities": ["urgent"]}, "targets": {"first_response": 30}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let due = create(
        app,
        json!({"subject": "至急", "priority": "urgent", "customer": {"email": "k@example.jp"},
               "message": {"text": "止まりました"}}),
    )
    .await;
    let (_, page) = b.get("/?view=open&sla=running").await;
    assert_eq!(row_ids(&page), [due]);
    let (_, page) = b.get("/?view=open&sla=breached").await;
    assert_eq!(row_ids(&page), Vec::<i64>::new());
    clock.advance_ms(31 * MIN);
    let (_, page) = b.get("/?view=open&sla=breached").await;
    assert_eq!(row_ids(&page), [due]);

    // Columns: only those asked for, the subject always.
    let (_, page) = b.get("/?view=open&col=owner&col=waiting").await;
    assert!(page.contains(">Owner</th>") && page.contains(">Waiting</th>"));
    assert!(!page.contains(">Status</th>") && !page.contains(">Customer</th>"));
    assert!(page.contains(">Subject</th>"));
    // The pager's links keep the view.
    let (_, page) = b.get("/?view=open&sort=priority&col=owner").await;
    assert!(page.contains("sort=priority"), "links keep the order");
}

async fn rows_preview_the_last_message_with_channel_and_language(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let id = create(
        app,
        json!({"subject": "配送について", "language": "ja", "channel": "web",
               "customer": {"email": "hana@example.jp"},
               "message": {"text": "注文した商品が\n\nまだ届きません。"}}),
    )
    .await;
    // An internal note is not the preview; the newest message is.
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "secret note", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let mut b = admin_browser(app).await;
    let (_, page) = b.get("/?view=open").await;
    assert!(
        page.contains(r#"<span class="preview" lang="ja">注文した商品が まだ届きません。</span>"#),
        "{page}"
    );
    assert!(!page.contains("secret note"));
    assert!(page.contains(r#"<span class="channel ch-web">"#));
    assert!(page.contains(r#"<span class="lang">ja</span>"#));
    // The customer's words on the conversation page carry their language.
    let (_, conv_page) = b.get(&format!("/c/{id}")).await;
    assert!(
        conv_page.contains(r#"<div class="text" lang="ja">注文した商品が"#),
        "{conv_page}"
    );
    // Who the customer is comes first beside the conversation.
    let card = conv_page.find(r#"<section class="customer card""#).unwrap();
    let controls = conv_page.find(r#"<form class="controls card"#).unwrap();
    assert!(card < controls, "the customer card heads the sidebar");
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "お待たせしております。明日お届けします。"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, page) = b.get("/?view=open&status=open").await;
    assert!(page.contains("明日お届けします。"), "the newest message");
    // In Latvian, the channel is named in Latvian.
    let (_, mut lv) = signed_in(app, "lv@example.com", "Laura", "admin").await;
    lv.lang = "lv".into();
    let (_, page) = lv.get("/?view=open&status=open").await;
    assert!(page.contains(r#"ch-web">Tīmekļa veidlapa<"#), "{page}");
    // The language filter is a list of languages named in Latvian, the
    // chosen one selected, and it filters.
    let (_, page) = lv.get("/?view=open&language=ja").await;
    assert!(
        page.contains(r#"<option value="ja" selected>japāņu</option>"#),
        "{page}"
    );
    assert!(page.contains("配送について"), "{page}");
    let (_, page) = lv.get("/?view=open&language=ko").await;
    assert!(page.contains(r#"<option value="ko" selected>"#), "{page}");
    assert!(!page.contains("配送について"), "{page}");
}

async fn live_chats_wait_above_the_list(app: &mut TestApp, clock: &Arc<ManualClock>) {
    let mail = create(
        app,
        json!({"subject": "mail", "customer": {"email": "m@example.com"},
               "message": {"text": "hello"}}),
    )
    .await;
    clock.advance_ms(MIN);
    let chat = create(
        app,
        json!({"subject": "chat", "channel": "chat", "customer": {"email": "c@example.com"},
               "message": {"text": "Are you there?"}}),
    )
    .await;
    let mut b = admin_browser(app).await;
    let (_, page) = b.get("/?view=open").await;
    let strip = page
        .split(r#"<section class="chats-waiting""#)
        .nth(1)
        .expect("the strip of chats waiting")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        strip.contains(&format!(r#"<li data-id="{chat}">"#)),
        "{strip}"
    );
    assert!(!strip.contains(&format!(r#"data-id="{mail}""#)));
    // Answered, it no longer waits.
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{chat}/messages"),
            &app.admin,
            json!({"text": "Yes!"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, page) = b.get("/?view=open").await;
    assert!(!page.contains(r#"class="chats-waiting""#));
}

async fn saved_views_are_shared_by_scope(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let (ana, ana_t) = app.user("ana@example.com", "Ana", "agent").await;
    let (_, ben_t) = app.user("ben@example.com", "Ben", "agent").await;
    let team = app.team("Rēķini", &[ana], &[]).await;

    let (s, mine) = app
        .post(
            "/api/v1/views",
            &ana_t,
            json!({"name": "Mani steidzamie", "spec": {"view": "mine", "priority": "urgent",
                   "sort": "deadline", "columns": ["owner", "due"]}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["scope"], "personal");
    assert_eq!(mine["owner_id"], ana);
    assert_eq!(mine["spec"]["columns"], json!(["owner", "due"]));
    let mine_id = mine["id"].as_i64().unwrap();
    let (s, shared) = app
        .post(
            "/api/v1/views",
            &ana_t,
            json!({"name": "請求書", "scope": "team", "team_id": team,
                   "spec": {"tag": "Rēķins", "language": "ja"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{shared}");
    // Tags are kept as the list compares them.
    assert_eq!(shared["spec"]["tag"], "rēķins");
    let shared_id = shared["id"].as_i64().unwrap();

    // Ben sees neither; the admin sees the team's, not Ana's own.
    let (_, l) = app.get("/api/v1/views", &ben_t).await;
    assert_eq!(l["items"], json!([]));
    let (s, _) = app.get(&format!("/api/v1/views/{mine_id}"), &ben_t).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, l) = app.get("/api/v1/views", &app.admin).await;
    let names: Vec<&str> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["請求書"]);
    // Ben may not write the team's, nor a global one.
    let (s, _) = app
        .post(
            "/api/v1/views",
            &ben_t,
            json!({"name": "x", "scope": "team", "team_id": team}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            "/api/v1/views",
            &ben_t,
            json!({"name": "x", "scope": "global"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Mistakes name their field.
    for (body, field) in [
        (json!({"name": " "}), "name"),
        (json!({"name": "x", "spec": {"owner": "someone"}}), "owner"),
        (json!({"name": "x", "scope": "team"}), "team_id"),
    ] {
        let (s, e) = app.post("/api/v1/views", &ana_t, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    }
    let (s, e) = app
        .post(
            "/api/v1/views",
            &ana_t,
            json!({"name": "x", "spec": {"status": "sleeping"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");

    // Replace and delete: only who may write it.
    let (s, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/views/{mine_id}"),
            &ben_t,
            Some(json!({"name": "Mine now"})),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another's personal view is not there"
    );
    let (s, v) = app
        .call(
            Method::PUT,
            &format!("/api/v1/views/{mine_id}"),
            &ana_t,
            Some(json!({"name": "Mani", "spec": {"view": "closed"}})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["spec"], json!({"view": "closed"}));
    let (s, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/views/{shared_id}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, l) = app.get("/api/v1/views", &ana_t).await;
    assert_eq!(l["items"].as_array().unwrap().len(), 1);
}

async fn a_saved_view_is_made_opened_updated_and_deleted_from_the_inbox(
    app: &mut TestApp,
    _clock: &Arc<ManualClock>,
) {
    let high = create(
        app,
        json!({"subject": "augsta", "priority": "high", "customer": {"email": "a@example.lv"},
               "message": {"text": "x"}}),
    )
    .await;
    let low = create(
        app,
        json!({"subject": "zema", "priority": "low", "customer": {"email": "z@example.lv"},
               "message": {"text": "x"}}),
    )
    .await;
    let (_, mut b) = signed_in(app, "ilze@example.lv", "Ilze", "supervisor").await;
    // The form posts the list's own query string.
    let (s, to) = b
        .post(
            "/views",
            &[
                ("name", "Augstie"),
                ("share", "personal"),
                ("qs", "view=open&priority=high&col=owner"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let id: i64 = to.trim_start_matches("/?saved=").parse().expect(&to);
    let (_, page) = b.get(&to).await;
    assert_eq!(row_ids(&page), [high]);
    assert!(page.contains("<h1>Augstie</h1>"), "named by its name");
    assert!(page.contains(&format!(r#"href="/?saved={id}" aria-current="page""#)));
    assert!(!page.contains(">Status</th>"), "its columns");

    // Changing its filters keeps the way back to update it.
    let (_, page) = b
        .get(&format!("/?view=open&priority=low&from_saved={id}"))
        .await;
    assert_eq!(row_ids(&page), [low]);
    assert!(page.contains(&format!(r#"name="id" value="{id}""#)));
    let (s, to) = b
        .post(
            "/views",
            &[
                ("id", &id.to_string()),
                ("name", "Zemie"),
                ("share", "personal"),
                ("qs", "view=open&priority=low"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, page) = b.get(&to).await;
    assert_eq!(row_ids(&page), [low]);
    assert!(page.contains("<h1>Zemie</h1>"));

    let (s, to) = b.post(&format!("/views/{id}/delete"), &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"));
    let (s, _) = b.get(&format!("/?saved={id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
