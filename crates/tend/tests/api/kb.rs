//! The knowledge base and the help centre (issue 21): articles with a
//! translation per language, outdated translations, revisions and their
//! restoring; the public pages with the language fallback (`ca>es>en`),
//! drafts never shown, hreflang, canonical links and the sitemap; votes.
//! Search and suggestions: `kb_search.rs`.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, LOCATION, ORIGIN};
use serde_json::{Value, json};

use crate::support::{Backend, TestApp};

/// Runs each scenario on SQLite and on PostgreSQL, with the help centre's
/// fallback `ca>es>en`.
macro_rules! kb_on_both {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = start(Backend::Sqlite).await.expect("sqlite always available");
                super::$name(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = start(Backend::Postgres).await {
                    super::$name(&app).await;
                    app.finish().await;
                }
            }
        }
    )* };
}

pub(crate) use kb_on_both;

kb_on_both!(
    translations_go_outdated_and_revisions_restore,
    the_help_centre_falls_back_and_never_shows_drafts,
);

pub(crate) async fn start(backend: Backend) -> Option<TestApp> {
    TestApp::start(backend, &[("TEND_HELP_FALLBACK", "ca>es>en".to_string())]).await
}

pub(crate) async fn article(app: &TestApp, body: Value) -> Value {
    let (s, a) = app.post("/api/v1/kb/articles", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

pub(crate) async fn put(app: &TestApp, id: i64, body: Value) -> Value {
    let (s, a) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/kb/articles/{id}"),
            &app.admin,
            Some(body),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    a
}

fn outdated(a: &Value, lang: &str) -> bool {
    a["translations"][lang]["outdated"]
        .as_bool()
        .unwrap_or_else(|| panic!("no translation {lang} in {a}"))
}

/// A page of the help centre: status, final address and body (redirects
/// followed).
pub(crate) async fn page(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("page");
    let status = resp.status();
    let url = resp.url().path().to_string();
    (status, url, resp.text().await.expect("body"))
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn translations_go_outdated_and_revisions_restore(app: &TestApp) {
    let (_, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    let (_, supervisor) = app.user("sup@example.com", "Sofia", "supervisor").await;
    let v1 = json!({"slug": "refunds", "translations": {
        "en": {"title": "Refunds", "body_markdown": "Refunds take **5 days**.", "published": true},
        "ja": {"title": "返金", "body_markdown": "返金には5日かかります。", "published": true},
        "ko": {"title": "환불", "body_markdown": "환불은 5일 걸립니다.", "published": false}}});

    // Agents read; only admins and supervisors write.
    let (s, b) = app.post("/api/v1/kb/articles", &agent, v1.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, a) = app
        .post("/api/v1/kb/articles", &supervisor, v1.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().expect("id");
    assert_eq!(a["source_lang"], "en");
    assert_eq!(
        a["translations"]["en"]["body_html"],
        "<p>Refunds take <strong>5 days</strong>.</p>\n"
    );
    assert!(!outdated(&a, "ja") && !outdated(&a, "ko"), "{a}");
    let (s, seen) = app.get(&format!("/api/v1/kb/articles/{id}"), &agent).await;
    assert_eq!(s, StatusCode::OK, "{seen}");
    assert_eq!(
        seen["translations"]["ko"]["published"], false,
        "agents see drafts"
    );

    // The source changes: the translations nobody touched are outdated.
    let mut v2 = v1.clone();
    v2["translations"]["en"]["body_markdown"] = json!("Refunds take 3 days.");
    let a = put(app, id, v2.clone()).await;
    assert!(!outdated(&a, "en"));
    assert!(outdated(&a, "ja") && outdated(&a, "ko"), "{a}");
    // Publishing a draft is no translation: still outdated.
    v2["translations"]["ko"]["published"] = json!(true);
    let a = put(app, id, v2.clone()).await;
    assert!(outdated(&a, "ko"), "{a}");
    // Translating again brings one up to date.
    let mut v3 = v2.clone();
    v3["translations"]["ja"]["body_markdown"] = json!("返金には3日かかります。");
    let a = put(app, id, v3).await;
    assert!(!outdated(&a, "ja") && outdated(&a, "ko"), "{a}");

    // Every change is a revision, newest first; restoring the first writes
    // it again, as a new revision.
    let (s, revs) = app
        .get(&format!("/api/v1/kb/articles/{id}/revisions"), &agent)
        .await;
    assert_eq!(s, StatusCode::OK, "{revs}");
    let items = revs["items"].as_array().expect("items");
    assert_eq!(items.len(), 4, "{revs}");
    let first = items.last().expect("first")["id"].as_i64().expect("id");
    assert_eq!(
        items.last().expect("first")["article"]["translations"]["en"]["body_markdown"],
        "Refunds take **5 days**."
    );
    let restore = format!("/api/v1/kb/articles/{id}/revisions/{first}/restore");
    let (s, b) = app.post(&restore, &agent, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, a) = app.post(&restore, &app.admin, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(
        a["translations"]["en"]["body_markdown"],
        "Refunds take **5 days**."
    );
    assert_eq!(a["translations"]["ko"]["published"], false);
    // ja came back with the text it had beside that source; ko never moved.
    assert!(!outdated(&a, "ja") && outdated(&a, "ko"), "{a}");
    let (_, revs) = app
        .get(&format!("/api/v1/kb/articles/{id}/revisions"), &app.admin)
        .await;
    assert_eq!(revs["items"].as_array().map(Vec::len), Some(5));

    // Mistakes name their field.
    let (s, b) = app
        .post("/api/v1/kb/articles", &app.admin, v1.clone())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "slug");
    let (s, b) = app
        .post(
            "/api/v1/kb/articles",
            &app.admin,
            json!({"slug": "x", "translations": {"e n": {"title": "X"}}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "translations.e n");
    let (s, b) = app
        .post(
            "/api/v1/kb/articles",
            &app.admin,
            json!({"slug": "y", "category": 999, "translations": {"en": {"title": "Y"}}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["details"]["field"], "category");

    // Removing it.
    let (s, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/kb/articles/{id}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = app.get(&format!("/api/v1/kb/articles/{id}"), &agent).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(app.rows("kb_revisions").await, 0);
}

async fn the_help_centre_falls_back_and_never_shows_drafts(app: &TestApp) {
    let (s, cat) = app
        .post(
            "/api/v1/kb/categories",
            &app.admin,
            json!({"slug": "billing", "names": {"en": "Billing", "ca": "Facturació"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{cat}");
    let cat = cat["id"].as_i64().expect("id");
    let a = article(
        app,
        json!({"slug": "invoices", "category": cat, "translations": {
            "en": {"title": "Invoices", "body_markdown": "Find **invoices** <script>x()</script>", "published": true},
            "es": {"title": "Facturas", "body_markdown": "Encuentra tus facturas aquí", "published": true}}}),
    )
    .await;
    let a = a["id"].as_i64().expect("id");
    let b = article(
        app,
        json!({"slug": "passwords", "translations": {
            "en": {"title": "Passwords", "body_markdown": "Reset it", "published": true},
            "ja": {"title": "秘密の下書き", "body_markdown": "下書き", "published": false}}}),
    )
    .await;
    let b = b["id"].as_i64().expect("id");
    let c = article(
        app,
        json!({"slug": "roadmap", "translations": {
            "en": {"title": "Roadmap draft", "body_markdown": "Not yet", "published": false}}}),
    )
    .await;
    let c = c["id"].as_i64().expect("id");

    // Catalan falls back to Spanish, with the note; canonical and
    // alternates name the Catalan address and the English one.
    let path = format!("/help/ca/articles/{a}-invoices");
    let (s, _, html) = page(app, &path).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Encuentra tus facturas"), "{html}");
    assert!(html.contains("encara no està traduït"), "{html}");
    assert!(
        html.contains(&format!(
            r#"<link rel="canonical" href="{}{path}">"#,
            app.base
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<link rel="alternate" hreflang="en" href="{}/help/en/articles/{a}-invoices">"#,
            app.base
        )),
        "{html}"
    );
    assert!(
        html.contains("/help/contact?lang=ca"),
        "a contact link: {html}"
    );
    // English has its own text, sanitised, and no note.
    let (s, _, html) = page(app, &format!("/help/en/articles/{a}-invoices")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<strong>invoices</strong>") && !html.contains("<script>x()"),
        "{html}"
    );
    assert!(!html.contains("not yet translated"), "{html}");

    // Japanese: the draft translation never shows, the English one does.
    let (s, _, html) = page(app, &format!("/help/ja/articles/{b}-passwords")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Passwords") && html.contains("まだ日本語に翻訳されていません"),
        "{html}"
    );
    assert!(!html.contains("秘密の下書き"), "{html}");
    // A draft-only article does not exist for the public.
    let (s, _, _) = page(app, &format!("/help/en/articles/{c}-roadmap")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The home lists categories and articles, each in the best language.
    let (s, _, html) = page(app, "/help/ca/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Facturació") && html.contains("Facturas"),
        "{html}"
    );
    assert!(
        html.contains("Passwords") && !html.contains("Roadmap"),
        "{html}"
    );
    let (s, _, html) = page(app, &format!("/help/en/categories/{cat}-billing")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("Invoices") && !html.contains("Passwords"),
        "{html}"
    );

    // Stable addresses: a wrong slug moves permanently; /help/ follows the
    // browser's language.
    let resp = no_redirects()
        .get(format!("{}/help/ko/articles/{a}-old-name", app.base))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(
        resp.headers()[LOCATION],
        format!("/help/ko/articles/{a}-invoices")
    );
    let resp = no_redirects()
        .get(format!("{}/help/", app.base))
        .header(ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("get");
    assert!(resp.status().is_redirection());
    assert_eq!(resp.headers()[LOCATION], "/help/ko/");

    // The sitemap lists each published translation in the site's languages.
    let (s, _, xml) = page(app, "/help/sitemap.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.contains(&format!(
            "<loc>{}/help/en/articles/{a}-invoices</loc>",
            app.base
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            "<loc>{}/help/en/articles/{b}-passwords</loc>",
            app.base
        )),
        "{xml}"
    );
    assert!(
        !xml.contains(&format!("/help/ja/articles/{b}-")),
        "a draft: {xml}"
    );
    assert!(!xml.contains("roadmap"), "{xml}");

    // "Did this help?": recorded, then thanked; another site cannot post.
    let vote = format!("{}/help/en/articles/{a}-invoices/vote", app.base);
    let resp = no_redirects()
        .post(&vote)
        .form(&[("helpful", "no")])
        .send()
        .await
        .expect("vote");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()[LOCATION],
        format!("/help/en/articles/{a}-invoices?voted=1#vote")
    );
    assert_eq!(app.rows("kb_votes").await, 1);
    let resp = no_redirects()
        .post(&vote)
        .header(ORIGIN, "https://evil.example")
        .form(&[("helpful", "yes")])
        .send()
        .await
        .expect("vote");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.rows("kb_votes").await, 1);
    let (_, _, html) = page(app, &format!("/help/en/articles/{a}-invoices?voted=1")).await;
    assert!(html.contains("Thank you for telling us"), "{html}");

    // Every page speaks every language with no string missing.
    for lang in ["en", "ja", "ko", "lv", "ca"] {
        for path in [
            format!("/help/{lang}/"),
            format!("/help/{lang}/articles/{a}-invoices"),
            format!("/help/{lang}/categories/{cat}-billing"),
            format!("/help/{lang}/search?q=invoices"),
            format!("/help/{lang}/articles/{c}-roadmap"),
        ] {
            let (s, _, html) = page(app, &path).await;
            assert!(
                s == StatusCode::OK || s == StatusCode::NOT_FOUND,
                "{path}: {s}"
            );
            assert!(
                html.contains(&format!("<html lang=\"{lang}\">")),
                "{path}: {html}"
            );
            assert!(!html.contains('⟦'), "{path} misses a string: {html}");
        }
    }
}
