//! The agent workspace's customer, search and admin pages, driven like a
//! browser (`browser.rs`): sign in through `POST /login`, keep the session
//! cookie, send the CSRF token from `<meta name="csrf-token">` and a
//! same-origin `Origin` with every form. What the pages change is checked
//! through the REST API and the database, so a page that only *looks*
//! right does not pass.

use reqwest::StatusCode;
use serde_json::json;
use tend::agents::{Role, Viewer};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    invitations_roles_deactivation_and_tokens,
    teams_and_inboxes_are_managed,
);

pub(crate) use crate::browser::*;

async fn invitations_roles_deactivation_and_tokens(app: &TestApp) {
    let mut admin = admin_browser(app, "en").await;
    assert!(
        admin
            .get("/customers")
            .await
            .body
            .contains("href=\"/admin\"")
    );

    // Invite: the account exists without a password; the link is shown once.
    let p = admin
        .post(
            "/admin/users",
            &[
                ("name", "Ilze Bērziņa"),
                ("email", "ilze@example.lv"),
                ("role", "agent"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.cache, "no-store");
    let link = secret_of(&p.body);
    let path = link
        .strip_prefix(&app.base)
        .expect("the link uses this server's address")
        .to_string();
    assert!(path.starts_with("/invite/"), "{link}");
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    let ilze = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ilze@example.lv")
        .unwrap()
        .clone();
    let ilze_id = id_of(&ilze);
    assert_eq!(ilze["role"], "agent");
    let mut invitee = Browser::new(app, "lv");
    assert!(
        !invitee.login("ilze@example.lv", "").await,
        "no password yet"
    );
    let mut invitee = Browser::new(app, "lv");
    let p = invitee.get(&path).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("lang=\"lv\""));
    let p = invitee
        .post_raw(&path, &[("password", PASSWORD), ("password2", PASSWORD)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(invitee.cookie.is_some(), "the invitee is signed in");
    // The link works once.
    let mut other = Browser::new(app, "en");
    assert_eq!(other.get(&path).await.status, StatusCode::NOT_FOUND);
    let p = other
        .post_raw(
            &path,
            &[
                ("password", "another password"),
                ("password2", "another password"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let mut ilze_b = Browser::new(app, "lv");
    assert!(
        ilze_b.login("ilze@example.lv", PASSWORD).await,
        "the chosen password works"
    );
    assert!(
        !Browser::new(app, "en")
            .login("ilze@example.lv", "another password")
            .await
    );

    // Role change.
    let p = admin
        .post(
            &format!("/admin/users/{ilze_id}/role"),
            &[("role", "supervisor")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, u) = app
        .get(&format!("/api/v1/users/{ilze_id}"), &app.admin)
        .await;
    assert_eq!(u["role"], "supervisor");
    let p = admin
        .post(&format!("/admin/users/{ilze_id}/role"), &[("role", "root")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A token, shown once.
    let p = admin
        .post(
            "/admin/tokens",
            &[("user_id", &ilze_id.to_string()), ("name", "CRM sync")],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.cache, "no-store");
    let token = secret_of(&p.body);
    assert!(token.starts_with("tend_"), "{token}");
    let (s, me) = app.get("/api/v1/me", &token).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["id"], ilze_id);
    let listing = admin.get("/admin/tokens").await;
    assert!(listing.body.contains("CRM sync") && listing.body.contains("Ilze Bērziņa"));
    assert!(
        !listing.body.contains(&token),
        "the list never shows a secret"
    );

    // Deactivation ends the sessions and stops the tokens.
    let sessions = |app: &TestApp| {
        let pool = app.st.db.pool().clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM web_sessions WHERE user_id = $1")
                    .bind(ilze_id)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            n
        }
    };
    assert_eq!(sessions(app).await, 2, "two browsers signed in");
    let p = admin
        .post(
            &format!("/admin/users/{ilze_id}/active"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(sessions(app).await, 0);
    let p = ilze_b.get("/").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location.starts_with("/login"), "{}", p.location);
    assert_eq!(
        app.get("/api/v1/me", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        !Browser::new(app, "en")
            .login("ilze@example.lv", PASSWORD)
            .await
    );
    assert!(admin.get("/admin/users").await.body.contains("Deactivated"));
    // Reactivation restores the account (tokens were not revoked).
    let p = admin
        .post(
            &format!("/admin/users/{ilze_id}/active"),
            &[("active", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);

    // Revoking: 401 from then on.
    let (token_id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens WHERE name = 'CRM sync'")
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    let p = admin
        .post(&format!("/admin/tokens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(
        app.get("/api/v1/me", &token).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(admin.get("/admin/tokens").await.body.contains("Revoked"));

    // A fresh link for a user who lost theirs; it sets a new password.
    let p = admin
        .post(&format!("/admin/users/{ilze_id}/invite"), &[])
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let link = secret_of(&p.body);
    assert!(link.contains("/invite/"));
    assert_ne!(link, format!("{}{path}", app.base));

    // Nobody locks the desk out: no self-deactivation, the last admin stays.
    let me = user_with_password_once(app, "boss-en@example.com").await;
    let p = admin
        .post(&format!("/admin/users/{me}/active"), &[("active", "0")])
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, users) = app.get("/api/v1/users", &app.admin).await;
    for u in users["items"].as_array().unwrap() {
        if u["role"] == "admin" && id_of(u) != me {
            let p = admin
                .post(
                    &format!("/admin/users/{}/role", id_of(u)),
                    &[("role", "agent")],
                )
                .await;
            assert_eq!(p.status, StatusCode::SEE_OTHER);
        }
    }
    let p = admin
        .post(&format!("/admin/users/{me}/role"), &[("role", "agent")])
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
    assert!(p.body.contains("last active admin"));
    let (_, u) = app
        .get(&format!("/api/v1/users/{me}"), &token_of_admin(app).await)
        .await;
    assert_eq!(u["role"], "admin");
}

/// A token of the signed-in admin (the harness admin was demoted above).
pub(crate) async fn token_of_admin(app: &TestApp) -> String {
    let user = tend::agents::service::user_by_email(&app.st, "boss-en@example.com")
        .await
        .unwrap();
    tend::agents::service::create_token(&app.st, &Viewer::system(), user.id, "t")
        .await
        .unwrap()
        .token
}

async fn teams_and_inboxes_are_managed(app: &TestApp) {
    let mut admin = admin_browser(app, "en").await;
    let p = admin
        .post(
            "/admin/inboxes",
            &[
                ("kind", "email"),
                ("name", "Support JP"),
                ("address", "support@desk.example"),
                ("imap_url", "imap://support:s3cret-pw@127.0.0.1:1143/INBOX"),
                ("ack", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, list) = app.get("/api/v1/inboxes", &app.admin).await;
    let inbox = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["address"] == "support@desk.example")
        .unwrap()
        .clone();
    let iid = id_of(&inbox);
    assert_eq!(inbox["ack_enabled"], true);
    assert_eq!(inbox["name"], "Support JP");
    let page = admin.get("/admin/inboxes").await;
    assert!(page.body.contains("Support JP"));
    assert!(
        !page.body.contains("s3cret-pw"),
        "the IMAP password is never shown"
    );

    // Edit: an empty IMAP field keeps the URL; unticking turns acks off.
    let p = admin
        .post(
            &format!("/admin/inboxes/{iid}"),
            &[
                ("name", "Support Japan"),
                ("address", "japan@desk.example"),
                ("imap_url", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, i) = app.get(&format!("/api/v1/inboxes/{iid}"), &app.admin).await;
    assert_eq!(i["name"], "Support Japan");
    assert_eq!(i["address"], "japan@desk.example");
    assert_eq!(i["ack_enabled"], false);
    assert!(
        i["imap_url"]
            .as_str()
            .unwrap()
            .starts_with("imap://support:")
    );
    // After fetching: move needs a folder; the page says so, then keeps it.
    let p = admin
        .post(
            &format!("/admin/inboxes/{iid}"),
            &[
                ("name", "Support Japan"),
                ("imap_after", "move"),
                ("imap_move_to", ""),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(p.body.contains("a folder is required"), "{}", p.body);
    let p = admin
        .post(
            &format!("/admin/inboxes/{iid}"),
            &[
                ("name", "Support Japan"),
                ("imap_after", "move"),
                ("imap_move_to", "Processed"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, i) = app.get(&format!("/api/v1/inboxes/{iid}"), &app.admin).await;
    assert_eq!(
        (&i["imap_after"], &i["imap_move_to"]),
        (&serde_json::json!("move"), &serde_json::json!("Processed"))
    );
    let page = admin.get("/admin/inboxes").await;
    assert!(
        page.body.contains(r#"<option value="move" selected>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Processed""#));
    let p = admin
        .post(
            &format!("/admin/inboxes/{iid}"),
            &[("name", "Support Japan"), ("imap_off", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, i) = app.get(&format!("/api/v1/inboxes/{iid}"), &app.admin).await;
    assert!(i["imap_url"].is_null());
    // Another inbox may not take the address; the page says why.
    let p = admin
        .post(
            "/admin/inboxes",
            &[("kind", "email"), ("address", "japan@desk.example")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("already uses this address"));
    let p = admin.post("/admin/inboxes", &[("kind", "email")]).await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an email inbox needs an address"
    );

    // Teams: create, members, inboxes.
    let agent = user_with_password(app, "sora@example.com", "Sora", Role::Agent).await;
    let p = admin.post("/admin/teams", &[("name", "Tokyo")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, teams) = app.get("/api/v1/teams", &app.admin).await;
    let tid = id_of(
        teams["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Tokyo")
            .unwrap(),
    );
    let p = admin.post("/admin/teams", &[("name", "Tokyo")]).await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "names are unique"
    );
    let p = admin
        .post(
            &format!("/admin/teams/{tid}/members"),
            &[("user_id", &agent.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = admin
        .post(
            &format!("/admin/teams/{tid}/inboxes"),
            &[("inbox_id", &iid.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, t) = app.get(&format!("/api/v1/teams/{tid}"), &app.admin).await;
    assert_eq!(t["member_ids"], json!([agent]));
    assert_eq!(t["inbox_ids"], json!([iid]));
    // The agent now sees the inbox's conversations.
    let conv = app
        .conversation("Team test", "kei@example.jp", "x", Some(iid))
        .await;
    let mut sora = Browser::new(app, "ja");
    assert!(sora.login("sora@example.com", PASSWORD).await);
    assert_eq!(
        sora.get(&format!("/c/{}", id_of(&conv))).await.status,
        StatusCode::OK
    );
    let page = admin.get("/admin/teams").await;
    assert!(page.body.contains("Sora") && page.body.contains("Support Japan"));
    let p = admin
        .post(
            &format!("/admin/teams/{tid}/members/remove"),
            &[("user_id", &agent.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = admin
        .post(
            &format!("/admin/teams/{tid}/inboxes/revoke"),
            &[("inbox_id", &iid.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, t) = app.get(&format!("/api/v1/teams/{tid}"), &app.admin).await;
    assert_eq!(t["member_ids"], json!([]));
    assert_eq!(t["inbox_ids"], json!([]));
    assert_eq!(
        sora.get(&format!("/c/{}", id_of(&conv))).await.status,
        StatusCode::NOT_FOUND
    );
}
