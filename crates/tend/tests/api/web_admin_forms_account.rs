//! Forms that keep what was typed (issue 25, item 8), beyond the admin
//! pages: the account's preferences and password, the radar's outreach
//! form, and the users list's row forms. Each mistake comes back with the
//! form as typed (never a password) and the message beside its field, in
//! the agent's language.

use std::sync::Arc;

use reqwest::StatusCode;
use tend::agents::Role;
use tend::time::ManualClock;
use tend::web::i18n::Tr;

use crate::browser::*;
use crate::support::TestApp;
use crate::web_forms::beside;
use crate::{on_both_backends, on_both_with_clock};

on_both_backends!(
    the_account_keeps_what_was_typed,
    the_last_admin_is_a_conflict
);

on_both_with_clock!(
    settings = super::settings;
    the_outreach_form_keeps_what_was_typed,
);

fn settings(_test: &str) -> Vec<(&'static str, String)> {
    // One signal is enough to be on this radar.
    vec![("TEND_HEALTH_AT_RISK_BELOW", "90".into())]
}

async fn the_account_keeps_what_was_typed(app: &TestApp) {
    let lv = Tr::new("lv");
    let mut me = admin_browser(app, "lv").await;

    // A zone Tend does not know: the language chosen and the zone typed.
    let prefs = |tz: &'static str| [("language", "lv"), ("timezone", tz)];
    let p = me
        .post("/account/preferences", &prefs("Marss/Olimps"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("<html lang=\"lv\""), "in Latvian");
    assert!(
        p.body
            .contains("<option value=\"lv\" lang=\"lv\" selected>"),
        "the language as chosen"
    );
    assert!(
        p.body
            .contains("<option value=\"Marss/Olimps\" selected>Marss/Olimps</option>"),
        "the zone as given, kept in the picker"
    );
    assert!(
        p.body.contains("<select id=\"timezone\" name=\"timezone\""),
        "a picker"
    );
    beside(
        &p.body,
        "timezone",
        &lv.s("timezone-unknown", "tz", "Marss/Olimps"),
    );
    let p = me.post("/account/preferences", &prefs("Europe/Riga")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // The password: each mistake beside its field, no password shown back.
    let password = |current: &'static str, new: &'static str, again: &'static str| {
        [
            ("current", current),
            ("password", new),
            ("password2", again),
        ]
    };
    let p = me
        .post(
            "/account/password",
            &password("nav pareizā", "jauna parole 1", "jauna parole 1"),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "current", &lv.t("password-current-wrong"));
    assert!(!p.body.contains("nav pareizā"), "the password is not kept");
    let p = me
        .post(
            "/account/password",
            &password(PASSWORD, "jauna parole 1", "jauna parole 2"),
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "password2", &lv.t("password-mismatch"));
    assert!(!p.body.contains("id=\"current-error\""), "only one mistake");
    let p = me
        .post("/account/password", &password(PASSWORD, "īsa", "īsa"))
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    beside(&p.body, "password", &lv.t("form-error-password"));
    assert!(!p.body.contains("at least 8"), "no English words");
    let p = me
        .post(
            "/account/password",
            &password(PASSWORD, "jauna parole 1", "jauna parole 1"),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains(&lv.t("password-changed")));
    assert!(!p.body.contains("aria-invalid"), "nothing in error");
}

async fn the_last_admin_is_a_conflict(app: &TestApp) {
    // The harness's admin and this one: demote the other, then try self.
    let mut me = admin_browser(app, "ja").await;
    let mine = user_with_password_once(app, "boss-ja@example.com").await;
    let other = user_with_password(app, "ren@example.com", "Ren", Role::Admin).await;
    let p = me
        .post(&format!("/admin/users/{other}/role"), &[("role", "root")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    // A row's mistake is said in its row (beside its role), not at the top.
    beside(
        &p.body,
        &format!("role-{other}"),
        &Tr::new("ja").t("admin-choose-one"),
    );
    assert!(!p.body.contains("id=\"users-error\""), "{}", p.body);
    assert!(
        !p.body.contains("id=\"inv-name\" aria-invalid"),
        "not beside the invite form"
    );
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    for u in users["items"].as_array().unwrap() {
        if u["role"] == "admin" && id_of(u) != mine {
            let p = me
                .post(
                    &format!("/admin/users/{}/role", id_of(u)),
                    &[("role", "agent")],
                )
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        }
    }
    let p = me
        .post(&format!("/admin/users/{mine}/role"), &[("role", "agent")])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    beside(
        &p.body,
        &format!("role-{mine}"),
        &Tr::new("ja").t("form-error-last-admin"),
    );
}

async fn the_outreach_form_keeps_what_was_typed(app: &mut TestApp, _clock: &Arc<ManualClock>) {
    let inbox = app.inbox("email", Some("support@example.com")).await;
    let (aiko, _) = app.user("aiko@example.com", "Aiko Tanaka", "agent").await;
    app.team("Support", &[aiko], &[inbox]).await;
    let yuki = app
        .conversation("Broken again", "yuki@example.jp", "最悪です", Some(inbox))
        .await["customer"]["id"]
        .as_i64()
        .unwrap();
    tend::health::follower::catch_up(&app.st).await.unwrap();
    tend::health::service::rescore(&app.st).await.unwrap();
    let mut me = admin_browser(app, "ja").await;
    let page = me.get("/radar").await;
    assert!(
        page.body.contains(&format!("data-customer=\"{yuki}\"")),
        "Yuki is on the radar: {}",
        page.body
    );

    // A subject with a placeholder Tend does not know: the form comes back
    // open, as typed, the message beside the subject.
    let aiko_id = aiko.to_string();
    let outreach = |subject: &'static str| {
        [
            ("assignee_id", aiko_id.clone()),
            ("subject", subject.to_string()),
            (
                "text",
                "{{ customer.name }}様、その後いかがですか。".to_string(),
            ),
        ]
    };
    let form = outreach("ご様子 {{ customer.shoe_size }}");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = me.post(&format!("/radar/{yuki}/outreach"), &pairs).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("<html lang=\"ja\""), "in Japanese");
    assert!(p.body.contains("<details class=\"outreach\" open>"));
    let subject = format!("out-{yuki}-subject");
    assert!(p.body.contains("value=\"ご様子 {{ customer.shoe_size }}\""));
    assert!(
        p.body
            .contains(">{{ customer.name }}様、その後いかがですか。</textarea>")
    );
    assert!(
        p.body
            .contains(&format!("<option value=\"{aiko}\" selected>")),
        "the owner as chosen"
    );
    let words = between(
        &p.body,
        &format!("id=\"{subject}-error\" role=\"alert\">"),
        "</p>",
    )
    .unwrap_or_else(|| panic!("no error beside the subject: {}", p.body));
    assert!(words.contains("1 行目"), "{words}");
    beside(&p.body, &subject, words);
    assert!(!p.body.contains("unknown variable"), "no English words");

    let form = outreach("ご様子はいかがですか");
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = me.post(&format!("/radar/{yuki}/outreach"), &pairs).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(p.location.starts_with("/radar?started="), "{}", p.location);
}
