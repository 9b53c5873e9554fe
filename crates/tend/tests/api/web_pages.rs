//! The workspace in every locale without a missing string, live updates
//! only for agents who may see them, and the first run's setup link.

use std::io::{BufRead as _, BufReader};
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::TestApp;
use crate::web::*;

on_both_backends!(
    every_locale_renders_without_missing_strings,
    live_updates_reach_only_agents_who_may_see_them,
    pages_have_an_icon,
);

/// Every page names Tend's icon, and browsers that ask `/favicon.ico`
/// before reading the page get it too.
async fn pages_have_an_icon(app: &TestApp) {
    let (_, mut b) = signed_in(app, "icon@example.com", "Ikona", "agent").await;
    let (_, page) = b.get("/").await;
    assert!(page.contains(r#"<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">"#));
    for path in ["/assets/favicon.svg", "/favicon.ico"] {
        let r = Browser::new(&app.base)
            .get_raw(&format!("{}{path}", app.base))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
        assert!(r.text().await.unwrap().starts_with("<svg"));
    }
}

async fn every_locale_renders_without_missing_strings(app: &TestApp) {
    let (_, mut b) = signed_in(app, "loc@example.com", "Lokāle", "admin").await;
    let id = app
        .conversation("Sveiki", "l@example.com", "hello", None)
        .await["id"]
        .as_i64()
        .unwrap();
    app.post(
        &format!("/api/v1/conversations/{id}/messages"),
        &app.admin,
        json!({"text": "note", "internal": true}),
    )
    .await;
    app.patch(
        &format!("/api/v1/conversations/{id}"),
        &app.admin,
        json!({"status": "pending", "priority": "urgent", "tags": ["a"]}),
    )
    .await;
    for lang in ["en", "ja", "ko", "lv", "ca"] {
        b.get("/account").await;
        let (s, _) = b
            .post(
                "/account/preferences",
                &[("language", lang), ("timezone", "Asia/Tokyo")],
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        for path in ["/", "/?view=pending", &format!("/c/{id}"), "/account"] {
            let (s, page) = b.get(path).await;
            assert_eq!(s, StatusCode::OK, "{lang} {path}");
            assert!(
                page.contains(&format!("<html lang=\"{lang}\">")),
                "{lang} {path}"
            );
            assert!(
                !page.contains('⟦'),
                "{lang} {path} has a missing string: {page}"
            );
        }
    }
    // Before sign-in, pages follow Accept-Language.
    let mut anon = Browser::new(&app.base);
    for (header, lang) in [
        ("ja-JP,ja;q=0.9", "ja"),
        ("ko", "ko"),
        ("lv-LV", "lv"),
        ("ca-ES,es;q=0.5", "ca"),
        ("de-DE", "en"),
    ] {
        anon.lang = header.into();
        let (_, page) = anon.get("/login").await;
        assert!(
            page.contains(&format!("<html lang=\"{lang}\">")),
            "{header}"
        );
        assert!(!page.contains('⟦'));
    }
}

async fn live_updates_reach_only_agents_who_may_see_them(app: &TestApp) {
    let seen = app.inbox("email", Some("seen@example.com")).await;
    let unseen = app.inbox("email", Some("unseen@example.com")).await;
    let (agent_id, b) = signed_in(app, "live@example.com", "Liv", "agent").await;
    app.team("Live", &[agent_id], &[seen]).await;
    let mut resp = b.get_raw(&format!("{}/live", app.base)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let create = |inbox: i64, subject: &'static str| {
        let app_base = app.base.clone();
        let token = app.admin.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{app_base}/api/v1/conversations"))
                .bearer_auth(token)
                .json(&json!({"subject": subject, "inbox_id": inbox, "customer": {"email": "s@example.com"}, "message": {"text": "x"}}))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let hidden_id = create(unseen, "hidden").await;
    let visible_id = create(seen, "visible").await;
    let buf = crate::web::live_until(&mut resp, &format!("\"conversation_id\":{visible_id}")).await;
    assert!(buf.contains("event: change"), "{buf}");
    assert!(
        !buf.contains(&format!("\"conversation_id\":{hidden_id}")),
        "an event from an inbox the agent may not see leaked: {buf}"
    );
}

/// `tend serve` without an admin prints a one-time setup link; it creates
/// the first admin once and signs them in; a restart with an admin prints none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_prints_a_one_time_setup_link() {
    let env = crate::binary::Env::new(false).await.unwrap();
    let (mut child, lines) = spawn_serve(&env);
    let (base, setup) = {
        let mut base = None;
        let mut setup = None;
        while base.is_none() || setup.is_none() {
            let line = lines
                .recv_timeout(Duration::from_secs(60))
                .expect("serve logs");
            if let Some(i) = line.find("listening on http://") {
                base = line[i + 13..].split_whitespace().next().map(str::to_string);
            }
            if let Some(i) = line.find("/setup/") {
                let start = line[..i].rfind("http").unwrap();
                setup = line[start..].split_whitespace().next().map(str::to_string);
            }
        }
        (base.unwrap(), setup.unwrap())
    };
    let path = setup.trim_start_matches(&base).to_string();
    let mut b = Browser::new(&base);
    let (s, page) = b.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("first administrator"), "{page}");
    let form = [
        ("name", "Pirmā Admine"),
        ("email", "first@example.lv"),
        ("password", "a long password"),
        ("password2", "a long password"),
    ];
    let (s, to) = b.post_from(&path, &form, None, false).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"));
    assert!(b.cookie.is_some(), "signed in");
    let (s, page) = b.get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Pirmā Admine"));
    // The link works once.
    let mut again = Browser::new(&base);
    let (s, _) = again.post_from(&path, &form, None, false).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    crate::binary::sigterm(&child);
    crate::binary::wait_exit(&mut child);
    // With an admin, no link is printed.
    let (mut child, lines) = spawn_serve(&env);
    let mut saw_setup = false;
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("serve logs");
        saw_setup |= line.contains("/setup/");
        if line.contains("listening on") {
            break;
        }
    }
    crate::binary::sigterm(&child);
    crate::binary::wait_exit(&mut child);
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(10)) {
        saw_setup |= line.contains("/setup/");
    }
    assert!(!saw_setup, "no setup link once an admin exists");
}

fn spawn_serve(
    env: &crate::binary::Env,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut child = env
        .cmd(&["serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}
