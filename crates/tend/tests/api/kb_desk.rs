//! The knowledge base at work (issue 21): the composer finds published
//! articles in the conversation's language with the fallback (`ca>es>en`),
//! with a link and the text to insert; an answered conversation becomes a
//! draft article in its language; agents see the articles customers found
//! unhelpful; the pages in the workspace, in every language.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::kb::{article, kb_on_both, start};
use crate::support::{Backend, TestApp};
use crate::web::signed_in;

kb_on_both!(
    the_composer_finds_articles_in_the_conversation_s_language,
    an_answered_conversation_becomes_a_draft_article,
    agents_see_unhelpful_articles_and_supervisors_the_deflection_page,
);

/// An inbox the agent's team works, and a conversation in it in `lang`.
async fn conversation_in(app: &TestApp, inbox: i64, lang: &str, subject: &str, text: &str) -> i64 {
    let (s, c) = app
        .post(
            "/api/v1/conversations",
            &app.admin,
            json!({"subject": subject, "customer": {"email": format!("{lang}@customer.example")},
                   "message": {"text": text}, "inbox_id": inbox, "language": lang}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().expect("id")
}

async fn composer(app: &TestApp, token: &str, conv: i64, q: &str) -> (StatusCode, Value) {
    let q = url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
    app.get(
        &format!("/api/v1/conversations/{conv}/kb-articles?q={q}"),
        token,
    )
    .await
}

async fn the_composer_finds_articles_in_the_conversation_s_language(app: &TestApp) {
    let inbox = app.inbox("api", None).await;
    let (agent_id, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    app.team("Front", &[agent_id], &[inbox]).await;
    let a = article(
        app,
        json!({"slug": "refunds", "source_lang": "en", "translations": {
            "en": {"title": "Refunds", "body_markdown": "A refund reaches your card in **5 days**.", "published": true},
            "es": {"title": "Reembolsos", "body_markdown": "El reembolso llega a su tarjeta en 5 días.", "published": true},
            "ca": {"title": "Reemborsaments", "body_markdown": "Esborrany.", "published": false},
            "ja": {"title": "返金について", "body_markdown": "返金は5日でカードに戻ります。", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");

    // Catalan has only a draft: Spanish, the next of its chain, with the
    // Catalan page's address (which shows it, marked).
    let ca = conversation_in(
        app,
        inbox,
        "ca",
        "Reemborsament",
        "On és el meu reemborsament?",
    )
    .await;
    let (s, b) = composer(app, &agent, ca, "refund").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["language"], "ca");
    let item = &b["items"][0];
    assert_eq!(item["id"], a, "{b}");
    assert_eq!(item["title"], "Reembolsos");
    assert_eq!(item["lang"], "es");
    assert_eq!(item["fallback"], true);
    assert_eq!(
        item["url"],
        format!("{}/help/ca/articles/{a}-refunds", app.base)
    );
    assert!(
        item["text"]
            .as_str()
            .expect("text")
            .contains("El reembolso llega"),
        "{b}"
    );
    // A Japanese conversation gets Japanese, found without spaces.
    let ja = conversation_in(app, inbox, "ja-JP", "返金", "返金はいつですか").await;
    let (_, b) = composer(app, &agent, ja, "返金").await;
    assert_eq!(b["language"], "ja");
    assert_eq!(b["items"][0]["title"], "返金について", "{b}");
    assert_eq!(b["items"][0]["fallback"], false);
    assert_eq!(
        b["items"][0]["url"],
        format!("{}/help/ja/articles/{a}-refunds", app.base)
    );
    // Drafts are never offered for a reply; nothing asked, nothing found.
    let (_, b) = composer(app, &agent, ca, "esborrany").await;
    assert_eq!(b["items"], json!([]), "{b}");
    let (_, b) = composer(app, &agent, ca, "").await;
    assert_eq!(b["items"], json!([]), "{b}");

    // Only for conversations one may see.
    let hidden = app.inbox("api", None).await;
    let other = conversation_in(app, hidden, "en", "Elsewhere", "refund").await;
    let (s, _) = composer(app, &agent, other, "refund").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The workspace's picker answers the same for a signed-in agent.
    let (_, mut browser) = signed_in(app, "web@example.com", "Wanda", "admin").await;
    let (s, body) = browser.get(&format!("/ui/kb/{ca}?q=refund")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let b: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(b["items"][0]["title"], "Reembolsos", "{b}");
    let (_, page) = browser.get(&format!("/c/{ca}")).await;
    assert!(page.contains("id=\"kb-picker\""), "{page}");
    assert!(page.contains("/assets/kb_picker.js"), "{page}");
    let (s, js) = browser.get("/assets/kb_picker.js").await;
    assert_eq!(s, StatusCode::OK);
    assert!(js.contains("/ui/kb/"));
}

async fn an_answered_conversation_becomes_a_draft_article(app: &TestApp) {
    let inbox = app.inbox("api", None).await;
    let (agent_id, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    app.team("Front", &[agent_id], &[inbox]).await;
    let conv = conversation_in(
        app,
        inbox,
        "ja",
        "返金の時期",
        "注文した商品の返金はいつになりますか？",
    )
    .await;
    let path = format!("/api/v1/conversations/{conv}/kb-draft");

    // Not answered yet: nothing to turn into an article.
    let (s, b) = app.post(&path, &agent, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    app.post(
        &format!("/api/v1/conversations/{conv}/messages"),
        &agent,
        json!({"text": "内部メモ：経理に確認済み", "internal": true}),
    )
    .await;
    let (s, _) = app.post(&path, &agent, json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a note is no answer");
    let (s, m) = app
        .post(
            &format!("/api/v1/conversations/{conv}/messages"),
            &agent,
            json!({"text": "返金は5営業日以内にカードに戻ります。"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");

    // An agent who may see it makes the draft, in Japanese.
    let (s, d) = app.post(&path, &agent, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().expect("id");
    assert_eq!(d["source_lang"], "ja");
    assert_eq!(d["slug"], format!("conversation-{conv}"));
    let t = &d["translations"]["ja"];
    assert_eq!(t["title"], "返金の時期");
    assert_eq!(t["published"], false);
    assert_eq!(t["author_id"], agent_id);
    let body = t["body_markdown"].as_str().expect("body");
    assert!(
        body.contains("> 注文した商品の返金はいつになりますか？"),
        "{body}"
    );
    assert!(
        body.contains("返金は5営業日以内にカードに戻ります。"),
        "{body}"
    );
    assert!(!body.contains("内部メモ"), "notes stay inside: {body}");
    // A draft: not in the help centre, and only supervisors publish.
    let r = app
        .client
        .get(format!(
            "{}/help/ja/articles/{id}-conversation-{conv}",
            app.base
        ))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let input = json!({"slug": d["slug"], "translations": {"ja": {
        "title": "返金の時期", "body_markdown": body, "published": true}}});
    let (s, _) = app
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/kb/articles/{id}"),
            &agent,
            Some(input),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A second draft of the same conversation gets its own slug; one
    // nobody showed the agent is not found.
    let (s, d2) = app.post(&path, &agent, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    assert_eq!(d2["slug"], format!("conversation-{conv}-{conv}"));
    let hidden = app.inbox("api", None).await;
    let other = conversation_in(app, hidden, "en", "Elsewhere", "Where is it?").await;
    let (s, _) = app
        .post(
            &format!("/api/v1/conversations/{other}/kb-draft"),
            &agent,
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // From the conversation page: back to it with a notice.
    let (_, mut browser) = signed_in(app, "web@example.com", "Wanda", "admin").await;
    browser.get(&format!("/c/{conv}")).await;
    let (s, to) = browser.post(&format!("/c/{conv}/kb-draft"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{to}");
    let (prefix, made) = to.split_once("?kb_draft=").expect("the draft's id");
    assert_eq!(prefix, format!("/c/{conv}"));
    let (_, third) = app
        .get(&format!("/api/v1/kb/articles/{made}"), &app.admin)
        .await;
    assert_eq!(
        third["slug"],
        format!("conversation-{conv}-{conv}-2"),
        "{third}"
    );
    let (s, page) = browser.get(&to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains(&format!("Draft article #{made} was created")),
        "{page}"
    );
}

async fn agents_see_unhelpful_articles_and_supervisors_the_deflection_page(app: &TestApp) {
    let a = article(
        app,
        json!({"slug": "invoices", "translations": {
            "en": {"title": "Invoices", "body_markdown": "Where to find them.", "published": true},
            "lv": {"title": "Rēķini", "body_markdown": "Kur tos atrast.", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let b = article(
        app,
        json!({"slug": "fine", "translations": {"en": {"title": "All fine", "body_markdown": "Yes.", "published": true}}}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    for (id, slug, answer) in [
        (a, "invoices", "no"),
        (a, "invoices", "no"),
        (a, "invoices", "yes"),
        (b, "fine", "yes"),
    ] {
        let r = app
            .client
            .post(format!("{}/help/en/articles/{id}-{slug}/vote", app.base))
            .form(&[("helpful", answer)])
            .send()
            .await
            .expect("vote");
        assert!(r.status().is_success() || r.status().is_redirection());
    }
    let (_, agent) = app.user("agent@example.com", "Agnese", "agent").await;
    let (s, u) = app.get("/api/v1/kb/unhelpful?lang=lv", &agent).await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["items"].as_array().map(Vec::len), Some(1), "{u}");
    assert_eq!(u["items"][0]["article_id"], a);
    assert_eq!(u["items"][0]["title"], "Rēķini");
    assert_eq!(
        (
            u["items"][0]["unhelpful"].as_i64(),
            u["items"][0]["helpful"].as_i64()
        ),
        (Some(2), Some(1))
    );

    // The pages, in every language, with nothing left untranslated.
    let (_, mut sup) = signed_in(app, "sup@example.com", "Sofia", "supervisor").await;
    let (_, mut ag) = signed_in(app, "ag@example.com", "Arturs", "agent").await;
    for (lang, title) in [
        ("en", "Answers before asking"),
        ("ja", "問い合わせ前の解決"),
        ("ko", "문의 전 해결"),
        ("lv", "Atbildes pirms jautāšanas"),
        ("ca", "Respostes abans de preguntar"),
    ] {
        sup.lang = lang.to_string();
        ag.lang = lang.to_string();
        let (s, html) = sup.get("/reports/deflection").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains(title), "{lang}: {html}");
        assert!(!html.contains('⟦'), "{lang}: a missing string in {html}");
        let (s, html) = ag.get("/kb/unhelpful").await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains(&format!("data-key=\"{a}\"")), "{html}");
        assert!(!html.contains('⟦'), "{lang}: a missing string in {html}");
        let (s, _) = ag.get("/reports/deflection").await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }
}
