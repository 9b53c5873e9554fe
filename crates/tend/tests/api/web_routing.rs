//! Routing in the UI (issue 25, item 9): an inbox's rule and an agent's
//! capacity, languages and skills set through `/admin/routing`, driven like
//! a browser (`browser.rs`), and read back through the REST API. A wrong
//! value comes back with the form as typed and the message beside its
//! field, in the agent's language; agents get the 403 page.

use reqwest::StatusCode;
use serde_json::Value;
use tend::agents::Role;

use crate::browser::*;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_admin_pages::{raw_keys, visible_text};

on_both_backends!(
    admins_set_inbox_rules_through_the_page,
    admins_set_capacity_languages_and_skills_through_the_page,
    agents_get_403_and_supervisors_may,
    routing_pages_speak_five_languages,
);

/// A chat inbox, an agent, the team granted the inbox and one that is not.
async fn desk(app: &TestApp) -> (i64, i64, i64, i64) {
    let inbox = app.inbox("chat", None).await;
    let (agent, _) = app.user("mara@example.com", "Māra", "agent").await;
    let granted = app.team("Front", &[agent], &[inbox]).await;
    let other = app.team("Warehouse", &[], &[]).await;
    (inbox, agent, granted, other)
}

async fn rule(app: &TestApp, inbox: i64) -> (StatusCode, Value) {
    app.get(&format!("/api/v1/inboxes/{inbox}/routing"), &app.admin)
        .await
}

async fn profile(app: &TestApp, user: i64) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/users/{user}/routing"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

/// The part of a page from `start` to the end of its form.
fn form_of<'a>(body: &'a str, start: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {body}"));
    let rest = &body[from..];
    &rest[..rest.find("</form>").unwrap_or(rest.len())]
}

async fn admins_set_inbox_rules_through_the_page(app: &TestApp) {
    let (inbox, _, granted, other) = desk(app).await;
    let mut admin = admin_browser(app, "en").await;
    let p = admin.get("/admin/routing").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        p.body.contains("href=\"/admin/routing\""),
        "in the admin nav"
    );
    let card = form_of(&p.body, &format!("id=\"inbox-{inbox}\""));
    assert!(
        card.contains(&format!("<option value=\"{granted}\"")),
        "{card}"
    );
    assert!(
        !card.contains(&format!("<option value=\"{other}\"")),
        "only teams granted the inbox are offered: {card}"
    );
    assert_eq!(rule(app, inbox).await.0, StatusCode::NOT_FOUND);

    // Route it: the API reads what the page set.
    let path = format!("/admin/routing/inboxes/{inbox}");
    let granted_s = granted.to_string();
    let p = admin
        .post(
            &path,
            &[
                ("routed", "1"),
                ("team_id", &granted_s),
                ("strategy", "round_robin"),
                ("skills_first", "1"),
                ("sticky", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (s, r) = rule(app, inbox).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["team_id"], granted);
    assert_eq!(r["strategy"], "round_robin");
    assert_eq!(r["skills_first"], true);
    assert_eq!(r["sticky"], true);
    let card_after = admin.get("/admin/routing").await.body;
    let card = form_of(&card_after, &format!("id=\"inbox-{inbox}\""));
    assert!(
        card.contains(&format!("id=\"routed-{inbox}\" checked")),
        "{card}"
    );
    assert!(
        card.contains(&format!("<option value=\"{granted}\" selected")),
        "{card}"
    );

    // A team that was not granted the inbox: the form as typed, the
    // message beside the team, nothing changed.
    let other_s = other.to_string();
    let p = admin
        .post(
            &path,
            &[
                ("routed", "1"),
                ("team_id", &other_s),
                ("strategy", "least_loaded"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let card = form_of(&p.body, &format!("id=\"inbox-{inbox}\""));
    let error = between(
        card,
        &format!("id=\"team-{inbox}-error\" role=\"alert\">"),
        "<",
    )
    .unwrap_or_else(|| panic!("the error beside the team: {card}"));
    assert!(error.contains("may work this inbox"), "{error}");
    assert!(card.contains("aria-invalid=\"true\""), "{card}");
    assert!(
        card.contains("<option value=\"least_loaded\" selected"),
        "the strategy as typed: {card}"
    );
    assert!(
        card.contains(&format!("id=\"routed-{inbox}\" checked")),
        "{card}"
    );
    assert!(
        !card.contains(&format!("id=\"sticky-{inbox}\" checked")),
        "sticky as typed (unticked): {card}"
    );
    let (_, r) = rule(app, inbox).await;
    assert_eq!(r["team_id"], granted);
    assert_eq!(r["strategy"], "round_robin");

    // No team chosen: said beside the team too.
    let p = admin
        .post(
            &path,
            &[
                ("routed", "1"),
                ("team_id", ""),
                ("strategy", "round_robin"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains(&format!("id=\"team-{inbox}-error\"")));

    // Unticked: the inbox is not routed any more.
    let p = admin.post(&path, &[("team_id", &granted_s)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(rule(app, inbox).await.0, StatusCode::NOT_FOUND);
    // And unticking an inbox that is not routed is no error.
    let p = admin.post(&path, &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

async fn admins_set_capacity_languages_and_skills_through_the_page(app: &TestApp) {
    let (_, agent, _, _) = desk(app).await;
    let mut admin = admin_browser(app, "en").await;
    let users = admin.get("/admin/users").await;
    assert!(
        users
            .body
            .contains(&format!("href=\"/admin/routing/agents/{agent}\"")),
        "the users page links each user's routing settings"
    );
    let path = format!("/admin/routing/agents/{agent}");
    let p = admin.get(&path).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    // A capacity for every channel there is, and no other.
    let fields: Vec<&str> = p
        .body
        .match_indices("name=\"cap_")
        .map(|(i, _)| between(&p.body[i..], "name=\"cap_", "\"").unwrap())
        .collect();
    let channels: Vec<&str> = tend::vocab::Channel::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(fields, channels);
    // Languages are picked by name, not typed.
    assert!(p.body.contains("name=\"lang\" value=\"ja\""), "{}", p.body);
    assert!(visible_text(&p.body).contains("Japanese"));

    let p = admin
        .post(
            &path,
            &[
                ("cap_chat", "2"),
                ("cap_email", "15"),
                ("cap_phone", ""),
                ("lang", "ja"),
                ("lang", "lv"),
                ("skill_name", "Billing"),
                ("skill_level", "4"),
                ("skill_name", ""),
                ("skill_level", "3"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let r = profile(app, agent).await;
    assert_eq!(r["capacity"]["chat"], 2);
    assert_eq!(r["capacity"]["email"], 15);
    assert_eq!(r["capacity"]["phone"], 20, "an empty field keeps the value");
    assert_eq!(r["languages"], serde_json::json!(["ja", "lv"]));
    assert_eq!(r["skills"], serde_json::json!({"billing": 4}));
    let p = admin.get(&format!("{path}?saved=1")).await;
    assert!(p.body.contains("id=\"lang-ja\" checked"), "{}", p.body);
    assert!(!p.body.contains("id=\"lang-ko\" checked"));
    let chat_input = between(&p.body, "id=\"cap-chat\"", ">").unwrap();
    assert!(chat_input.contains("value=\"2\""), "{chat_input}");

    // Capacity -1: the form as typed, the message beside the chat field.
    let p = admin
        .post(
            &path,
            &[
                ("cap_chat", "-1"),
                ("cap_email", "15"),
                ("lang", "ko"),
                ("skill_name", "billing"),
                ("skill_level", "4"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let error = between(&p.body, "id=\"cap-chat-error\" role=\"alert\">", "<")
        .unwrap_or_else(|| panic!("the error beside the chat capacity: {}", p.body));
    assert!(error.contains("from 0 to 1000"), "{error}");
    assert!(p.body.contains("name=\"cap_chat\" type=\"number\""));
    let chat_input = between(&p.body, "id=\"cap-chat\"", ">").unwrap();
    assert!(
        chat_input.contains("value=\"-1\""),
        "kept as typed: {chat_input}"
    );
    assert!(
        p.body.contains("id=\"lang-ko\" checked"),
        "the languages as typed"
    );
    assert!(!p.body.contains("id=\"lang-ja\" checked"));
    // A capacity over the limit is refused by the same rule as the API's.
    let p = admin.post(&path, &[("cap_email", "5000")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("id=\"cap-email-error\""), "{}", p.body);

    // Skill level 9: beside the skills, the row as typed.
    let p = admin
        .post(
            &path,
            &[
                ("cap_chat", "2"),
                ("skill_name", "refunds"),
                ("skill_level", "9"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let error = between(&p.body, "id=\"skills-error\" role=\"alert\">", "<")
        .unwrap_or_else(|| panic!("the error beside the skills: {}", p.body));
    assert!(error.contains("level from 1 to 5"), "{error}");
    assert!(p.body.contains("value=\"refunds\""));
    assert!(p.body.contains("<option value=\"9\" selected>"));

    // Nothing of the refused posts was saved.
    let r = profile(app, agent).await;
    assert_eq!(r["capacity"]["chat"], 2);
    assert_eq!(r["capacity"]["email"], 15);
    assert_eq!(r["languages"], serde_json::json!(["ja", "lv"]));
    assert_eq!(r["skills"], serde_json::json!({"billing": 4}));

    // In the agent's language: a Latvian admin reads the message in Latvian.
    let mut lv = admin_browser(app, "lv").await;
    let p = lv.post(&path, &[("cap_chat", "-1")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = between(&p.body, "id=\"cap-chat-error\" role=\"alert\">", "<").unwrap();
    assert!(error.contains("veselu skaitli"), "{error}");
    // Clearing every language is allowed (none ticked).
    let p = admin.post(&path, &[("cap_chat", "2")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        profile(app, agent).await["languages"],
        serde_json::json!([])
    );
}

async fn agents_get_403_and_supervisors_may(app: &TestApp) {
    let (inbox, agent, granted, _) = desk(app).await;
    user_with_password(app, "plain@example.com", "Plain", Role::Agent).await;
    let mut b = Browser::new(app, "en");
    assert!(b.login("plain@example.com", PASSWORD).await);
    let granted_s = granted.to_string();
    let inbox_path = format!("/admin/routing/inboxes/{inbox}");
    let agent_path = format!("/admin/routing/agents/{agent}");
    assert!(!b.get("/").await.body.contains("href=\"/admin/routing\""));
    assert_eq!(b.get("/admin/routing").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&agent_path).await.status, StatusCode::FORBIDDEN);
    let p = b
        .post(&inbox_path, &[("routed", "1"), ("team_id", &granted_s)])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = b.post(&agent_path, &[("cap_chat", "9")]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(rule(app, inbox).await.0, StatusCode::NOT_FOUND);
    assert_eq!(profile(app, agent).await["capacity"]["chat"], 3);

    // Supervisors set routing as the API lets them, from their own nav.
    user_with_password(app, "lead@example.com", "Lead", Role::Supervisor).await;
    let mut s = Browser::new(app, "en");
    assert!(s.login("lead@example.com", PASSWORD).await);
    assert!(s.get("/").await.body.contains("href=\"/admin/routing\""));
    let p = s.get("/admin/routing").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(
        !p.body.contains("href=\"/admin/tokens\""),
        "no links to admin-only pages"
    );
    let p = s
        .post(&inbox_path, &[("routed", "1"), ("team_id", &granted_s)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(rule(app, inbox).await.1["team_id"], granted);
    let p = s.post(&agent_path, &[("cap_chat", "5")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(profile(app, agent).await["capacity"]["chat"], 5);
}

async fn routing_pages_speak_five_languages(app: &TestApp) {
    let (inbox, agent, _, other) = desk(app).await;
    // The English words of these pages (their own messages and the language
    // names), which no other locale may show.
    let en = tend::web::i18n::Tr::new("en");
    let english: Vec<String> = tend::web::i18n::keys_of("en")
        .into_iter()
        .filter(|k| k.starts_with("routing-") || k.starts_with("language-name-"))
        .map(|k| en.s(&k, "count", 7))
        .filter(|w| w.chars().count() > 4 && !w.contains('{'))
        .collect();
    assert!(english.len() > 30, "{english:?}");
    let other_s = other.to_string();
    for code in ["en", "ja", "ko", "lv", "ca"] {
        let mut b = admin_browser(app, code).await;
        let pages = [
            b.get("/admin/routing").await,
            b.get(&format!("/admin/routing/agents/{agent}")).await,
            b.post(
                &format!("/admin/routing/inboxes/{inbox}"),
                &[("routed", "1"), ("team_id", &other_s)],
            )
            .await,
            b.post(
                &format!("/admin/routing/agents/{agent}"),
                &[
                    ("cap_chat", "-1"),
                    ("skill_name", "x"),
                    ("skill_level", "2"),
                ],
            )
            .await,
        ];
        for (i, p) in pages.iter().enumerate() {
            assert!(
                p.status == StatusCode::OK || p.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{code} page {i}: {}",
                p.status
            );
            assert!(
                p.body.contains(&format!("<html lang=\"{code}\"")),
                "{code} {i}"
            );
            assert!(!p.body.contains('⟦'), "{code} {i}: a message is missing");
            let raw = raw_keys(&p.body);
            assert!(raw.is_empty(), "{code} {i}: unresolved {raw:?}");
            let text = visible_text(&p.body);
            let left: Vec<&String> = english
                .iter()
                .filter(|w| text.contains(w.as_str()))
                .collect();
            if code == "en" {
                assert!(!left.is_empty(), "the check sees English where it is");
            } else {
                assert!(left.is_empty(), "{code} page {i} shows English: {left:?}");
            }
        }
    }
}
