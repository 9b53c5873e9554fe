//! Knowledge-base search (issue 21): recall in Japanese (no spaces),
//! Korean (particles), Latvian and Catalan (accents folded) and English;
//! drafts for agents only; suggestions in the visitor's language with the
//! fallback, at most three, rate-limited.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kb::{article, kb_on_both, page, put, start};
use crate::support::{Backend, TestApp};

kb_on_both!(
    search_finds_every_language,
    suggestions_come_in_the_visitors_language,
);

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
