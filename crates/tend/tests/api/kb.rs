//! The knowledge base and the help centre (issue 21): articles with a
//! translation per language, outdated translations, revisions and their
//! restoring; the public pages with the language fallback (`ca>es>en`),
//! drafts never shown, hreflang, canonical links and the sitemap; search
//! recall in Japanese, Korean, Latvian, Catalan and English; suggestions
//! in the visitor's language; votes.

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

kb_on_both!(
    translations_go_outdated_and_revisions_restore,
    the_help_centre_falls_back_and_never_shows_drafts,
    search_finds_every_language,
    suggestions_come_in_the_visitors_language,
);

async fn start(backend: Backend) -> Option<TestApp> {
    TestApp::start(backend, &[("TEND_HELP_FALLBACK", "ca>es>en".to_string())]).await
}

async fn article(app: &TestApp, body: Value) -> Value {
    let (s, a) = app.post("/api/v1/kb/articles", &app.admin, body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

async fn put(app: &TestApp, id: i64, body: Value) -> Value {
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
async fn page(app: &TestApp, path: &str) -> (StatusCode, String, String) {
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

/// The titles a public search page in `lang` lists for `q`.
async fn public_search(app: &TestApp, lang: &str, q: &str) -> String {
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    let (s, _, html) = page(app, &format!("/help/{lang}/search?q={q}")).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    html
}

async fn search_finds_every_language(app: &TestApp) {
    let texts = [
        (
            "ja-refund",
            "ja",
            "返金について",
            "ご注文の返金手続きは三日以内に完了します。",
        ),
        (
            "ko-refund",
            "ko",
            "환불 안내",
            "환불은 영업일 기준 3일 이내에 처리됩니다.",
        ),
        (
            "lv-delivery",
            "lv",
            "Piegāde",
            "Piegāde notiek trīs darba dienās.",
        ),
        (
            "ca-refund",
            "ca",
            "Devolucions",
            "La devolució de l'import es fa en cinc dies.",
        ),
        (
            "en-password",
            "en",
            "Passwords",
            "Reset your password from the sign-in page.",
        ),
    ];
    for (slug, lang, title, body) in texts {
        article(
            app,
            json!({"slug": slug, "translations": {lang: {"title": title, "body_markdown": body, "published": true}}}),
        )
        .await;
    }
    article(
        app,
        json!({"slug": "secret", "translations": {"en": {"title": "Secret roadmap", "body_markdown": "Plans", "published": false}}}),
    )
    .await;

    // Japanese without spaces, Korean with its particle, Latvian and
    // Catalan without their accents, English.
    for (lang, q, title) in [
        ("ja", "返金手続き", "返金について"),
        ("ko", "환불", "환불 안내"),
        ("lv", "piegade", "Piegāde"),
        ("ca", "devolucio", "Devolucions"),
        ("ca", "import", "Devolucions"),
        ("en", "password", "Passwords"),
    ] {
        let html = public_search(app, lang, q).await;
        assert!(html.contains(title), "{lang} {q}: {html}");
    }
    let html = public_search(app, "ko", "환불").await;
    assert!(!html.contains("返金について"), "only what matches: {html}");

    // Drafts: agents find them through the API, the public never.
    let html = public_search(app, "en", "roadmap").await;
    assert!(!html.contains("Secret roadmap"), "{html}");
    let (_, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    let (s, found) = app.get("/api/v1/kb/articles?q=roadmap", &agent).await;
    assert_eq!(s, StatusCode::OK, "{found}");
    assert_eq!(found["items"][0]["slug"], "secret", "{found}");
    let (_, found) = app
        .get("/api/v1/kb/articles?q=%ED%99%98%EB%B6%88", &agent)
        .await;
    assert_eq!(found["items"][0]["slug"], "ko-refund", "{found}");

    // A change is found at once, and what it replaced is not.
    let (_, all) = app.get("/api/v1/kb/articles?q=password", &agent).await;
    let id = all["items"][0]["id"].as_i64().expect("id");
    put(
        app,
        id,
        json!({"slug": "en-password", "translations": {"en": {"title": "Sign-in help", "body_markdown": "Use your passphrase.", "published": true}}}),
    )
    .await;
    assert!(
        public_search(app, "en", "passphrase")
            .await
            .contains("Sign-in help")
    );
    assert!(
        !public_search(app, "en", "password")
            .await
            .contains("Sign-in help")
    );
}

async fn suggest(app: &TestApp, q: &str, lang: &str) -> Value {
    let (s, b) = app
        .get(
            &format!(
                "/help/api/suggest?q={}&lang={lang}",
                url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            ),
            "",
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn suggestions_come_in_the_visitors_language(app: &TestApp) {
    let a = article(
        app,
        json!({"slug": "refunds", "translations": {
            "en": {"title": "Refunds", "body_markdown": "How a refund reaches your card.", "published": true},
            "ja": {"title": "返金について", "body_markdown": "返金はカードに戻ります。", "published": true}}}),
    )
    .await;
    let a = a["id"].as_i64().expect("id");

    let b = suggest(app, "返金", "ja").await;
    assert_eq!(b["items"][0]["id"], a, "{b}");
    assert_eq!(b["items"][0]["title"], "返金について");
    assert_eq!(
        b["items"][0]["url"],
        format!("{}/help/ja/articles/{a}-refunds", app.base)
    );
    assert!(
        b["items"][0]["snippet"]
            .as_str()
            .expect("snippet")
            .contains("返金"),
        "{b}"
    );
    // English words find it for a Japanese visitor, who is offered the
    // Japanese translation; an English visitor gets the English one.
    let b = suggest(app, "refund card", "ja").await;
    assert_eq!(b["items"][0]["title"], "返金について", "{b}");
    let b = suggest(app, "refund", "en").await;
    assert_eq!(b["items"][0]["title"], "Refunds", "{b}");
    // Korean has no translation: English, at the Korean address.
    let b = suggest(app, "refund", "ko").await;
    assert_eq!(b["items"][0]["title"], "Refunds", "{b}");
    assert_eq!(
        b["items"][0]["url"],
        format!("{}/help/ko/articles/{a}-refunds", app.base)
    );

    // At most three.
    for i in 0..4 {
        article(
            app,
            json!({"slug": format!("refund-{i}"), "translations": {"en": {"title": format!("Refund case {i}"), "body_markdown": "refund", "published": true}}}),
        )
        .await;
    }
    let b = suggest(app, "refund", "en").await;
    assert_eq!(b["items"].as_array().map(Vec::len), Some(3), "{b}");
    assert_eq!(suggest(app, "", "en").await["items"], json!([]));

    // Rate-limited per client address.
    let mut last = StatusCode::OK;
    for _ in 0..125 {
        last = app.get("/help/api/suggest?q=x&lang=en", "").await.0;
        if last != StatusCode::OK {
            break;
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
