//! The help centre's way to the chat (issue 21: "a contact link on every
//! page, leading to the contact form, the chat and the portal"): with
//! `help_chat_inbox` set, every help-centre page offers that inbox's chat
//! widget beside the contact form and the portal, and its policy lets
//! Tend's own widget run; without it, no page loads any script.

use reqwest::StatusCode;
use serde_json::json;

use crate::kb::{article, page};
use crate::support::{Backend, TestApp};

async fn with_chat(backend: Backend) -> Option<TestApp> {
    TestApp::start(backend, &[("TEND_HELP_CHAT_INBOX", "2".to_string())]).await
}

/// Every page type of the help centre: home, an article, search.
async fn pages(app: &TestApp) -> Vec<(String, reqwest::header::HeaderMap, String)> {
    let a = article(
        app,
        json!({"slug": "reset-password", "translations": {
            "en": {"title": "Reset your password", "body_markdown": "Open the sign-in page.", "published": true},
            "lv": {"title": "Paroles maiņa", "body_markdown": "Atveriet pieteikšanās lapu.", "published": true}}}),
    )
    .await;
    let id = a["id"].as_i64().expect("id");
    let mut out = vec![];
    for path in [
        "/help/en/".to_string(),
        format!("/help/lv/articles/{id}-reset-password"),
        "/help/ja/search?q=password".to_string(),
    ] {
        let resp = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("page");
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let headers = resp.headers().clone();
        out.push((path, headers, resp.text().await.expect("body")));
    }
    out
}

async fn every_page_offers_the_configured_chat(app: &TestApp) {
    let chat = app.inbox("chat", None).await;
    assert_eq!(chat, 2, "the inbox TEND_HELP_CHAT_INBOX names");
    for (path, headers, html) in pages(app).await {
        let lang = path.split('/').nth(2).expect("lang");
        assert!(
            html.contains(&format!(
                "<script src=\"/widget.js\" data-inbox=\"2\" data-lang=\"{lang}\" data-opener=\"kb-chat-link\" async></script>"
            )),
            "{path}: the chat widget in the page's language\n{html}"
        );
        // Without script, the chat link still leads somewhere: the form.
        assert!(
            html.contains(&format!(
                "href=\"/help/contact?lang={lang}\" id=\"kb-chat-link\""
            )),
            "{path}"
        );
        assert!(html.contains("id=\"kb-portal-link\""), "{path}");
        let csp = headers["content-security-policy"].to_str().expect("csp");
        assert!(
            csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
            "{path}: {csp}"
        );
    }
    // The widget it loads takes the page's own "Chat with us" as an opener.
    let (s, _, js) = page(app, "/widget.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(js.contains("D.opener"), "widget.js reads data-opener");
}

async fn without_it_no_page_loads_a_script(app: &TestApp) {
    app.inbox("chat", None).await;
    for (path, _, html) in pages(app).await {
        assert!(!html.contains("<script"), "{path}: no script\n{html}");
        assert!(!html.contains("kb-chat-link"), "{path}");
        assert!(html.contains("id=\"kb-portal-link\""), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_offered_sqlite() {
    let app = with_chat(Backend::Sqlite).await.expect("sqlite");
    every_page_offers_the_configured_chat(&app).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_offered_postgres() {
    if let Some(app) = with_chat(Backend::Postgres).await {
        every_page_offers_the_configured_chat(&app).await;
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_chat_sqlite() {
    let app = TestApp::start(Backend::Sqlite, &[]).await.expect("sqlite");
    without_it_no_page_loads_a_script(&app).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_chat_postgres() {
    if let Some(app) = TestApp::start(Backend::Postgres, &[]).await {
        without_it_no_page_loads_a_script(&app).await;
        app.finish().await;
    }
}
