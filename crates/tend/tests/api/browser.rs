//! A browser for the workspace's pages in tests: sign in through
//! `POST /login`, keep the session cookie, send the CSRF token from
//! `<meta name="csrf-token">` and a same-origin `Origin` with every form
//! (urlencoded or multipart).

use reqwest::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{StatusCode, redirect};
use serde_json::Value;
use tend::agents::service::{NewUser, create_user};
use tend::agents::{Role, Viewer};

use crate::support::TestApp;

pub(crate) const PASSWORD: &str = "correct horse battery";

/// A browser: one cookie, one language, no automatic redirects.
pub(crate) struct Browser {
    client: reqwest::Client,
    base: String,
    pub(crate) cookie: Option<String>,
    lang: String,
    pub(crate) csrf: String,
}

/// A page as the browser got it.
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: String,
    pub(crate) cache: String,
    pub(crate) body: String,
}

impl Browser {
    pub(crate) fn new(app: &TestApp, lang: &str) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.base.clone(),
            cookie: None,
            lang: lang.to_string(),
            csrf: String::new(),
        }
    }

    /// Signs in; true when the server set a session.
    pub(crate) async fn login(&mut self, email: &str, password: &str) -> bool {
        let p = self
            .post_raw("/login", &[("email", email), ("password", password)])
            .await;
        if p.status == StatusCode::SEE_OTHER && self.cookie.is_some() {
            self.refresh_csrf().await;
            true
        } else {
            false
        }
    }

    async fn refresh_csrf(&mut self) {
        let p = self.get("/account").await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        self.csrf = between(&p.body, "<meta name=\"csrf-token\" content=\"", "\"")
            .expect("a csrf meta tag")
            .to_string();
    }

    fn keep_cookie(&mut self, resp: &reqwest::Response) {
        for v in resp.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("tend_session=") {
                let value = rest.split(';').next().unwrap_or("");
                self.cookie = (!value.is_empty()).then(|| value.to_string());
            }
        }
    }

    async fn page(&mut self, resp: reqwest::Response) -> Page {
        self.keep_cookie(&resp);
        let h = |name| {
            resp.headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (location, cache) = (h(LOCATION), h(CACHE_CONTROL));
        Page {
            status: resp.status(),
            location,
            cache,
            body: resp.text().await.unwrap(),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(ACCEPT_LANGUAGE, &self.lang);
        if let Some(c) = &self.cookie {
            r = r.header(COOKIE, format!("tend_session={c}"));
        }
        r
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let resp = self
            .request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        self.page(resp).await
    }

    /// Posts a form without adding the CSRF token.
    pub(crate) async fn post_raw(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let resp = self
            .request(reqwest::Method::POST, path)
            .header(ORIGIN, &self.base)
            .form(form)
            .send()
            .await
            .unwrap();
        self.page(resp).await
    }

    /// Posts a multipart form, the session's CSRF token in the address (as
    /// the workspace's multipart forms send it).
    pub(crate) async fn post_multipart(
        &mut self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Page {
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{path}{sep}_csrf={}", self.csrf);
        let resp = self
            .request(reqwest::Method::POST, &url)
            .header(ORIGIN, &self.base)
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.page(resp).await
    }

    /// Posts a form with the session's CSRF token.
    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(form);
        self.post_raw(path, &all).await
    }
}

pub(crate) fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// Creates a user with a password (as the CLI would); returns the id.
pub(crate) async fn user_with_password(app: &TestApp, email: &str, name: &str, role: Role) -> i64 {
    create_user(
        &app.st,
        &Viewer::system(),
        NewUser {
            email: email.into(),
            name: name.into(),
            role,
            password: Some(PASSWORD.into()),
        },
    )
    .await
    .unwrap()
    .id
}

/// An admin signed in through the sign-in form.
pub(crate) async fn admin_browser(app: &TestApp, lang: &str) -> Browser {
    let email = format!("boss-{lang}@example.com");
    user_with_password_once(app, &email).await;
    let mut b = Browser::new(app, lang);
    assert!(b.login(&email, PASSWORD).await, "the admin signs in");
    b
}

/// The admin `email`, created with a password the first time.
pub(crate) async fn user_with_password_once(app: &TestApp, email: &str) -> i64 {
    match tend::agents::service::user_by_email(&app.st, email).await {
        Ok(u) => u.id,
        Err(_) => user_with_password(app, email, "Boss", Role::Admin).await,
    }
}

/// The secret on a "shown once" page.
pub(crate) fn secret_of(body: &str) -> String {
    between(
        body,
        "id=\"secret\" class=\"secret\" readonly value=\"",
        "\"",
    )
    .expect("a secret on the page")
    .to_string()
}

pub(crate) fn id_of(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

pub(crate) async fn events_of(app: &TestApp, conv: i64) -> Vec<Value> {
    let (s, b) = app
        .get(&format!("/api/v1/conversations/{conv}/events"), &app.admin)
        .await;
    assert_eq!(s, StatusCode::OK);
    b["items"].as_array().unwrap().clone()
}
