//! The public contact form at `/help/contact`: the page in the visitor's
//! language, a submission with files becoming a `web` conversation, field
//! errors with the input kept, the honeypot, the per-IP rate limit, the
//! `Origin` allow-list, the attachment limit, embedding headers, and
//! hostile input stored as text and shown escaped to agents.

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_SECURITY_POLICY, ORIGIN, X_FRAME_OPTIONS};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::on_both_backends;
use crate::support::{Backend, TestApp};
use crate::web::{Browser, agent_with_password};

on_both_backends!(
    the_form_speaks_the_visitors_language_and_can_be_embedded,
    a_submission_with_files_becomes_a_web_conversation,
    invalid_input_comes_back_with_field_errors_and_the_input_kept,
    a_filled_honeypot_looks_like_success_but_creates_nothing,
    only_allowed_origins_may_post,
    oversize_attachments_are_refused_with_a_readable_error,
    hostile_input_is_stored_as_text_and_shown_escaped,
    the_form_is_enabled_only_on_web_inboxes,
);

/// Conversations, customers, messages and attachments rows, to prove that
/// a refused submission wrote nothing.
async fn counts(app: &TestApp) -> [i64; 4] {
    [
        app.rows("conversations").await,
        app.rows("customers").await,
        app.rows("messages").await,
        app.rows("attachments").await,
    ]
}

/// A form with these text fields.
fn fields(pairs: &[(&str, &str)]) -> Form {
    pairs.iter().fold(Form::new(), |f, (k, v)| {
        f.text(k.to_string(), v.to_string())
    })
}

/// The form as a person fills it in: a name, no subject, an empty honeypot.
fn filled(email: &str, message: &str) -> Form {
    fields(&[
        ("name", "Hanako Yamada"),
        ("email", email),
        ("subject", ""),
        ("message", message),
        ("website", ""),
    ])
}

/// `form` with one more file.
fn with_file(form: Form, name: &str, bytes: Vec<u8>, mime: &str) -> Form {
    let part = Part::bytes(bytes).file_name(name.to_string());
    form.part("attachments", part.mime_str(mime).unwrap())
}

/// Files are stored only once a submission is accepted.
fn assert_no_file_stored(app: &TestApp) {
    let stored = app.st.config.data_dir.join("attachments");
    let empty = !stored.exists() || std::fs::read_dir(&stored).unwrap().next().is_none();
    assert!(empty, "a refused submission stored a file");
}

/// Lets `https://shop.example` embed and post the inbox's form.
async fn allow_shop(app: &TestApp, inbox: i64) {
    let path = format!("/api/v1/inboxes/{inbox}/public-settings");
    let body = json!({"allowed_origins": ["https://shop.example"]});
    let (s, b) = app
        .call(reqwest::Method::PUT, &path, &app.admin, Some(body))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

/// `GET /api/v1/{path}` as the admin; the JSON.
async fn api(app: &TestApp, path: &str) -> Value {
    let (s, v) = app.get(&format!("/api/v1/{path}"), &app.admin).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v
}

/// The page with askama's numeric entities written as the named ones, so
/// that assertions read naturally.
fn named_entities(html: &str) -> String {
    html.replace("&#60;", "&lt;")
        .replace("&#62;", "&gt;")
        .replace("&#38;", "&amp;")
        .replace("&#39;", "&apos;")
        .replace("&#34;", "&quot;")
}

async fn post(
    app: &TestApp,
    query: &str,
    form: Form,
    origin: Option<&str>,
) -> (StatusCode, String) {
    let mut req = app
        .client
        .post(format!("{}/help/contact{query}", app.base))
        .multipart(form);
    if let Some(o) = origin {
        req = req.header(ORIGIN, o);
    }
    let r = req.send().await.unwrap();
    (r.status(), named_entities(&r.text().await.unwrap()))
}

/// The conversation number on a thank-you page.
fn reference(html: &str) -> i64 {
    let at = html
        .find("id=\"reference\"")
        .expect("a reference on the page");
    let rest = &html[at..];
    let hash = rest.find('#').expect("#number");
    rest[hash + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

async fn the_form_speaks_the_visitors_language_and_can_be_embedded(app: &TestApp) {
    let web = app.inbox("web", None).await;
    let r = app
        .client
        .get(format!("{}/help/contact", app.base))
        .header(ACCEPT_LANGUAGE, "ja-JP,ja;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    // Only Tend's own script (the suggestions), never inline code.
    assert!(
        csp.contains("frame-ancestors 'self'")
            && csp.contains("script-src 'self';")
            && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(
        r.headers().contains_key(X_FRAME_OPTIONS),
        "not embedded: no framing by others"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"ja\">"), "{html}");
    assert!(html.contains("お問い合わせ") && html.contains("メールアドレス"));
    assert!(!html.contains('⟦'), "no missing strings: {html}");
    // Without ?inbox the form goes to the web inbox.
    assert!(
        html.contains(&format!("name=\"inbox\" value=\"{web}\"")),
        "{html}"
    );
    // The honeypot is hidden from screen readers and skipped by Tab.
    let hp = &html[html.find("class=\"hp\"").unwrap()..];
    assert!(hp.starts_with("class=\"hp\" aria-hidden=\"true\""), "{hp}");
    let input = &hp[hp.find("<input").unwrap()..];
    let input = &input[..input.find('>').unwrap()];
    assert!(
        input.contains("name=\"website\"")
            && input.contains("tabindex=\"-1\"")
            && input.contains("autocomplete=\"off\"")
    );
    // Every field has a label.
    for id in ["name", "email", "subject", "message", "attachments"] {
        assert!(
            html.contains(&format!("<label for=\"{id}\">")),
            "label for {id}"
        );
    }

    // ?lang= wins over Accept-Language, in every locale.
    for (lang, word) in [
        ("ko", "문의하기"),
        ("lv", "Sazinieties"),
        ("ca", "Contacta"),
        ("en", "Contact us"),
    ] {
        let r = app
            .client
            .get(format!("{}/help/contact?lang={lang}", app.base))
            .header(ACCEPT_LANGUAGE, "ja")
            .send()
            .await
            .unwrap();
        let html = r.text().await.unwrap();
        assert!(html.contains(word) && !html.contains('⟦'), "{lang}: {html}");
    }

    // Embedded: framed by the inbox's allowed origins, no page chrome.
    allow_shop(app, web).await;
    let r = app
        .client
        .get(format!(
            "{}/help/contact?inbox={web}&embed=1&lang=lv",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("frame-ancestors 'self' https://shop.example"),
        "{csp}"
    );
    assert!(!r.headers().contains_key(X_FRAME_OPTIONS));
    let html = named_entities(&r.text().await.unwrap());
    assert!(html.contains("class=\"embed\"") && !html.contains("class=\"top\""));
    assert!(
        html.contains(&format!(
            "action=\"/help/contact?inbox={web}&amp;lang=lv&amp;embed=1\""
        )),
        "{html}"
    );

    // An inbox that does not exist: a 404 page, in the visitor's language.
    let r = app
        .client
        .get(format!("{}/help/contact?inbox=987654&lang=ko", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("양식을 찾을 수 없습니다"));
    let r = app
        .client
        .get(format!("{}/help/contact?inbox=abc", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

async fn a_submission_with_files_becomes_a_web_conversation(app: &TestApp) {
    let inbox = app.inbox("web", None).await;
    let pdf: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let form = fields(&[
        ("name", "山田 花子"),
        ("email", "Hanako@Example.JP"),
        ("subject", "見積もりのお願い"),
        ("message", "見積もりを添付します。\r\nご確認ください。"),
        ("inbox", &inbox.to_string()),
        ("website", ""),
    ]);
    let form = with_file(form, "見積もり.pdf", pdf.clone(), "application/pdf");
    let form = with_file(form, "order.txt", b"order 1234".to_vec(), "text/plain");
    let (s, html) = post(app, "?lang=ja", form, None).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-outcome=\"thanks\""));
    assert!(html.contains("hanako@example.jp"));
    let id = reference(&html);

    let c = api(app, &format!("conversations/{id}")).await;
    assert_eq!(c["channel"], "web");
    assert_eq!(c["inbox_id"], inbox);
    assert_eq!(c["subject"], "見積もりのお願い");
    assert_eq!(c["status"], "new");
    assert_eq!(c["customer"]["email"], "hanako@example.jp");
    assert_eq!(c["customer"]["name"], "山田 花子");

    let list = api(app, &format!("conversations/{id}/messages")).await;
    let m = &list["items"][0];
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(m["direction"], "in");
    assert_eq!(m["text"], "見積もりを添付します。\nご確認ください。");
    assert_eq!(m["html"], Value::Null);
    let files = m["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["filename"], "見積もり.pdf");
    assert_eq!(files[0]["content_type"], "application/pdf");
    assert_eq!(files[0]["size"], 300_000);
    assert_eq!(files[0]["sha256"], hex::encode(Sha256::digest(&pdf)));
    assert_eq!(files[1]["filename"], "order.txt");
    // The stored file is the one sent.
    let download = format!("{}/api/v1/attachments/{}", app.base, files[0]["id"]);
    let r = app.client.get(download).bearer_auth(&app.admin).send();
    let bytes = r.await.unwrap().error_for_status().unwrap().bytes().await;
    assert_eq!(bytes.unwrap().as_ref(), pdf.as_slice());

    // The event says where it came from and how many files it brought.
    let ev = api(app, &format!("conversations/{id}/events")).await;
    let kinds: Vec<&str> = ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..2], ["created", "message_added"]);
    assert_eq!(ev["items"][0]["data"]["channel"], "web");
    assert_eq!(ev["items"][1]["data"]["attachments"], 2);

    // The answer goes to the customer by mail, from the inbox's address.
    let (s, b) = app
        .patch(
            &format!("/api/v1/inboxes/{inbox}"),
            &app.admin,
            json!({"address": "help@example.com"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &app.admin,
            json!({"text": "お見積もりをお送りします。"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["delivery_status"], "queued", "{b}");

    // The same customer writes again, without a subject: found by address,
    // the subject taken from the message.
    let again = filled("hanako@example.jp", "二回目の連絡です。\n詳細は後ほど。");
    let (s, html) = post(app, &format!("?inbox={inbox}"), again, None).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    let c2 = api(app, &format!("conversations/{}", reference(&html))).await;
    assert_eq!(c2["customer"]["id"], c["customer"]["id"]);
    assert_eq!(c2["subject"], "二回目の連絡です。");
}

async fn invalid_input_comes_back_with_field_errors_and_the_input_kept(app: &TestApp) {
    // The form is a `web` inbox's; posts without `?inbox` go to the first.
    app.inbox("web", None).await;
    let before = counts(app).await;
    let form = fields(&[
        ("name", "Jānis Bērziņš"),
        ("email", ""),
        ("subject", "Rēķins"),
        ("message", "Sveiki, man vajag rēķinu."),
        ("website", ""),
    ]);
    let form = with_file(form, "rēķins.pdf", b"%PDF".to_vec(), "application/pdf");
    let (s, html) = post(app, "?lang=lv", form, None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("role=\"alert\""));
    assert!(
        html.contains("id=\"email-error\">Lūdzu, ievadiet savu e-pasta adresi."),
        "{html}"
    );
    assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"email-error\""));
    assert!(html.contains("value=\"Jānis Bērziņš\"") && html.contains("value=\"Rēķins\""));
    assert!(html.contains(">Sveiki, man vajag rēķinu.</textarea>"));
    // The files are not kept, and the page says so.
    assert!(html.contains("faili netiek saglabāti"), "{html}");
    assert!(!html.contains("id=\"name-error\""));

    // A malformed address and an empty message: both fields at once.
    let (s, html) = post(app, "?lang=en", filled("not an address", "  "), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"email-error\">This is not a valid email address"));
    assert!(html.contains("id=\"message-error\">Please write your message."));
    assert!(html.contains("value=\"not an address\""));
    assert_eq!(counts(app).await, before, "nothing was created");
}

async fn a_filled_honeypot_looks_like_success_but_creates_nothing(app: &TestApp) {
    // The form is a `web` inbox's; posts without `?inbox` go to the first.
    app.inbox("web", None).await;
    let before = counts(app).await;
    let form = fields(&[
        ("email", "bot@spam.example"),
        ("message", "Cheap watches"),
        ("website", "http://spam.example"),
    ]);
    let form = with_file(form, "x.exe", b"MZ".to_vec(), "application/octet-stream");
    let (s, html) = post(app, "?lang=en", form, None).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-outcome=\"thanks\""));
    assert!(!html.contains("id=\"reference\""));
    assert_eq!(counts(app).await, before, "a bot's post creates nothing");
    assert_no_file_stored(app);
}

async fn only_allowed_origins_may_post(app: &TestApp) {
    let inbox = app.inbox("web", None).await;
    let other = app.inbox("web", None).await;
    allow_shop(app, inbox).await;
    let before = counts(app).await;
    let (s, html) = post(
        app,
        &format!("?inbox={inbox}&lang=ca"),
        filled("ana@example.cat", "Hola"),
        Some("https://evil.example"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{html}");
    assert!(
        html.contains("No es permet des d&apos;aquest lloc"),
        "{html}"
    );
    // The list is per inbox: shop.example may not post to the other inbox.
    let (s, _) = post(
        app,
        &format!("?inbox={other}"),
        filled("ana@example.cat", "Hola"),
        Some("https://shop.example"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = post(
        app,
        "",
        filled("ana@example.cat", "Hola").text("inbox", inbox.to_string()),
        Some("null"),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(counts(app).await, before);

    for origin in [Some("https://shop.example"), Some(app.base.as_str()), None] {
        let (s, html) = post(
            app,
            &format!("?inbox={inbox}"),
            filled("ana@example.cat", "Hola"),
            origin,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{origin:?}: {html}");
        let id = reference(&html);
        let c = api(app, &format!("conversations/{id}")).await;
        assert_eq!(c["inbox_id"], inbox);
    }
}

async fn oversize_attachments_are_refused_with_a_readable_error(app: &TestApp) {
    // The form is a `web` inbox's; posts without `?inbox` go to the first.
    app.inbox("web", None).await;
    // Tests run with max_attachment_bytes = 2,000,000.
    let before = counts(app).await;
    let big = vec![7u8; 1_200_000];
    let form = filled("olga@example.lv", "Divi lieli faili")
        .part("attachments", Part::bytes(big.clone()).file_name("a.bin"))
        .part("attachments", Part::bytes(big).file_name("b.bin"));
    let (s, html) = post(app, "?lang=en", form, None).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{html}");
    assert!(
        html.contains(
            "id=\"attachments-error\">The files are too large: together they may be at most 2 MB."
        ),
        "{html}"
    );
    assert!(
        html.contains(">Divi lieli faili</textarea>"),
        "the input is kept"
    );
    assert_eq!(counts(app).await, before, "nothing was created");
    assert_no_file_stored(app);
}

async fn hostile_input_is_stored_as_text_and_shown_escaped(app: &TestApp) {
    // The form is a `web` inbox's; posts without `?inbox` go to the first.
    app.inbox("web", None).await;
    let name = "<script>alert('name')</script>";
    let subject = "<img src=x onerror=alert(1)>";
    let message = "<b>bold?</b>\n<script>alert('body')</script>";
    let form = Form::new()
        .text("name", name)
        .text("email", "mallory@example.com")
        .text("subject", subject)
        .text("message", message)
        .text("website", "");
    let (s, html) = post(app, "", form, None).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(!html.contains("<script>"));
    let id = reference(&html);
    let c = api(app, &format!("conversations/{id}")).await;
    assert_eq!(c["subject"], subject);
    assert_eq!(c["customer"]["name"], name);
    let list = api(app, &format!("conversations/{id}/messages")).await;
    assert_eq!(
        list["items"][0]["text"], message,
        "stored as typed, as text"
    );
    assert_eq!(list["items"][0]["html"], Value::Null, "never as HTML");

    // The agent sees it as text.
    agent_with_password(app, "lead@example.com", "Lea Lead", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("lead@example.com", "correct horse battery").await;
    let (s, page) = b.get(&format!("/c/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    let page = named_entities(&page);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(!page.contains("<img src=x"));
    assert!(
        page.contains("&lt;script&gt;alert(&apos;name&apos;)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("&lt;b&gt;bold?&lt;/b&gt;"));

    // Re-rendered input is escaped too.
    let (s, html) = post(
        app,
        "",
        filled("", "</textarea><script>alert(3)</script>"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;"));
}

/// The per-IP limit (3 a minute here): the fourth post in a minute is
/// refused with a page that says what to do, and creates nothing.
async fn posts_are_rate_limited(app: &TestApp) {
    // The form is a `web` inbox's; posts without `?inbox` go to the first.
    app.inbox("web", None).await;
    for i in 0..3 {
        let (s, html) = post(
            app,
            "",
            filled("ratelimit@example.com", &format!("message {i}")),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
    }
    let before = counts(app).await;
    let r = app
        .client
        .post(format!("{}/help/contact?lang=en", app.base))
        .multipart(filled("ratelimit@example.com", "one more"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "60");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Please wait a minute and try again."),
        "{html}"
    );
    // Urlencoded posts (a hand-written form) count against the same limit.
    let r = app
        .client
        .post(format!("{}/help/contact", app.base))
        .form(&[("email", "ratelimit@example.com"), ("message", "hi")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Embedded, the refusal can be shown in the frame of an allowed site.
    let inbox = app.inbox("web", None).await;
    allow_shop(app, inbox).await;
    let r = app
        .client
        .post(format!("{}/help/contact?inbox={inbox}&embed=1", app.base))
        .multipart(filled("ratelimit@example.com", "from the shop"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let csp = r.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.ends_with("frame-ancestors 'self' https://shop.example"),
        "{csp}"
    );
    assert_eq!(counts(app).await, before);
    // The form itself can still be read.
    let r = app
        .client
        .get(format!("{}/help/contact", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

mod posts_are_rate_limited {
    use super::*;

    fn settings() -> [(&'static str, String); 1] {
        [("TEND_PUBLIC_RATE_PER_MINUTE", "3".to_string())]
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = TestApp::start(Backend::Sqlite, &settings()).await.unwrap();
        super::posts_are_rate_limited(&app).await;
        app.finish().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if let Some(app) = TestApp::start(Backend::Postgres, &settings()).await {
            super::posts_are_rate_limited(&app).await;
            app.finish().await;
        }
    }
}

/// Only `web` inboxes take the form: the default inbox, email, chat and API
/// inboxes refuse it with 404 whether or not the post sends an `Origin`,
/// and without a `web` inbox there is no form at all.
async fn the_form_is_enabled_only_on_web_inboxes(app: &TestApp) {
    let default = api(app, "inboxes").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["is_default"] == true)
        .expect("the default inbox")["id"]
        .as_i64()
        .unwrap();
    let email = app.inbox("email", Some("sales@example.com")).await;
    let chat = app.inbox("chat", None).await;
    let api_inbox = app.inbox("api", None).await;
    let before = counts(app).await;
    let own = app.base.clone();
    // (Few posts: the per-IP limit is 20 a minute.)
    for inbox in [default, email, chat, api_inbox] {
        // Named in the address, without an `Origin` (a script)…
        let (s, html) = post(
            app,
            &format!("?inbox={inbox}&lang=en"),
            filled("eve@example.com", "let me in"),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "inbox {inbox}: {html}");
        // …or in the form's `inbox` field, from Tend's own origin.
        let (s, _) = post(
            app,
            "",
            filled("eve@example.com", "let me in").text("inbox", inbox.to_string()),
            Some(own.as_str()),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "inbox {inbox}, own origin");
        let r = app
            .client
            .get(format!("{}/help/contact?inbox={inbox}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "the form of inbox {inbox}"
        );
    }
    // No `web` inbox: no form, and a post names no inbox to fall back on.
    let (s, _) = post(app, "", filled("eve@example.com", "anyone?"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = app
        .client
        .post(format!("{}/help/contact", app.base))
        .form(&[("email", "eve@example.com"), ("message", "urlencoded")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .client
        .get(format!("{}/help/contact", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(counts(app).await, before, "nothing was written anywhere");
    assert_no_file_stored(app);

    // With a `web` inbox the form works, without an `Origin` too.
    let web = app.inbox("web", None).await;
    for query in [String::new(), format!("?inbox={web}")] {
        let (s, html) = post(app, &query, filled("ana@example.com", "Hello"), None).await;
        assert_eq!(s, StatusCode::OK, "{query}: {html}");
        let c = api(app, &format!("conversations/{}", reference(&html))).await;
        assert_eq!(c["inbox_id"], web);
    }
}
