//! Answers before asking (issue 21): the contact form offers articles in
//! the visitor's language while they type; each suggestion shown is
//! recorded under the visitor's token, an opening and a message sent
//! anyway too; the report counts them per article and per inbox. An
//! anonymous caller is bounded (token shape, offers per visit, new visits
//! per address, body size), and the widget's other sites are held to the
//! inbox's allowed origins.

use reqwest::StatusCode;
use reqwest::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ORIGIN};
use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::kb::{article, kb_on_both, start};
use crate::support::{Backend, TestApp};

kb_on_both!(
    the_contact_form_path_is_recorded_and_reported,
    anonymous_records_are_bounded,
    other_sites_are_held_to_the_inbox_s_origins,
);

/// A visitor's token, as the page makes it (32 hex digits).
fn token(n: u32) -> String {
    format!("{n:032x}")
}

/// `GET /help/api/suggest` as a page of `inbox` with this visitor's token.
async fn suggest(app: &TestApp, q: &str, lang: &str, inbox: i64, token: &str) -> Value {
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let (s, b) = app
        .get(
            &format!("/help/api/suggest?q={q}&lang={lang}&inbox_id={inbox}&token={token}"),
            "",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// `POST /help/api/deflection` as the pages send it (`text/plain`, from
/// `origin` when given).
async fn report_event(app: &TestApp, body: &str, origin: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .post(format!("{}/help/api/deflection", app.base))
        .header(CONTENT_TYPE, "text/plain;charset=UTF-8")
        .body(body.to_string());
    if let Some(o) = origin {
        req = req.header(ORIGIN, o);
    }
    req.send().await.expect("deflection record")
}

async fn opened(app: &TestApp, inbox: i64, token: &str, article: i64) -> StatusCode {
    let body = json!({"token": token, "inbox_id": inbox, "event": "opened", "article_id": article});
    report_event(app, &body.to_string(), None).await.status()
}

/// The line of `key` (`article_id` or `inbox_id` = `id`) in a report list.
fn line<'r>(list: &'r Value, key: &str, id: i64) -> &'r Value {
    list.as_array()
        .and_then(|l| l.iter().find(|x| x[key] == id))
        .unwrap_or_else(|| panic!("no {key} {id} in {list}"))
}

fn counts(l: &Value) -> (i64, i64, i64, i64) {
    let n = |k: &str| l[k].as_i64().unwrap_or_else(|| panic!("{k} in {l}"));
    (n("shown"), n("opened"), n("sent_anyway"), n("deflected"))
}

async fn the_contact_form_path_is_recorded_and_reported(app: &TestApp) {
    let web = app.inbox("web", None).await;
    let refunds = article(
        app,
        json!({"slug": "refunds", "translations": {
            "en": {"title": "Refunds", "body_markdown": "How a refund reaches your card.", "published": true},
            "ja": {"title": "返金について", "body_markdown": "返金はカードに戻ります。", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let shipping = article(
        app,
        json!({"slug": "shipping", "translations": {
            "en": {"title": "Shipping times", "body_markdown": "Parcels take three days.", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");

    // The form in Japanese carries the suggestions' script, Tend's own
    // only, and a field for the visitor's token; it still posts without it.
    let r = app
        .client
        .get(format!("{}/help/contact?inbox={web}&lang=ja", app.base))
        .send()
        .await
        .expect("form");
    let csp = r.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp")
        .to_string();
    assert!(
        csp.contains("script-src 'self';") && csp.contains("connect-src 'self';"),
        "{csp}"
    );
    let html = r.text().await.expect("form");
    assert!(html.contains("data-lang=\"ja\""), "{html}");
    assert!(html.contains("name=\"deflection_token\""), "{html}");
    assert!(html.contains("/help/assets/suggest.js"), "{html}");
    assert!(
        html.contains("こちらの記事で解決するかもしれません"),
        "{html}"
    );
    let js = app
        .client
        .get(format!("{}/help/assets/suggest.js", app.base))
        .send()
        .await
        .expect("script");
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.text().await.expect("js").contains("/help/api/suggest"));

    // Visitor 1 (Japanese): shown the Japanese translation, opens it, and
    // sends the form anyway. The same suggestion again counts once.
    let t1 = token(1);
    let b = suggest(app, "返金", "ja", web, &t1).await;
    assert_eq!(b["items"][0]["id"], refunds, "{b}");
    assert_eq!(b["items"][0]["title"], "返金について", "{b}");
    suggest(app, "返金", "ja", web, &t1).await;
    assert_eq!(opened(app, web, &t1, refunds).await, StatusCode::NO_CONTENT);
    let form = Form::new()
        .text("email", "hanako@example.jp")
        .text("message", "返金はまだですか？")
        .text("website", "")
        .text("deflection_token", t1.clone());
    let resp = app
        .client
        .post(format!("{}/help/contact?inbox={web}&lang=ja", app.base))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
    // Visitor 2: opens the English one and sends nothing: deflected.
    let t2 = token(2);
    suggest(app, "refund", "en", web, &t2).await;
    assert_eq!(opened(app, web, &t2, refunds).await, StatusCode::NO_CONTENT);
    // Visitor 3: shown shipping, sends anyway without opening (the widget
    // reports sending itself).
    let t3 = token(3);
    let b = suggest(app, "shipping", "en", web, &t3).await;
    assert_eq!(b["items"][0]["id"], shipping, "{b}");
    let sent = json!({"token": t3, "inbox_id": web, "event": "sent"}).to_string();
    assert_eq!(
        report_event(app, &sent, None).await.status(),
        StatusCode::NO_CONTENT
    );
    // Visitor 4: shown shipping and leaves; opening an article it was never
    // offered counts for nothing.
    let t4 = token(4);
    suggest(app, "parcels", "en", web, &t4).await;
    assert_eq!(opened(app, web, &t4, refunds).await, StatusCode::NO_CONTENT);

    let (s, r) = app.get("/api/v1/kb/deflection", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let a = line(&r["articles"], "article_id", refunds);
    assert_eq!(counts(a), (2, 2, 1, 1), "{a}");
    assert_eq!(a["deflection_rate"], 0.5, "{a}");
    assert_eq!(a["title"], "Refunds", "{a}");
    let b = line(&r["articles"], "article_id", shipping);
    assert_eq!(counts(b), (2, 0, 1, 0), "{b}");
    assert_eq!(b["deflection_rate"], 0.0, "{b}");
    let i = line(&r["inboxes"], "inbox_id", web);
    assert_eq!(counts(i), (4, 2, 2, 1), "{i}");
    assert_eq!(i["deflection_rate"], 0.25, "{i}");
    assert_eq!(i["kind"], "web");
    assert_eq!(counts(&r["total"]), (4, 2, 2, 1), "{r}");

    // The form's message is the visit's conversation.
    let (conv,): (Option<i64>,) =
        sqlx::query_as("SELECT conversation_id FROM kb_visits WHERE token = $1")
            .bind(&t1)
            .fetch_one(app.st.db.pool())
            .await
            .expect("visit");
    let (only,): (i64,) = sqlx::query_as("SELECT id FROM conversations")
        .fetch_one(app.st.db.pool())
        .await
        .expect("the form's conversation");
    assert_eq!(conv, Some(only));

    // A range before it all is empty; agents may not see the report.
    let (_, old) = app
        .get(
            "/api/v1/kb/deflection?from=2020-01-01&to=2020-01-31",
            &app.admin,
        )
        .await;
    assert_eq!(old["articles"], json!([]), "{old}");
    let (_, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    let (s, _) = app.get("/api/v1/kb/deflection", &agent).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .get(
            "/api/v1/kb/deflection?from=2026-02-01&to=2026-01-01",
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
}

async fn anonymous_records_are_bounded(app: &TestApp) {
    let web = app.inbox("web", None).await;
    // 36 articles in 12 groups of three words each.
    for i in 0..36 {
        let group = [
            "alder", "birch", "cedar", "elm", "fir", "hazel", "larch", "maple", "oak", "pine",
            "rowan", "yew",
        ][i / 3];
        article(
            app,
            json!({"slug": format!("tree-{i}"), "translations": {"en": {"title": format!("Tree {i}"), "body_markdown": format!("About the {group}."), "published": true}}}),
        )
        .await;
    }

    // A token that is not one records nothing (the visitor still gets
    // suggestions); neither does an inbox that takes no visitors.
    let b = suggest(app, "alder", "en", web, "not-a-token").await;
    assert_eq!(b["items"].as_array().map(Vec::len), Some(3), "{b}");
    let email = app.inbox("email", Some("help@example.com")).await;
    suggest(app, "alder", "en", email, &token(9)).await;
    assert_eq!(app.rows("kb_visits").await, 0);

    // One visit is offered at most 30 articles, however much it asks.
    let t = token(1);
    for group in [
        "alder", "birch", "cedar", "elm", "fir", "hazel", "larch", "maple", "oak", "pine", "rowan",
        "yew",
    ] {
        suggest(app, group, "en", web, &t).await;
    }
    assert_eq!(app.rows("kb_offers").await, 30);

    // One address starts at most 30 visits an hour.
    for n in 2..40 {
        suggest(app, "oak", "en", web, &token(n)).await;
    }
    assert_eq!(app.rows("kb_visits").await, 30);

    // Malformed records are refused, and say why.
    for (body, field) in [
        (
            json!({"token": "short", "inbox_id": web, "event": "sent"}),
            "token",
        ),
        (
            json!({"token": t, "inbox_id": web, "event": "opened"}),
            "article_id",
        ),
        (
            json!({"token": t, "inbox_id": web, "event": "shown"}),
            "event",
        ),
    ] {
        let r = report_event(app, &body.to_string(), None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let e: Value = r.json().await.expect("error");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    }
    let r = report_event(
        app,
        r#"{"token": "x", "inbox_id": 1, "event": "liked"}"#,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let big = json!({"token": t, "inbox_id": web, "event": "sent", "pad": "x".repeat(2000)});
    let r = report_event(app, &big.to_string(), None).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    // A message is sent once per visit, and a visit that is over is offered
    // nothing more.
    let offers = app.rows("kb_offers").await;
    assert_eq!(offers, 30 + 29 * 3);
    let t2 = token(2);
    let sent = json!({"token": t2, "inbox_id": web, "event": "sent"}).to_string();
    report_event(app, &sent, None).await;
    report_event(app, &sent, None).await;
    suggest(app, "pine", "en", web, &t2).await;
    assert_eq!(app.rows("kb_offers").await, offers);
    let (s, r) = app.get("/api/v1/kb/deflection", &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        line(&r["inboxes"], "inbox_id", web)["sent_anyway"],
        1,
        "{r}"
    );
}

async fn other_sites_are_held_to_the_inbox_s_origins(app: &TestApp) {
    let chat = app.inbox("chat", None).await;
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/inboxes/{chat}/public-settings"),
            &app.admin,
            Some(json!({"allowed_origins": ["https://shop.example"]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let a = article(
        app,
        json!({"slug": "hours", "translations": {"ko": {"title": "영업시간", "body_markdown": "평일 9시부터 영업합니다.", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let t = token(7);
    let ask = |origin: &'static str| {
        app.client
            .get(format!(
                "{}/help/api/suggest?q=%EC%98%81%EC%97%85&lang=ko&inbox_id={chat}&token={t}",
                app.base
            ))
            .header(ORIGIN, origin)
            .send()
    };

    // The shop's widget reads the suggestions (CORS for it) and records.
    let r = ask("https://shop.example").await.expect("suggest");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://shop.example"
    );
    let b: Value = r.json().await.expect("json");
    assert_eq!(b["items"][0]["title"], "영업시간", "{b}");
    let open =
        json!({"token": t, "inbox_id": chat, "event": "opened", "article_id": a}).to_string();
    let r = report_event(app, &open, Some("https://shop.example")).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        r.headers()[ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://shop.example"
    );

    // Another site is refused, as by the chat itself.
    let r = ask("https://evil.example").await.expect("suggest");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["error"]["code"], "origin_not_allowed", "{e}");
    let sent = json!({"token": t, "inbox_id": chat, "event": "sent"}).to_string();
    let r = report_event(app, &sent, Some("https://evil.example")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (_, r) = app.get("/api/v1/kb/deflection", &app.admin).await;
    let i = line(&r["inboxes"], "inbox_id", chat);
    assert_eq!(counts(i), (1, 1, 0, 1), "{i}");
    assert_eq!(i["kind"], "chat");

    // Without an inbox the suggestions are for Tend's own pages only.
    let r = app
        .client
        .get(format!("{}/help/api/suggest?q=x&lang=en", app.base))
        .header(ORIGIN, "https://evil.example")
        .send()
        .await
        .expect("suggest");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.headers().contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));
}
