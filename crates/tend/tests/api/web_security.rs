//! The sign-in surface and the agent's live stream under attack (issue 17
//! §1.6–1.8, §1.10): guessing passwords in bursts or under other spellings
//! of an address, probing for addresses, redirects off the site, header
//! injection, old invite and setup links, and live streams that outlive
//! the access they were opened with.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

on_both_backends!(
    a_burst_of_guesses_gets_only_the_allowed_checks,
    every_spelling_of_an_address_shares_its_limit,
    unknown_addresses_cost_a_password_check,
    an_invite_link_ends_other_sessions_and_only_the_newest_works,
    the_setup_link_stops_working_once_an_admin_exists,
    live_viewers_only_of_conversations_the_agent_may_see,
    a_live_stream_ends_with_the_session_or_the_user,
    a_live_stream_follows_lost_access,
);

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn login(app: &TestApp, form: &[(&str, &str)]) -> reqwest::Response {
    no_redirects()
        .post(format!("{}/login", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn a_burst_of_guesses_gets_only_the_allowed_checks(app: &TestApp) {
    agent_with_password(app, "burst@example.com", "Burst", "agent").await;
    let before = app.st.web().password_checks.load(Ordering::SeqCst);
    let guesses: Vec<String> = (0..50).map(|i| format!("wrong guess {i}")).collect();
    let answers = futures_util::future::join_all(guesses.iter().map(|g| async move {
        login(
            app,
            &[("email", "burst@example.com"), ("password", g.as_str())],
        )
        .await
    }))
    .await;
    let checked: Vec<StatusCode> = answers
        .iter()
        .map(|r| r.status())
        .filter(|s| *s != StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(
        checked,
        vec![StatusCode::UNAUTHORIZED; 5],
        "five guesses per account are checked, however many arrive at once"
    );
    assert_eq!(
        app.st.web().password_checks.load(Ordering::SeqCst) - before,
        5
    );
    // The right password waits for the window too.
    let r = login(
        app,
        &[("email", "burst@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn every_spelling_of_an_address_shares_its_limit(app: &TestApp) {
    agent_with_password(app, "spell@example.com", "Spell", "agent").await;
    for spelling in [
        "spell@example.com",
        " spell@example.com",
        "SPELL@example.com",
        "spell@EXAMPLE.com\t",
        "  Spell@Example.Com  ",
    ] {
        let r = login(
            app,
            &[("email", spelling), ("password", "not the password")],
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{spelling:?}");
    }
    let r = login(
        app,
        &[("email", "\nspell@example.com"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

async fn unknown_addresses_cost_a_password_check(app: &TestApp) {
    agent_with_password(app, "known@example.com", "Known", "agent").await;
    // Invited, no password yet.
    app.user("invited@example.com", "Invited", "agent").await;
    for (email, why) in [
        ("known@example.com", "a wrong password"),
        ("nobody@example.com", "an unknown address"),
        ("invited@example.com", "an account without a password"),
        ("not an address", "no address at all"),
    ] {
        let before = app.st.web().password_checks.load(Ordering::SeqCst);
        let r = login(app, &[("email", email), ("password", "some password")]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{why}");
        assert_eq!(
            app.st.web().password_checks.load(Ordering::SeqCst) - before,
            1,
            "{why} costs one password check"
        );
    }
}

/// An admin signed in to the workspace.
async fn admin(app: &TestApp, email: &str) -> Browser {
    agent_with_password(app, email, "Admin", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    b
}

fn invite_path(page: &str) -> String {
    let at = page.find("/invite/").expect("an invite link on the page");
    let rest = &page[at..];
    rest[..rest.find('"').unwrap()].to_string()
}

async fn an_invite_link_ends_other_sessions_and_only_the_newest_works(app: &TestApp) {
    let mut boss = admin(app, "boss@example.com").await;
    let id = agent_with_password(app, "forgot@example.com", "Forgot", "agent").await;
    let mut old_device = Browser::new(&app.base);
    old_device.sign_in("forgot@example.com", PASSWORD).await;
    // Two links for a forgotten password: only the second one opens.
    let (s, page) = boss.post(&format!("/admin/users/{id}/invite"), &[]).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let first = invite_path(&page);
    let (_, page) = boss.post(&format!("/admin/users/{id}/invite"), &[]).await;
    let second = invite_path(&page);
    assert_ne!(first, second);
    let mut holder = Browser::new(&app.base);
    assert_eq!(
        holder.get(&first).await.0,
        StatusCode::NOT_FOUND,
        "the older link"
    );
    let form = [
        ("password", "a brand new password"),
        ("password2", "a brand new password"),
    ];
    let (s, _) = holder.post_from(&first, &form, None, false).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the older link sets nothing");
    assert_eq!(holder.get(&second).await.0, StatusCode::OK);
    let (s, to) = holder.post_from(&second, &form, None, false).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert_eq!(
        holder.get("/").await.0,
        StatusCode::OK,
        "the link's holder is in"
    );
    // Whoever was signed in before is out.
    let (s, to) = old_device.get("/").await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(to.starts_with("/login"), "{to}");
    // The link is spent.
    assert_eq!(
        Browser::new(&app.base).get(&second).await.0,
        StatusCode::NOT_FOUND
    );
}

async fn the_setup_link_stops_working_once_an_admin_exists(app: &TestApp) {
    // The test server already has an admin.
    let link = tend::web::auth::setup_link(&app.st, &app.base)
        .await
        .unwrap();
    let path = link.trim_start_matches(&app.base).to_string();
    let mut b = Browser::new(&app.base);
    assert_eq!(b.get(&path).await.0, StatusCode::NOT_FOUND);
    let admins = app.rows("users WHERE role = 'admin'").await;
    let (s, _) = b
        .post_from(
            &path,
            &[
                ("name", "Intruder"),
                ("email", "intruder@example.com"),
                ("password", "a long password"),
                ("password2", "a long password"),
            ],
            None,
            false,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(b.cookie.is_none(), "not signed in");
    assert_eq!(app.rows("users WHERE role = 'admin'").await, admins);
}

/// Opens `/live` (with `?c=`) for a signed-in browser.
async fn live(app: &TestApp, b: &Browser, query: &str) -> reqwest::Response {
    no_redirects()
        .get(format!("{}/live{query}", app.base))
        .header(
            COOKIE,
            format!("tend_session={}", b.cookie.clone().unwrap()),
        )
        .send()
        .await
        .unwrap()
}

/// Reads the stream until it ends; fails if it is still open after 20 s.
async fn ends(mut resp: reqwest::Response) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, resp.chunk()).await {
            Err(_) => panic!("the live stream is still open: {seen}"),
            Ok(Ok(Some(c))) => seen.push_str(&String::from_utf8_lossy(&c)),
            Ok(Ok(None)) | Ok(Err(_)) => return seen,
        }
    }
}

/// Reads the stream until `want` appears (20 s at most); returns all read.
async fn until(resp: &mut reqwest::Response, want: &str) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !seen.contains(want) {
        let c = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .unwrap_or_else(|_| panic!("{want} within 20 s: {seen}"))
            .unwrap()
            .expect("stream open");
        seen.push_str(&String::from_utf8_lossy(&c));
    }
    seen
}

async fn agent(app: &TestApp, email: &str) -> (i64, Browser) {
    let id = agent_with_password(app, email, "Agnes", "agent").await;
    let mut b = Browser::new(&app.base);
    b.sign_in(email, PASSWORD).await;
    (id, b)
}

async fn live_viewers_only_of_conversations_the_agent_may_see(app: &TestApp) {
    let hidden_inbox = app.inbox("email", Some("hidden@example.com")).await;
    let conv = app
        .conversation("secret", "vip@example.com", "hi", Some(hidden_inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    let mut boss = admin(app, "watcher@example.com").await;
    boss.get(&format!("/c/{conv}")).await;
    let r = boss
        .client
        .post(format!("{}/c/{conv}/presence", app.base))
        .header(
            COOKIE,
            format!("tend_session={}", boss.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", boss.csrf.clone())
        .json(&json!({"state": "replying"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (nosy, b) = agent(app, "nosy@example.com").await;
    let resp = live(app, &b, &format!("?c={conv}")).await;
    assert_eq!(
        resp.status(),
        StatusCode::NOT_FOUND,
        "no stream about a conversation the agent may not see"
    );
    let body = resp.text().await.unwrap();
    assert!(!body.contains("Admin"), "{body}");
    // A conversation the agent may see streams its viewers as before.
    let seen_inbox = app.inbox("email", Some("seen2@example.com")).await;
    app.team("Seen", &[nosy], &[seen_inbox]).await;
    let visible = app
        .conversation("open", "c@example.com", "hi", Some(seen_inbox))
        .await["id"]
        .as_i64()
        .unwrap();
    let mut resp = live(app, &b, &format!("?c={visible}")).await;
    assert_eq!(resp.status(), StatusCode::OK);
    until(&mut resp, "event: viewers").await;
}

async fn a_live_stream_ends_with_the_session_or_the_user(app: &TestApp) {
    // Signing out ends the stream of that session.
    let (_, mut b) = agent(app, "leaver@example.com").await;
    let resp = live(app, &b, "").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (s, _) = b.post("/logout", &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    ends(resp).await;
    // Deactivating the user ends every stream of theirs.
    let (id, b) = agent(app, "fired@example.com").await;
    let resp = live(app, &b, "").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let mut boss = admin(app, "hr@example.com").await;
    boss.get("/admin/users").await;
    let (s, _) = boss
        .post(&format!("/admin/users/{id}/active"), &[("active", "0")])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    ends(resp).await;
}

async fn a_live_stream_follows_lost_access(app: &TestApp) {
    let kept = app.inbox("email", Some("kept@example.com")).await;
    let lost = app.inbox("email", Some("lost@example.com")).await;
    let (id, b) = agent(app, "mover@example.com").await;
    app.team("Kept", &[id], &[kept]).await;
    let team_lost = app.team("Lost", &[id], &[lost]).await;
    let conv = app
        .conversation("was mine", "c@example.com", "hi", Some(lost))
        .await["id"]
        .as_i64()
        .unwrap();
    let on_conv = live(app, &b, &format!("?c={conv}")).await;
    assert_eq!(on_conv.status(), StatusCode::OK);
    let mut inbox = live(app, &b, "").await;
    assert_eq!(inbox.status(), StatusCode::OK);
    // The admin takes the inbox away from the agent's team.
    let mut boss = admin(app, "lead@example.com").await;
    boss.get("/admin/teams").await;
    let (s, body) = boss
        .post(
            &format!("/admin/teams/{team_lost}/inboxes/revoke"),
            &[("inbox_id", &lost.to_string())],
        )
        .await;
    assert!(s.is_success() || s.is_redirection(), "{s}: {body}");
    // The stream about a conversation there ends.
    ends(on_conv).await;
    // The inbox stream goes on, without the lost inbox.
    let hidden = app
        .conversation("not yours now", "c@example.com", "x", Some(lost))
        .await["id"]
        .as_i64()
        .unwrap();
    let shown = app
        .conversation("still yours", "c@example.com", "x", Some(kept))
        .await["id"]
        .as_i64()
        .unwrap();
    let seen = until(&mut inbox, &format!("\"conversation_id\":{shown}")).await;
    assert!(
        !seen.contains(&format!("\"conversation_id\":{hidden}")),
        "an event from the lost inbox reached the stream: {seen}"
    );
}
