//! Forms that keep what was typed (issue 25, item 8): a bad submission of
//! the workspace's daily forms (the conversation page's controls, snooze
//! and remedy, saved views, macros, the knowledge-base editor, problems)
//! comes back 422 with the form as typed and the message beside its field
//! (`aria-invalid`, `aria-describedby`), in the agent's language; a good
//! one still works.

use reqwest::StatusCode;
use tend::web::i18n::Tr;

use crate::browser::*;
use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    conversation_page_forms_keep_what_was_typed,
    saved_views_and_macros_keep_what_was_typed,
    the_kb_editor_keeps_what_was_typed,
    problem_forms_keep_what_was_typed,
);

/// The paragraph beside the input `id` says `words`, and the input points
/// at it.
pub(crate) fn beside(body: &str, id: &str, words: &str) {
    let note = format!("<p class=\"field-error\" id=\"{id}-error\" role=\"alert\">{words}</p>");
    assert!(body.contains(&note), "{note} in {body}");
    let input = body
        .find(&format!("id=\"{id}\""))
        .map(|at| &body[at..at + body[at..].find('>').unwrap_or(0)])
        .unwrap_or_else(|| panic!("no input {id} in {body}"));
    assert!(input.contains("aria-invalid=\"true\""), "{input}");
    assert!(
        between(input, "aria-describedby=\"", "\"")
            .is_some_and(|d| d.split(' ').any(|x| x == format!("{id}-error"))),
        "{input}"
    );
}

async fn conversation_page_forms_keep_what_was_typed(app: &TestApp) {
    let id = app
        .conversation("Broken kettle", "kai@example.com", "It stopped.", None)
        .await["id"]
        .as_i64()
        .unwrap();
    let lv = Tr::new("lv");
    let mut admin = admin_browser(app, "lv").await;

    // Controls: a tag that is too long, with a priority changed too.
    let long = "x".repeat(65);
    let typed = format!("vip, {long}");
    let p = admin
        .post(
            &format!("/c/{id}/update"),
            &[("priority", "high"), ("tags", &typed)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body
            .contains(&format!("id=\"tags\" name=\"tags\" value=\"{typed}\"")),
        "the tags as typed"
    );
    assert!(
        p.body.contains("<option value=\"high\" selected"),
        "the priority as typed"
    );
    beside(&p.body, "tags", &lv.t("form-error-tag"));
    assert!(!p.body.contains("not a valid tag"), "no English words");
    let p = admin
        .post(&format!("/c/{id}/update"), &[("tags", "vip")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // Snooze: a time in the past.
    let p = admin
        .post(&format!("/c/{id}/snooze"), &[("until", "2020-01-02T09:30")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"2020-01-02T09:30\""), "as typed");
    assert!(
        p.body.contains(&format!(
            "<p class=\"error\" id=\"snooze-error\" role=\"alert\">{}</p>",
            lv.t("form-error-until-past")
        )),
        "{}",
        p.body
    );
    assert!(p.body.contains("aria-invalid=\"true\""));

    // A remedy whose amount is no number: the note and currency kept.
    let p = admin
        .post(
            &format!("/c/{id}/remedies"),
            &[
                ("kind", "refund"),
                ("amount", "twelve"),
                ("currency", "USD"),
                ("note", "Dāvanu karte"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"twelve\""), "the amount as typed");
    assert!(p.body.contains("value=\"USD\""), "the currency as typed");
    assert!(p.body.contains(">Dāvanu karte</textarea>"), "the note");
    beside(&p.body, "remedy-amount", &lv.t("remedy-error-amount"));
    let p = admin
        .post(
            &format!("/c/{id}/remedies"),
            &[
                ("kind", "refund"),
                ("amount", "12.50"),
                ("currency", "EUR"),
                ("note", "Dāvanu karte"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

async fn saved_views_and_macros_keep_what_was_typed(app: &TestApp) {
    let ja = Tr::new("ja");
    let mut admin = admin_browser(app, "ja").await;

    // A view without a name: the inbox with the form open, beside the name.
    let p = admin
        .post(
            "/views",
            &[("qs", "status=open"), ("name", "   "), ("share", "global")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("<details class=\"save-view\" open>"));
    assert!(p.body.contains("<option value=\"global\" selected>"));
    beside(&p.body, "view-name", &ja.t("form-error-required"));
    let p = admin
        .post(
            "/views",
            &[
                ("qs", "status=open"),
                ("name", "開いている"),
                ("share", "global"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // A macro whose text names a placeholder Tend does not know.
    let form = |text: &'static str| {
        vec![
            ("name", "挨拶"),
            ("scope", "personal"),
            ("text", text),
            ("add_tags", "greeting"),
        ]
    };
    let p = admin
        .post("/macros", &form("こんにちは {{ customer.shoe_size }}"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"挨拶\""), "the name as typed");
    assert!(
        p.body
            .contains("こんにちは {{ customer.shoe_size }}</textarea>")
    );
    assert!(
        p.body.contains("value=\"greeting\""),
        "the actions as typed"
    );
    let words = between(&p.body, "id=\"m-text-error\" role=\"alert\">", "</p>")
        .unwrap_or_else(|| panic!("no error beside the text: {}", p.body));
    assert!(words.contains("1 行目"), "{words}");
    beside(&p.body, "m-text", words);
    let p = admin
        .post("/macros", &form("こんにちは {{ customer.name }}"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    // The same name again: beside the name.
    let p = admin.post("/macros", &form("もう一度")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "m-name", &ja.t("form-error-taken"));
}

async fn the_kb_editor_keeps_what_was_typed(app: &TestApp) {
    let ja = Tr::new("ja");
    let mut admin = admin_browser(app, "ja").await;
    let new = |slug: &'static str| {
        vec![
            ("slug", slug),
            ("lang", "ja"),
            ("title", "パスワードの再設定"),
            ("body", "手順です。"),
        ]
    };
    let p = admin.post("/kb/new", &new("Reset Password")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("value=\"Reset Password\""),
        "the slug as typed"
    );
    assert!(p.body.contains("value=\"パスワードの再設定\""), "the title");
    assert!(p.body.contains(">手順です。</textarea>"), "the body");
    beside(&p.body, "kb-slug", &ja.t("form-error-slug"));
    let p = admin.post("/kb/new", &new("reset-password")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = admin.post("/kb/new", &new("other-article")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let other = between(&p.location, "/kb/", "/").unwrap().to_string();

    // The settings of the second article, with the first one's slug.
    let p = admin
        .post(
            &format!("/kb/{other}"),
            &[
                ("slug", "reset-password"),
                ("category", ""),
                ("source_lang", "ja"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"reset-password\""), "as typed");
    beside(&p.body, "kb-slug", &ja.t("form-error-slug-taken"));
    let p = admin
        .post(
            &format!("/kb/{other}"),
            &[
                ("slug", "other-article-2"),
                ("category", ""),
                ("source_lang", "ja"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

async fn problem_forms_keep_what_was_typed(app: &TestApp) {
    let lv = Tr::new("lv");
    let mut admin = admin_browser(app, "lv").await;
    let long = "g".repeat(201);
    let p = admin
        .post(
            "/problems",
            &[
                ("title", long.as_str()),
                ("description", "Maksājumi neiet cauri"),
                ("workaround", "Maksāt ar pārskaitījumu"),
                ("status", "known"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains(">Maksājumi neiet cauri</textarea>"));
    assert!(p.body.contains(">Maksāt ar pārskaitījumu</textarea>"));
    assert!(p.body.contains("<option value=\"known\" selected>"));
    beside(
        &p.body,
        "problem-title",
        &lv.s("form-error-length", "count", 200),
    );
    let p = admin
        .post("/problems", &[("title", "Maksājumi"), ("status", "known")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id = p.location.trim_start_matches("/problems/").to_string();

    // Marked fixed without a message in any language: beside the texts.
    let p = admin
        .post(&format!("/problems/{id}/fix"), &[("text_lv", "  ")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains(&format!(
            "id=\"fix-error\" role=\"alert\">{}</p>",
            lv.t("form-error-required")
        )),
        "{}",
        p.body
    );
    // The edit form with a title too long keeps the description typed.
    let p = admin
        .post(
            &format!("/problems/{id}"),
            &[("title", long.as_str()), ("description", "Jauns apraksts")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains(">Jauns apraksts</textarea>"));
    beside(
        &p.body,
        "problem-title",
        &lv.s("form-error-length", "count", 200),
    );
}
