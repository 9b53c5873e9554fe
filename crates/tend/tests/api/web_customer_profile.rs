//! The customer page shows the profile once, as the form that edits it:
//! language and time zone are pickers, a refused value is named beside its
//! field in the agent's language, and what was typed stays.

use reqwest::StatusCode;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin::admin_browser;

on_both_backends!(the_profile_is_shown_once_and_its_pickers_save,);

async fn the_profile_is_shown_once_and_its_pickers_save(app: &TestApp) {
    let c = app
        .conversation("Rēķins", "ilze@example.lv", "Sveiki!", None)
        .await;
    let id = c["customer"]["id"].as_i64().unwrap();
    let page = format!("/customers/{id}");
    let mut b = admin_browser(app, "lv").await;

    // Picked from the lists, saved.
    let p = b
        .post(
            &page,
            &[
                ("name", "Ilze Bērziņa"),
                ("phone", "+371 2000 0000"),
                ("language", "ja"),
                ("timezone", "Asia/Tokyo"),
                ("organization", "SIA Piemērs"),
                ("notes", "Zvanīt pēc 10:00."),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, cu) = app
        .get(&format!("/api/v1/customers/{id}"), &app.admin)
        .await;
    assert_eq!(cu["language"], "ja");
    assert_eq!(cu["timezone"], "Asia/Tokyo");

    let p = b.get(&page).await;
    assert_eq!(p.status, StatusCode::OK);
    // Each field once: in the form, not again in a list of facts.
    for once in [
        "SIA Piemērs",
        "+371 2000 0000",
        "Zvanīt pēc 10:00.",
        "name=\"language\"",
    ] {
        assert_eq!(p.body.matches(once).count(), 1, "{once}: {}", p.body);
    }
    assert!(
        p.body
            .contains("<select id=\"cu-language\" name=\"language\"")
    );
    assert!(
        p.body
            .contains("<select id=\"cu-timezone\" name=\"timezone\"")
    );
    // Languages named in the viewer's language (Latvian), the saved one chosen.
    assert!(
        p.body
            .contains("<option value=\"ja\" selected>japāņu</option>"),
        "{}",
        p.body
    );
    assert!(p.body.contains("<option value=\"Asia/Tokyo\" selected>"));
    assert!(p.body.contains("<option value=\"Europe/Riga\">"));

    // A zone Tend does not know: 422, the message beside the field in
    // Latvian, everything typed kept, nothing saved.
    let p = b
        .post(
            &page,
            &[
                ("name", "Ilze B."),
                ("language", "lv"),
                ("timezone", "Mars/Olympus"),
                ("organization", "Cits uzņēmums"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("aria-describedby=\"cu-timezone-error\""));
    assert!(
        p.body.contains(
            "id=\"cu-timezone-error\" role=\"alert\">“Mars/Olympus” nav Tend zināma laika josla."
        ),
        "{}",
        p.body
    );
    assert!(p.body.contains("<option value=\"Mars/Olympus\" selected>"));
    assert!(p.body.contains("value=\"Cits uzņēmums\""));
    assert!(p.body.contains("value=\"Ilze B.\""));
    assert!(p.body.contains("<option value=\"lv\" selected>"));
    let (_, cu) = app
        .get(&format!("/api/v1/customers/{id}"), &app.admin)
        .await;
    assert_eq!(cu["timezone"], "Asia/Tokyo");
    assert_eq!(cu["organization"]["name"], "SIA Piemērs");

    // A language that is no language: beside the language picker.
    let p = b.post(&page, &[("language", "日本語")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.body
            .contains("id=\"cu-language-error\" role=\"alert\">“日本語”"),
        "{}",
        p.body
    );
    assert!(p.body.contains("<option value=\"日本語\" selected>"));
    let (_, cu) = app
        .get(&format!("/api/v1/customers/{id}"), &app.admin)
        .await;
    assert_eq!(cu["language"], "ja");
}
