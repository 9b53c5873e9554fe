//! Pictures of the knowledge base (issue 21): uploaded from the editor,
//! judged by their bytes (an HTML page named `.png` and an SVG are refused
//! with the reason; so is a file over the upload limit), inserted into the
//! Markdown, served to everyone at a stable address with immutable cache
//! headers, shown by the help centre, and kept by the attachment sweep.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use tend::agents::Role;

use crate::browser::between;
use crate::kb::{article, kb_on_both, page, start};
use crate::kb_editor::{get_article, signed_in, translation};
use crate::support::{Backend, TestApp};

kb_on_both!(pictures_are_checked_stored_and_served);

/// A 1×1 PNG.
pub(crate) const PNG: [u8; 69] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0x55, 0x36, 0x00,
    0x00, 0x00, 0xd1, 0x00, 0x71, 0x36, 0x8e, 0xfc, 0xbc, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A picture to insert into the body being edited.
pub(crate) fn picture(name: &str, bytes: Vec<u8>, body: &str) -> Form {
    Form::new()
        .text("title", "Refunds")
        .text("body", body.to_string())
        .text("published", "1")
        .text("action", "image")
        .text("alt", "The refund [form]")
        .part("image", Part::bytes(bytes).file_name(name.to_string()))
}

async fn pictures_are_checked_stored_and_served(app: &TestApp) {
    let mut sup = signed_in(app, "sofia@example.com", Role::Supervisor).await;
    let a = article(
        app,
        json!({"slug": "refunds", "translations": {
            "en": {"title": "Refunds", "body_markdown": "Fill in the form.", "published": true}}}),
    )
    .await;
    let id = a["id"].as_i64().expect("id");
    let before = app.rows("kb_images").await;

    // Hostile files are refused with a reason, whatever their names say.
    let html = b"<!doctype html><script>alert(document.cookie)</script>".to_vec();
    let svg =
        b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"
            .to_vec();
    for (name, bytes, why) in [
        ("cat.png", html, "an HTML or XML document"),
        ("logo.png", svg, "an SVG drawing"),
    ] {
        let p = sup
            .post_multipart(
                &format!("/kb/{id}/en"),
                picture(name, bytes, "Fill in the form."),
            )
            .await;
        assert_eq!(
            p.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}: {}",
            p.body
        );
        assert!(p.body.contains(why), "{name}: {}", p.body);
        assert!(p.body.contains("Fill in the form."), "what was typed stays");
    }
    // Over the upload limit, the body is refused before it is read whole.
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/en"),
            picture("big.png", vec![0x89; 6 * 1024 * 1024], "Fill in the form."),
        )
        .await;
    assert_eq!(p.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", p.body);
    assert_eq!(
        app.rows("kb_images").await,
        before,
        "nothing refused is kept"
    );

    // A PNG (named .bin: the bytes decide) is stored and added to the text.
    let p = sup
        .post_multipart(
            &format!("/kb/{id}/en"),
            picture("scan.bin", PNG.to_vec(), "Fill in the form."),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let url = between(&p.body, "![The refund form](", ")")
        .expect("the picture in the text")
        .to_string();
    assert!(
        url.starts_with("/help/images/") && url.ends_with(".png"),
        "{url}"
    );
    assert!(p.body.contains("Save to keep it."), "{}", p.body);
    assert_eq!(
        get_article(app, id).await["translations"]["en"]["body_markdown"],
        "Fill in the form.",
        "not saved before Save"
    );

    // Everyone may fetch it, and keep it: its address names its bytes.
    let resp = app
        .client
        .get(format!("{}{url}", app.base))
        .send()
        .await
        .expect("image");
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.expect("bytes").as_ref(), &PNG[..]);
    for wrong in [
        url.replace(".png", ".jpg"),
        format!("/help/images/{}.png", "0".repeat(64)),
    ] {
        let s = app
            .client
            .get(format!("{}{wrong}", app.base))
            .send()
            .await
            .expect("get")
            .status();
        assert_eq!(s, StatusCode::NOT_FOUND, "{wrong}");
    }

    // Saved, the help centre shows it (the sanitiser keeps Tend's images).
    let body = format!("Fill in the form.\n\n![The refund form]({url})\n");
    let p = sup
        .post_multipart(&format!("/kb/{id}/en"), translation("Refunds", &body, true))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, _, html) = page(app, &format!("/help/en/articles/{id}-refunds")).await;
    assert!(
        html.contains(&format!("<img src=\"{url}\" alt=\"The refund form\">")),
        "{html}"
    );

    // The sweep keeps a picture that an article names.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(86_400);
    tend::attachments::sweep::run_once(&app.st, later)
        .await
        .expect("sweep");
    let s = app
        .client
        .get(format!("{}{url}", app.base))
        .send()
        .await
        .expect("image")
        .status();
    assert_eq!(s, StatusCode::OK, "still there after the sweep");
}
