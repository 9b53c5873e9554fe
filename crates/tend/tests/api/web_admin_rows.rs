//! Row actions on the admin pages (issue 25, item 8): a refused change of
//! one user's role, of one team's members, or a token revoked twice is
//! said beside that row or card, in the admin's language, with the other
//! rows as they were, and not at the top of the page.

use reqwest::StatusCode;
use tend::agents::Role;
use tend::web::i18n::Tr;

use crate::browser::*;
use crate::on_both_backends;
use crate::support::TestApp;
use crate::web_forms::beside;

on_both_backends!(row_actions_say_what_went_wrong_in_their_row);

async fn row_actions_say_what_went_wrong_in_their_row(app: &TestApp) {
    let lv = Tr::new("lv");
    let mut boss = admin_browser(app, "lv").await;
    let me = user_with_password_once(app, "boss-lv@example.com").await;
    let anna = user_with_password(app, "anna@example.lv", "Anna Kalniņa", Role::Agent).await;

    // A team's member form with no one chosen: said on that team's card.
    let p = boss.post("/admin/teams", &[("name", "Rīga")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = boss.post("/admin/teams", &[("name", "Liepāja")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = boss.get("/admin/teams").await;
    let team = |name: &str| -> i64 {
        let at = page.body.find(&format!(">{name}</h2>")).unwrap();
        let head = &page.body[..at];
        let from = head.rfind("id=\"team-").unwrap() + "id=\"team-".len();
        head[from..from + head[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (riga, liepaja) = (team("Rīga"), team("Liepāja"));
    let p = boss
        .post(&format!("/admin/teams/{riga}/members"), &[("user_id", "")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let card = between(
        &p.body,
        &format!("id=\"team-{riga}\""),
        &format!("id=\"team-{liepaja}\""),
    )
    .unwrap_or_else(|| panic!("{}", p.body));
    assert!(
        card.contains(&format!(
            "<p class=\"field-error\" id=\"team-error-{riga}\" role=\"alert\">{}</p>",
            lv.t("admin-choose-one")
        )),
        "{card}"
    );
    assert!(!p.body.contains("id=\"teams-error\""), "not at the top");
    assert!(!p.body.contains(&format!("id=\"team-error-{liepaja}\"")));

    // A token revoked twice (another admin was quicker): said in its row,
    // which shows it revoked.
    let p = boss
        .post(
            "/admin/tokens",
            &[("user_id", &anna.to_string()), ("name", "CRM")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let page = boss.get("/admin/tokens").await;
    let token: i64 = between(&page.body, "action=\"/admin/tokens/", "/revoke\"")
        .unwrap_or_else(|| panic!("{}", page.body))
        .parse()
        .unwrap();
    let revoke = format!("/admin/tokens/{token}/revoke");
    let p = boss.post(&revoke, &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let p = boss.post(&revoke, &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains(&format!(
            "<p class=\"field-error\" id=\"token-error-{token}\" role=\"alert\">{}</p>",
            lv.t("token-revoke-gone")
        )),
        "{}",
        p.body
    );
    assert!(!p.body.contains("id=\"tokens-error\""), "not at the top");

    // The boss is made the last admin: the test's other admins become agents.
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    let others: Vec<i64> = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["role"] == "admin" && id_of(u) != me)
        .map(id_of)
        .collect();
    for other in others {
        let p = boss
            .post(&format!("/admin/users/{other}/role"), &[("role", "agent")])
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    }

    // Demoting the last admin: 409, said in that row, in Latvian.
    let p = boss
        .post(&format!("/admin/users/{me}/role"), &[("role", "agent")])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.body.contains("<html lang=\"lv\""));
    beside(
        &p.body,
        &format!("role-{me}"),
        &lv.t("form-error-last-admin"),
    );
    assert!(!p.body.contains("id=\"users-error\""), "not at the top");
    assert!(!p.body.contains("last active admin"), "no English words");
    // The row still shows the admin role; the other rows are all there.
    let row = between(&p.body, &format!("id=\"role-{me}\""), "</select>").unwrap();
    assert!(row.contains("<option value=\"admin\" selected>"), "{row}");
    assert!(
        p.body.contains(&format!("id=\"role-{anna}\"")),
        "Anna's row"
    );
    assert!(!p.body.contains(&format!("id=\"role-{anna}-error\"")));
}
