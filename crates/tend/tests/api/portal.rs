//! The customer portal (issue 21, item 6): a customer signs in with a
//! link mailed to an address they already have with us (read from a real
//! SMTP sink), once, within 15 minutes; asking never tells whether an
//! address is known; sessions are the portal's own and end. What a
//! signed-in customer sees and does is in `portal_conversations.rs`.
//! Every scenario runs on SQLite and PostgreSQL with a `ManualClock`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tend::time::ManualClock;

use crate::smtp::Sink;
use crate::support::TestApp;
use crate::surveys::{conversation_from, desk};

/// Runs each `async fn(&TestApp, &Sink, &Arc<ManualClock>)` on SQLite and
/// PostgreSQL, with outbound mail relayed to a real SMTP sink.
macro_rules! on_both_with_sink {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            use super::*;
            use crate::support::Backend;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run(Backend::Sqlite, |app, sink, clock| Box::pin(super::$name(app, sink, clock))).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run(Backend::Postgres, |app, sink, clock| Box::pin(super::$name(app, sink, clock))).await;
            }
        }
    )* };
}
pub(crate) use on_both_with_sink;

type Scenario = for<'a> fn(
    &'a TestApp,
    &'a Sink,
    &'a Arc<ManualClock>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

pub(crate) async fn run(backend: crate::support::Backend, scenario: Scenario) {
    let sink = Sink::start();
    let clock = ManualClock::new(crate::surveys::START);
    let relay = [(
        "TEND_SMTP_RELAY_URL",
        format!("smtp://127.0.0.1:{}", sink.port),
    )];
    let Some(app) = TestApp::start_with_clock(backend, &relay, clock.clone()).await else {
        return;
    };
    scenario(&app, &sink, &clock).await;
    app.finish().await;
}

on_both_with_sink!(
    a_link_signs_in_once_and_only_within_15_minutes,
    asking_never_tells_whether_an_address_is_known,
    asking_is_limited_per_address_and_per_client,
    sessions_are_the_portals_own_and_end,
);

/// A browser: keeps the portal cookie, never follows redirects.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub(crate) cookie: Option<String>,
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Browser<'a> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            app,
            client,
            cookie: None,
        }
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.app.base)
        }
    }

    fn with_cookie(&self, r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(c) => r.header("cookie", format!("tend_portal={c}")),
            None => r,
        }
    }

    /// A GET with the portal cookie, as it came.
    pub(crate) async fn raw_get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.client.get(self.url(path)))
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .with_cookie(self.client.get(self.url(path)))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form; returns the status, the `Location` and the body.
    pub(crate) async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let r = self
            .with_cookie(self.client.post(self.url(path)))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }

    /// Posts a multipart form (text fields and files).
    pub(crate) async fn post_multipart(
        &self,
        path: &str,
        form: reqwest::multipart::Form,
        origin: Option<&str>,
    ) -> (StatusCode, String, String) {
        let mut r = self
            .with_cookie(self.client.post(self.url(path)))
            .multipart(form);
        if let Some(o) = origin {
            r = r.header("origin", o);
        }
        let r = r.send().await.unwrap();
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status(), location, r.text().await.unwrap())
    }

    /// Asks for a sign-in link.
    pub(crate) async fn ask(&self, email: &str) -> (StatusCode, String) {
        let (s, _, body) = self
            .post("/help/portal/link", &[("email", email), ("lang", "en")])
            .await;
        (s, body)
    }

    /// Opens the link (a GET, which spends nothing) and presses its button;
    /// keeps the session cookie it sets. Returns the status of the press.
    pub(crate) async fn sign_in(&mut self, link: &str) -> StatusCode {
        let (s, page) = self.get(link).await;
        if s != StatusCode::OK {
            return s;
        }
        assert!(page.contains("id=\"portal-open\""), "{page}");
        let r = self.client.post(self.url(link)).send().await.unwrap();
        if r.status() == StatusCode::SEE_OTHER {
            let set = r
                .headers()
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            assert!(set.starts_with("tend_portal="), "{set}");
            assert!(
                set.contains("; Path=/help; HttpOnly; SameSite=Lax"),
                "{set}"
            );
            assert!(!set.contains("Secure"), "plain http here: {set}");
            self.cookie = Some(set["tend_portal=".len()..set.find(';').unwrap()].to_string());
        }
        r.status()
    }

    /// The CSRF token of the page at `path`.
    pub(crate) async fn csrf(&self, path: &str) -> String {
        let (s, page) = self.get(path).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let key = "name=\"_csrf\" value=\"";
        let i = page.find(key).expect("a form with a CSRF token") + key.len();
        page[i..i + page[i..].find('"').unwrap()].to_string()
    }

    /// Whether the portal's home shows this customer's conversations (not the sign-in form).
    pub(crate) async fn signed_in(&self) -> bool {
        let (s, page) = self.get("/help/portal").await;
        assert_eq!(s, StatusCode::OK, "{page}");
        !page.contains("id=\"portal-signin\"")
    }
}

/// The mails the sink received, decoded, once there are `n` (waits for
/// the outbox: the relay is real).
pub(crate) async fn mails(sink: &Sink, n: usize) -> Vec<tend_mail::InboundMessage> {
    let start = Instant::now();
    loop {
        let got = sink.messages();
        if got.len() >= n {
            return got
                .iter()
                .map(|m| tend_mail::parse(m.as_bytes()).unwrap())
                .collect();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{} of {n} mails reached the sink",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The sign-in link (path) in a mail to `to`.
pub(crate) fn link_in(m: &tend_mail::InboundMessage, app: &TestApp) -> String {
    let word = m
        .text
        .split_whitespace()
        .find(|w| w.contains("/help/portal/signin/"))
        .expect("a sign-in link");
    assert!(
        word.starts_with(&app.base),
        "links point at this server: {word}"
    );
    word[app.base.len()..].to_string()
}

/// Asks for a link for `email` and returns it (the path) once its mail
/// reaches the sink.
pub(crate) async fn link_for(app: &TestApp, sink: &Sink, email: &str) -> String {
    let before = links(app, sink);
    let (s, body) = Browser::new(app).ask(email).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let start = Instant::now();
    loop {
        if let Some(l) = links(app, sink).into_iter().find(|l| !before.contains(l)) {
            return l;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no sign-in mail for {email}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Every sign-in link the sink received (other mail, replies and surveys,
/// has none).
fn links(app: &TestApp, sink: &Sink) -> std::collections::HashSet<String> {
    sink.messages()
        .iter()
        .map(|m| tend_mail::parse(m.as_bytes()).unwrap())
        .filter(|m| m.text.contains("/help/portal/signin/"))
        .map(|m| link_in(&m, app))
        .collect()
}

/// A customer who has only ever written by mail, with one conversation.
pub(crate) async fn mail_customer(app: &TestApp, email: &str, tag: &str) -> (i64, i64, String) {
    let (inbox, agent, token) = desk(app).await;
    let id = conversation_from(app, inbox, email, tag, agent).await;
    (id, agent, token)
}

async fn a_link_signs_in_once_and_only_within_15_minutes(
    app: &TestApp,
    sink: &Sink,
    clock: &Arc<ManualClock>,
) {
    let (id, _, _) = mail_customer(app, "mirai@customer.example", "p1").await;
    // The address as the customer types it: case does not matter.
    let link = link_for(app, sink, "Mirai@Customer.Example").await;
    let m = &mails(sink, 1).await[0];
    assert_eq!(m.to[0].address, "mirai@customer.example");
    assert!(
        !m.subject.contains("[#"),
        "a sign-in mail threads nowhere: {}",
        m.subject
    );
    assert!(m.text.contains("15"), "{}", m.text);

    // Only a hash of the secret is kept.
    let secret = link.rsplit('/').next().unwrap();
    let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM portal_links")
        .fetch_all(app.st.db.pool())
        .await
        .unwrap();
    assert_eq!(hashes.len(), 1);
    assert_ne!(hashes[0].0, secret);
    assert_eq!(hashes[0].0, tend::agents::service::token_hash(secret));

    // Opening it spends nothing (mail scanners open links); pressing does, once.
    let mut b = Browser::new(app);
    assert_eq!(b.get(&link).await.0, StatusCode::OK);
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    let (s, page) = b.get("/help/portal").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&format!("data-id=\"{id}\"")), "{page}");
    let mut again = Browser::new(app);
    assert_eq!(again.sign_in(&link).await, StatusCode::NOT_FOUND);
    let (s, _, page) = again.post(&link, &[]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(page.contains("data-outcome=\"link-invalid\""), "{page}");
    assert!(again.cookie.is_none());

    // A newer link retires the older unused one.
    let older = link_for(app, sink, "mirai@customer.example").await;
    let newer = link_for(app, sink, "mirai@customer.example").await;
    assert_ne!(older, newer);
    assert_eq!(
        Browser::new(app).sign_in(&older).await,
        StatusCode::NOT_FOUND
    );

    // 15 minutes: a second before the end it works, at the end it does not.
    let late = link_for(app, sink, "mirai@customer.example").await;
    clock.advance_ms(15 * 60_000 - 1_000);
    assert_eq!(Browser::new(app).get(&late).await.0, StatusCode::OK);
    clock.advance_ms(1_000);
    assert_eq!(
        Browser::new(app).sign_in(&late).await,
        StatusCode::NOT_FOUND
    );
}

async fn asking_never_tells_whether_an_address_is_known(
    app: &TestApp,
    sink: &Sink,
    _clock: &Arc<ManualClock>,
) {
    mail_customer(app, "known@customer.example", "p2").await;
    let b = Browser::new(app);
    let (s_unknown, unknown) = b.ask("nobody@customer.example").await;
    let (s_known, known) = b.ask("known@customer.example").await;
    assert_eq!((s_unknown, s_known), (StatusCode::OK, StatusCode::OK));
    assert_eq!(
        unknown.replace("nobody@", "known@"),
        known,
        "the same page for both"
    );
    // The queue handles requests in order: once the second one's mail is
    // out, the first was handled too. It sent nothing and made nothing.
    let got = mails(sink, 1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to[0].address, "known@customer.example");
    let (_, c) = app
        .get(
            "/api/v1/customers?email=nobody@customer.example",
            &app.admin,
        )
        .await;
    assert_eq!(c["items"].as_array().unwrap().len(), 0, "{c}");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM portal_links")
        .fetch_one(app.st.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    // A malformed address is told so, known or not.
    let (s, page) = b.ask("not an address").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"email-error\""), "{page}");
}

async fn asking_is_limited_per_address_and_per_client(
    app: &TestApp,
    sink: &Sink,
    clock: &Arc<ManualClock>,
) {
    mail_customer(app, "often@customer.example", "p3").await;
    let b = Browser::new(app);
    // Five links an hour per address, known or not, alike.
    for email in ["often@customer.example", "stranger@customer.example"] {
        for i in 0..5 {
            assert_eq!(b.ask(email).await.0, StatusCode::OK, "{email} #{i}");
        }
        let (s, page) = b.ask(email).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{email}");
        assert!(page.contains("data-outcome=\"rate-limited\""), "{page}");
    }
    assert_eq!(mails(sink, 5).await.len(), 5);
    // Twenty an hour per client: twelve so far, eight more addresses.
    for i in 0..8 {
        assert_eq!(
            b.ask(&format!("x{i}@customer.example")).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        b.ask("x9@customer.example").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    clock.advance_ms(3_600_000);
    assert_eq!(b.ask("often@customer.example").await.0, StatusCode::OK);
    assert_eq!(mails(sink, 6).await.len(), 6);
}

async fn sessions_are_the_portals_own_and_end(
    app: &TestApp,
    sink: &Sink,
    clock: &Arc<ManualClock>,
) {
    mail_customer(app, "mika@customer.example", "p4").await;
    let mut b = Browser::new(app);
    let link = link_for(app, sink, "mika@customer.example").await;
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    assert!(b.signed_in().await);
    // The portal's cookie opens nothing in the agents' workspace.
    let r = b.raw_get("/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // Seven days without a visit end it.
    clock.advance_ms(7 * 86_400_000 - 60_000);
    assert!(b.signed_in().await);
    clock.advance_ms(7 * 86_400_000 - 60_000);
    assert!(b.signed_in().await, "each visit moves the idle end on");
    clock.advance_ms(7 * 86_400_000);
    assert!(!b.signed_in().await);

    // Thirty days end it however often it is used.
    let link = link_for(app, sink, "mika@customer.example").await;
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    for _ in 0..4 {
        clock.advance_ms(6 * 86_400_000);
        assert!(b.signed_in().await);
    }
    clock.advance_ms(6 * 86_400_000);
    assert!(!b.signed_in().await);

    // Signing out ends it now (with the session's token only).
    let link = link_for(app, sink, "mika@customer.example").await;
    assert_eq!(b.sign_in(&link).await, StatusCode::SEE_OTHER);
    let (s, _, _) = b.post("/help/portal/signout", &[("_csrf", "forged")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(b.signed_in().await);
    let csrf = b.csrf("/help/portal").await;
    let (s, location, _) = b.post("/help/portal/signout", &[("_csrf", &csrf)]).await;
    assert_eq!(
        (s, location.as_str()),
        (StatusCode::SEE_OTHER, "/help/portal")
    );
    assert!(!b.signed_in().await);
}
