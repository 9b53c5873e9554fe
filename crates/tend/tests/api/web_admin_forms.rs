//! Forms that keep what was typed (issue 25, item 8), on the admin pages:
//! a bad invite, team, token, inbox (new or changed), public settings,
//! webhook or help-centre look comes back 422 with the form as typed and
//! the message beside its field (`aria-invalid`, `aria-describedby`), in
//! the admin's language; the corrected form then goes through.

use reqwest::StatusCode;
use tend::agents::Role;
use tend::web::i18n::Tr;

use crate::browser::*;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_forms::beside;

on_both_backends!(
    invites_teams_and_tokens_keep_what_was_typed,
    inbox_forms_keep_what_was_typed,
    public_settings_keep_what_was_typed,
    webhooks_and_the_look_keep_what_was_typed,
);

/// The part of `body` from the element with the id `id` on (`len`
/// characters: a form's own options, not the page's other forms').
fn from_id<'a>(body: &'a str, id: &str, len: usize) -> &'a str {
    let at = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in {body}"));
    &body[at..(at + len).min(body.len())]
}

/// The id of the inbox named `name`.
async fn inbox_named(app: &TestApp, name: &str) -> i64 {
    let (_, list) = app.get("/api/v1/inboxes", &app.admin).await;
    id_of(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("no inbox {name} in {list}")),
    )
}

async fn invites_teams_and_tokens_keep_what_was_typed(app: &TestApp) {
    let lv = Tr::new("lv");
    let mut admin = admin_browser(app, "lv").await;

    // An invite whose address has no @: the name and the role are kept.
    let invite = |email: &'static str| {
        [
            ("name", "Ilze Bērziņa"),
            ("email", email),
            ("role", "supervisor"),
        ]
    };
    let p = admin
        .post("/admin/users", &invite("ilze-at-example.lv"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("<html lang=\"lv\""), "in Latvian");
    assert!(
        p.body.contains("value=\"Ilze Bērziņa\""),
        "the name as typed"
    );
    assert!(
        p.body.contains("value=\"ilze-at-example.lv\""),
        "the address"
    );
    assert!(
        from_id(&p.body, "inv-role", 400).contains("<option value=\"supervisor\" selected>"),
        "the role as chosen"
    );
    beside(&p.body, "inv-email", &lv.t("form-error-email"));
    assert!(!p.body.contains("not a valid email"), "no English words");
    let p = admin.post("/admin/users", &invite("ilze@example.lv")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(secret_of(&p.body).contains("/invite/"));
    // The same address again: beside the address.
    let p = admin.post("/admin/users", &invite("ilze@example.lv")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "inv-email", &lv.t("form-error-address-taken"));

    // A team whose name is taken: the name as typed, beside it.
    let p = admin.post("/admin/teams", &[("name", "Rīga")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = admin.post("/admin/teams", &[("name", "Rīga")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        from_id(&p.body, "team-name", 300).contains("value=\"Rīga\""),
        "the name as typed"
    );
    beside(&p.body, "team-name", &lv.t("form-error-taken"));
    assert!(!p.body.contains("already exists"), "no English words");
    let p = admin.post("/admin/teams", &[("name", "Rīga 2")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // A token with a label too long: its owner and label are kept.
    let owner = user_with_password(app, "janis@example.lv", "Jānis", Role::Agent).await;
    let long = "t".repeat(201);
    let token = |name: &str| [("user_id", owner.to_string()), ("name", name.to_string())];
    let form = token(&long);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = admin.post("/admin/tokens", &pairs).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        from_id(&p.body, "tok-user", 2000)
            .contains(&format!("<option value=\"{owner}\" selected>")),
        "the owner as chosen: {}",
        p.body
    );
    assert!(p.body.contains(&format!("value=\"{long}\"")), "the label");
    beside(
        &p.body,
        "tok-name",
        &lv.s("form-error-too-long", "count", 200),
    );
    let form = token("CRM");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = admin.post("/admin/tokens", &pairs).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(secret_of(&p.body).starts_with("tend_"));
}

async fn inbox_forms_keep_what_was_typed(app: &TestApp) {
    let ja = Tr::new("ja");
    let mut admin = admin_browser(app, "ja").await;

    // A new inbox whose address has no @: everything typed is kept, the
    // IMAP URL without its password.
    let p = admin
        .post(
            "/admin/inboxes",
            &[
                ("kind", "email"),
                ("name", "東京"),
                ("address", "tokyo-at-desk.example"),
                ("imap_url", "imaps://sup:hunter2@mail.example.com/INBOX"),
                ("imap_after", "seen"),
                ("ack", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("<html lang=\"ja\""), "in Japanese");
    let form = from_id(&p.body, "new-kind", 4000);
    assert!(form.contains("<option value=\"email\" selected>"), "{form}");
    assert!(form.contains("value=\"東京\""), "the name as typed");
    assert!(
        form.contains("value=\"tokyo-at-desk.example\""),
        "the address"
    );
    assert!(
        form.contains("value=\"imaps://sup@mail.example.com/INBOX\""),
        "the IMAP URL: {form}"
    );
    assert!(!p.body.contains("hunter2"), "never the password");
    assert!(form.contains("<option value=\"seen\" selected>"), "{form}");
    assert!(
        form.contains("name=\"ack\" value=\"1\" checked"),
        "the acknowledgement"
    );
    beside(&p.body, "new-addr", &ja.t("form-error-email"));
    assert!(!p.body.contains("not a valid email"), "no English words");
    let p = admin
        .post(
            "/admin/inboxes",
            &[
                ("kind", "email"),
                ("name", "東京"),
                ("address", "tokyo@desk.example"),
                ("ack", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id = inbox_named(app, "東京").await;

    // Its card: "move" without a folder keeps the new name and the choice.
    let p = admin
        .post(
            &format!("/admin/inboxes/{id}"),
            &[
                ("name", "東京サポート"),
                ("address", "tokyo@desk.example"),
                ("imap_after", "move"),
                ("imap_move_to", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        from_id(&p.body, &format!("in-name-{id}"), 300).contains("value=\"東京サポート\""),
        "the name as typed"
    );
    assert!(
        from_id(&p.body, &format!("in-after-{id}"), 600)
            .contains("<option value=\"move\" selected>"),
        "the setting as chosen"
    );
    assert!(
        !from_id(&p.body, &format!("in-move-{id}"), 900)
            .contains("name=\"ack\" value=\"1\" checked"),
        "the acknowledgement as unticked"
    );
    beside(
        &p.body,
        &format!("in-move-{id}"),
        &ja.t("form-error-move-to"),
    );
    assert!(!p.body.contains("a folder is required"), "no English words");
    assert!(
        !p.body
            .contains("id=\"new-kind\" name=\"kind\" aria-invalid"),
        "the create form is not in error"
    );
    let p = admin
        .post(
            &format!("/admin/inboxes/{id}"),
            &[
                ("name", "東京サポート"),
                ("address", "tokyo@desk.example"),
                ("imap_after", "move"),
                ("imap_move_to", "処理済み"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, i) = app.get(&format!("/api/v1/inboxes/{id}"), &app.admin).await;
    assert_eq!(i["name"], "東京サポート");
    assert_eq!(i["imap_move_to"], "処理済み");
}

async fn public_settings_keep_what_was_typed(app: &TestApp) {
    let lv = Tr::new("lv");
    let mut admin = admin_browser(app, "lv").await;
    let p = admin
        .post("/admin/inboxes", &[("kind", "chat"), ("name", "Tērzēšana")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let id = inbox_named(app, "Tērzēšana").await;
    let path = format!("/admin/inboxes/{id}/public");
    let form = |origins: &'static str, tz: &'static str, tue: &'static str| {
        [
            ("origins", origins),
            ("require_name", "1"),
            ("timezone", tz),
            ("day_mon", "09:00-17:00"),
            ("day_tue", tue),
            ("max_wait_minutes", "30"),
        ]
    };
    let good_origins = "https://shop.example";
    let bad_origins = "https://shop.example\nveikals";

    // A day in words: beside that day, everything else as typed.
    let p = admin
        .post(&path, &form(bad_origins, "Europe/Riga", "no deviņiem"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains(">https://shop.example\nveikals</textarea>"));
    assert!(p.body.contains("name=\"require_name\" value=\"1\" checked"));
    assert!(
        !p.body
            .contains("name=\"require_email\" value=\"1\" checked")
    );
    assert!(from_id(&p.body, "day-mon", 200).contains("value=\"09:00-17:00\""));
    assert!(from_id(&p.body, "day-tue", 200).contains("value=\"no deviņiem\""));
    assert!(from_id(&p.body, "wait", 200).contains("value=\"30\""));
    beside(&p.body, "day-tue", &lv.t("form-error-hours"));
    assert!(!p.body.contains("write times as"), "no English words");

    // An unknown zone: beside the zone.
    let p = admin
        .post(&path, &form(good_origins, "Marss/Olimps", "10:00-16:00"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    // The zone is picked from a list (the customer page's picker), which
    // keeps the value it came back with.
    let picker = from_id(&p.body, "tz", 60_000);
    let picker = &picker[..picker.find("</select>").unwrap()];
    assert!(
        picker.starts_with("id=\"tz\" name=\"timezone\""),
        "a picker"
    );
    assert!(picker.contains("<option value=\"Marss/Olimps\" selected>"));
    assert!(picker.contains("<option value=\"Asia/Tokyo\">Asia/Tokyo</option>"));
    beside(&p.body, "tz", &lv.t("form-error-timezone"));

    // A site that is no origin: beside the sites.
    let p = admin
        .post(&path, &form(bad_origins, "Europe/Riga", "10:00-16:00"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "origins", &lv.t("form-error-origins"));
    assert!(from_id(&p.body, "day-tue", 200).contains("value=\"10:00-16:00\""));

    let p = admin
        .post(&path, &form(good_origins, "Europe/Riga", "10:00-16:00"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = admin.get(&path).await;
    assert!(from_id(&p.body, "day-tue", 200).contains("value=\"10:00-16:00\""));
    assert!(
        p.body.contains("<option value=\"Europe/Riga\" selected>"),
        "the zone saved"
    );
    assert!(!p.body.contains("aria-invalid"), "nothing in error");
}

async fn webhooks_and_the_look_keep_what_was_typed(app: &TestApp) {
    let ja = Tr::new("ja");
    let mut admin = admin_browser(app, "ja").await;
    let hook = |url: &'static str, secret: &'static str| {
        [
            ("url", url),
            ("events", "created"),
            ("events", "status_changed"),
            ("secret", secret),
        ]
    };
    let secret = "0123456789abcdef0123";

    // A URL that is no URL: the URL and the kinds are kept.
    let p = admin
        .post("/admin/webhooks", &hook("crm.example/tend", secret))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"crm.example/tend\""), "the URL");
    for kind in ["created", "status_changed"] {
        assert!(
            p.body
                .contains(&format!("name=\"events\" value=\"{kind}\" checked")),
            "{kind} as ticked"
        );
    }
    assert!(
        !p.body
            .contains("name=\"events\" value=\"assigned\" checked")
    );
    beside(&p.body, "hook-url", &ja.t("form-error-url"));
    assert!(!p.body.contains("absolute http"), "no English words");

    // A short secret: beside the secret, which is never shown back.
    let p = admin
        .post(
            "/admin/webhooks",
            &hook("https://crm.example/tend", "short"),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"https://crm.example/tend\""));
    assert!(
        !p.body.contains("value=\"short\""),
        "the secret is not kept"
    );
    beside(
        &p.body,
        "hook-secret",
        &ja.args(
            "form-error-secret",
            &[("count", 16.into()), ("limit", 200.into())],
        ),
    );
    let p = admin
        .post("/admin/webhooks", &hook("https://crm.example/tend", secret))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // The look: a colour in words keeps the name and the other colour.
    let look = |primary: &'static str| {
        reqwest::multipart::Form::new()
            .text("company_name", "株式会社アクメ")
            .text("primary", primary)
            .text("text", "#ffffff")
    };
    let p = admin
        .post_multipart("/admin/help-centre", look("あお"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("value=\"株式会社アクメ\""), "the name");
    assert!(p.body.contains("value=\"あお\""), "the colour as typed");
    assert!(from_id(&p.body, "theme-text", 200).contains("value=\"#ffffff\""));
    beside(&p.body, "theme-primary", &ja.t("form-error-colour"));
    assert!(!p.body.contains("is not a colour"), "no English words");
    let p = admin
        .post_multipart("/admin/help-centre", look("#0b5fff"))
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}
