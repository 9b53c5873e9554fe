//! Redirects built from the request stay on this site, and no hostile
//! input makes a page answer 500 (issue 17 §1.7). Checked at the HTTP
//! level, where the browser reads `Location`.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN};

use crate::support::TestApp;
use crate::web::{Browser, PASSWORD, agent_with_password};

/// Targets that a browser would follow to another site, or that break the
/// header; each must become `/`.
const HOSTILE: &[&str] = &[
    "/\t/evil.example",
    "/%09/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: tend_session=x",
    "/%0d%0aSet-Cookie:%20x=1",
    "//evil.example",
    "/\\evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " //evil.example",
];

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_sends_the_browser_only_to_this_site() {
    let app = TestApp::sqlite().await;
    agent_with_password(&app, "next@example.com", "Next", "agent").await;
    for next in HOSTILE {
        let r = client()
            .post(format!("{}/login", app.base))
            .form(&[
                ("email", "next@example.com"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()[LOCATION], "/", "{next:?}");
        // The form carries only a safe target too.
        let page = client()
            .get(format!("{}/login", app.base))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{next:?}");
        let html = page.text().await.unwrap();
        assert!(html.contains(r#"name="next" value="/""#), "{next:?}");
    }
    // A target on this site is kept.
    let r = client()
        .post(format!("{}/login", app.base))
        .form(&[
            ("email", "next@example.com"),
            ("password", PASSWORD),
            ("next", "/c/7?x=1#m2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()[LOCATION], "/c/7?x=1#m2");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_forms_go_back_only_to_this_site() {
    let app = TestApp::sqlite().await;
    agent_with_password(&app, "back@example.com", "Back", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("back@example.com", PASSWORD).await;
    let id = app.conversation("bulk", "c@example.com", "hi", None).await["id"]
        .as_i64()
        .unwrap()
        .to_string();
    for back in HOSTILE {
        let (s, to) = b
            .post("/ui/presence", &[("presence", "online"), ("back", back)])
            .await;
        assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"), "{back:?}");
        let (s, to) = b
            .post(
                "/bulk",
                &[
                    ("ids", &id),
                    ("action", "status"),
                    ("status", "open"),
                    ("back", back),
                ],
            )
            .await;
        assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"), "{back:?}");
    }
    // Back to an inbox view is kept.
    let (_, to) = b
        .post(
            "/ui/presence",
            &[("presence", "online"), ("back", "/?view=mine")],
        )
        .await;
    assert_eq!(to, "/?view=mine");
    app.finish().await;
}

/// Values that have broken parsers, headers and templates elsewhere.
const NASTY: &[&str] = &[
    "\r\n",
    "/\r\nX-Injected: 1",
    "/\u{7f}",
    "%0d%0a",
    "\u{0}",
    "%ff%fe",
    "../../etc/passwd",
    "-1",
    "99999999999999999999999",
    "'\"<script>",
    "🙂",
    "\\",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_never_answers_500() {
    let app = TestApp::sqlite().await;
    agent_with_password(&app, "fuzz@example.com", "Fuzz", "admin").await;
    let mut b = Browser::new(&app.base);
    b.sign_in("fuzz@example.com", PASSWORD).await;
    let cookie = format!("tend_session={}", b.cookie.clone().unwrap());
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    for raw in NASTY {
        let v = enc(raw);
        let gets = [
            format!("/login?next={v}"),
            format!("/c/{v}"),
            format!("/c/1/m/{v}/body"),
            format!("/customers/{v}"),
            format!("/agents/{v}"),
            format!("/search?q={v}"),
            format!("/?view={v}&sort={v}&inbox={v}&team={v}&status={v}&cursor={v}"),
            format!("/customers?q={v}&cursor={v}"),
            format!("/reports/csat?from={v}&to={v}&by={v}"),
            format!("/admin/quarantine?view={v}"),
            format!("/admin/templates/{v}/{v}"),
            format!("/setup/{v}"),
            format!("/invite/{v}"),
            format!("/help/survey/{v}/{v}/{v}"),
            format!("/live?c={v}"),
        ];
        for path in &gets {
            let r = client()
                .get(format!("{}{path}", app.base))
                .header(COOKIE, &cookie)
                .send()
                .await
                .unwrap();
            assert!(!r.status().is_server_error(), "GET {path}: {}", r.status());
        }
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/login".into(),
                vec![("email", raw), ("password", raw), ("next", raw)],
            ),
            (
                "/ui/presence".into(),
                vec![("presence", raw), ("back", raw)],
            ),
            (
                "/account/preferences".into(),
                vec![("language", raw), ("timezone", raw)],
            ),
            (
                "/bulk".into(),
                vec![("ids", raw), ("action", raw), ("back", raw)],
            ),
            (
                "/bulk".into(),
                vec![("ids", "1"), ("action", "tag"), ("tag", raw), ("back", raw)],
            ),
            (format!("/admin/templates/{v}/{v}"), vec![("source", raw)]),
            ("/admin/quarantine/1/retry".into(), vec![("view", raw)]),
            ("/admin/jobs/survey/1/retry".into(), vec![("view", raw)]),
            (
                "/admin/users".into(),
                vec![("name", raw), ("email", raw), ("role", raw)],
            ),
            ("/admin/teams".into(), vec![("name", raw)]),
            (
                "/admin/inboxes".into(),
                vec![("kind", raw), ("address", raw)],
            ),
            (
                format!("/setup/{v}"),
                vec![("password", raw), ("password2", raw)],
            ),
        ];
        for (path, form) in &posts {
            let mut form = form.clone();
            form.push(("_csrf", &b.csrf));
            let r = client()
                .post(format!("{}{path}", app.base))
                .header(COOKIE, &cookie)
                .header(ORIGIN, &app.base)
                .form(&form)
                .send()
                .await
                .unwrap();
            assert!(
                !r.status().is_server_error(),
                "POST {path} {form:?}: {}",
                r.status()
            );
        }
    }
    app.finish().await;
}
