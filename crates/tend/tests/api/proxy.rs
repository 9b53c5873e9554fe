//! Behind a reverse proxy (issue 17 §4.1) and the metrics endpoint (§4.4).
//!
//! The tests' client is the "proxy" at 127.0.0.1: with
//! `TEND_TRUSTED_PROXIES=127.0.0.1` its `X-Forwarded-For` names the client
//! that rate limits count; without it, the header is the client's own
//! claim and changes nothing.

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, SET_COOKIE};

use crate::support::{Backend, TestApp};
use crate::web::{PASSWORD, agent_with_password};

async fn app_with(extra: &[(&str, &str)]) -> TestApp {
    let extra: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_string())).collect();
    TestApp::start(Backend::Sqlite, &extra).await.unwrap()
}

/// Posts the contact form as `forwarded_for` says; returns the status.
async fn contact(app: &TestApp, forwarded_for: &str) -> StatusCode {
    reqwest::Client::new()
        .post(format!("{}/help/contact", app.base))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", "visitor@example.com"), ("message", "hello")])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_count_the_client_a_trusted_proxy_names() {
    let app = app_with(&[
        ("TEND_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8"),
        ("TEND_PUBLIC_RATE_PER_MINUTE", "2"),
    ])
    .await;
    // Two posts from one client; what the client wrote left of the proxy's
    // entry does not make it someone else.
    assert_ne!(
        contact(&app, "198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        contact(&app, "203.0.113.1, 198.51.100.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        contact(&app, "203.0.113.2, 198.51.100.7, 10.1.2.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the right-most untrusted hop is the client"
    );
    // Another client behind the same proxy has its own count.
    assert_ne!(
        contact(&app, "198.51.100.8").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_headers_from_anyone_else_change_nothing() {
    let app = app_with(&[("TEND_PUBLIC_RATE_PER_MINUTE", "2")]).await;
    assert_ne!(
        contact(&app, "198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        contact(&app, "198.51.100.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        contact(&app, "198.51.100.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a client cannot choose its address by writing a header"
    );
    app.finish().await;
}

async fn sign_in_cookie(app: &TestApp, proto: Option<&str>) -> String {
    let mut req = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/login", app.base))
        .form(&[("email", "proxied@example.com"), ("password", PASSWORD)]);
    if let Some(p) = proto {
        req = req.header("x-forwarded-proto", p);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()[SET_COOKIE].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_and_links_follow_the_trusted_proxys_protocol() {
    let app = app_with(&[("TEND_TRUSTED_PROXIES", "127.0.0.1")]).await;
    agent_with_password(&app, "proxied@example.com", "Prox", "admin").await;
    assert!(
        sign_in_cookie(&app, Some("https"))
            .await
            .contains("; Secure")
    );
    assert!(!sign_in_cookie(&app, Some("http")).await.contains("Secure"));
    assert!(!sign_in_cookie(&app, None).await.contains("Secure"));
    // Links made from the request (no public URL set) use the same scheme.
    let mut b = crate::web::Browser::new(&app.base);
    b.sign_in("proxied@example.com", PASSWORD).await;
    let r = b
        .client
        .post(format!("{}/admin/users", app.base))
        .header(
            "cookie",
            format!("tend_session={}", b.cookie.clone().unwrap()),
        )
        .header("origin", &app.base)
        .header("x-forwarded-proto", "https")
        .form(&[
            ("name", "New"),
            ("email", "new@example.com"),
            ("role", "agent"),
            ("_csrf", &b.csrf),
        ])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    let host = app.base.trim_start_matches("http://");
    assert!(page.contains(&format!("https://{host}/invite/")), "{page}");
    app.finish().await;

    // From a peer that is not trusted, the header is ignored.
    let app = app_with(&[("TEND_TRUSTED_PROXIES", "10.0.0.0/8")]).await;
    agent_with_password(&app, "proxied@example.com", "Prox", "admin").await;
    assert!(!sign_in_cookie(&app, Some("https")).await.contains("Secure"));
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_require_a_token() {
    let app = app_with(&[("TEND_METRICS_TOKEN", "scrape-secret")]).await;
    let get = |auth: Option<&'static str>| {
        let url = format!("{}/metrics", app.base);
        async move {
            let mut req = reqwest::Client::new().get(url);
            if let Some(a) = auth {
                req = req.header(AUTHORIZATION, a);
            }
            let r = req.send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    assert_eq!(get(None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(get(Some("Bearer wrong")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(Some("Basic scrape-secret")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, body) = get(Some("Bearer scrape-secret")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("tend_db_pool_connections"), "{body}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_can_have_their_own_listener() {
    let app = app_with(&[("TEND_METRICS_LISTEN", "127.0.0.1:0")]).await;
    let main = reqwest::get(format!("{}/metrics", app.base)).await.unwrap();
    assert_eq!(
        main.status(),
        StatusCode::NOT_FOUND,
        "not on the main listener"
    );
    let addr = app.metrics.expect("a metrics listener");
    let r = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("tend_db_pool_connections"));
    // Nothing else is served there.
    let r = reqwest::get(format!("http://{addr}/api/v1/openapi.json"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    app.finish().await;
}
