//! The composer's formatting and inline images (issue 25, item 7): what
//! the agent formats leaves as multipart/alternative mail whose plain part
//! reads well, hostile input is defused, an inline image travels as a
//! `multipart/related` part and shows in place on the timeline, and a file
//! that is no picture is refused beside the composer.

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tend::time::ManualClock;

use crate::browser::between;
use crate::composer::{desk, mail_to};
use crate::on_both_backends;
use crate::portal::{on_both_with_sink, run};
use crate::smtp::Sink;
use crate::support::TestApp;

on_both_with_sink!(
    a_formatted_reply_leaves_as_html_and_readable_text,
    an_inline_image_travels_in_place,
);
on_both_backends!(what_is_no_picture_is_refused_and_the_api_formats_too);

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The agent's form as the page sends it: formatted text, a reply.
fn formatted(text: &str) -> Form {
    Form::new()
        .text("text", text.to_string())
        .text("format", "markdown")
        .text("internal", "false")
}

/// The newest message of conversation `id`, as the API shows it.
async fn last_message(app: &TestApp, id: i64) -> Value {
    let (s, b) = app
        .get(
            &format!("/api/v1/conversations/{id}/messages?limit=200"),
            &app.admin,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().last().cloned().unwrap()
}

/// Lets a held reply go: past the undo window, the outbox woken.
fn let_go(app: &TestApp, clock: &Arc<ManualClock>) {
    clock.advance_ms(11_000);
    app.st.outbox_wake.notify_one();
}

async fn a_formatted_reply_leaves_as_html_and_readable_text(
    app: &TestApp,
    sink: &Sink,
    clock: &Arc<ManualClock>,
) {
    let (_, _, id, mut b) = desk(app, "kim@customer.example", "f1").await;
    let typed = "Hello **Kim**,\nyour order:\n\n- *one* box\n- the [tracking page](https://track.example/1)\n\n\
                 1. 小包が**届きました**\n2. 배송 *완료*\n\n\
                 Note: <script>alert(1)</script> <b>raw</b> [bad](javascript:alert(1))";
    let p = b
        .post_multipart(&format!("/c/{id}/reply?seen=0&confirm=1"), formatted(typed))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // Stored: clean HTML and a plain text without Markdown marks.
    let m = last_message(app, id).await;
    let html = m["html"].as_str().unwrap_or_default();
    for want in [
        "<strong>Kim</strong>",
        "<li><em>one</em> box</li>",
        "href=\"https://track.example/1\"",
        "<ol>",
        "<strong>届きました</strong>",
        "<em>완료</em>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&lt;b&gt;raw&lt;/b&gt;",
    ] {
        assert!(html.contains(want), "{want} missing in {html}");
    }
    for bad in ["<script", "<b>", "javascript:"] {
        assert!(!html.contains(bad), "{bad} survived in {html}");
    }
    let text = m["text"].as_str().unwrap();
    assert_eq!(
        text,
        "Hello Kim,\nyour order:\n\n- one box\n- the tracking page <https://track.example/1>\n\n\
         1. 小包が届きました\n2. 배송 완료\n\nNote: <script>alert(1)</script> <b>raw</b> bad"
    );

    // The timeline shows it as HTML, like other HTML messages.
    let mid = m["id"].as_i64().unwrap();
    let page = b.get(&format!("/c/{id}")).await;
    assert!(
        page.body.contains(&format!("src=\"/c/{id}/m/{mid}/body\"")),
        "{}",
        page.body
    );
    let body = b.get(&format!("/c/{id}/m/{mid}/body")).await;
    assert!(body.body.contains("<strong>Kim</strong>"), "{}", body.body);

    // The mail: text and HTML alternatives; the plain part reads well.
    let_go(app, clock);
    let mail = mail_to(sink, "kim@customer.example", "tracking page").await;
    assert!(
        mail.text
            .contains("- the tracking page <https://track.example/1>"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("1. 小包が届きました"), "{}", mail.text);
    assert!(!mail.text.contains("**"), "{}", mail.text);
    let mail_html = mail.html.unwrap_or_default();
    assert!(mail_html.contains("<strong>Kim</strong>"), "{mail_html}");
    assert!(!mail_html.contains("<script"), "{mail_html}");
    let raw = sink
        .messages()
        .into_iter()
        .find(|r| r.contains("kim@customer.example") && r.contains("multipart/alternative"))
        .expect("the reply leaves as multipart/alternative");
    assert!(raw.contains("text/plain") && raw.contains("text/html"));

    // A note is formatted too; without any formatting a reply stays plain.
    let note = Form::new()
        .text("text", "Check the **depot**")
        .text("format", "markdown")
        .text("internal", "true");
    let p = b.post_multipart(&format!("/c/{id}/reply"), note).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let m = last_message(app, id).await;
    assert_eq!(m["internal"], true);
    assert!(
        m["html"]
            .as_str()
            .unwrap()
            .contains("<strong>depot</strong>")
    );
    let p = b
        .post_multipart(
            &format!("/c/{id}/reply?seen=0&confirm=1"),
            formatted("Thanks,\nsee you 2*3 times"),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let m = last_message(app, id).await;
    assert!(m["html"].is_null(), "{m}");
    assert_eq!(m["text"], "Thanks,\nsee you 2*3 times");

    // Undone, a formatted reply comes back to the box as it was typed.
    let p = b
        .post_multipart(
            &format!("/c/{id}/reply?seen=0&confirm=1"),
            formatted("Sorry, the **wrong** parcel:\n\n- a\n- b"),
        )
        .await;
    let sent = between(&p.location, "?sent=", "#")
        .expect("held")
        .to_string();
    let p = b.post(&format!("/c/{id}/m/{sent}/undo"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = b.get(&p.location).await;
    let composer = between(&page.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(
        composer.contains("Sorry, the **wrong** parcel:\n\n- a\n- b"),
        "{composer}"
    );
}

async fn an_inline_image_travels_in_place(app: &TestApp, sink: &Sink, clock: &Arc<ManualClock>) {
    let (_, _, id, mut b) = desk(app, "lee@customer.example", "f2").await;
    let form = formatted("See the **label**:\n\n![label.png](cid:a1b2c3@tend)\n\nThanks").part(
        "inline:a1b2c3@tend",
        Part::bytes(PNG.to_vec())
            .file_name("label.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let p = b
        .post_multipart(&format!("/c/{id}/reply?seen=0&confirm=1"), form)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // Stored as an inline attachment; the HTML points at it.
    let m = last_message(app, id).await;
    let files = m["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{m}");
    assert_eq!(files[0]["inline"], true, "{m}");
    assert_eq!(files[0]["content_id"], "a1b2c3@tend", "{m}");
    assert_eq!(files[0]["content_type"], "image/png", "{m}");
    let aid = files[0]["id"].as_i64().unwrap();
    let src = format!("src=\"/api/v1/attachments/{aid}\"");
    assert!(m["html"].as_str().unwrap().contains(&src), "{m}");

    // The timeline shows the picture in place, at its attachment's URL.
    let mid = m["id"].as_i64().unwrap();
    let body = b.get(&format!("/c/{id}/m/{mid}/body")).await;
    assert!(body.body.contains(&src), "{}", body.body);
    let img = b.get(&format!("/api/v1/attachments/{aid}")).await;
    assert_eq!(img.status, StatusCode::OK);

    // The mail carries it as an inline part next to the HTML.
    let_go(app, clock);
    let mail = mail_to(sink, "lee@customer.example", "See the label").await;
    let html = mail.html.clone().unwrap_or_default();
    assert!(html.contains("cid:a1b2c3@tend"), "{html}");
    let part = mail
        .attachments
        .iter()
        .find(|a| a.content_id.as_deref() == Some("a1b2c3@tend"))
        .expect("the picture travels with its Content-ID");
    assert_eq!(part.bytes, PNG);
    assert_eq!(part.content_type, "image/png");
    let raw = sink
        .messages()
        .into_iter()
        .find(|r| r.contains("lee@customer.example") && r.contains("a1b2c3@tend"))
        .unwrap();
    assert!(raw.contains("multipart/related"), "{raw}");
    assert!(raw.contains("Content-ID: <a1b2c3@tend>"), "{raw}");
}

async fn what_is_no_picture_is_refused_and_the_api_formats_too(app: &TestApp) {
    let (_, _, id, mut b) = desk(app, "ona@customer.example", "f3").await;
    let before = last_message(app, id).await["id"].clone();
    let form = formatted("Here: ![notes](cid:n1)").part(
        "inline:n1",
        Part::bytes(b"just some notes".to_vec())
            .file_name("notes.txt")
            .mime_str("image/png")
            .unwrap(),
    );
    let p = b
        .post_multipart(&format!("/c/{id}/reply?seen=0&confirm=1"), form)
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let beside = between(&p.body, "id=\"composer-error\"", "</p>").unwrap();
    assert!(
        beside.contains("Only PNG, JPEG, GIF and WebP pictures can be shown in the text"),
        "{beside}"
    );
    let composer = between(&p.body, "<textarea id=\"text\"", "</textarea>").unwrap();
    assert!(composer.contains("Here: ![notes](cid:n1)"), "{composer}");
    assert_eq!(
        last_message(app, id).await["id"],
        before,
        "nothing was sent"
    );

    // The API: the same refusal, naming the field.
    let url = format!("{}/api/v1/conversations/{id}/messages", app.base);
    let r = app
        .client
        .post(&url)
        .bearer_auth(&app.admin)
        .multipart(
            Form::new()
                .text("text", "![x](cid:x)")
                .text("format", "markdown")
                .part(
                    "inline:x",
                    Part::bytes(b"%PDF-1.4".to_vec()).file_name("x.pdf"),
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["details"]["field"], "inline", "{e}");

    // JSON with `format: "markdown"`; HTML beside it, or another format, is refused.
    let path = format!("/api/v1/conversations/{id}/messages");
    let (s, m) = app
        .post(
            &path,
            &app.admin,
            json!({"text": "**안녕하세요** <img src=x onerror=alert(1)>", "format": "markdown", "internal": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let html = m["html"].as_str().unwrap();
    assert!(html.contains("<strong>안녕하세요</strong>"), "{html}");
    assert!(html.contains("&lt;img"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert_eq!(m["text"], "안녕하세요 <img src=x onerror=alert(1)>");
    for (body, field) in [
        (
            json!({"text": "x", "html": "<p>x</p>", "format": "markdown"}),
            "html",
        ),
        (json!({"text": "x", "format": "rtf"}), "format"),
    ] {
        let (s, e) = app.post(&path, &app.admin, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"]["field"], field, "{e}");
    }
}
