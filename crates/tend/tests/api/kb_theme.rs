//! The help centre's look (issue 21): set by admins on
//! `/admin/help-centre` (company name, logo, primary and text colours),
//! checked (colours are `#rrggbb` and nothing else, the logo a real
//! picture), warned about when the pair is hard to read (WCAG AA), and
//! applied to the help centre's pages and the contact form.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tend::agents::Role;

use crate::browser::{Browser, between};
use crate::kb::{kb_on_both, page, start};
use crate::kb_editor::signed_in;
use crate::kb_images::PNG;
use crate::support::{Backend, TestApp};

kb_on_both!(the_look_is_checked_and_applied, only_admins_set_the_look,);

fn look(name: &str, primary: &str, text: &str, logo: Option<(&str, Vec<u8>)>) -> Form {
    let f = Form::new()
        .text("company_name", name.to_string())
        .text("primary", primary.to_string())
        .text("text", text.to_string());
    match logo {
        Some((file, bytes)) => f.part("logo", Part::bytes(bytes).file_name(file.to_string())),
        None => f,
    }
}

/// The theme's style sheet a page links to, if any.
fn theme_href(html: &str) -> Option<String> {
    between(
        html,
        "<link rel=\"stylesheet\" href=\"/help/theme.css",
        "\"",
    )
    .map(|q| format!("/help/theme.css{q}"))
}

async fn css(app: &TestApp, href: &str) -> String {
    let resp = app
        .client
        .get(format!("{}{href}", app.base))
        .send()
        .await
        .expect("css");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/css; charset=utf-8");
    resp.text().await.expect("text")
}

async fn the_look_is_checked_and_applied(app: &TestApp) {
    app.inbox("web", None).await;
    let (_, _, home) = page(app, "/help/en/").await;
    assert_eq!(
        theme_href(&home),
        None,
        "Tend's own look until one is saved"
    );

    let mut admin = crate::browser::admin_browser(app, "en").await;
    let p = admin.get("/admin/help-centre").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("value=\"#1d2330\""), "the default colours");

    // Colours must be colours: nothing else reaches the style sheet.
    for (primary, text) in [
        (
            "#0b5fff;}body{background:url(https://evil.example/x)}",
            "#ffffff",
        ),
        ("red", "#ffffff"),
        ("#0b5fff", "expression(alert(1))"),
    ] {
        let p = admin
            .post_multipart("/admin/help-centre", look("Acme", primary, text, None))
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{primary}");
        assert!(p.body.contains("is not a colour"), "{}", p.body);
    }
    // A logo must be a picture.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec();
    let p = admin
        .post_multipart(
            "/admin/help-centre",
            look("Acme", "#0b5fff", "#ffffff", Some(("logo.png", svg))),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("an SVG drawing"), "{}", p.body);
    let (_, _, home) = page(app, "/help/en/").await;
    assert_eq!(theme_href(&home), None, "nothing was saved");

    // A good look is saved and applied.
    let p = admin
        .post_multipart(
            "/admin/help-centre",
            look(
                "Acme <b>Ltd</b>",
                "#0B5FFF",
                "#fff",
                Some(("acme.png", PNG.to_vec())),
            ),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = admin.get("/admin/help-centre?saved=1").await;
    assert!(p.body.contains("meets WCAG AA"), "{}", p.body);
    assert!(p.body.contains("value=\"#0b5fff\""), "stored as #rrggbb");

    let (_, _, home) = page(app, "/help/en/").await;
    let href = theme_href(&home).expect("the theme's style sheet");
    assert!(
        home.contains("<span class=\"company\">Acme &#60;b&#62;Ltd&#60;/b&#62;</span>"),
        "{home}"
    );
    let logo = between(&home, "<img class=\"logo\" src=\"", "\"")
        .expect("the logo")
        .to_string();
    assert!(
        logo.starts_with("/help/images/") && logo.ends_with(".png"),
        "{logo}"
    );
    let sheet = css(app, &href).await;
    assert!(sheet.contains("--brand: #0b5fff;"), "{sheet}");
    assert!(sheet.contains("--brand-fg: #ffffff;"), "{sheet}");
    // The same look on every public page: search, a 404, the contact form.
    for path in [
        "/help/ja/search?q=x",
        "/help/ko/articles/999-none",
        "/help/contact?lang=lv",
    ] {
        let (_, _, html) = page(app, path).await;
        assert_eq!(theme_href(&html).as_deref(), Some(href.as_str()), "{path}");
        assert!(html.contains("class=\"company\""), "{path}: {html}");
        assert!(html.contains(&logo), "{path}");
    }

    // A pair that is hard to read is saved, with a warning; the style
    // sheet's address changes with each save.
    let p = admin
        .post_multipart(
            "/admin/help-centre",
            look("Acme", "#ffff00", "#ffffff", None),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = admin.get("/admin/help-centre").await;
    let warning = between(&p.body, "id=\"theme-contrast\">", "</p>").expect("the contrast");
    assert!(warning.contains("below WCAG AA"), "{warning}");
    assert!(
        p.body
            .contains("class=\"error\" role=\"alert\" id=\"theme-contrast\"")
    );
    let (_, _, home) = page(app, "/help/en/").await;
    let newer = theme_href(&home).expect("the style sheet");
    assert_ne!(newer, href);
    assert!(css(app, &newer).await.contains("--brand: #ffff00;"));
    assert!(home.contains(&logo), "the logo is kept when none is sent");

    // The logo can be removed.
    let p = admin
        .post_multipart(
            "/admin/help-centre",
            look("Acme", "#1d2330", "#ffffff", None).text("remove_logo", "1"),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, _, home) = page(app, "/help/en/").await;
    assert!(!home.contains("class=\"logo\""), "{home}");
}

async fn only_admins_set_the_look(app: &TestApp) {
    let mut sup = signed_in(app, "sofia@example.com", Role::Supervisor).await;
    assert_eq!(
        sup.get("/admin/help-centre").await.status,
        StatusCode::FORBIDDEN
    );
    let p = sup
        .post_multipart(
            "/admin/help-centre",
            look("Evil", "#000000", "#ffffff", None),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);

    let mut admin = crate::browser::admin_browser(app, "en").await;
    admin.csrf = "forged".into();
    let p = admin
        .post_multipart(
            "/admin/help-centre",
            look("Evil", "#000000", "#ffffff", None),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let mut stranger = Browser::new(app, "en");
    let p = stranger.get("/admin/help-centre").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(app.rows("help_theme").await, 0);
}
