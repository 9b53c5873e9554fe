//! The knowledge-base editor in the workspace (issue 21), driven like a
//! browser: an article written, translated, published; the outdated
//! translation shows what changed in the source, escaped; revisions
//! restored; only those who may write articles reach the editor, and
//! every form needs the session's CSRF token. What the pages change is
//! read back through the API and the help centre. Pictures:
//! `kb_images.rs`.

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};
use tend::agents::Role;

use crate::browser::{Browser, PASSWORD, between, user_with_password};
use crate::kb::{article, kb_on_both, page, start};
use crate::kb_images::{PNG, picture};
use crate::support::{Backend, TestApp};

kb_on_both!(
    the_editor_writes_publishes_shows_the_change_and_restores,
    only_writers_reach_the_editor,
);

/// A user of `role` with a password, signed in.
pub(crate) async fn signed_in(app: &TestApp, email: &str, role: Role) -> Browser {
    user_with_password(app, email, "Sofia", role).await;
    let mut b = Browser::new(app, "en");
    assert!(b.login(email, PASSWORD).await, "{email} signs in");
    b
}

/// The translation form as multipart.
pub(crate) fn translation(title: &str, body: &str, published: bool) -> Form {
    let f = Form::new()
        .text("title", title.to_string())
        .text("body", body.to_string())
        .text("action", "save");
    if published {
        f.text("published", "1")
    } else {
        f
    }
}

pub(crate) async fn get_article(app: &TestApp, id: i64) -> Value {
    let (s, a) = app
        .get(&format!("/api/v1/kb/articles/{id}"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    a
}

/// The state the editor's list shows for `lang` of article `id` (the
/// class of the cell's link, which names its state before its language).
fn state_in_list(body: &str, id: i64, lang: &str) -> String {
    let row = between(body, &format!("data-article=\"{id}\""), "</tr>").expect("the article's row");
    let at = row
        .find(&format!("data-lang=\"{lang}\""))
        .unwrap_or_else(|| panic!("no {lang} cell in {row}"));
    row[..at]
        .rsplit("kb-state-")
        .next()
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string()
}

async fn the_editor_writes_publishes_shows_the_change_and_restores(app: &TestApp) {
    let mut sup = signed_in(app, "sofia@example.com", Role::Supervisor).await;
    let p = sup.get("/kb").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("No articles yet."), "{}", p.body);
    // The workspace's navigation leads writers to the editor.
    assert!(
        p.body.contains("href=\"/kb\" aria-current=\"page\""),
        "{}",
        p.body
    );

    // A mistake shows the form again with the reason and what was typed.
    let p = sup
        .post(
            "/kb/new",
            &[("slug", "Bad Slug"), ("lang", "en"), ("title", "Refunds")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body
            .contains("Use lower-case letters, digits and hyphens"),
        "{}",
        p.body
    );
    assert!(p.body.contains("value=\"Refunds\""), "{}", p.body);

    let p = sup
        .post(
            "/kb/new",
            &[
                ("slug", "refunds"),
                ("lang", "en"),
                ("title", "Refunds"),
                ("body", "Refunds take 5 days.\nBy card."),
                ("published", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id: i64 = between(&p.location, "/kb/", "/en")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("to the new translation: {}", p.location));
    let a = get_article(app, id).await;
    assert_eq!(a["source_lang"], "en");
    assert_eq!(a["translations"]["en"]["published"], true);
    let (s, _, html) = page(app, &format!("/help/en/articles/{id}-refunds")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("Refunds take 5 days."), "{html}");

    // A Japanese translation, published.
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/ja"),
            translation("返金", "返金には5日かかります。", true),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, format!("/kb/{id}/ja?saved=1"));
    let list = sup.get("/kb").await.body;
    assert_eq!(state_in_list(&list, id, "ja"), "published");
    assert_eq!(state_in_list(&list, id, "ko"), "missing");
    let (_, _, html) = page(app, &format!("/help/ja/articles/{id}-refunds")).await;
    assert!(html.contains("返金には5日かかります。"), "{html}");

    // The source changes: the Japanese goes outdated and shows the change,
    // every line escaped.
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/en"),
            translation(
                "Refunds",
                "Refunds take 10 days.\nBy card.\nNever <script>alert(1)</script>.",
                true,
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        get_article(app, id).await["translations"]["ja"]["outdated"],
        true
    );
    let list = sup.get("/kb").await.body;
    assert_eq!(state_in_list(&list, id, "ja"), "outdated");
    let p = sup.get(&format!("/kb/{id}/ja")).await;
    assert_eq!(p.status, StatusCode::OK);
    let diff = between(&p.body, "<ol class=\"diff\"", "</ol>").expect("the diff");
    assert!(
        diff.contains(
            "<del><span class=\"vh\" lang=\"en\">Removed: </span>Refunds take 5 days.</del>"
        ),
        "{diff}"
    );
    assert!(
        diff.contains(
            "<ins><span class=\"vh\" lang=\"en\">Added: </span>Refunds take 10 days.</ins>"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("<li class=\"diff-same\">By card.</li>"),
        "{diff}"
    );
    assert!(
        diff.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{diff}"
    );
    assert!(!p.body.contains("<script>alert"), "escaped");
    // The Japanese stays as it was until someone updates it.
    assert!(p.body.contains("返金には5日かかります。"));
    // The source itself has no diff.
    let p = sup.get(&format!("/kb/{id}/en")).await;
    assert!(!p.body.contains("class=\"diff\""));

    // Updating the translation brings it up to date.
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/ja"),
            translation("返金", "返金には10日かかります。", true),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        get_article(app, id).await["translations"]["ja"]["outdated"],
        false
    );
    assert!(
        !sup.get(&format!("/kb/{id}/ja"))
            .await
            .body
            .contains("class=\"diff\"")
    );

    // Revisions: the first one restored brings back the English alone.
    let (_, revs) = app
        .get(&format!("/api/v1/kb/articles/{id}/revisions"), &app.admin)
        .await;
    let revs = revs["items"].as_array().expect("revisions").clone();
    assert_eq!(revs.len(), 4, "{revs:?}");
    let first = revs.last().expect("the first")["id"].as_i64().expect("id");
    let p = sup.get(&format!("/kb/{id}")).await;
    assert!(
        p.body
            .contains(&format!("/kb/{id}/revisions/{first}/restore")),
        "{}",
        p.body
    );
    let p = sup
        .post(&format!("/kb/{id}/revisions/{first}/restore"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.location, format!("/kb/{id}?restored=1"));
    let a = get_article(app, id).await;
    assert_eq!(
        a["translations"]["en"]["body_markdown"],
        "Refunds take 5 days.\nBy card."
    );
    assert!(a["translations"].get("ja").is_none(), "{a}");
    assert!(
        sup.get(&format!("/kb/{id}?restored=1"))
            .await
            .body
            .contains("The revision was restored.")
    );

    // Settings: a new slug (the old address redirects), then a draft.
    let p = sup
        .post(
            &format!("/kb/{id}"),
            &[
                ("slug", "refund-times"),
                ("category", ""),
                ("source_lang", "en"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, url, _) = page(app, &format!("/help/en/articles/{id}-refunds")).await;
    assert_eq!(url, format!("/help/en/articles/{id}-refund-times"));
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/en"),
            translation("Refunds", "Draft again.", false),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (s, _, _) = page(app, &format!("/help/en/articles/{id}-refund-times")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a draft is not public");

    // Categories through their page.
    let p = sup
        .post(
            "/kb/categories",
            &[
                ("slug", "billing"),
                ("position", "1"),
                ("name_en", "Billing"),
                ("name_ja", "請求"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, cats) = app.get("/api/v1/kb/categories", &app.admin).await;
    assert_eq!(cats["items"][0]["names"]["ja"], "請求", "{cats}");
    let p = sup
        .post("/kb/categories", &[("slug", "no-name"), ("position", "x")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
}

async fn only_writers_reach_the_editor(app: &TestApp) {
    let a = article(
        app,
        json!({"slug": "refunds", "translations": {
            "en": {"title": "Refunds", "body_markdown": "Five days.", "published": true}}}),
    )
    .await;
    let id = a["id"].as_i64().expect("id");

    // Nobody signed in: to the sign-in page.
    let mut stranger = Browser::new(app, "en");
    for path in [
        "/kb",
        "/kb/new",
        &format!("/kb/{id}"),
        &format!("/kb/{id}/en"),
    ] {
        let p = stranger.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert!(p.location.starts_with("/login"), "{path}: {}", p.location);
    }

    // An agent reads articles but may not write them: the 403 page.
    let mut agent = signed_in(app, "agnese@example.com", Role::Agent).await;
    assert!(
        agent.get("/").await.body.contains("href=\"/kb/unhelpful\""),
        "agents are led to what they may see"
    );
    for path in [
        "/kb".to_string(),
        "/kb/new".into(),
        "/kb/categories".into(),
        format!("/kb/{id}"),
        format!("/kb/{id}/en"),
    ] {
        assert_eq!(
            agent.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let p = agent
        .post(
            "/kb/new",
            &[("slug", "mine"), ("lang", "en"), ("title", "Mine")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = agent
        .post_multipart(
            &format!("/kb/{id}/en"),
            translation("Hacked", "Hacked", true),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = agent
        .post_multipart(
            &format!("/kb/{id}/en"),
            picture("scan.png", PNG.to_vec(), "x"),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = agent
        .post(&format!("/kb/{id}/revisions/1/restore"), &[])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(app.rows("kb_images").await, 0);
    assert_eq!(
        get_article(app, id).await["translations"]["en"]["title"],
        "Refunds"
    );

    // A supervisor without the session's token is refused too.
    let mut sup = signed_in(app, "sofia@example.com", Role::Supervisor).await;
    let p = sup
        .post_raw(
            "/kb/new",
            &[("slug", "forged"), ("lang", "en"), ("title", "Forged")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    sup.csrf = "forged".into();
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/en"),
            translation("Forged", "Forged", true),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let (_, list) = app.get("/api/v1/kb/articles", &app.admin).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        get_article(app, id).await["translations"]["en"]["title"],
        "Refunds"
    );
}
